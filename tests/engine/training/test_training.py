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


def weights_digest(model) -> str:
    import hashlib

    h = hashlib.sha256()
    for w in model.get_weights():
        h.update(np.ascontiguousarray(w).tobytes())
    return h.hexdigest()


def weights_per_epoch():
    """A Keras callback recording a digest of the model's weights at the end of every epoch."""
    import keras

    class Recorder(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.digests = []

        def on_epoch_end(self, epoch, logs=None):
            self.digests.append(weights_digest(self.model))

    return Recorder()


def learn_train_unlearn_val():
    """Separable training data and a validation split with the labels swapped: the better the
    model learns, the worse its validation loss, so the best epoch is the first one."""
    x, y = blobs(40)
    xv, yv = blobs(16, seed=1)
    xt, yt = blobs(10, seed=2)
    ds = LabelledDataset(["a", "b"], {"train": Split(ArraySamples(x), y), "val": Split(ArraySamples(xv), 1 - yv),
                                      "test": Split(ArraySamples(xt), yt)}, "<mem>", "xy-arrays")
    return ds, xv, 1 - yv


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


def test_the_model_returned_holds_the_best_epochs_weights_not_the_last():
    ds, xv, yv = learn_train_unlearn_val()
    recorder = weights_per_epoch()
    r = train(tiny(epochs=4, augment=NO_AUGMENT, seed=1), ds, callbacks=[recorder])
    val_loss = r.history["val_loss"]
    assert r.epochs_run == 4 and val_loss == sorted(val_loss)  # validation got worse every epoch
    assert r.best_epoch == 1
    digests = recorder.digests
    assert len(set(digests)) == 4  # the weights changed every epoch
    assert weights_digest(r.model) == digests[0] != digests[-1]
    # the model scores the validation split as epoch 1 did, not as the last epoch did
    from voxdesk.engine.model.predict import predict_raw

    p = predict_raw(r.model, r.spec, list(xv))
    cross_entropy = float(-np.log(p[np.arange(len(yv)), yv]).mean())
    assert cross_entropy == pytest.approx(val_loss[0], rel=1e-4) and cross_entropy < val_loss[-1] / 2
    # and what the user sees is calibrated on that split: never a worse fit to it
    pc = r.to_bundle().predict_proba(list(xv))
    assert float(-np.log(pc[np.arange(len(yv)), yv]).mean()) <= cross_entropy + 1e-6


def test_cancel_returns_the_best_model_so_far():
    ds, _, _ = learn_train_unlearn_val()
    token = CancelToken()

    def on_batch(info):
        if info["epoch"] == 3 and info["batch"] == 2:
            token.cancel()

    recorder = weights_per_epoch()
    r = train(tiny(epochs=20, augment=NO_AUGMENT, seed=1), ds, on_batch=on_batch, cancel=token,
              callbacks=[recorder])
    assert r.cancelled and r.epochs_run == 3 and r.best_epoch == 1  # stopped at the end of that batch
    assert weights_digest(r.model) == recorder.digests[0] != recorder.digests[-1]  # epoch 1's weights
    assert r.test_metrics["n"] == 10  # and that model was the one evaluated


def test_early_stopping_waits_for_the_minimum_steps_then_uses_patience():
    from voxdesk.engine.training.config import MIN_STEPS

    rng = np.random.default_rng(0)  # noise and random labels: the validation loss soon stops improving
    x, y = rng.normal(size=(40, 8, 8, 8)).astype(np.float32), rng.integers(0, 2, 40)
    recorder = weights_per_epoch()
    r = train(tiny(epochs=200, early_stopping_patience=1, lr_schedule="constant"), from_arrays(x, y),
              callbacks=[recorder])
    steps = r.split_sizes["train"] // 8 + bool(r.split_sizes["train"] % 8)
    # never before MIN_STEPS steps (and half the planned epochs); then 1 epoch without a better
    # smoothed validation loss ends the run long before 200 epochs
    assert 100 <= r.epochs_run < 200 and r.epochs_run >= -(-MIN_STEPS // steps)
    assert any(f"stopped early after epoch {r.epochs_run}" in n for n in r.notes)
    # stopped because the last epoch was not the best: the model holds the best epoch's weights
    assert r.best_epoch < r.epochs_run == len(recorder.digests)
    assert weights_digest(r.model) == recorder.digests[r.best_epoch - 1] != recorder.digests[-1]


def test_with_the_cosine_schedule_early_stopping_waits_for_the_anneal(monkeypatch):
    from voxdesk.engine.training import config as plan

    assert plan.early_stop_window(TrainConfig(), 45, 250, (16, 16, 16, 1)) == (34, 34)  # 3D-MNIST-like
    assert plan.early_stop_window(TrainConfig(lr_schedule="constant"), 45, 250, (16, 16, 16, 1)) == (22, 0)
    assert plan.early_stop_window(TrainConfig(), 48, 25, (48, 48, 48, 1)) == (48, 36)  # the CT demo: steps bind
    monkeypatch.setattr(plan, "MIN_STEPS", 1)  # only the schedule holds the run back here
    rng = np.random.default_rng(0)  # noise and random labels: the validation loss soon stops improving
    x, y = rng.normal(size=(40, 8, 8, 8)).astype(np.float32), rng.integers(0, 2, 40)
    r = train(tiny(epochs=40, early_stopping_patience=1), from_arrays(x, y))
    # stopped early, but not before 3/4 of the plan (30) plus the patience counted from there
    assert any(f"stopped early after epoch {r.epochs_run}" in n for n in r.notes)
    assert 31 <= r.epochs_run < 40 and r.epochs_run - max(r.best_epoch, 30) >= 1


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


def test_predefined_val_split_and_streaming():
    x, y = blobs(40)
    xv, yv = blobs(12, seed=1)
    xt, yt = blobs(10, seed=2)
    ds = LabelledDataset(["a", "b"], {"train": Split(ArraySamples(x), y), "val": Split(ArraySamples(xv), yv),
                                      "test": Split(ArraySamples(xt), yt)}, "<mem>", "xy-arrays")
    r = train(tiny(in_memory_limit_mb=0), ds)
    assert r.split_sizes["val"] == 12 and r.split_sizes["train"] == 40 and r.split_sizes["test"] == 10
    assert r.split_sizes["val_source"] == "val split" and r.test_metrics["n"] == 10
    assert r.split_sizes["in_memory"] is False
    assert any("streams from disk" in w for w in r.warnings)


def test_class_weights_make_the_rare_class_count_as_much_as_the_common_one():
    """36 common vs 6 rare training samples of pure noise: unweighted, the model learns the prior
    and gives the rare class about 6/42; with balanced class weights, about half."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(42, 8, 8, 8)).astype(np.float32), np.array([0] * 36 + [1] * 6)
    x_new = rng.normal(size=(20, 8, 8, 8)).astype(np.float32)
    ds = LabelledDataset(["common", "rare"], {"train": Split(ArraySamples(x), y)}, "<mem>", "xy-arrays")
    p_rare = {}
    for weighted in (False, True):
        r = train(tiny(epochs=3, augment=NO_AUGMENT, class_weights=weighted, val_fraction=0.0, test_fraction=0.0,
                       lr_schedule="constant"), ds)
        p_rare[weighted] = float(r.to_bundle().predict_proba(list(x_new))[:, 1].mean())
    assert p_rare[False] < 0.25 < 0.35 < p_rare[True] < 0.7, p_rare


@pytest.fixture(scope="module")
def crash_and_resume(tmp_path_factory):
    """A run with ``backup_dir`` that crashes as epoch 3 begins, then the same run again."""
    import keras

    backup = tmp_path_factory.mktemp("train") / "backup"

    class Crash(keras.callbacks.Callback):
        def __init__(self, at_epoch=None):
            super().__init__()
            self.at_epoch, self.begun, self.losses, self.backed_up = at_epoch, [], [], []

        def on_epoch_begin(self, epoch, logs=None):
            self.begun.append(epoch + 1)
            self.backed_up.append(sorted(p.name for p in backup.glob("*")) if backup.exists() else [])
            if epoch + 1 == self.at_epoch:
                raise KeyboardInterrupt("power cut")

        def on_epoch_end(self, epoch, logs=None):
            self.losses.append(float(logs["loss"]))

    x, y = blobs(32)
    ds = from_arrays(x, y)
    config = tiny(epochs=4, augment=NO_AUGMENT, seed=2, backup_dir=str(backup))
    crashed = Crash(at_epoch=3)
    with pytest.raises(KeyboardInterrupt):
        train(config, ds, callbacks=[crashed])
    left = sorted(p.name for p in backup.glob("*"))
    resumed = Crash()
    result = train(config, ds, callbacks=[resumed])
    return {"crashed": crashed, "left": left, "resumed": resumed, "result": result, "backup": backup}


def test_backup_dir_resumes_a_crashed_run_and_is_removed_when_training_ends(crash_and_resume):
    """``backup_dir`` (``voxdesk-cli train --backup-dir``): a checkpoint after every epoch; a run
    that crashed resumes at the epoch it crashed in, from the weights it had; a run that ends
    removes the checkpoint."""
    crashed, resumed = crash_and_resume["crashed"], crash_and_resume["resumed"]
    assert crashed.begun == [1, 2, 3] and crashed.backed_up[0] == []
    assert crashed.backed_up[1] and crashed.backed_up[2] == crashed.backed_up[1]  # written after epochs 1, 2
    assert crash_and_resume["left"] == crashed.backed_up[2]  # the crash left it for the next run
    assert resumed.begun == [3, 4]  # epochs 1-2 are not repeated
    assert resumed.losses[0] < crashed.losses[-1]  # epoch 3 starts from epoch 2's weights, not from scratch
    assert not crash_and_resume["backup"].exists()  # the run ended: the next run starts afresh


def test_a_resumed_run_reports_the_epochs_its_model_was_trained_for(crash_and_resume):
    """After a resume from backup_dir the history counts from epoch 1 (the epochs before the crash
    are NaN: they ran in the crashed process) and the best epoch lies within it."""
    r = crash_and_resume["result"]
    assert 1 <= r.best_epoch <= r.epochs_run == len(r.history["val_loss"])
    assert np.isnan(r.history["loss"][0]) and np.isfinite(r.history["loss"][-1])
    assert any("resumed from the backup after epoch 2" in n for n in r.notes)


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


def test_evaluation_batches_are_bounded_in_bytes_not_only_in_samples():
    """Validation/test predictions of large volumes use smaller batches, so that they never need
    more memory than training did (the peak of a streamed 96^3 run was its validation pass)."""
    from voxdesk.engine.model.preprocessing import make_spec
    from voxdesk.engine.training.train import EVAL_BATCH_MB, _eval_batch

    assert _eval_batch(32, make_spec((16, 16, 16))) == 64  # small volumes: as before
    big = make_spec((96, 96, 96))
    n = _eval_batch(8, big)
    assert 8 <= n < 64 and n * 96**3 * 4 <= EVAL_BATCH_MB * 2**20
    assert _eval_batch(16, make_spec((256, 256, 256))) == 16  # never below the training batch
