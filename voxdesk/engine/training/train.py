"""``train(config, dataset, ...) -> TrainResult``: a labelled dataset in, a trustworthy model out.

The default recipe is built for the data clinicians have (a few hundred scans) and thinks in
optimiser steps, not epochs:

* batch size "auto" (``batch_size=None``): 16 below ``SMALL_DATA`` training samples, else 32, so
  that a small dataset still gets many updates per pass;
* epochs "auto" (``epochs=None``): enough passes for at least ``MIN_STEPS`` optimiser steps
  (``MIN_STEPS_SCAN`` for scan-sized inputs), at least ``MIN_EPOCHS`` (``MIN_EPOCHS_AUGMENTED``
  with augmentation), at most ``MAX_AUTO_EPOCHS``;
* learning rate: linear warm-up over the first ``WARMUP_FRACTION`` of the planned steps, then
  cosine decay to ``FINAL_LR_FRACTION`` of the peak at the planned end (``lr_schedule="cosine"``;
  ``"constant"`` keeps the rate). No rate is cut on a plateau: on a 48-scan validation set every
  epoch is a "plateau" (the old ReduceLROnPlateau had halved the rate to 1e-6 before it learned);
* early stopping on the validation loss *smoothed* over epochs (an exponential moving average,
  ``callbacks.SMOOTHING``) with ``early_stopping_patience`` epochs, and only once the run has had
  ``min_steps`` steps and half its planned epochs (with the cosine schedule ``ANNEAL_FRACTION`` of
  them, patience counted from there: ``early_stop_window``); the best smoothed epoch's weights are
  restored;
* models start near chance (softmax weights std 0.01: the first loss is about ln(classes));
* augmentation "auto" (``plan_augment``): off below ``SMALL_DATA`` samples, ``AugmentConfig()``
  from there on (flips when asked for; ``left_right_matters`` keeps the left-right axis unflipped);
* a run that fits its training set while validation stays at chance gets a warning (``memorised``);
* optional balanced class weights; Keras BackupAndRestore when ``backup_dir`` is set.

Splits (``splits.choose_splits``): the validation split is the dataset's ``val`` split when it has
one, else a stratified ``val_fraction`` of the training split; the test split is used only for the
final metrics, never for model selection. The per-batch/per-epoch reporting, smoothing and cancel
live in ``callbacks.py``.

Bundle statistics: ``consistency.training_data_stats`` over (at most 256 of) the training
samples becomes ``TrainResult.data_stats`` and the bundle's ``data_stats``, which inference
compares new volumes with; it also lets ``normalization="auto"`` recognise CT data.

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

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from voxdesk.engine.datasets import LabelledDataset
from voxdesk.engine.datasets.splits import MAX_DIGESTS, Subset, choose_splits, dataset_fingerprint, sample_digest
from voxdesk.engine.errors import ModelError
from voxdesk.engine.model.preprocessing import (
    PreprocessSpec,
    PreprocessStats,
    choose_normalization,
    make_spec,
    preprocess_batch,
    split_sample_shape,
)
from voxdesk.engine.progress import CancelToken, ProgressFn, no_progress
from voxdesk.engine.training.augment import array_dataset, stream_dataset
from voxdesk.engine.training.callbacks import progress_callback
from voxdesk.engine.training.config import (
    FINAL_LR_FRACTION,
    WARMUP_FRACTION,
    TrainConfig,
    describe_plan,
    early_stop_window,
    plan_augment,
    plan_run,
)
from voxdesk.engine.training.history import memorised
from voxdesk.engine.training.precision import as_float32, policy_scope, resolve

__all__ = ["TrainResult", "train"]

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
    notes: list[str] = field(default_factory=list)
    """Choices made for the user, e.g. what normalisation "auto" picked and why."""
    augment: dict = field(default_factory=dict)
    """The augmentation the run used (``AugmentConfig.to_dict``, "auto" resolved): the bundle's
    ``training.augment``, whose flips test-time augmentation repeats (``model.uncertainty``)."""
    data_stats: dict = field(default_factory=dict)
    """``consistency.training_data_stats`` of the training part (the bundle's ``data_stats``):
    what inference compares a new volume with (shape, spacing, orientation, intensity range)."""
    calibration: dict = field(default_factory=dict)
    """``model.calibration``: the temperature fitted on the validation split and the validation
    ECE/NLL before and after (applied to every probability the bundle gives)."""
    sample_digests: dict = field(default_factory=dict)
    """``{"train": [...], "val": [...]}``: ``splits.sample_digest`` of every sample the model was
    trained or selected on (empty when the data streamed from disk), so that ``evaluate`` can say
    when it is asked to score them."""
    precision: str = "float32"
    """The precision the run trained in (``precision.RESOLVED``); the model itself is float32."""

    def to_bundle(self):
        from voxdesk.engine.model.bundle import bundle_from_result

        return bundle_from_result(self)

    def save(self, path):
        from voxdesk.engine.model.bundle import save_bundle

        return save_bundle(self, path)


def _learning_rate(keras, config: TrainConfig, total_steps: int):
    if config.lr_schedule == "constant":
        return config.learning_rate
    warmup = max(1, int(round(total_steps * WARMUP_FRACTION)))
    return keras.optimizers.schedules.CosineDecay(
        config.learning_rate * FINAL_LR_FRACTION, decay_steps=max(1, total_steps - warmup),
        alpha=FINAL_LR_FRACTION, warmup_target=config.learning_rate, warmup_steps=warmup)


def _load_array(part: Subset, spec, stats, progress, cancel, lo, hi, chunk=512, digests=None) -> np.ndarray:
    """The preprocessed samples of ``part``; appends each raw sample's digest to ``digests``."""
    out = np.empty((len(part),) + spec.input_shape, np.float32)
    for start in range(0, len(part), chunk):
        if cancel is not None:
            cancel.raise_if_cancelled()
        stop = min(len(part), start + chunk)
        raw = part.batch(range(start, stop))
        if digests is not None and len(digests) < MAX_DIGESTS:
            digests.extend(sample_digest(r) for r in raw)
        out[start:stop] = preprocess_batch(raw, spec, stats, _spacings(part, range(start, stop), spec))
        progress(lo + (hi - lo) * stop / len(part), f"preparing data {stop}/{len(part)}")
    return out


def _spacings(samples, idx, spec):
    """The samples' voxel sizes when the spec resamples to millimetres (None otherwise: unused)."""
    from voxdesk.engine.datasets.base import sample_spacings

    return sample_spacings(samples, list(idx)) if spec.target_spacing is not None else None


def _target_spacing(config: TrainConfig, train_part, rank: int) -> tuple[float, ...] | None:
    """The config's target spacing on ``rank`` axes, after checking that the training scans have
    a known voxel size: a model told to work in millimetres must not learn from guessed ones."""
    ts = config.target_spacing_mm
    if ts is None:
        return None
    ts = tuple(float(v) for v in ts)
    if len(ts) != rank:
        if len(set(ts)) != 1:
            raise ModelError(f"target spacing {ts} mm has {len(ts)} values but the samples have {rank} spatial axes")
        ts = ts[:1] * rank
    n = len(train_part)
    idx = sorted({int(i) for i in np.linspace(0, n - 1, min(n, 64))}) if n else []
    from voxdesk.engine.datasets.base import sample_spacings

    for i, sp in zip(idx, sample_spacings(train_part, idx)):
        if sp is None:
            raise ModelError(
                f"a target spacing needs scans whose voxel size is known, and {train_part.describe(i)} has none "
                "(bare arrays: NPY, or HDF5 without a 'spacing' attribute); train without a target spacing, "
                "or use NIfTI/DICOM files")
    return ts


def _datasets(tf, train_part, val_part, spec, stats, batch_size, aug, config, progress, cancel, warnings):
    """(train tf.data, val tf.data or None, sample digests, in memory?): preprocessed once into
    memory when it fits ``config.in_memory_limit_mb``, else streamed from disk per batch."""
    n_bytes = (len(train_part) + len(val_part or ())) * int(np.prod(spec.input_shape)) * 4
    in_memory = n_bytes <= config.in_memory_limit_mb * 2**20
    progress(0.0, "preparing data")
    digests: dict[str, list[str]] = {"train": [], "val": []}
    if in_memory:
        x_train = _load_array(train_part, spec, stats, progress, cancel, 0.0, 0.04, digests=digests["train"])
        train_ds = array_dataset(x_train, train_part.labels, batch_size, shuffle=True, seed=config.seed, augment=aug)
        val_ds = None
        if val_part is not None:
            x_val = _load_array(val_part, spec, stats, progress, cancel, 0.04, 0.05, digests=digests["val"])
            val_ds = array_dataset(x_val, val_part.labels, batch_size)
    else:
        digests = {}  # not read twice just to record them: the bundle then cannot check for leakage
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
    return train_ds, val_ds, digests, in_memory


def _calibrate(model, val_part, spec, stats, batch_size, target: float) -> dict:
    """Temperature scaling fitted on the validation split (``model.calibration``): the bundle's
    ``calibration`` entry, with the validation ECE and NLL before and after."""
    from voxdesk.engine.model.calibration import (
        MIN_VALIDATION,
        apply_temperature,
        fit_temperature,
        nll,
        referral_threshold,
    )
    from voxdesk.engine.training.evaluation import expected_calibration_error, predict_split

    if val_part is None or len(val_part) < MIN_VALIDATION:
        return {"temperature": 1.0, "fitted_on": None,
                "note": f"probabilities not recalibrated (fewer than {MIN_VALIDATION} validation samples)"}
    y = np.asarray(val_part.labels)
    raw = predict_split(model, val_part, spec, _eval_batch(batch_size, spec), stats=stats)
    t = fit_temperature(y, raw)
    cal = apply_temperature(raw, t)
    out = {"temperature": t, "fitted_on": "validation split", "n": len(y),
           "val_ece_before": expected_calibration_error(y, raw), "val_ece_after": expected_calibration_error(y, cal),
           "val_nll_before": nll(y, raw), "val_nll_after": nll(y, cal), "referral": referral_threshold(y, cal, target)}
    out["note"] = (f"probabilities calibrated by temperature scaling on the validation split (T = {t:.2f}; "
                   f"validation ECE {out['val_ece_before']:.3f} -> {out['val_ece_after']:.3f})")
    return out


EVAL_BATCH_MB = 64
"""Largest input batch (MB) the validation/test predictions use: 64 samples of 16^3-32^3, but
at 96^3 a batch of 64 (217 MB in, ~1 GB of first-layer activations) lifted a streamed run's
peak RSS from ~1,130 MB (its training batches) to 1,456 MB; bounded, the peak is the training's
(1,128 MB; ``benchmarks/bench_streaming.py``)."""


def _eval_batch(batch_size: int, spec) -> int:
    sample_mb = int(np.prod(spec.input_shape)) * 4 / 2**20
    return max(batch_size, min(64, int(EVAL_BATCH_MB // max(sample_mb, 1e-9))))


def _class_weight(config: TrainConfig, labels) -> dict | None:
    if not config.class_weights:
        return None
    from sklearn.utils.class_weight import compute_class_weight

    present = np.unique(labels)
    weights = compute_class_weight("balanced", classes=present, y=labels)
    return {int(c): float(w) for c, w in zip(present, weights)}


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
    config.validate()
    from voxdesk.engine.model.schema import check_class_names

    check_class_names(dataset.class_names, str(getattr(dataset, "source", "the dataset")))
    parts = choose_splits(dataset, config.val_fraction, config.test_fraction, config.seed)
    train_part, val_part, test_part = parts.train, parts.val, parts.test
    warnings = list(parts.warnings)
    shape = train_part.sample_shape or np.shape(train_part[0])
    if train_part.sample_shape is None and config.input_size is None:
        warnings.append(f"samples have different shapes; all are resampled to the first one's {shape} "
                        "(set an input size to choose)")
    from voxdesk.engine.model.consistency import training_data_stats
    data_stats = training_data_stats(train_part, has_channels=split_sample_shape(shape)[2])
    normalization, norm_note = choose_normalization(config.normalization, data_stats,
                                                     config.input_size or split_sample_shape(shape)[0])
    spatial_rank = len(split_sample_shape(shape)[0])
    target_spacing = _target_spacing(config, train_part, spatial_rank)
    spec = make_spec(shape, config.input_size, normalization, target_spacing=target_spacing)
    if target_spacing is not None:
        norm_note += (f"; scans resampled to {' x '.join(f'{v:g}' for v in target_spacing)} mm voxels, the input "
                      f"covering {' x '.join(f'{n * v:g}' for n, v in zip(spec.spatial_shape, target_spacing))} mm")
    epochs, batch_size, steps = plan_run(len(train_part), config, input_shape=spec.input_shape)
    if config.batch_size and batch_size < config.batch_size:
        warnings.append(f"batch size {config.batch_size} is larger than the {len(train_part)} training samples; "
                        f"using {batch_size}")
    plan_note = describe_plan(config, epochs, steps, batch_size)

    from voxdesk.engine.training.distribute import choose_strategy, describe, fit_context

    strategy = choose_strategy(config.workers, config.worker_index)  # before any other TF work
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(config.seed)
    precision, precision_note = resolve(config.precision, spec.input_shape)
    stats = PreprocessStats()
    aug, aug_note = plan_augment(len(train_part), config)
    train_ds, val_ds, digests, in_memory = _datasets(tf, train_part, val_part, spec, stats, batch_size, aug, config,
                                                     progress, cancel, warnings)
    t_prepared = time.perf_counter()

    monitor = "val_loss" if val_ds is not None else "loss"
    start_from, patience_from = early_stop_window(config, epochs, steps, spec.input_shape)
    cb = progress_callback(keras, epochs=epochs, steps=steps, batch_size=batch_size, monitor=monitor,
                           progress=progress, on_epoch=on_epoch, on_batch=on_batch, cancel=cancel,
                           patience=config.early_stopping_patience, stop_from_epoch=start_from,
                           patience_from_epoch=patience_from)
    keras_callbacks = [cb]
    callbacks = keras_callbacks + list(callbacks or [])
    if config.backup_dir:
        callbacks.append(keras.callbacks.BackupAndRestore(config.backup_dir, delete_checkpoint=True))
    class_weight = _class_weight(config, train_part.labels)

    from voxdesk.engine.model.networks import build_model

    def build():
        return build_model(config.model, spec.input_shape, dataset.n_classes)

    try:
        with strategy.scope(), policy_scope(precision):  # Keras' global policy, restored after
            model = build()
            model.compile(optimizer=keras.optimizers.Adam(_learning_rate(keras, config, epochs * steps)),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"], jit_compile=False)
            with fit_context(strategy, model):  # Keras 3 + MultiWorkerMirroredStrategy; else a no-op
                fit = model.fit(train_ds, validation_data=val_ds, epochs=epochs, callbacks=callbacks,
                                class_weight=class_weight, shuffle=False, verbose=0)
        with strategy.scope():
            model = as_float32(model, build)  # the bundle's model predicts alike under any policy
    except tf.errors.ResourceExhaustedError as exc:
        raise ModelError(
            f"out of memory while training {config.model} on {spec.input_shape} inputs with batch size "
            f"{batch_size}; try a smaller batch size or input size ({str(exc).splitlines()[0][:120]})"
        ) from None
    t_fit = time.perf_counter()
    resumed = cb.first_epoch or 0  # BackupAndRestore resumed a crashed run after this many epochs
    history = {k: [math.nan] * resumed + [float(v) for v in vals] for k, vals in fit.history.items()}
    epochs_run = len(history.get("loss", []))
    if resumed:
        plan_note += (f"; resumed from the backup after epoch {resumed}: epochs 1-{resumed} ran before the "
                      f"crash (no history here), the best epoch is chosen among epochs {resumed + 1}-{epochs_run}")
    if cb.stopped_early and epochs_run < epochs:  # at the last planned epoch it simply ended
        plan_note += (f"; stopped early after epoch {epochs_run}: no better smoothed validation loss "
                      f"for {config.early_stopping_patience} epochs")

    from voxdesk.engine.model.calibration import refer_below
    calibration = (_calibrate(model, val_part, spec, stats, batch_size, config.referral_target)
                   if cb.best_epoch is not None else {})
    if calibration.get("note"):
        plan_note += "; " + calibration["note"]
    test_metrics = None
    if test_part is not None and len(test_part) and cb.best_epoch is not None:
        from voxdesk.engine.training.evaluation import evaluate_model

        progress(1.0, "evaluating on the test split")
        test_metrics = evaluate_model(model, test_part, spec, dataset.class_names,
                                      batch_size=_eval_batch(batch_size, spec), seed=config.seed, stats=stats,
                                      trained_digests=digests or None,  # duplicates across splits
                                      temperature=calibration.get("temperature", 1.0),
                                      refer_below=refer_below({"calibration": calibration}))
        if test_metrics.get("leakage_warning"):
            warnings.append("the test split repeats training samples: " + test_metrics["leakage_warning"])
    warnings.extend(stats.warnings() + memorised(history, dataset.n_classes))
    t_end = time.perf_counter()
    fit_s = cb.fit_seconds or (t_fit - t_prepared)
    return TrainResult(
        model=model, history=history, best_epoch=cb.best_epoch, epochs_run=epochs_run,
        test_metrics=test_metrics, spec=spec, class_names=list(dataset.class_names), config=config,
        cancelled=cb.cancelled, warnings=warnings, dataset_fingerprint=dataset_fingerprint(dataset),
        split_sizes={"train": len(train_part), "val": len(val_part or ()), "test": len(test_part or ()),
                     "val_source": parts.val_source, "test_source": parts.test_source,
                     "in_memory": in_memory, "batch_size": batch_size, "epochs_planned": epochs},
        strategy=describe(strategy), data_stats=data_stats, notes=[norm_note, plan_note, aug_note, precision_note],
        augment=aug.to_dict(),
        sample_digests={k: v for k, v in digests.items() if len(v) <= MAX_DIGESTS}, calibration=calibration,
        precision=precision, timings={"prepare_s": t_prepared - t_start, "fit_s": fit_s, "evaluate_s": t_end - t_fit,
                 "total_s": t_end - t_start,
                 "train_samples_per_s": min(cb.done, epochs_run * steps) * batch_size / max(fit_s, 1e-9)},
    )
