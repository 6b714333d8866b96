"""The training job on a QThread: the engine's ``train`` with throttled per-batch reports.

``TrainWorker`` is the viewer's generic :class:`~voxdesk.gui.infra.workers.Worker` plus one signal,
``batch_ended(dict)``. Keras calls ``on_batch`` after every batch (hundreds per second on a
small model); forwarding each one would flood the GUI thread's event queue and make it fight
the training thread for the GIL. :class:`Throttle` (in the worker thread) forwards at most one
batch report per ``min_interval`` seconds (default 50 ms, i.e. <= 20 GUI updates/s), always
the last batch of an epoch, and never drops epoch reports.

TensorFlow is imported here, inside the job, on the worker thread: the window shows and stays
responsive during the 5-8 s import and during the first ``fit`` call's graph tracing.

TensorFlow's loading traps (a GIL stall, a symbol clash with Mesa) are handled in
:mod:`voxdesk.gui.infra.tf_runtime`.
"""
from __future__ import annotations

import time
from typing import Any, Callable

from PySide6.QtCore import Signal

from voxdesk.gui.infra.tf_runtime import check_tensorflow_loadable, preload_tensorflow_libraries
from voxdesk.gui.infra.workers import Worker

BATCH_REPORT_INTERVAL_S = 0.05


class Throttle:
    """``ready(force)`` is True at most once per ``min_interval`` seconds (or when forced)."""

    def __init__(self, min_interval: float = BATCH_REPORT_INTERVAL_S, clock: Callable[[], float] = time.monotonic):
        self.min_interval = float(min_interval)
        self._clock = clock
        self._last = -float("inf")

    def ready(self, force: bool = False) -> bool:
        now = self._clock()
        if force or now - self._last >= self.min_interval:
            self._last = now
            return True
        return False


class TrainWorker(Worker):
    """A Worker whose job is ``train(config, dataset, ...)``; returns the TrainResult.

    ``returned`` carries ``(result, bundle)``: the engine's TrainResult and its unsaved Bundle
    (built in the worker thread, so the GUI thread never touches TensorFlow to get it).
    """

    batch_ended = Signal(object)

    def __init__(self, config, dataset, *, train_fn: Callable[..., Any] | None = None,
                 min_interval: float = BATCH_REPORT_INTERVAL_S) -> None:
        super().__init__(self._job_train, name="train")
        self.config = config
        self.dataset = dataset
        self._train_fn = train_fn
        self._batch_throttle = Throttle(min_interval)
        self._progress_throttle = Throttle(min_interval)

    # -- callbacks run in the worker thread -------------------------------------------
    def _on_batch(self, info: dict) -> None:
        last = info.get("batch") == info.get("steps")
        if self._batch_throttle.ready(force=last):
            self.batch_ended.emit(dict(info))

    def _on_epoch(self, info: dict) -> None:
        self.epoch_ended.emit(dict(info))

    def _on_progress(self, fraction: float, message: str = "") -> None:
        # The phases (preparing data, evaluating), throttled; batches come through on_batch.
        if self._progress_throttle.ready(force=fraction >= 1.0):
            self.report(fraction, message)

    def _job_train(self, _worker) -> tuple:
        from voxdesk.gui.infra.i18n import translate

        self.report(0.0, translate("TrainWorker", "starting TensorFlow (the first run takes a few seconds)"))
        train_fn = self._train_fn
        if train_fn is None:
            check_tensorflow_loadable()
            preload_tensorflow_libraries()
            from voxdesk.engine.training.train import train as train_fn
        result = train_fn(self.config, self.dataset, progress=self._on_progress, on_epoch=self._on_epoch,
                          on_batch=self._on_batch, cancel=self.cancel_token)
        bundle = None
        if getattr(result, "model", None) is not None and hasattr(result, "to_bundle"):
            bundle = result.to_bundle()
        return result, bundle
