"""Train > Cross-validate…: K-fold cross-validation of the Training dock's settings on the open
dataset (``engine/training/crossval.py``), in a worker, with progress, Stop, per-fold lines
as folds finish, and the summary (mean and 95% interval per metric) in a dialog at the end;
the folds can be saved as CSV.

While it runs, Train is disabled and Stop cancels it (the folds that finished are kept).

"Refit on all data afterwards" (as ``voxdesk-cli crossval --refit``) trains once more on every
cross-validated sample after the folds; that model then is the window's trained model, exactly
as after Train (Results tab, Classify, Save Model, and the unsaved-model prompt, which is also
asked before a refit would replace an unsaved model).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QMessageBox,
    QSpinBox,
)

from voxdesk.gui.infra.errors import report_error, user_message
from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.infra.workers import Worker

DEFAULT_FOLDS = 5


class CrossvalWorker(Worker):
    fold_done = Signal(str)

    def __init__(self, config, dataset, folds: int, refit: bool = False) -> None:
        super().__init__(self._job, name="crossval")
        self.config, self.dataset, self.folds, self.refit = config, dataset, folds, refit

    def _job(self, _w):
        """(CrossvalResult, the refitted model's unsaved Bundle or None), the bundle built here in
        the worker thread as ``TrainWorker`` does."""
        from voxdesk.engine.training.crossval import crossval
        from voxdesk.engine.training.crossval_report import fold_line

        cv = crossval(self.config, self.dataset, self.folds, refit=self.refit, progress=self.report,
                      cancel=self.cancel_token, on_fold=lambda f: self.fold_done.emit(fold_line(f, self.folds)))
        refit = cv.refit
        bundle = refit.to_bundle() if refit is not None and getattr(refit, "model", None) is not None else None
        return cv, bundle


class CrossvalOptions(QDialog):
    """The folds K and "refit on all data afterwards"."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("crossvalOptions")
        self.setWindowTitle(translate("Crossval", "Cross-validate"))
        self.folds = QSpinBox(objectName="crossvalFolds", minimum=2, maximum=20, value=DEFAULT_FOLDS)
        self.refit = QCheckBox(translate("Crossval", "Refit on all data afterwards"), objectName="crossvalRefit")
        self.refit.setToolTip(translate("Crossval", "After the folds, train once more on every cross-validated "
                                        "sample: that model becomes the trained model, to inspect, use and save "
                                        "as after Train."))
        form = QFormLayout(self)
        form.addRow(translate("Crossval", "Folds (K):"), self.folds)
        form.addRow(self.refit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class CrossvalController(QObject):
    finished = Signal(object)
    """The CrossvalResult (None after an error)."""

    def __init__(self, training) -> None:
        super().__init__(training)
        self.training = training
        self.worker: CrossvalWorker | None = None
        self.result = None
        self.lines: list[str] = []

    # -- asking the user (tests replace these) --------------------------------------------
    def ask_folds(self) -> tuple[int, bool] | int | None:
        """(K, refit on all data afterwards), or None when cancelled (tests may return just K)."""
        box = CrossvalOptions(self.training.window)
        if box.exec() != QDialog.DialogCode.Accepted:
            return None
        return int(box.folds.value()), box.refit.isChecked()

    def show_summary(self, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok,
                          self.training.window)
        box.setObjectName("crossvalSummary")
        save = box.addButton(translate("Crossval", "Save Folds CSV…"), QMessageBox.ButtonRole.ActionRole)
        box.exec()
        if box.clickedButton() is save:
            path, _ = QFileDialog.getSaveFileName(self.training.window, translate("Crossval", "Save the folds"),
                                                  "folds.csv", "CSV (*.csv)")
            if path:
                self.save_csv(path)

    # -- running --------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.worker is not None

    def start(self, folds: int | None = None, refit: bool | None = None) -> CrossvalWorker | None:
        t = self.training
        if self.running or t.is_training:
            return None
        if t.dataset is None:
            report_error(t.window, translate("Crossval", "No dataset"),
                         translate("Crossval", "Open a labelled dataset first (File > Open Dataset)."))
            return None
        try:
            config = t.train_panel.form.config()
        except ValueError as exc:
            report_error(t.window, translate("Training", "Invalid settings"), str(exc))
            return None
        if not folds:
            answer = self.ask_folds()
            if not answer:
                return None
            folds, asked = answer if isinstance(answer, tuple) else (answer, False)
            refit = asked if refit is None else refit
        refit = bool(refit)
        why = translate("Crossval", "refitting a model on all data")
        if refit and not t.keep_model(why, lambda: self.start(folds, refit)):
            return None
        worker = CrossvalWorker(config, t.dataset, folds, refit)
        q = Qt.QueuedConnection
        worker.progress.connect(self._progress, q)
        worker.fold_done.connect(self._fold, q)
        worker.returned.connect(self._returned, q)
        worker.errored.connect(self._errored, q)
        worker.finished.connect(self._done, q)
        self.worker, self.result, self.lines = worker, None, []
        t.train_panel.set_running(True)
        t.train_panel.show_status(translate("Crossval", "Cross-validating: {k} folds of the Training dock's "
                                            "settings…").format(k=folds)
                                  + (translate("Crossval", " then a refit on all data") if refit else ""))
        t.runner.start(worker)
        return worker

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.training.train_panel.show_status(translate("Crossval", "Stopping after the current batch; finished "
                                                                        "folds are "
                                                                   "kept…"))

    @Slot(float, str)
    def _progress(self, fraction: float, message: str) -> None:
        """The whole run on the Training dock's bar (K folds, each its epochs)."""
        bar = self.training.train_panel.progress
        if bar.maximum() == 0:
            bar.setRange(0, 1000)
        bar.setValue(int(round(max(0.0, min(1.0, fraction)) * bar.maximum())))
        self.training.train_panel.show_progress(fraction, message)

    @Slot(str)
    def _fold(self, line: str) -> None:
        self.lines.append(line)
        self.training.train_panel.show_status(line)

    @Slot(object)
    def _returned(self, value) -> None:
        from voxdesk.engine.training.crossval_report import summary_lines

        cv, bundle = value
        self.result = cv
        stopped = translate("Crossval", "Stopped: only the finished folds are summarised.")
        head = stopped + "\n\n" if cv.cancelled else ""
        done = translate("Crossval", "Cross-validation done: {n} of {k} folds.").format(n=len(cv.folds), k=cv.k)
        self.training.train_panel.show_status(done)
        if bundle is not None:  # the refitted model: the window's trained model, as after Train
            self.training.adopt(cv.refit, bundle)
            self.training.train_panel.show_status(
                done + " " + translate("Crossval", "the model refitted on all data is ready (not saved yet)."))
        self.finished.emit(cv)
        if cv.folds:
            self.show_summary(
                translate("Crossval", "Cross-validation"), head + "\n".join(self.lines + [""] + summary_lines(cv)))

    @Slot(object)
    def _errored(self, exc) -> None:
        self.training.train_panel.show_status(translate("Crossval", "Cross-validation failed."))
        self.finished.emit(None)
        if not self.training.window.closing:
            report_error(self.training.window, translate("Crossval", "Cross-validation failed"), user_message(exc))

    @Slot()
    def _done(self) -> None:
        self.worker = None
        self.training.train_panel.set_running(False)

    def save_csv(self, path: str) -> str | None:
        from voxdesk.engine.io.atomic import write_csv
        from voxdesk.engine.training.crossval_report import FOLD_COLUMNS, fold_rows

        if self.result is None:
            return None
        try:
            write_csv(path, FOLD_COLUMNS, fold_rows(self.result))
        except Exception as exc:  # a failed write is a dialog
            report_error(self.training.window, translate("Crossval", "Cannot save the folds"), user_message(exc))
            return None
        return path
