"""Batch runs for the classify docks: one ``BatchWorker`` at a time, its rows, the CSV export.

Owned by :class:`~voxdesk.gui.classify.controller.ClassifyController`, which holds the model
(``bundle``, ``model_id``), the Training panel's dataset and the error dialog; this object only
runs batches (through the shared ``WorkerRunner``) and feeds the :class:`BatchPanel`.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Qt, Signal, Slot

from voxdesk.gui.classify import jobs
from voxdesk.gui.infra.errors import user_message
from voxdesk.gui.infra.i18n import translate

SOURCES = {"folder": QT_TRANSLATE_NOOP("Batch", "the folder"), "files": QT_TRANSLATE_NOOP("Batch", "the files"),
           "dataset": QT_TRANSLATE_NOOP("Batch", "the dataset's test split"),
           "training": QT_TRANSLATE_NOOP("Batch", "the training dataset's test split")}


class BatchController(QObject):
    rows_added = Signal(object)
    finished = Signal(object)
    """All rows of the batch (a list), also after a cancel or an error."""

    def __init__(self, owner, panel, runner) -> None:
        super().__init__(owner)
        self.owner, self.panel, self.runner = owner, panel, runner
        self.rows: list = []
        self.worker: jobs.BatchWorker | None = None
        self._dataset = None

    @property
    def running(self) -> bool:
        return self.worker is not None

    def run(self, kind: str, paths=None) -> jobs.BatchWorker | None:
        o = self.owner
        if o.bundle is None:
            o._error(translate("Classify", "No model"), translate("Classify", "Load a model bundle (or train one) "
                                                                              "first."))
            return None
        if self.worker is not None:
            o._error(translate("Batch", "Batch in progress"), translate("Batch", "A batch is already running; cancel "
                                                                                 "it first."))
            return None
        worker = jobs.BatchWorker(o.bundle, kind, paths or [], o.training_dataset,
                                  uncertainty=o.classify_panel.uncertainty_method)
        q = Qt.QueuedConnection
        worker.rows_ready.connect(self._rows, q)
        worker.progress.connect(self.panel.show_progress, q)
        worker.returned.connect(self._returned, q)
        worker.errored.connect(self._errored, q)
        worker.finished.connect(self._done, q)
        self.close_dataset()
        self.rows = []
        self.worker = worker
        self.panel.start(translate("Batch", "Classifying {what} with {model}…").format(
            what=translate("Batch", SOURCES[kind]) if kind in SOURCES else kind, model=o.model_id))
        self.runner.start(worker)
        return worker

    @Slot()
    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.panel.show_summary(translate("Batch", "Cancelling after the current batch…"))

    @Slot(object)
    def _rows(self, rows) -> None:
        self.rows.extend(rows)
        self.panel.add_rows(rows)
        self.rows_added.emit(rows)

    @Slot(object)
    def _returned(self, value) -> None:
        failed = sum(1 for r in self.rows if r.error)
        leakage = value[2] if isinstance(value, tuple) and len(value) > 2 else None
        self.panel.finish((translate("Batch", "WARNING: {text}.").format(text=leakage) + "\n" if leakage else "")
                          + translate("Batch", "{ok} classified, {failed} could not be read. ").format(
                              ok=len(self.rows) - failed, failed=failed) + _accuracy(self.rows)
                          + translate("Batch", "Least confident first; double-click a row to open it with its heat "
                                      "map."))
        if leakage:
            self.owner._error(translate("Batch", "Test cases seen in training"), leakage)

    @Slot(object)
    def _errored(self, exc) -> None:
        from voxdesk.engine.progress import Cancelled

        if isinstance(exc, Cancelled):
            self.panel.finish(
                translate("Batch", "Cancelled: {n} row(s) kept.").format(n=len(self.rows)), outcome="stopped")
            return
        self.panel.finish(translate("Batch", "The batch stopped: {message}").format(message=user_message(exc)),
                          outcome="failed")
        self.owner._error(translate("Batch", "Batch failed"), user_message(exc))

    @Slot()
    def _done(self) -> None:
        worker, self.worker = self.worker, None
        if worker is not None and worker.dataset is not None:
            self._dataset = worker.dataset  # its rows read their samples from it on double-click
        self.panel.set_model_loaded(self.owner.bundle is not None)
        self.finished.emit(list(self.rows))

    def close_dataset(self) -> None:
        ds, self._dataset = self._dataset, None
        if ds is not None and ds is not self.owner.training_dataset and hasattr(ds, "close"):
            ds.close()

    def clear(self, message: str = "") -> None:
        self.rows = []
        self.panel.clear(message)

    @Slot(str)
    def export_csv(self, path: str) -> str | None:
        """The rows as CSV with the columns of ``voxdesk-cli classify --csv``."""
        from voxdesk.engine.inference.report import write_report

        o = self.owner
        if not self.rows or o.bundle is None:
            return None
        from voxdesk.engine.io.outputs import check_output

        names = o.bundle.class_names
        try:  # the file dialog asked before replacing a file; an input is never replaced
            check_output(path, "csv", force=True,
                         inputs=[getattr(o.bundle, "path", None), *(r.ref for r in self.rows)])
            write_report(path, self.rows, names, o.model_id)
        except Exception as exc:  # any failure becomes a dialog
            o._error(translate("Batch", "Cannot export the CSV"), user_message(exc))
            return None
        self.panel.show_summary(translate("Batch", "{n} rows exported to {path}").format(n=len(self.rows), path=path))
        return path


def _accuracy(rows) -> str:
    """"7 of 8 cases with a known class predicted correctly (87.5%). " when rows know their class."""
    known = [r for r in rows if r.label and r.prediction is not None]
    if not known:
        return ""
    right = sum(r.prediction.class_name == r.label for r in known)
    return translate("Batch", "{right} of {n} cases with a known class predicted correctly ({share}). ").format(
        right=right, n=len(known), share=f"{right / len(known):.1%}")
