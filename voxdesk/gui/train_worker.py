"""The training job on a QThread: the engine's ``train`` with throttled per-batch reports.

``TrainWorker`` is the viewer's generic :class:`~voxdesk.gui.workers.Worker` plus one signal,
``batch_ended(dict)``. Keras calls ``on_batch`` after every batch (hundreds per second on a
small model); forwarding each one would flood the GUI thread's event queue and make it fight
the training thread for the GIL. :class:`Throttle` (in the worker thread) forwards at most one
batch report per ``min_interval`` seconds (default 50 ms, i.e. <= 20 GUI updates/s), always
the last batch of an epoch, and never drops epoch reports.

TensorFlow is imported here, inside the job, on the worker thread: the window shows and stays
responsive during the 5-8 s import and during the first ``fit`` call's graph tracing.

One part of that import froze the GUI thread anyway: Python loads an extension module with
``dlopen`` while holding the GIL, and ``libtensorflow_cc.so`` (790 MB) takes 0.7-0.9 s to map
and initialise, a measured 876 ms stall of a 1 ms timer in the main thread.
:func:`preload_tensorflow_libraries` dlopens TensorFlow's shared libraries first through a
ctypes *foreign call*, which releases the GIL; the import then finds them loaded. Linux only,
best effort: on any problem the normal import simply does the loading.

A second, harder reason to preload: under X11 with Mesa (llvmpipe), loading TensorFlow's
libraries AFTER an OpenGL context exists segfaults the process (reproduced here with a bare
pyqtgraph GLViewWidget and ``import tensorflow`` in the main thread). Loaded before the first
GL context, both work. ``install_training`` therefore preloads at start-up on GL-capable
platforms, and :func:`check_tensorflow_loadable` refuses to train, with a message, instead of
crashing when GL came first anyway.
"""
from __future__ import annotations

import time
from typing import Any, Callable

from PySide6.QtCore import Signal

from voxdesk.gui.workers import Worker

BATCH_REPORT_INTERVAL_S = 0.05


def preload_tensorflow_libraries() -> list[str]:
    """dlopen TensorFlow's big shared libraries without holding the GIL; returns those loaded."""
    import sys

    import os

    if ("tensorflow" in sys.modules or not sys.platform.startswith("linux")
            or os.environ.get("VOXDESK_NO_TF_PRELOAD")):
        return []
    try:
        import ctypes
        import importlib.util
        import os

        spec = importlib.util.find_spec("tensorflow")
        if spec is None or not spec.origin:
            return []
        root = os.path.dirname(spec.origin)
        libc = ctypes.CDLL(None)
        libc.dlopen.restype = ctypes.c_void_p
        libc.dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
        loaded = []
        for name in ("libtensorflow_framework.so.2", "libtensorflow_cc.so.2"):
            path = os.path.join(root, name)
            # RTLD_NOW | RTLD_LOCAL: what the import itself would do for these dependencies
            if os.path.exists(path) and libc.dlopen(path.encode(), os.RTLD_NOW):
                loaded.append(name)
        return loaded
    except Exception:  # noqa: BLE001 - an optimisation only; the import still works
        return []


def _mapped(fragment: str) -> bool:
    try:
        with open("/proc/self/maps") as fh:
            return any(fragment in line for line in fh)
    except OSError:
        return False


def check_tensorflow_loadable() -> None:
    """Raise a ModelError instead of letting ``import tensorflow`` crash after Mesa's GL."""
    import sys

    if "tensorflow" in sys.modules or not sys.platform.startswith("linux"):
        return
    if _mapped("libLLVM") and not _mapped("libtensorflow_cc"):
        from voxdesk.engine.errors import ModelError

        raise ModelError(
            "TensorFlow cannot be loaded after the 3D view has started OpenGL (Mesa) in this "
            "session: it would crash the app. Restart VoxDesk and start training before opening "
            "a volume, or use 'voxdesk-cli train'.")


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
        # Per-batch progress messages duplicate on_batch (which carries the numbers): drop
        # them; forward the phases (preparing data, evaluating) throttled.
        if message.startswith("epoch "):
            return
        if self._progress_throttle.ready(force=fraction >= 1.0):
            self.report(fraction, message)

    def _job_train(self, _worker) -> tuple:
        self.report(0.0, "starting TensorFlow (the first run takes a few seconds)")
        train_fn = self._train_fn
        if train_fn is None:
            check_tensorflow_loadable()
            preload_tensorflow_libraries()
            from voxdesk.engine.training import train as train_fn
        result = train_fn(self.config, self.dataset, progress=self._on_progress, on_epoch=self._on_epoch,
                          on_batch=self._on_batch, cancel=self.cancel_token)
        bundle = None
        if getattr(result, "model", None) is not None and hasattr(result, "to_bundle"):
            bundle = result.to_bundle()
        return result, bundle
