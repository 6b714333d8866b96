"""train(): recipe, determinism, callbacks, cancel, streaming, bad input. Tiny 8^3 data."""
import numpy as np
import pytest

from voxdesk.engine.datasets import ArraySamples, LabelledDataset, Split, from_arrays
from voxdesk.engine.errors import DatasetError, ModelError
from voxdesk.engine.progress import CancelToken
from voxdesk.engine.training.augment import NO_AUGMENT
from voxdesk.engine.training.config import TrainConfig
from voxdesk.engine.training.train import train

pytest.importorskip("tensorflow")


def blobs(n=48, side=8, seed=0, classes=2):
    """Class c has a bright cube in octant c: trivially separable."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    x = rng.normal(0, 0.3, size=(n, side, side, side)).astype(np.float32)
    h = side // 2
    for i, c in enumerate(y):
        a, b = divmod(int(c), 2)
        x[i, a * h:(a + 1) * h, b * h:(b + 1) * h, :h] += 2.0
    return x, y


def tiny(**kw):
    kw.setdefault("epochs", 2)
    kw.setdefault("batch_size", 8)
    return TrainConfig(**kw)


@pytest.fixture(scope="module")
def result():
    x, y = blobs()
    return train(tiny(epochs=3, augment=NO_AUGMENT, seed=3), from_arrays(x, y, class_names=["a", "b"]))


def test_result_fields(result):
    assert set(result.history) >= {"loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"}
    assert result.epochs_run == 3 and 1 <= result.best_epoch <= 3
    assert result.split_sizes["train"] + result.split_sizes["val"] + result.split_sizes["test"] == 48
    assert result.test_metrics["n"] == result.split_sizes["test"]
    assert result.spec.input_shape == (8, 8, 8, 1)
    assert result.class_names == ["a", "b"] and not result.cancelled
    assert result.timings["train_samples_per_s"] > 0
    assert result.dataset_fingerprint.startswith("sha256:")
    assert result.model.input_shape[1:] == (8, 8, 8, 1)


def test_best_epoch_is_chosen_on_the_smoothed_validation_loss(result):
    from voxdesk.engine.training.callbacks import SMOOTHING

    smoothed, ema = [], None
    for v in result.history["val_loss"]:
        ema = v if ema is None else SMOOTHING * v + (1 - SMOOTHING) * ema
        smoothed.append(ema)
    assert result.best_epoch == int(np.argmin(smoothed)) + 1


def test_early_stopping_waits_for_the_minimum_steps_then_uses_patience():
    from voxdesk.engine.training.config import MIN_STEPS

    rng = np.random.default_rng(0)  # noise and random labels: the validation loss soon stops improving
    x, y = rng.normal(size=(40, 8, 8, 8)).astype(np.float32), rng.integers(0, 2, 40)
    r = train(tiny(epochs=200, early_stopping_patience=1, lr_schedule="constant"), from_arrays(x, y))
    steps = r.split_sizes["train"] // 8 + bool(r.split_sizes["train"] % 8)
    # never before MIN_STEPS steps (and half the planned epochs); then 1 epoch without a better
    # smoothed validation loss ends the run long before 200 epochs
    assert 100 <= r.epochs_run < 200 and r.epochs_run >= -(-MIN_STEPS // steps)
    assert any(f"stopped early after epoch {r.epochs_run}" in n for n in r.notes)


def test_same_config_same_metrics():
    x, y = blobs(32)
    ds = from_arrays(x, y)
    runs = [train(tiny(seed=5), ds) for _ in range(2)]  # with augmentation on
    assert runs[0].history == runs[1].history
    assert runs[0].test_metrics["accuracy"] == runs[1].test_metrics["accuracy"]


def test_progress_callbacks_and_eta():
    x, y = blobs(40)
    epochs, batches, fractions = [], [], []
    train(tiny(), from_arrays(x, y), progress=lambda f, m="": fractions.append(f),
          on_epoch=epochs.append, on_batch=batches.append)
    assert [e["epoch"] for e in epochs] == [1, 2]
    assert {"loss", "val_loss", "eta_s", "samples_per_s", "learning_rate", "best_epoch"} <= set(epochs[0])
    assert batches[0]["steps"] == len([b for b in batches if b["epoch"] == 1])
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_cancel_returns_best_model_so_far():
    x, y = blobs(64)
    token = CancelToken()

    def on_batch(info):
        if info["epoch"] == 2 and info["batch"] == 1:
            token.cancel()

    r = train(tiny(epochs=20), from_arrays(x, y), on_batch=on_batch, cancel=token)
    assert r.cancelled and r.epochs_run == 2 and r.best_epoch in (1, 2)
    assert r.model is not None and r.test_metrics is not None


def test_predefined_val_split_class_weights_and_streaming(tmp_path):
    x, y = blobs(40)
    xv, yv = blobs(12, seed=1)
    xt, yt = blobs(10, seed=2)
    ds = LabelledDataset(["a", "b"], {"train": Split(ArraySamples(x), y), "val": Split(ArraySamples(xv), yv),
                                      "test": Split(ArraySamples(xt), yt)}, "<mem>", "xy-arrays")
    r = train(tiny(class_weights=True, in_memory_limit_mb=0, backup_dir=str(tmp_path / "bk")), ds)
    assert r.split_sizes["val"] == 12 and r.split_sizes["train"] == 40 and r.split_sizes["test"] == 10
    assert r.split_sizes["in_memory"] is False
    assert any("streams from disk" in w for w in r.warnings)


def test_2d_rgb_stack_trains():
    rng = np.random.default_rng(0)
    y = np.arange(24) % 2
    x = rng.random((24, 12, 12, 3)).astype(np.float32)
    x[y == 1, :6] += 1
    r = train(tiny(epochs=1), from_arrays(x, y))
    assert r.model.input_shape[1:] == (12, 12, 3)


def test_mixed_shapes_and_nan_voxels_are_resampled_and_cleaned():
    x, y = blobs(24)
    vols = [v if i % 3 else np.pad(v, 1) for i, v in enumerate(x)]
    vols[0] = vols[0].copy()
    vols[0][0, 0, 0] = np.nan

    class ListSamples(ArraySamples):
        def __init__(self, items):
            self.items = items

        def __len__(self):
            return len(self.items)

        def __getitem__(self, i):
            return self.items[i]

        def batch(self, idx):
            return [self.items[i] for i in idx]

        sample_shape = None

    ds = LabelledDataset(["a", "b"], {"all": Split(ListSamples(vols), y)}, "<mem>", "class-folders")
    r = train(tiny(epochs=1, input_size=(8, 8, 8)), ds)
    assert any("NaN" in w for w in r.warnings)
    assert any("different shapes" in w for w in r.warnings)


def test_small_dataset_adapts_batch_size():
    x, y = blobs(12)
    r = train(tiny(epochs=1, batch_size=64), from_arrays(x, y))
    assert r.split_sizes["batch_size"] < 64 and any("batch size" in w for w in r.warnings)


@pytest.mark.parametrize("case,message", [
    ("empty", "empty"), ("one-class", "at least 2 classes"), ("one-class-in-train", "only class"),
    ("out-of-range", "outside"), ("bad-model", "unknown model"),
])
def test_bad_input_is_a_clear_error(case, message):
    x, y = blobs(12)
    config = tiny(epochs=1)
    if case == "empty":
        ds = from_arrays(np.zeros((0, 8, 8, 8)), np.zeros(0, int), class_names=["a", "b"])
    elif case == "one-class":
        ds = from_arrays(x, np.zeros(12, int))
    elif case == "one-class-in-train":
        ds = from_arrays(x, np.zeros(12, int), class_names=["a", "b"])
    elif case == "out-of-range":
        ds = from_arrays(x, np.full(12, 5), class_names=["a", "b"])
    else:
        ds, config = from_arrays(x, y), tiny(model="nope")
    with pytest.raises((DatasetError, ModelError), match=message):
        train(config, ds)


def test_out_of_memory_becomes_a_hint(monkeypatch):
    import keras
    import tensorflow as tf

    def boom(*a, **k):
        raise tf.errors.ResourceExhaustedError(None, None, "OOM when allocating tensor")

    monkeypatch.setattr(keras.Model, "fit", boom)
    x, y = blobs(16)
    with pytest.raises(ModelError, match="smaller batch size"):
        train(tiny(epochs=1), from_arrays(x, y))
