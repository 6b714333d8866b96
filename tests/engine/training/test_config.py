"""One validator for training settings: the engine's TrainConfig, used by the GUI form and the CLI."""
import pytest

from voxdesk.engine.errors import ModelError
from voxdesk.engine.training.config import TrainConfig, parse_input_size


def test_defaults_are_valid():
    assert TrainConfig().field_errors() == {}
    assert TrainConfig().validate() == TrainConfig()


@pytest.mark.parametrize("field, value, words", [
    ("model", "resnet9000", "unknown model"),
    ("epochs", 0, "between 1 and"),
    ("batch_size", -1, "between 1 and"),
    ("learning_rate", 0.0, "between 0 and 1"),
    ("learning_rate", 2.0, "between 0 and 1"),
    ("lr_schedule", "step", "unknown learning-rate schedule"),
    ("val_fraction", 1.0, "fraction"),
    ("normalization", "zscore-ish", "unknown normalisation"),
    ("input_size", (2, 32, 32), "between 4 and 512"),
    ("early_stopping_patience", 0, "at least 1"),
    ("augment", "sometimes", "not an augmentation setting"),
])
def test_each_bad_setting_is_named(field, value, words):
    errors = TrainConfig(**{field: value}).field_errors()
    assert list(errors) == [field]
    assert words in errors[field]
    with pytest.raises(ModelError, match=field.replace("_", " ")):
        TrainConfig(**{field: value}).validate()


def test_fractions_must_leave_training_samples():
    assert "leave samples to train" in TrainConfig(val_fraction=0.5, test_fraction=0.5).field_errors()["test_fraction"]


def test_messages_use_the_callers_names():
    with pytest.raises(ModelError) as err:
        TrainConfig(epochs=0, learning_rate=5).validate({"epochs": "--epochs", "learning_rate": "--lr"})
    assert str(err.value).startswith("--epochs: between 1 and")
    assert "; --lr: a number between 0 and 1" in str(err.value)


@pytest.mark.parametrize("text, rank, expected", [
    ("", None, None), ("32", None, (32, 32, 32)), ("32", 2, (32, 32)), ("32x24x16", 3, (32, 24, 16)),
    ("32, 24, 16", None, (32, 24, 16)), ("64×64", 2, (64, 64)),
])
def test_parse_input_size(text, rank, expected):
    assert parse_input_size(text, rank) == expected


@pytest.mark.parametrize("text, rank, words", [
    ("big", None, "one size"), ("3", None, "between 4 and 512"), ("32x32", 3, "3 spatial axes"),
    ("8x8x8x8", None, "2 or 3 sizes"),
])
def test_parse_input_size_refuses(text, rank, words):
    with pytest.raises(ValueError, match=words):
        parse_input_size(text, rank)
