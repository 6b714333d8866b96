"""K-fold cross-validation: the recipe on each fold, per-fold metrics, mean and t interval, cancel."""
import dataclasses
import json
import math

import numpy as np
import pytest
from fixtures.training import make_tiny_arrays

from voxdesk.engine.datasets import ArraySamples, LabelledDataset, Split
from voxdesk.engine.progress import CancelToken
from voxdesk.engine.training.config import TrainConfig
from voxdesk.engine.training.crossval_report import pooled_figures, t_interval

CONFIG = TrainConfig(epochs=1, batch_size=8, input_size=(8, 8, 8))


def grouped_dataset(n_patients=8, scans=3, n_test=6):
    """Patient p has ``scans`` scans of class p % 2 (a 'train' split with groups) plus a test split."""
    x, y = make_tiny_arrays(n_per_class=n_patients * scans // 2 + n_test // 2, seed=3)
    order = np.concatenate([np.flatnonzero(y == c) for c in (0, 1)])
    x, y = x[order], y[order]
    per_class = n_patients * scans // 2
    train_idx = np.concatenate([np.flatnonzero(y == c)[:per_class] for c in (0, 1)])
    test_idx = np.setdiff1d(np.arange(len(y)), train_idx)
    # patient p: class p % 2, scans taken in order from that class's rows
    groups = np.empty(len(train_idx), object)
    for c in (0, 1):
        rows = np.flatnonzero(y[train_idx] == c)
        groups[rows] = [f"P{2 * (i // scans) + c}" for i in range(len(rows))]
    splits = {"train": Split(ArraySamples(x[train_idx]), y[train_idx], groups),
              "test": Split(ArraySamples(x[test_idx]), y[test_idx])}
    return LabelledDataset(["empty", "blob"], splits, "<grouped>", "csv")


def test_the_t_interval_is_mean_plus_minus_t_times_the_standard_error_clipped_to_the_range():
    from scipy.stats import t

    s = t_interval([0.8, 0.9, 1.0, None, float("nan")], bounds=(0.0, 1.0))
    half = t.ppf(0.975, 2) * 0.1 / math.sqrt(3)
    assert s["n"] == 3 and s["mean"] == pytest.approx(0.9) and s["sd"] == pytest.approx(0.1)
    assert s["ci"] == [pytest.approx(0.9 - half), 1.0]  # 0.9 + 0.248 is clipped to 1
    assert t_interval([0.7]) == {"mean": 0.7, "sd": None, "ci": None, "n": 1}
    assert t_interval([None])["mean"] is None


def test_pooled_out_of_fold_figures_sum_the_confusion_matrices():
    from voxdesk.engine.training.evaluation import wilson

    p = pooled_figures([{"confusion_matrix": [[3, 1], [0, 4]]}, {"confusion_matrix": [[2, 0], [1, 3]]}])
    assert p["confusion_matrix"] == [[5, 1], [1, 7]] and p["n"] == 14
    assert p["accuracy"] == pytest.approx(12 / 14) and p["accuracy_ci"] == wilson(12, 14)
    assert p["balanced_accuracy"] == pytest.approx((5 / 6 + 7 / 8) / 2)


def test_multi_worker_settings_are_refused():
    from voxdesk.engine.errors import ModelError
    from voxdesk.engine.training.crossval import crossval

    with pytest.raises(ModelError, match="trains on this machine only"):
        crossval(dataclasses.replace(CONFIG, workers=["a:1", "b:2"]), grouped_dataset(), 2)


def test_a_token_cancelled_before_the_start_trains_nothing():
    from voxdesk.engine.training.crossval import crossval

    token = CancelToken()
    token.cancel()
    cv = crossval(CONFIG, grouped_dataset(), 2, refit=True, cancel=token)
    assert cv.cancelled and cv.folds == [] and cv.refit is None and cv.summary["accuracy"]["n"] == 0


@pytest.mark.slow
def test_each_fold_trains_on_the_others_and_is_scored_on_its_own(tmp_path):
    pytest.importorskip("tensorflow")
    from scipy.stats import t

    from voxdesk.engine.training.crossval import crossval

    ds = grouped_dataset()
    n = len(ds.splits["train"])
    progress, seen = [], []
    config = dataclasses.replace(CONFIG, backup_dir=str(tmp_path / "backup"))
    cv = crossval(config, ds, 2, refit=True, progress=lambda f, m="": progress.append((f, m)),
                  on_fold=lambda f: seen.append(f.fold))
    # the folds' warnings once each, naming the folds (no patient in both a fold's training and validation)
    assert cv.warnings == ["folds 1, 2: validation split is held out by group but not stratified (4 groups)"]
    assert "crash-resume checkpoints are off during cross-validation" in cv.notes and cv.config.backup_dir is None
    assert not cv.cancelled and seen == [1, 2] and [f.fold for f in cv.folds] == [1, 2]
    assert cv.n == n and cv.pooled_from == ["train"] and cv.by_group and cv.test_untouched == 6
    held = [set(f.held_out.tolist()) for f in cv.folds]
    assert held[0].isdisjoint(held[1]) and held[0] | held[1] == set(range(n))  # every scan tested once
    patients = [set(f.groups) for f in cv.folds]
    assert patients[0].isdisjoint(patients[1]) and patients[0] | patients[1] == set(ds.splits["train"].groups)
    for f in cv.folds:
        m = f.metrics
        assert m["n"] == len(f.held_out) == f.split_sizes["test"]
        assert f.split_sizes["train"] + f.split_sizes["val"] == n - len(f.held_out)  # the rest, val carved
        assert 0 <= m["accuracy"] <= 1 and 0 <= m["balanced_accuracy"] <= 1 and 0 <= m["roc_auc"] <= 1
        assert m["ece"] >= 0 and m["accuracy_ci"][0] <= m["accuracy"] <= m["accuracy_ci"][1]
        assert f.epochs_run == 1 and f.timings["wall_s"] > 0
    accs = [f.metrics["accuracy"] for f in cv.folds]
    s = cv.summary["accuracy"]
    assert s["n"] == 2 and s["mean"] == pytest.approx(np.mean(accs))
    half = t.ppf(0.975, 1) * np.std(accs, ddof=1) / math.sqrt(2)
    assert s["ci"] == [pytest.approx(max(0, np.mean(accs) - half)), pytest.approx(min(1, np.mean(accs) + half))]
    assert cv.pooled["n"] == n and sum(map(sum, cv.pooled["confusion_matrix"])) == n
    # the refit trained on every pooled scan and is scored on the untouched test split
    r = cv.refit
    assert r.split_sizes["train"] + r.split_sizes["val"] == n and r.test_metrics["n"] == 6
    assert "after 2-fold cross-validation" in r.notes[-1]
    # progress: per fold, then the refit; fractions of the whole run, never backwards
    messages = [m for _, m in progress]
    assert any(m.startswith("fold 1/2, epoch 1/1") for m in messages)
    assert any(m.startswith("fold 2/2, epoch 1/1") for m in messages)
    assert any(m.startswith("refit on all data, epoch 1/1") for m in messages)
    fractions = [f for f, _ in progress]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)
    assert max(f for f, m in progress if m.startswith("fold 1/2")) <= 1 / 3 + 1e-9
    # the JSON form is strict JSON with one entry per fold
    d = json.loads(json.dumps(cv.to_dict(), allow_nan=False))
    assert [e["fold"] for e in d["per_fold"]] == [1, 2] and d["summary"]["accuracy"]["mean"] == s["mean"]
    assert len(cv.rows()) == 2


@pytest.mark.slow
def test_cancel_in_the_second_fold_keeps_the_first_and_skips_the_refit():
    pytest.importorskip("tensorflow")
    from voxdesk.engine.training.crossval import crossval

    token = CancelToken()
    messages = []

    def progress(fraction, message=""):
        messages.append(message)
        if message.startswith("fold 2/2, epoch"):
            token.cancel()

    cv = crossval(TrainConfig(epochs=3, batch_size=4, input_size=(8, 8, 8)), grouped_dataset(), 2, refit=True,
                  progress=progress, cancel=token)
    assert cv.cancelled and [f.fold for f in cv.folds] == [1] and cv.refit is None
    assert cv.summary["accuracy"]["n"] == 1 and cv.summary["accuracy"]["ci"] is None
    assert not any(m.startswith("refit") for m in messages)
    # stopped within the first epoch of fold 2: no message of a later epoch there
    assert not any(m.startswith(("fold 2/2, epoch 2", "fold 2/2, epoch 3")) for m in messages)
