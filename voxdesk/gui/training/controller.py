"""Training in the main window: ``install_training(main_window, state) -> TrainingController``.

The controller owns the moving parts (the dataset, the worker on the window's ``WorkerRunner``);
the panels only emit requests and show what they are given.

Wiring done by :func:`install_training`, which ``MainWindow`` calls when it builds itself:
  * a "Dataset" dock (``datasetDock``) and a "Training" dock (``trainingDock``);
  * File > "Open Dataset…" (Ctrl+Shift+O), File > "Open Demo Dataset" (the built-in CT demo
    with its fixed splits, written on first use) and a "Train" menu: Start (Ctrl+T), Stop, Save
    Model…, Export History CSV…, Export Curves PNG…, and the docks' show/hide toggles;
  * ``may_close()``, which the window asks before closing while work runs (``confirm_stop``
    when a model is training); the window's one close policy does the rest;
  * ``keep_model(doing, then)``: with an unsaved trained model, Save / Discard / Cancel before
    closing, opening another dataset or training anew (``unsaved.ask_unsaved``); Save, then ``then``.

Signals for the rest of the app: ``dataset_changed(object)`` (LabelledDataset or None),
``training_started()``, ``training_finished(object)`` (TrainResult, or None after an error),
``model_ready(object)`` (the engine ``Bundle`` of the model just trained: what the classify
panel uses; ``bundle.path`` is set once saved), ``model_saved(str)``, and ``epoch_ended`` /
``batch_ended`` (dict reports, re-emitted in the GUI thread after the panel showed them).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog

from voxdesk.engine.io.formats import BUNDLE_SUFFIX, model_filter
from voxdesk.gui.infra.actions import make_action
from voxdesk.gui.infra.docks import panel_scrolls_itself
from voxdesk.gui.infra.errors import report_error, user_message
from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.infra.workers import Worker, WorkerRunner
from voxdesk.gui.training import unsaved
from voxdesk.gui.training.crossval_gui import CrossvalController
from voxdesk.gui.training.dataset_panel import DatasetPanel
from voxdesk.gui.training.panel import TrainPanel
from voxdesk.gui.training.unsaved import confirm_stop
from voxdesk.gui.training.worker import TrainWorker


class TrainingController(QObject):
    dataset_changed = Signal(object)
    training_started = Signal()
    training_finished = Signal(object)
    model_ready = Signal(object)
    model_saved = Signal(str)
    epoch_ended = Signal(object)
    """An epoch report (dict), emitted in the GUI thread after the panel has shown it."""
    batch_ended = Signal(object)
    """A throttled batch report (dict), emitted in the GUI thread after the panel has shown it."""

    def __init__(self, state, window, runner: WorkerRunner, *, train_fn=None) -> None:
        super().__init__(window)
        self.window = window
        self.train_fn = train_fn
        self.dataset = None
        self.result = None
        self.bundle = None
        self.runner = runner
        self._worker: TrainWorker | None = None
        self._released = None  # the bundle the user chose to discard
        self._saving = False
        self._after_save = None
        self.crossval = CrossvalController(self)  # Train > Cross-validate…
        self.dataset_panel = DatasetPanel(state)
        self.train_panel = TrainPanel()
        self.dataset_panel.open_requested.connect(self.open_dataset)
        self.dataset_panel.sample_requested.connect(self.read_sample)
        p = self.train_panel
        p.train_requested.connect(self.start)
        p.stop_requested.connect(self.stop)
        p.save_requested.connect(self.save_model)
        p.export_csv_requested.connect(self.export_history_csv)
        p.export_png_requested.connect(self.export_curves_png)

    @property
    def is_training(self) -> bool:
        """A model is being trained (or cross-validated)."""
        return self._worker is not None or self.crossval.running

    @Slot(str)
    def open_dataset(self, path: str) -> None:
        if self.is_training:
            report_error(self.window, translate("Training", "Training in progress"),
                         translate("Training", "Stop training before opening another dataset."))
            return
        if not self.keep_model("opening another dataset", lambda: self.open_dataset(path)):
            return
        from voxdesk.engine.datasets import load_dataset

        self.dataset_panel.set_loading(path)
        self.runner.run(lambda _w: load_dataset(path), name="load-dataset",
                        returned=self._dataset_loaded, errored=self._dataset_failed)

    def open_demo_dataset(self) -> None:
        """The built-in CT demo (written to the data folder the first time, ~10 s), with its fixed
        train/val/test splits: the first hour's dataset."""
        if self.is_training:
            report_error(self.window, translate("Training", "Training in progress"),
                         translate("Training", "Stop training before opening another dataset."))
            return
        if not self.keep_model("opening another dataset", self.open_demo_dataset):
            return
        from voxdesk.engine.datasets import load_dataset
        from voxdesk.engine.demo.store import data_dir, ensure_demo_data

        self.dataset_panel.set_loading(str(data_dir() / "demo" / "demo.h5"))
        self.runner.run(lambda _w: load_dataset(ensure_demo_data().h5), name="load-dataset",
                        returned=self._dataset_loaded, errored=self._dataset_failed)

    @Slot(str, int)
    def read_sample(self, split: str, index: int) -> Worker:
        """Read one sample in a worker, then show it (the views follow ``sample_selected``)."""
        from voxdesk.gui.training.dataset_panel import read_sample

        dataset = self.dataset
        self._sample_where = dataset.splits[split].samples.describe(index)
        return self.runner.run(lambda _w: read_sample(dataset, split, index), name="read-sample",
                               returned=self.dataset_panel.show_sample, errored=self._sample_failed)

    @Slot(object)
    def _sample_failed(self, exc) -> None:  # a slot of this QObject: called in the GUI thread
        self.dataset_panel.show_sample_error(self._sample_where, user_message(exc))

    @Slot(object)
    def _dataset_loaded(self, dataset) -> None:
        self.set_dataset(dataset)

    @Slot(object)
    def _dataset_failed(self, exc) -> None:
        self.dataset_panel.set_dataset(self.dataset)
        report_error(self.window, translate("Training", "Cannot open dataset"), user_message(exc))

    def set_dataset(self, dataset) -> None:
        """Show and train on ``dataset`` (the previous one is closed)."""
        if self.is_training:
            raise RuntimeError("cannot change the dataset while training")
        old, self.dataset = self.dataset, dataset
        if old is not None and old is not dataset and hasattr(old, "close"):
            old.close()
        self.dataset_panel.set_dataset(dataset)
        self.train_panel.set_dataset(dataset)
        self.dataset_changed.emit(dataset)

    @Slot(object)
    def start(self, config=None) -> TrainWorker | None:
        """Start training with ``config`` (default: the panel's settings). Returns the worker."""
        if self.is_training or self.dataset is None:
            return None
        if not self.keep_model("training a new model", lambda: self.start(config)):
            return None
        if config is None:
            try:
                config = self.train_panel.form.config()
            except ValueError as exc:
                report_error(self.window, translate("Training", "Invalid settings"), str(exc))
                return None
        worker = TrainWorker(config, self.dataset, train_fn=self.train_fn)
        # Queued explicitly: these are emitted in the worker thread, handled in the GUI thread.
        q = Qt.QueuedConnection
        worker.batch_ended.connect(self._batch, q)
        worker.epoch_ended.connect(self._epoch, q)
        worker.progress.connect(self.train_panel.show_progress, q)
        worker.returned.connect(self._returned, q)
        worker.errored.connect(self._errored, q)
        worker.finished.connect(self._worker_finished, q)
        self._worker = worker
        self.result = self.bundle = None
        self.train_panel.set_running(True)
        self.training_started.emit()
        self.runner.start(worker)
        return worker

    @Slot()
    def stop(self) -> None:
        """Stop at the end of the current batch; the result keeps the best model so far."""
        if self._worker is not None:
            self._worker.cancel()
            self.train_panel.set_stopping()
        elif self.crossval.running:
            self.crossval.stop()

    @Slot(object)
    def _batch(self, info) -> None:
        self.train_panel.show_batch(info)
        self.batch_ended.emit(info)

    @Slot(object)
    def _epoch(self, info) -> None:
        self.train_panel.show_epoch(info)
        self.epoch_ended.emit(info)

    @Slot(object)
    def _returned(self, value) -> None:
        self.adopt(*value)

    def adopt(self, result, bundle) -> None:
        """``result`` (a TrainResult) and its unsaved ``bundle`` become this window's trained model:
        after Train, and after a cross-validation's refit on all data."""
        self.result, self.bundle = result, bundle
        self.train_panel.show_result(result)
        self.training_finished.emit(result)
        if bundle is not None and result.best_epoch is not None:
            self.model_ready.emit(bundle)

    @Slot(object)
    def _errored(self, exc) -> None:
        from voxdesk.engine.progress import Cancelled

        if isinstance(exc, Cancelled):  # stopped before the first batch: nothing to keep
            self.train_panel.show_result(None)
            self.train_panel.show_status(translate("Training", "Stopped before training began; no model."))
            self.training_finished.emit(None)
            return
        text = user_message(exc)
        self.train_panel.show_error(text)
        self.training_finished.emit(None)
        if not self.window.closing:
            report_error(self.window, translate("Training", "Training failed"), text)

    @Slot()
    def _worker_finished(self) -> None:
        self._worker = None
        self.train_panel.set_running(False)

    @property
    def has_unsaved_model(self) -> bool:
        """A model trained here that is neither saved nor discarded by the user."""
        b = self.bundle
        return b is not None and b.path is None and b is not self._released

    def keep_model(self, doing: str, then) -> bool:
        """True when ``doing`` may go ahead now. With an unsaved model, ask: Discard goes ahead,
        Cancel does not, Save asks for a file and runs ``then`` once the bundle is written."""
        if self._saving:  # the answer was Save: go on when the bundle is written
            self._after_save = then
            return False
        if not self.has_unsaved_model:
            return True
        answer = unsaved.ask_unsaved(self.window, doing)
        if answer == unsaved.DISCARD:
            self._released = self.bundle
            return True
        if answer == unsaved.SAVE and self.save_model() is not None:
            self._after_save = then
        return False

    def may_close(self) -> bool:
        """Whether the window may close now: asks first while a model is training, and then
        stops it (at the end of the current batch; the model is not saved)."""
        if not self.is_training:
            return True
        if not confirm_stop(self.window):
            return False
        self.stop()
        return True

    @Slot()
    def shutdown(self, timeout_ms: int = 60_000) -> None:
        """Cancel everything and wait for the threads (application quitting)."""
        self.runner.shutdown(timeout_ms)
        self._worker = None

    @Slot()
    def save_model(self, path: str | None = None) -> Worker | None:
        if self.bundle is None:
            return None
        if not path:
            name = (self.result.config.model if self.result else "model") + BUNDLE_SUFFIX
            path, _ = QFileDialog.getSaveFileName(self.window,
                translate("Training", "Save Model"), name, model_filter())
            if not path:
                return None
            if not path.endswith(BUNDLE_SUFFIX):
                path += BUNDLE_SUFFIX
        from voxdesk.engine.io.outputs import check_output
        from voxdesk.engine.model.bundle import save_bundle

        bundle, source = self.bundle, getattr(self.dataset, "source", None)

        def save(_w) -> str:  # the dialog asked before replacing; the training data is never replaced
            check_output(path, "bundle", inputs=[source], force=True)
            return str(save_bundle(bundle, path))

        self.train_panel.show_status(translate("Training", "Saving the model to {name}…").format(name=Path(path).name))
        self._saving = True
        return self.runner.run(save, name="save-model", returned=self._saved, errored=self._save_failed)

    @Slot(object)
    def _saved(self, path) -> None:
        self._saving = False
        self.train_panel.show_status(translate("Training", "Model saved to {path}").format(path=path))
        self.window.statusBar().showMessage(translate("Training", "Model saved to {path}").format(path=path), 15000)
        self.model_saved.emit(str(path))
        then, self._after_save = self._after_save, None
        if then is not None:
            then()

    @Slot(object)
    def _save_failed(self, exc) -> None:
        self._saving = False
        self._after_save = None  # whatever waited on the save does not happen: the model is kept
        self.train_panel.show_status(translate("Training", "The model was not saved."))
        report_error(self.window, translate("Training", "Cannot save the model"), user_message(exc))

    def _ask_path(self, title: str, name: str, filt: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.window, title, name, filt)
        return path or None

    @Slot()
    def export_history_csv(self, path: str | None = None) -> str | None:
        """The engine's history (one row per epoch) as CSV."""
        if self.result is None:
            return None
        path = path or self._ask_path(translate("Training", "Export History"), "history.csv", "CSV (*.csv)")
        if not path:
            return None
        from voxdesk.engine.training.history import write_history_csv

        try:
            write_history_csv(self.result.history, path)
        except Exception as exc:  # any failure becomes a dialog
            report_error(self.window, translate("Training", "Cannot export the history"), user_message(exc))
            return None
        self.train_panel.show_status(translate("Training", "History exported to {path}").format(path=path))
        return path

    @Slot()
    def export_curves_png(self, path: str | None = None) -> str | None:
        path = path or self._ask_path(translate("Training", "Export Curves"), "curves.png",
                                     translate("Training", "PNG image (*.png)"))
        if not path:
            return None
        if not self.train_panel.curves.export_png(path):
            report_error(self.window, translate("Training", "Cannot export the curves"),
                         translate("Training", "could not write {path}").format(path=path))
            return None
        self.train_panel.show_status(translate("Training", "Curves exported to {path}").format(path=path))
        return path


def install_training(main_window, *, train_fn=None) -> TrainingController:
    """Add the Dataset and Training docks and their menu actions to VoxDesk's ``MainWindow``
    (its ``runner``, ``add_menu`` and ``show_volume``, which swaps the welcome page for the views)."""
    ctl = TrainingController(None, main_window, main_window.runner, train_fn=train_fn)
    ctl.dataset_panel.sample_selected.connect(lambda s: main_window.show_volume(s["volume"]))
    data_dock = main_window.add_panel(ctl.dataset_panel,
        translate("Training", "Dataset"), Qt.LeftDockWidgetArea, object_name="datasetDock")
    train_dock = main_window.add_panel(ctl.train_panel,
        translate("Training", "Training"), Qt.BottomDockWidgetArea, object_name="trainingDock")
    panel_scrolls_itself(train_dock)  # its fixed Train/Stop bar and one scroll area
    ctl.docks = (data_dock, train_dock)

    def act(text, slot, shortcut=None, name=None):
        return make_action(main_window, text, slot, shortcut, name)

    open_action = act(
        translate("Training", "Open &Dataset…"), ctl.dataset_panel.choose_and_open, "Ctrl+Shift+O", "openDatasetAction")
    open_action.setToolTip(translate("DatasetPanel", "A dataset file: HDF5, NPZ/NPY arrays or a CSV manifest"))
    folder_action = act(translate("Training", "Open Dataset &Folder…"), ctl.dataset_panel.choose_folder_and_open, None,
                        "openDatasetFolderAction")
    folder_action.setToolTip(translate("DatasetPanel", "A folder with one subfolder per class (scans or DICOM "
                                       "series inside)"))
    demo_action = act(translate("Training", "Open De&mo Dataset"), ctl.open_demo_dataset, None, "openDemoDatasetAction")
    demo_action.setToolTip(translate("Training", "The built-in CT phantoms (cyst / normal / tumour) with fixed "
                                     "train/val/test splits"))
    for a in (open_action, folder_action, demo_action):
        main_window.add_file_action(a)
    menu = main_window.add_menu(translate("Training", "&Train"))
    start = act(translate("Training", "&Start Training"), ctl.start, "Ctrl+T", "startTrainingAction")
    stop = act(translate("Training", "S&top Training"), ctl.stop, None, "stopTrainingAction")
    cv = act(translate("Training", "&Cross-validate…"), ctl.crossval.start, None, "crossvalAction")
    cv.setToolTip(translate("Training", "K-fold cross-validation of these settings on the open dataset: mean and "
                            "95% interval"))
    save = act(translate("Training", "&Save Model…"), ctl.save_model, None, "saveModelAction")
    csv_a = act(translate("Training", "Export &History CSV…"), ctl.export_history_csv, None, "exportHistoryAction")
    png_a = act(translate("Training", "Export &Curves PNG…"), ctl.export_curves_png, None, "exportCurvesAction")
    for a in (start, stop, cv, None, save, csv_a, png_a, None, data_dock.toggleViewAction(),
              train_dock.toggleViewAction()):
        menu.addSeparator() if a is None else menu.addAction(a)
    p = ctl.train_panel

    def sync():
        start.setEnabled(p.train_button.isEnabled())
        stop.setEnabled(p.stop_button.isEnabled())
        cv.setEnabled(ctl.dataset is not None and not ctl.is_training)
        for a, b in ((save, p.save_button), (csv_a, p.csv_button), (png_a, p.png_button)):
            a.setEnabled(b.isEnabled())
        for a in (open_action, folder_action, demo_action):
            a.setEnabled(not ctl.is_training)

    menu.aboutToShow.connect(sync)
    ctl.actions = {"open_dataset": open_action, "open_dataset_folder": folder_action, "open_demo": demo_action,
                   "start": start, "stop": stop, "save": save, "crossval": cv, "export_csv": csv_a,
                   "export_png": png_a}
    return ctl
