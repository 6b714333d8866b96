"""Open a volume file without blocking the window: probe, ask, read, report.

``VolumeOpener.open(path)`` probes the file in a worker; when it holds several datasets, a
stack or a 4D image it asks the user (``chooser``, replaceable in tests), then reads the
chosen volume in a worker. It reports with signals and never touches a view:

* ``started(str)``       a read began (show a busy indicator)
* ``opened(object)``     the Volume (give it to ``ViewerState.set_volume``)
* ``failed(str, str)``   path and the engine's message (show a dialog)
* ``finished()``         whatever the outcome, including a cancelled chooser
"""
from __future__ import annotations

import os

from PySide6.QtCore import QObject, Signal, Slot

from voxdesk.engine.io import formats
from voxdesk.gui.infra.errors import user_message
from voxdesk.gui.infra.workers import WorkerRunner
from voxdesk.gui.viewer.chooser import ask_choice, info_from_choices, needs_choice


def _probe(path: str):
    from voxdesk.engine.io import probe

    return probe(path)


def _read(path: str, kwargs: dict):
    from voxdesk.engine.io import open_volume

    return open_volume(path, **kwargs)


class VolumeOpener(QObject):
    started = Signal(str)
    opened = Signal(object)
    failed = Signal(str, str)
    finished = Signal()

    def __init__(self, runner: WorkerRunner | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner or WorkerRunner(self)
        self.chooser = ask_choice
        """``chooser(info, parent) -> dict | None``: open_volume kwargs, None to cancel."""
        self.dialog_parent = None
        self.path = ""
        self._kwargs: dict = {}
        self._asked = False
        self.busy = False

    def open(self, path: str, **kwargs) -> None:
        """Open ``path``; kwargs (dataset/index/volume) skip the chooser."""
        if self.busy:
            return
        self.busy = True
        self.path = os.fspath(path)
        self._asked = bool(kwargs)
        self.started.emit(self.path)
        if kwargs:
            self._start_read(kwargs)
        else:
            path_ = self.path
            self.runner.run(lambda w: _probe(path_), name="probe",
                            returned=self._on_probed, errored=self._on_probe_failed)

    @Slot(object)
    def _on_probed(self, info) -> None:
        if needs_choice(info):
            self._ask(info)
        else:
            self._start_read({})

    @Slot(object)
    def _on_probe_failed(self, exc) -> None:
        # The read gives the same (or a better) message; probing is only a courtesy.
        self._start_read({})

    def _ask(self, info) -> None:
        self._asked = True
        kwargs = self.chooser(info, self.dialog_parent)
        if kwargs is None:
            self._done()
            return
        self._start_read(kwargs)

    def _start_read(self, kwargs: dict) -> None:
        self._kwargs = dict(kwargs)
        path_, kw = self.path, dict(kwargs)
        self.runner.run(lambda w: _read(path_, kw), name="open",
                        returned=self._on_read, errored=self._on_read_failed)

    @Slot(object)
    def _on_read(self, volume) -> None:
        self.opened.emit(volume)
        self._done()

    @Slot(object)
    def _on_read_failed(self, exc) -> None:
        from voxdesk.engine.errors import NeedsChoice

        if isinstance(exc, NeedsChoice) and exc.choices and not self._asked:
            fmt = "nifti" if formats.is_nifti(self.path) else ""
            self._ask(info_from_choices(self.path, exc.choices, fmt))
            return
        self.failed.emit(self.path, user_message(exc))
        self._done()

    def _done(self) -> None:
        self.busy = False
        self.finished.emit()
