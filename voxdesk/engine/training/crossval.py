"""``crossval(config, dataset, folds=K) -> CrossvalResult``: K-fold cross-validation of the recipe.

What is cross-validated and how it is cut: ``datasets.folds`` (every split but ``test`` pooled;
stratified folds, by patient when the samples carry groups; the test split, if any, untouched).
Each fold runs the normal recipe, ``training.train`` itself, on a ``LabelledDataset`` whose
``train`` split is the other K-1 folds (``train`` carves its validation split from them for
early stopping and temperature scaling, as it always does) and whose ``test`` split is the
held-out fold; the fold's metrics are ``train``'s ``test_metrics`` (``evaluation``: Wilson
intervals, AUC where defined, ECE of the calibrated probabilities...).

Across folds (``crossval_report.summarise``): per metric the mean, the standard deviation and a
95% Student t interval (``scipy.stats.t``, K-1 degrees of freedom). The folds' training sets
overlap, so the folds are not independent and this interval is, if anything, too narrow (Nadeau
& Bengio 2003); it says how much the estimate moves with the split, not a guarantee. Also the
pooled out-of-fold figures: the K confusion matrices summed (every sample tested once), with a
Wilson interval for the accuracy.

``refit=True`` trains once more on the whole pool (``train`` again carves its validation split)
and scores it on the untouched test split when there is one: ``CrossvalResult.refit`` is that
``TrainResult``, ready to save as a bundle.

Progress: ``progress(fraction of the whole run, "fold 2/5, epoch 7/30 batch ...")``;
``on_epoch(info)`` gets ``train``'s epoch dicts plus ``fold`` and ``folds``; ``on_fold(FoldResult)``
after each fold. Cancel: the token reaches ``train`` (it stops at the end of the current batch);
``crossval`` then RETURNS a result with ``cancelled=True`` holding the folds that finished (the
fold cut short is dropped, and no refit runs).
"""
from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from voxdesk.engine.datasets import LabelledDataset
from voxdesk.engine.datasets.folds import check_folds, fold_dataset, make_folds, pool_for_crossval, refit_dataset
from voxdesk.engine.errors import ModelError
from voxdesk.engine.progress import Cancelled, CancelToken, ProgressFn, no_progress
from voxdesk.engine.training.config import TrainConfig

__all__ = ["FoldResult", "CrossvalResult", "crossval"]


@dataclass
class FoldResult:
    fold: int
    """1-based."""
    held_out: np.ndarray
    """Indices into the pool (``CrossvalResult.pooled_from`` splits end to end) tested in this fold."""
    metrics: dict
    """``evaluation.evaluate_predictions`` of the held-out fold (the model's calibrated probabilities)."""
    split_sizes: dict
    epochs_run: int
    best_epoch: int | None
    timings: dict
    """``train``'s (prepare_s, fit_s, evaluate_s, total_s...) plus ``wall_s`` of the whole fold."""
    groups: list[str] | None = None
    """The patients (groups) of the held-out fold, when the data has groups."""
    warnings: list[str] = field(default_factory=list)


@dataclass
class CrossvalResult:
    k: int
    folds: list[FoldResult]
    """The folds that finished, in order (fewer than ``k`` after a cancel)."""
    summary: dict
    """Per metric: ``{"mean", "sd", "ci", "n"}`` over the folds where it is defined (``crossval_report``)."""
    pooled: dict
    """Out-of-fold figures: the summed confusion matrix, accuracy with its Wilson interval, n."""
    class_names: list[str]
    config: TrainConfig
    n: int
    """Samples cross-validated."""
    pooled_from: list[str]
    by_group: bool
    test_untouched: int
    """Samples in the dataset's test split, which no fold saw (0 when it has none)."""
    cancelled: bool = False
    refit: object | None = None
    """The ``TrainResult`` refitted on all ``n`` samples when asked for (None otherwise, or cancelled)."""
    timings: dict = field(default_factory=dict)
    """total_s, folds_s (the sum), fold_s (per fold), refit_s."""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def rows(self) -> list[list]:
        from voxdesk.engine.training.crossval_report import fold_rows

        return fold_rows(self)

    def to_dict(self) -> dict:
        from voxdesk.engine.training.crossval_report import to_dict

        return to_dict(self)


def _scaled(progress: ProgressFn, lo: float, hi: float, prefix: str) -> ProgressFn:
    def report(fraction: float, message: str = "") -> None:
        progress(lo + (hi - lo) * min(max(fraction, 0.0), 1.0), f"{prefix}, {message}" if message else prefix)

    return report


def _with_fold(on_epoch, fold: int, k: int):
    if on_epoch is None:
        return None
    return lambda info: on_epoch(dict(info, fold=fold, folds=k))


class _NoRetracingNote(logging.Filter):
    """TensorFlow warns that tf.function "triggered retracing" once a process has built a few
    models: here one per fold, by design, so the warning would only alarm the user."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


@contextlib.contextmanager
def _quiet_retracing():
    log, note = logging.getLogger("tensorflow"), _NoRetracingNote()
    log.addFilter(note)
    try:
        yield
    finally:
        log.removeFilter(note)


def crossval(
    config: TrainConfig,
    dataset: LabelledDataset,
    folds: int = 5,
    *,
    refit: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    on_fold: Callable[[FoldResult], None] | None = None,
    on_epoch: Callable[[dict], None] | None = None,
) -> CrossvalResult:
    """K-fold cross-validation of ``config`` on ``dataset``; see the module docstring."""
    with _quiet_retracing():
        return _crossval(config, dataset, folds, refit, progress, cancel, on_fold, on_epoch)


def _crossval(config, dataset, folds, refit, progress, cancel, on_fold, on_epoch) -> CrossvalResult:
    from voxdesk.engine.training.crossval_report import pooled_figures, summarise
    from voxdesk.engine.training.train import train

    t0 = time.perf_counter()
    config.validate()
    if config.workers:
        raise ModelError("cross-validation trains on this machine only; leave the worker list empty")
    notes = []
    if config.backup_dir:  # one folder of checkpoints would resume fold 1's run inside fold 2's
        config = dataclasses.replace(config, backup_dir=None)
        notes.append("crash-resume checkpoints are off during cross-validation")
    pool = pool_for_crossval(dataset)
    check_folds(folds, pool.labels, pool.groups, dataset.class_names)
    held_out = make_folds(pool.labels, pool.groups, folds, config.seed)
    units = folds + (1 if refit else 0)
    warned: dict[str, list[int]] = {}  # warning -> the folds that gave it
    done: list[FoldResult] = []
    cancelled = False
    for i, test_idx in enumerate(held_out):
        if cancel is not None and cancel.cancelled:
            cancelled = True
            break
        t_fold = time.perf_counter()
        ds = fold_dataset(dataset, pool, test_idx)
        try:
            result = train(config, ds, progress=_scaled(progress, i / units, (i + 1) / units, f"fold {i + 1}/{folds}"),
                           on_epoch=_with_fold(on_epoch, i + 1, folds), cancel=cancel)
        except Cancelled:
            cancelled = True
            break
        if result.cancelled or result.test_metrics is None:
            cancelled = True
            break
        fold = FoldResult(
            fold=i + 1, held_out=test_idx, metrics=result.test_metrics, split_sizes=dict(result.split_sizes),
            epochs_run=result.epochs_run, best_epoch=result.best_epoch,
            timings=dict(result.timings, wall_s=time.perf_counter() - t_fold),
            groups=None if pool.groups is None else sorted(set(map(str, pool.groups[test_idx]))),
            warnings=list(result.warnings))
        for w in fold.warnings:
            warned.setdefault(w, []).append(fold.fold)
        done.append(fold)
        if on_fold is not None:
            on_fold(fold)
    summary = summarise([f.metrics for f in done])
    out = CrossvalResult(
        k=folds, folds=done, summary=summary, pooled=pooled_figures([f.metrics for f in done]),
        class_names=list(dataset.class_names), config=config, n=len(pool), pooled_from=pool.split_names,
        by_group=pool.groups is not None, test_untouched=0 if pool.test is None else len(pool.test),
        cancelled=cancelled,
        warnings=[f"fold{'s' if len(f) > 1 else ''} {', '.join(map(str, f))}: {w}" for w, f in warned.items()],
        notes=notes + [f"{folds}-fold cross-validation of {len(pool)} samples ({' + '.join(pool.split_names)})"
               + (", by patient" if pool.groups is not None else "") + ", stratified by class"
               + (f"; the {len(pool.test)}-sample test split stays untouched" if pool.test is not None else "")])
    t_folds = time.perf_counter()
    if refit and not cancelled:
        t_refit = time.perf_counter()
        try:
            result = train(config, refit_dataset(dataset, pool),
                           progress=_scaled(progress, folds / units, 1.0, "refit on all data"),
                           on_epoch=_with_fold(on_epoch, None, folds), cancel=cancel)
        except Cancelled:
            result = None
        if result is None or result.cancelled:
            out.cancelled = True
        else:
            from voxdesk.engine.datasets.splits import dataset_fingerprint

            result.dataset_fingerprint = dataset_fingerprint(dataset)  # what it was trained on, not the view
            result.notes.append(_refit_note(out))
            out.refit = result
        out.timings["refit_s"] = time.perf_counter() - t_refit
    out.timings.update(total_s=time.perf_counter() - t0, folds_s=t_folds - t0,
                       fold_s=[f.timings["wall_s"] for f in done])
    return out


def _refit_note(cv: CrossvalResult) -> str:
    acc = cv.summary.get("accuracy") or {}
    text = f"refitted on all {cv.n} cross-validated samples after {cv.k}-fold cross-validation"
    if acc.get("mean") is not None:
        text += f": accuracy {acc['mean']:.3f} across folds"
        if acc.get("ci"):
            text += f" (95% t interval {acc['ci'][0]:.3f}-{acc['ci'][1]:.3f})"
    return text
