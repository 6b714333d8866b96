"""A run's history: the CSV writer and the memorisation warning."""
import csv
import math

from voxdesk.engine.training.history import memorised, write_history_csv


def test_history_csv_has_a_row_per_epoch_and_leaves_missing_cells_empty(tmp_path):
    path = write_history_csv({"loss": [1.0, 0.5], "val_loss": [1.1]}, tmp_path / "history.csv")
    rows = list(csv.reader(path.open()))
    assert rows == [["epoch", "loss", "val_loss"], ["1", "1.0", "1.1"], ["2", "0.5", ""]]


def test_a_run_that_fits_training_data_with_validation_at_chance_is_called_memorised():
    # brain MR seed 2 without augmentation: training 0.99, validation 0.50 in every epoch
    history = {"accuracy": [0.5, 0.8, 0.99], "val_accuracy": [0.5, 0.55, 0.5]}
    (warning,) = memorised(history, n_classes=2)
    assert "memorised" in warning and "99%" in warning and "55%" in warning and "flips" in warning


def test_learning_underfitting_and_resumed_runs_are_not_called_memorised():
    assert memorised({"accuracy": [0.6, 0.99], "val_accuracy": [0.5, 0.9]}, 2) == []  # it learned
    assert memorised({"accuracy": [0.4, 0.6], "val_accuracy": [0.5, 0.5]}, 2) == []  # still fitting
    assert memorised({"accuracy": [0.99], "val_accuracy": [0.6]}, 3) == []  # 3 classes: 60% beats chance
    assert len(memorised({"accuracy": [0.99], "val_accuracy": [0.45]}, 3)) == 1  # 45%: near 33%
    assert memorised({"accuracy": [0.99]}, 2) == []  # no validation split
    resumed = {"accuracy": [math.nan, 0.95], "val_accuracy": [math.nan, 0.52]}
    assert len(memorised(resumed, 2)) == 1
