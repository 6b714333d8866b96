"""``train(config, dataset, ...) -> TrainResult``: a labelled dataset in, a trustworthy model out.

Recipe: Adam + ReduceLROnPlateau, EarlyStopping on the validation loss, the weights of the best
epoch restored at the end (also after a cancel), optional balanced class weights, Keras
BackupAndRestore when ``backup_dir`` is set. The validation split is the dataset's ``val``
split when it has one, else a stratified ``val_fraction`` of the training split; the test
split (``test``, else a stratified ``test_fraction`` carved from a lone ``all`` split) is used
only for the final metrics, never for model selection.

Data: when the preprocessed training data fits in ``in_memory_limit_mb`` it is preprocessed
once into an array and batched by shuffled indices; otherwise it streams from disk per batch
(``augment.stream_dataset``). Seeds: ``keras.utils.set_random_seed(config.seed)`` plus seeded
splits, shuffles and augmentation, so the same config and data give the same metrics on CPU.

Cancel: set the ``CancelToken``; training stops at the end of the current batch and ``train``
RETURNS a TrainResult with ``cancelled=True`` holding the best weights so far (the GUI wants a
usable model). ``Cancelled`` is raised only when the token is set before training started
(while data is being prepared), when there is no model to return.
"""
from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import numpy as np

from voxdesk.engine.augment import AugmentConfig, NO_AUGMENT, array_dataset, stream_dataset
from voxdesk.engine.datasets import LabelledDataset
from voxdesk.engine.errors import DatasetError, ModelError
from voxdesk.engine.models import DEFAULT_MODEL, MODELS
from voxdesk.engine.preprocessing import PreprocessSpec, PreprocessStats, make_spec, preprocess_batch
from voxdesk.engine.progress import CancelToken, Cancelled, ProgressFn, no_progress

__all__ = ["TrainConfig", "TrainResult", "train", "dataset_fingerprint", "Subset"]


@dataclass
class TrainConfig:
    model: str = DEFAULT_MODEL
    input_size: tuple[int, ...] | None = None
    """Spatial size the samples are resampled to; None = the dataset's sample shape."""
    epochs: int = 30
    batch_size: int = 32
    learning_rate: float = 1e-3
    val_fraction: float = 0.2
    test_fraction: float = 0.2
    """Only used when the dataset has no ``test`` split."""
    augment: AugmentConfig | None = field(default_factory=AugmentConfig)
    """None (or a config with every part off) = no augmentation."""
    normalization: str = "minmax"
    class_weights: bool = False
    seed: int = 0
    early_stopping_patience: int = 8
    reduce_lr_patience: int = 3
    backup_dir: str | None = None
    in_memory_limit_mb: float = 1024.0
    workers: list[str] | None = None
    worker_index: int = 0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["augment"] = self.augment.to_dict() if self.augment is not None else None
        d["input_size"] = list(self.input_size) if self.input_size else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        d = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        if d.get("augment") is not None:
            d["augment"] = AugmentConfig.from_dict(d["augment"])
        if d.get("input_size"):
            d["input_size"] = tuple(d["input_size"])
        return cls(**d)


@dataclass
class TrainResult:
    model: Any
    history: dict[str, list[float]]
    best_epoch: int | None
    """1-based epoch whose weights the model holds; None if cancelled within the first epoch."""
    epochs_run: int
    test_metrics: dict | None
    """``evaluation.evaluate_predictions`` on the test split (None when there is none/cancelled early)."""
    spec: PreprocessSpec
    class_names: list[str]
    config: TrainConfig
    cancelled: bool = False
    timings: dict = field(default_factory=dict)
    """prepare_s, fit_s, evaluate_s, total_s, train_samples_per_s."""
    warnings: list[str] = field(default_factory=list)
    dataset_fingerprint: str = ""
    split_sizes: dict = field(default_factory=dict)
    strategy: str = ""

    def to_bundle(self):
        from voxdesk.engine.bundle import bundle_from_result

        return bundle_from_result(self)

    def save(self, path):
        from voxdesk.engine.bundle import save_bundle

        return save_bundle(self, path)


def dataset_fingerprint(dataset: LabelledDataset, samples_per_split: int = 8) -> str:
    """sha256 over class names, split sizes, every label and a few evenly spaced samples."""
    h = hashlib.sha256()
    h.update(json.dumps({"classes": dataset.class_names, "layout": dataset.layout,
                         "splits": {k: len(v) for k, v in sorted(dataset.splits.items())}}).encode())
    for name, split in sorted(dataset.splits.items()):
        h.update(np.asarray(split.labels, np.int64).tobytes())
        n = len(split)
        for i in sorted(set(np.linspace(0, n - 1, min(n, samples_per_split)).astype(int).tolist())):
            h.update(np.ascontiguousarray(split.samples[i]).tobytes())
    return "sha256:" + h.hexdigest()


class Subset:
    """A view of some indices of a ``Samples`` collection (itself a ``Samples``)."""

    def __init__(self, samples, indices, labels) -> None:
        self._base = samples
        self.indices = np.asarray(indices, np.int64)
        self.labels = np.asarray(labels, np.int64)[self.indices]

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i: int) -> np.ndarray:
        return self._base[int(self.indices[i])]

    def batch(self, idx) -> list[np.ndarray]:
        return self._base.batch(self.indices[np.asarray(list(idx), np.int64)])

    @property
    def samples(self) -> "Subset":
        """A Subset is its own ``Split``-like (``.samples``, ``.labels``) for evaluation."""
        return self

    @property
    def sample_shape(self):
        return self._base.sample_shape

    def describe(self, i: int) -> str:
        return self._base.describe(int(self.indices[i]))


@dataclass
class _Parts:
    train: Subset
    val: Subset | None
    test: Subset | None
    val_source: str
    test_source: str
    warnings: list[str]


def _carve(labels, fraction, seed, what, warnings):
    """Stratified (when possible) split of ``range(len(labels))`` into (kept, carved)."""
    from sklearn.model_selection import train_test_split

    n = len(labels)
    idx = np.arange(n)
    n_out = int(round(n * fraction))
    if fraction <= 0 or n_out < 1 or n - n_out < 1:
        if fraction > 0:
            warnings.append(f"too few samples ({n}) to hold out a {what} split")
        return idx, None
    counts = np.bincount(labels)
    counts = counts[counts > 0]
    stratify = labels if counts.min() >= 2 and n_out >= len(counts) and n - n_out >= len(counts) else None
    if stratify is None:
        warnings.append(f"{what} split is not stratified (some classes have too few samples)")
    kept, out = train_test_split(idx, test_size=n_out, random_state=seed, stratify=stratify)
    return np.sort(kept), np.sort(out)


def choose_splits(dataset: LabelledDataset, val_fraction: float, test_fraction: float, seed: int) -> _Parts:
    """Train/val/test views; validates labels. The test split never feeds model selection."""
    splits = dataset.splits
    k = dataset.n_classes
    if k < 2:
        raise DatasetError(f"a classifier needs at least 2 classes; the dataset has {k} ({dataset.class_names})")
    for name, split in splits.items():
        labels = np.asarray(split.labels)
        if len(labels) and (labels.min() < 0 or labels.max() >= k):
            bad = labels[(labels < 0) | (labels >= k)][0]
            raise DatasetError(f"split {name!r} has label {bad} outside 0..{k - 1} ({k} class names)")
    train_name = "train" if "train" in splits else "all" if "all" in splits else None
    if train_name is None:
        raise DatasetError(f"no 'train' or 'all' split to train on (splits: {', '.join(splits) or 'none'})")
    split = splits[train_name]
    if len(split) == 0:
        raise DatasetError("the dataset is empty: no training samples")
    warnings: list[str] = []
    idx = np.arange(len(split))
    test = None
    test_source = "none"
    if "test" in splits and len(splits["test"]):
        t = splits["test"]
        test, test_source = Subset(t.samples, np.arange(len(t)), t.labels), "test split"
    elif train_name == "all":
        kept, out = _carve(split.labels, test_fraction, seed, "test", warnings)
        if out is not None:
            test, test_source = Subset(split.samples, out, split.labels), f"{test_fraction:.0%} of 'all'"
            idx = kept
    val, val_source = None, "none"
    val_name = next((n for n in ("val", "valid", "validation") if n in splits and len(splits[n])), None)
    if val_name:
        v = splits[val_name]
        val, val_source = Subset(v.samples, np.arange(len(v)), v.labels), f"{val_name} split"
    else:
        kept, out = _carve(split.labels[idx], val_fraction, seed + 1, "validation", warnings)
        if out is not None:
            val, val_source = Subset(split.samples, idx[out], split.labels), f"{val_fraction:.0%} of '{train_name}'"
            idx = idx[kept]
    train = Subset(split.samples, idx, split.labels)
    present = np.unique(train.labels)
    if len(present) < 2:
        raise DatasetError(
            f"the training data holds only class {dataset.class_names[present[0]]!r}; "
            "a classifier needs examples of at least 2 classes"
        )
    if len(present) < k:
        warnings.append(f"{k - len(present)} class(es) have no training samples")
    return _Parts(train, val, test, val_source, test_source, warnings)


def _load_array(part: Subset, spec, stats, progress, cancel, lo, hi, chunk=512) -> np.ndarray:
    out = np.empty((len(part),) + spec.input_shape, np.float32)
    for start in range(0, len(part), chunk):
        if cancel is not None:
            cancel.raise_if_cancelled()
        stop = min(len(part), start + chunk)
        out[start:stop] = preprocess_batch(part.batch(range(start, stop)), spec, stats)
        progress(lo + (hi - lo) * stop / len(part), f"preparing data {stop}/{len(part)}")
    return out


def _progress_callback(keras, *, epochs, steps, batch_size, monitor, progress, on_epoch, on_batch, cancel):
    class VoxdeskProgress(keras.callbacks.Callback):
        """Per-batch/per-epoch reports with ETA, cancel -> stop_training, best weights kept."""

        def on_train_begin(self, logs=None):
            self.t0 = time.perf_counter()
            self.done = 0
            self.best, self.best_weights, self.best_epoch = math.inf, None, None
            self.cancelled = False
            self.epoch = 0
            self.fit_seconds = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
            self.t_epoch = time.perf_counter()

        def _eta(self):
            elapsed = time.perf_counter() - self.t0
            remaining = epochs * steps - self.done
            return elapsed / max(self.done, 1) * remaining

        def on_train_batch_end(self, batch, logs=None):
            self.done += 1
            elapsed = time.perf_counter() - self.t_epoch
            rate = (batch + 1) * batch_size / max(elapsed, 1e-9)
            eta = self._eta()
            progress(0.05 + 0.95 * min(1.0, self.done / (epochs * steps)),
                     f"epoch {self.epoch + 1}/{epochs} batch {batch + 1}/{steps} "
                     f"{rate:.0f} samples/s ETA {eta:.0f} s")
            if on_batch is not None:
                on_batch({"epoch": self.epoch + 1, "epochs": epochs, "batch": batch + 1, "steps": steps,
                          "samples_per_s": rate, "eta_s": eta,
                          **{k: float(v) for k, v in (logs or {}).items()}})
            if cancel is not None and cancel.cancelled:
                self.cancelled = True
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            logs = {k: float(v) for k, v in (logs or {}).items()}
            value = logs.get(monitor, logs.get("loss", math.inf))
            if value < self.best:
                self.best, self.best_epoch = value, epoch + 1
                self.best_weights = self.model.get_weights()
            self.done = max(self.done, (epoch + 1) * steps)
            seconds = time.perf_counter() - self.t_epoch
            lr = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
            if on_epoch is not None:
                on_epoch({"epoch": epoch + 1, "epochs": epochs, "seconds": seconds, "learning_rate": lr,
                          "samples_per_s": steps * batch_size / max(seconds, 1e-9), "eta_s": self._eta(),
                          "best_epoch": self.best_epoch, "cancelled": self.cancelled, **logs})

        def on_train_end(self, logs=None):
            self.fit_seconds = time.perf_counter() - self.t0
            if self.best_weights is not None:
                self.model.set_weights(self.best_weights)

    return VoxdeskProgress()


def train(
    config: TrainConfig,
    dataset: LabelledDataset,
    *,
    progress: ProgressFn = no_progress,
    on_epoch: Callable[[dict], None] | None = None,
    on_batch: Callable[[dict], None] | None = None,
    cancel: CancelToken | None = None,
    callbacks: list | None = None,
) -> TrainResult:
    """Train ``config.model`` on ``dataset``; see the module docstring for the recipe.

    ``callbacks``: extra Keras callbacks appended to VoxDesk's own (benchmarks, experiments).
    """
    t_start = time.perf_counter()
    if config.model not in MODELS:
        raise ModelError(f"unknown model {config.model!r}; choose one of: {', '.join(MODELS)}")
    if config.epochs < 1 or config.batch_size < 1 or not config.learning_rate > 0:
        raise ModelError("epochs, batch size and learning rate must be positive")
    parts = choose_splits(dataset, config.val_fraction, config.test_fraction, config.seed)
    train_part, val_part, test_part = parts.train, parts.val, parts.test
    warnings = list(parts.warnings)
    batch_size = config.batch_size
    if len(train_part) < batch_size:
        warnings.append(f"batch size {batch_size} is larger than the {len(train_part)} training samples; "
                        f"using {len(train_part)}")
        batch_size = len(train_part)
    shape = train_part.sample_shape or np.shape(train_part[0])
    if train_part.sample_shape is None and config.input_size is None:
        warnings.append(f"samples have different shapes; all are resampled to the first one's {shape} "
                        "(set an input size to choose)")
    spec = make_spec(shape, config.input_size, config.normalization)

    from voxdesk.engine.distribute import choose_strategy, describe

    strategy = choose_strategy(config.workers, config.worker_index)  # before any other TF work
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(config.seed)
    stats = PreprocessStats()
    aug = config.augment if config.augment is not None else NO_AUGMENT
    n_bytes = (len(train_part) + len(val_part or ())) * int(np.prod(spec.input_shape)) * 4
    in_memory = n_bytes <= config.in_memory_limit_mb * 2**20
    progress(0.0, "preparing data")
    if in_memory:
        x_train = _load_array(train_part, spec, stats, progress, cancel, 0.0, 0.04)
        train_ds = array_dataset(x_train, train_part.labels, batch_size, shuffle=True, seed=config.seed, augment=aug)
        val_ds = None
        if val_part is not None:
            x_val = _load_array(val_part, spec, stats, progress, cancel, 0.04, 0.05)
            val_ds = array_dataset(x_val, val_part.labels, batch_size)
    else:
        warnings.append(f"training data ({n_bytes / 2**20:.0f} MB preprocessed) streams from disk")
        train_ds = stream_dataset(train_part, train_part.labels, spec, batch_size, shuffle=True,
                                  seed=config.seed, augment=aug, stats=stats)
        val_ds = None if val_part is None else stream_dataset(val_part, val_part.labels, spec, batch_size)
    if cancel is not None:
        cancel.raise_if_cancelled()
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    train_ds = train_ds.with_options(options)
    val_ds = val_ds.with_options(options) if val_ds is not None else None
    t_prepared = time.perf_counter()

    monitor = "val_loss" if val_ds is not None else "loss"
    steps = math.ceil(len(train_part) / batch_size)
    cb = _progress_callback(keras, epochs=config.epochs, steps=steps, batch_size=batch_size, monitor=monitor,
                            progress=progress, on_epoch=on_epoch, on_batch=on_batch, cancel=cancel)
    keras_callbacks = [
        cb,
        keras.callbacks.ReduceLROnPlateau(monitor=monitor, factor=0.5, patience=config.reduce_lr_patience,
                                          min_lr=1e-6, verbose=0),
        keras.callbacks.EarlyStopping(monitor=monitor, patience=config.early_stopping_patience, verbose=0),
    ]
    callbacks = keras_callbacks + list(callbacks or [])
    if config.backup_dir:
        callbacks.append(keras.callbacks.BackupAndRestore(config.backup_dir, delete_checkpoint=True))
    class_weight = None
    if config.class_weights:
        from sklearn.utils.class_weight import compute_class_weight

        present = np.unique(train_part.labels)
        weights = compute_class_weight("balanced", classes=present, y=train_part.labels)
        class_weight = {int(c): float(w) for c, w in zip(present, weights)}

    from voxdesk.engine.models import build_model

    try:
        with strategy.scope():
            model = build_model(config.model, spec.input_shape, dataset.n_classes)
            model.compile(optimizer=keras.optimizers.Adam(config.learning_rate),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"], jit_compile=False)
            if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
                # Keras 3.x bug (keras-team/keras#20585): fit's eager "symbolic build" reduces a
                # PerReplica batch across workers and fails. Defer the build to tracing, as Keras
                # does for models made outside a strategy, and run fit inside the scope instead.
                model._distribute_strategy = None
            fit = model.fit(train_ds, validation_data=val_ds, epochs=config.epochs, callbacks=callbacks,
                            class_weight=class_weight, shuffle=False, verbose=0)
    except tf.errors.ResourceExhaustedError as exc:
        raise ModelError(
            f"out of memory while training {config.model} on {spec.input_shape} inputs with batch size "
            f"{batch_size}; try a smaller batch size or input size ({str(exc).splitlines()[0][:120]})"
        ) from None
    t_fit = time.perf_counter()
    history = {k: [float(v) for v in vals] for k, vals in fit.history.items()}
    epochs_run = len(history.get("loss", []))

    test_metrics = None
    if test_part is not None and len(test_part) and cb.best_epoch is not None:
        from voxdesk.engine.evaluation import evaluate_model

        progress(1.0, "evaluating on the test split")
        test_metrics = evaluate_model(model, test_part, spec, dataset.class_names,
                                      batch_size=max(batch_size, 64), seed=config.seed, stats=stats)
    warnings.extend(stats.warnings())
    t_end = time.perf_counter()
    fit_s = cb.fit_seconds or (t_fit - t_prepared)
    return TrainResult(
        model=model, history=history, best_epoch=cb.best_epoch, epochs_run=epochs_run,
        test_metrics=test_metrics, spec=spec, class_names=list(dataset.class_names), config=config,
        cancelled=cb.cancelled, warnings=warnings, dataset_fingerprint=dataset_fingerprint(dataset),
        split_sizes={"train": len(train_part), "val": len(val_part or ()), "test": len(test_part or ()),
                     "val_source": parts.val_source, "test_source": parts.test_source,
                     "in_memory": in_memory, "batch_size": batch_size},
        strategy=describe(strategy),
        timings={"prepare_s": t_prepared - t_start, "fit_s": fit_s, "evaluate_s": t_end - t_fit,
                 "total_s": t_end - t_start,
                 "train_samples_per_s": min(cb.done, epochs_run * steps) * batch_size / max(fit_s, 1e-9)},
    )
