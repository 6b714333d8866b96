"""Run engine calls on a QThread without freezing the window.

Ownership rule (the developer map in ``voxdesk/__init__.py``: the deleteLater trap): Python owns the worker
and its thread. ``WorkerRunner`` keeps them in ``active`` until the thread has *finished*
and been waited on; nothing is connected to ``deleteLater``. The worker stays in its thread
to the end: its last reference is dropped (and the C++ object deleted) in the GUI thread once
that thread has finished, when it can no longer process events. It must not move itself back
to the GUI thread: PySide holds the GIL through ``moveToThread``, which waits for Qt's locks,
while the GUI thread, deleting some other object under one of those locks, waits for the GIL -
a deadlock seen here (``test_save_guard``, a frozen window).

A worker owns no logic: ``job(worker)`` is any callable; it may call
``worker.report(fraction, message)`` and check ``worker.cancel_token``. It re-emits plain
data only (never widgets).

"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from voxdesk.engine.progress import CancelToken


class Worker(QObject):
    progress = Signal(float, str)
    epoch_ended = Signal(object)
    returned = Signal(object)
    errored = Signal(object)
    finished = Signal()

    def __init__(self, job: Callable[["Worker"], Any], name: str = "job") -> None:
        super().__init__()
        self._job = job
        self.name = name
        self.cancel_token = CancelToken()
        self.done = False
        """True once the job returned or raised (its thread may still be winding down)."""
        self.background = False
        """Work nobody waits for (a warm-up): not counted by ``WorkerRunner.running``, so closing
        the window does not wait on it (``shutdown`` still joins its thread)."""

    def report(self, fraction: float, message: str = "") -> None:
        """A ProgressFn to hand to engine calls."""
        self.progress.emit(float(fraction), str(message))

    def cancel(self) -> None:
        self.cancel_token.cancel()

    @Slot()
    def run(self) -> None:
        try:
            self.returned.emit(self._job(self))
        except BaseException as exc:  # everything goes back to the GUI thread
            self.errored.emit(exc)
        finally:
            self.done = True
            self.finished.emit()


class WorkerRunner(QObject):
    """Starts workers on their own QThread and keeps both alive until the thread ended."""

    all_done = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.active: list[tuple[QThread, Worker]] = []

    def start(self, worker: Worker) -> Worker:
        thread = QThread()
        thread.setObjectName(f"voxdesk-{worker.name}")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.finished.connect(thread.quit)  # QThread.quit is thread-safe
        thread.finished.connect(self._reap)  # queued: runs in the GUI thread
        self.active.append((thread, worker))
        thread.start()
        return worker

    def run(self, job: Callable[[Worker], Any], *, name: str = "job", returned=None,
            errored=None, progress=None) -> Worker:
        """Wrap ``job`` in a Worker, connect the callbacks, then start it.

        Callbacks should be methods of QObjects living in the GUI thread: Qt then queues
        each call into the GUI thread.
        """
        worker = Worker(job, name)
        if returned is not None:
            worker.returned.connect(returned)
        if errored is not None:
            worker.errored.connect(errored)
        if progress is not None:
            worker.progress.connect(progress)
        return self.start(worker)

    @Slot()
    def _reap(self) -> None:
        still = []
        for thread, worker in self.active:
            if thread.isFinished():
                thread.wait()
            else:
                still.append((thread, worker))
        self.active = still
        if not still:
            self.all_done.emit()

    @property
    def busy(self) -> bool:
        """A worker or its thread is still alive (not yet reaped)."""
        return bool(self.active)

    @property
    def running(self) -> bool:
        """A job is still running (threads of finished jobs may still be winding down)."""
        return any(not worker.done and not worker.background for _thread, worker in self.active)

    def cancel_all(self) -> None:
        """Ask every running worker to stop at its next checkpoint (does not wait)."""
        for _thread, worker in self.active:
            worker.cancel()

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Ask every worker to cancel and wait for the threads (window closing)."""
        for _thread, worker in self.active:
            worker.cancel()
        for thread, _worker in self.active:
            thread.quit()
            thread.wait(timeout_ms)
        self.active = []
