"""Classification in the main window: ``install_classify(main_window, state, training_controller=None)``.

The :class:`ClassifyController` owns the moving parts: the model bundle, the last prediction
and explanation, and the workers (through the window's ``WorkerRunner``: Python owns worker
and thread; nothing is connected to ``deleteLater``). The panels only emit requests and show
what they are given; the views learn about the heat map through ``state.set_overlay``.

Wiring done by :func:`install_classify`, which ``MainWindow`` calls when it builds itself:
  * a "Classify" dock (``classifyDock``, right, tabbed with the Volume dock) and a "Batch" dock
    (``batchDock``, bottom, tabbed with the Training dock when there is one);
  * a "Classify" menu: Load Model… (Ctrl+L), Use Trained Model, Classify (Ctrl+K), Explain
    (Ctrl+E), Batch Classify…, and the docks' show/hide toggles;
  * with a ``training_controller``: ``model_ready`` offers the model just trained (used at once
    when no model is loaded), ``model_saved`` refreshes its card, ``dataset_changed`` enables
    "Training Data (test split)" in the batch panel.

Every failure (bad bundle, unreadable file, no volume, shape mismatch, TensorFlow refusing to
load) reaches ``infra.errors.report_error`` with the engine's message (tests patch
``QMessageBox.critical``) and the ``failed(title, text)`` signal; the app stays usable.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot

from voxdesk.gui.classify import jobs
from voxdesk.gui.classify.batch_controller import BatchController
from voxdesk.gui.classify.batch_panel import BatchPanel
from voxdesk.gui.classify.panel import ClassifyPanel
from voxdesk.gui.infra.actions import make_action
from voxdesk.gui.infra.docks import panel_scrolls_itself
from voxdesk.gui.infra.errors import report_error, user_message
from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.infra.workers import Worker, WorkerRunner
from voxdesk.gui.state import Overlay

OVERLAY_THRESHOLD = 0.1
"""Heat below 10% of the map's maximum stays clear, so the anatomy shows through."""


class ClassifyController(QObject):
    bundle_changed = Signal(object)
    prediction_ready = Signal(object)
    explanation_ready = Signal(object)
    batch_rows = Signal(object)
    batch_finished = Signal(object)
    """All rows of the batch (a list), also after a cancel."""
    case_opened = Signal(object)
    failed = Signal(str, str)
    idle = Signal()
    """A single-volume job (load, classify, explain, open case) ended, whatever the outcome."""

    def __init__(self, state, window, runner: WorkerRunner) -> None:
        super().__init__(window)
        self.state = state
        self.window = window
        self.runner = runner
        self.bundle = None
        self.model_id = ""
        self.trained_bundle = None
        self.training_dataset = None
        self.prediction = None
        self.explanation = None
        self._job: Worker | None = None
        self._job_volume = None
        self.classify_panel = ClassifyPanel(state)
        self.batch_panel = BatchPanel()
        self.batch = BatchController(self, self.batch_panel, self.runner)
        self.batch.rows_added.connect(self.batch_rows)
        self.batch.finished.connect(self.batch_finished)
        cp, bp = self.classify_panel, self.batch_panel
        cp.load_requested.connect(self.load_model)
        cp.use_trained_requested.connect(self.use_trained)
        cp.classify_requested.connect(self.classify)
        cp.explain_requested.connect(self.explain)
        bp.run_requested.connect(self.run_batch)
        bp.cancel_requested.connect(self.cancel_batch)
        bp.case_requested.connect(self.open_case)
        bp.export_requested.connect(self.export_csv)

    # -- plumbing -------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._job is not None

    def _error(self, title: str, text: str) -> None:
        self.classify_panel.show_status(f"{title}.")
        self.failed.emit(title, text)
        report_error(self.window, title, text)

    def _start(self, job, message: str, returned, errored) -> Worker | None:
        """Run one single-volume job; refuses while another runs (the buttons are disabled)."""
        if self._job is not None:
            self.classify_panel.show_status(translate("Classify", "Busy: wait for the current job to finish."))
            return None
        worker = Worker(job, name="classify")
        q = Qt.QueuedConnection
        worker.returned.connect(returned, q)
        worker.errored.connect(errored, q)
        worker.finished.connect(self._job_finished, q)
        self._job = worker
        self.classify_panel.set_busy(message)
        self.runner.start(worker)
        return worker

    @Slot()
    def _job_finished(self) -> None:
        self._job = None
        self._job_volume = None
        self.classify_panel.set_busy("")
        self.idle.emit()

    def _need(self, volume: bool = True) -> bool:
        if self.bundle is None:
            self._error(translate("Classify", "No model"), translate("Classify", "Load a model bundle (or train one) "
                                                                                 "first."))
            return False
        if volume and self.state.volume is None:
            self._error(translate("Classify", "No volume"),
                        translate("Classify", "Open a volume to classify first (File > Open, or Open Sample)."))
            return False
        return True

    # -- the model ------------------------------------------------------------------------
    @Slot(str)
    def load_model(self, path: str) -> Worker | None:
        if self.batch.running:
            self._error(translate("Batch", "Batch in progress"),
                        translate("Classify", "Cancel or wait for the batch before changing the model."))
            return None
        return self._start(lambda _w: jobs.load_model(path), translate("Classify", "Loading the model (starting "
                                                                                   "TensorFlow)…"),
                           self._model_loaded, self._model_failed)

    @Slot(object)
    def _model_loaded(self, value) -> None:
        bundle, mid = value
        self.set_bundle(bundle, mid)

    @Slot(object)
    def _model_failed(self, exc) -> None:
        self._error(translate("Classify", "Cannot load the model"), user_message(exc))

    def set_bundle(self, bundle, mid: str | None = None) -> None:
        """Use ``bundle`` (an engine Bundle) from now on; clears what the old one produced."""
        if mid is None and bundle is not None:
            from voxdesk.engine.inference.classify import model_id

            mid = model_id(bundle)  # unsaved bundles: a hash of the metadata, no file read
        self.bundle, self.model_id = bundle, mid or ""
        self.prediction = self.explanation = None
        if self.state.overlay is not None and self.state.overlay.kind == "heat-map":
            self.state.set_overlay(None)
        path = getattr(bundle, "path", None)
        source = str(path) if path else (translate("Classify", "the model just trained (not saved)")
                                         if bundle is not None else "")
        self.classify_panel.set_bundle(None if bundle is None else bundle.metadata, source)
        self.classify_panel.show_status(translate("Classify", "Model {model} ready.").format(model=self.model_id)
                                        if bundle is not None else "")
        self.batch_panel.set_model_loaded(bundle is not None)
        self.batch.clear(translate("Classify", "Model changed: run the batch again.") if bundle is not None else "")
        self.bundle_changed.emit(bundle)

    @Slot(object)
    def offer_trained(self, bundle) -> None:
        """The Training panel's ``model_ready``: use it now when no model is loaded."""
        self.trained_bundle = bundle
        self.classify_panel.set_trained_available(bundle is not None)
        if bundle is not None and self.bundle is None and not self.batch.running:
            self.set_bundle(bundle)

    @Slot()
    def use_trained(self) -> None:
        if self.trained_bundle is None:
            self._error(translate("Classify", "No trained model"),
                        translate("Classify", "Train a model in the Training panel first."))
        elif self.batch.running:
            self._error(translate("Batch", "Batch in progress"),
                        translate("Classify", "Cancel or wait for the batch before changing the model."))
        else:
            self.set_bundle(self.trained_bundle)

    @Slot(str)
    def _trained_saved(self, _path: str) -> None:
        """The trained model was saved: its card gains the file, time and versions."""
        if self.bundle is not None and self.bundle is self.trained_bundle:
            from voxdesk.engine.inference.classify import model_id

            self.model_id = model_id(self.bundle)
            self.classify_panel.update_card(self.bundle.metadata, str(self.bundle.path or ""))

    @Slot(object)
    def set_training_dataset(self, dataset) -> None:
        self.training_dataset = dataset
        self.batch_panel.set_training_data_available(dataset is not None)

    # -- one volume -----------------------------------------------------------------------
    @Slot()
    def classify(self) -> Worker | None:
        if not self._need():
            return None
        bundle, volume, method = self.bundle, self.state.volume, self.classify_panel.uncertainty_method
        worker = self._start(lambda _w: jobs.classify_volume(bundle, volume, method),
                             translate("Classify", "Classifying…"),
                             self._classified, self._classify_failed)
        if worker is not None:
            self._job_volume = volume
        return worker

    @Slot(object)
    def _classified(self, prediction) -> None:
        if self._job_volume is not self.state.volume:
            self.classify_panel.show_status(translate("Classify", "The volume changed meanwhile: classify it again."))
            return
        self.show_prediction(prediction)

    def show_prediction(self, prediction) -> None:
        self.prediction = prediction
        self.classify_panel.show_prediction(prediction)
        n = len(prediction.warnings)
        self.classify_panel.show_status(
            translate("Classify", "Classified with {model}; {n} warning(s) about the input.").format(
                model=prediction.model_id, n=n) if n
            else translate("Classify", "Classified with {model}.").format(model=prediction.model_id))
        self.prediction_ready.emit(prediction)

    @Slot(object)
    def _classify_failed(self, exc) -> None:
        self._error(translate("Classify", "Cannot classify this volume"), user_message(exc))

    @Slot(object)
    def explain(self, class_name=None) -> Worker | None:
        if not self._need():
            return None
        bundle, volume = self.bundle, self.state.volume
        predict, method = self.prediction is None, self.classify_panel.uncertainty_method
        worker = self._start(lambda _w: jobs.explain_volume(bundle, volume, class_name, predict, method),
                             translate("Classify", "Computing the Grad-CAM heat map…"), self._explained,
                             self._explain_failed)
        if worker is not None:
            self._job_volume = volume
        return worker

    @Slot(object)
    def _explained(self, value) -> None:
        prediction, explanation = value
        if self._job_volume is not self.state.volume:
            self.classify_panel.show_status(translate("Classify", "The volume changed meanwhile: explain it again."))
            return
        if prediction is not None:
            self.show_prediction(prediction)
        self.show_explanation(explanation)

    def show_explanation(self, explanation) -> None:
        """Overlay the heat map on every view and offer the jump to its hottest voxel."""
        self.explanation = explanation
        p = self.classify_panel
        self.state.set_overlay(Overlay(explanation.heat, opacity=p.overlay_opacity, colormap=p.overlay_colormap,
                                       levels=(0.0, 1.0), threshold=OVERLAY_THRESHOLD,
                                       name=f"Grad-CAM {explanation.class_name}", kind="heat-map"))
        p.show_explanation(explanation)
        p.show_status(translate("Classify", "Heat map of {name} shown on every view.").format(
            name=repr(explanation.class_name)))
        self.explanation_ready.emit(explanation)

    @Slot(object)
    def _explain_failed(self, exc) -> None:
        self._error(translate("Classify", "Cannot explain this volume"), user_message(exc))

    # -- many volumes (BatchController) ----------------------------------------------------
    @Slot(str, object)
    def run_batch(self, kind: str, paths=None):
        return self.batch.run(kind, paths)

    @Slot()
    def cancel_batch(self) -> None:
        self.batch.cancel()

    @Slot(str)
    def export_csv(self, path: str) -> str | None:
        return self.batch.export_csv(path)

    @property
    def rows(self) -> list:
        return self.batch.rows

    @Slot(object)
    def open_case(self, row) -> Worker | None:
        """Show a batch row's volume with its prediction and the heat map of its class."""
        if not self._need(volume=False):
            return None
        if row.error or row.prediction is None:
            self._error(translate("Classify", "Cannot open this case"),
                        row.error or translate("Classify", "this row has no prediction"))
            return None
        bundle = self.bundle
        worker = self._start(lambda _w: jobs.open_case(bundle, row.ref),
                             translate("Classify", "Opening {name}…").format(name=row.source),
                             self._case_ready, self._case_failed)
        if worker is not None:
            self._case_row = row
        return worker

    @Slot(object)
    def _case_ready(self, value) -> None:
        volume, explanation = value
        self.window.show_volume(volume)  # also swaps the welcome page for the views
        self.show_prediction(self._case_row.prediction)
        self.show_explanation(explanation)
        self.case_opened.emit(self._case_row)

    @Slot(object)
    def _case_failed(self, exc) -> None:
        self._error(translate("Classify", "Cannot open this case"), user_message(exc))

    @Slot()
    def shutdown(self, timeout_ms: int = 30_000) -> None:
        self.runner.shutdown(timeout_ms)
        self._job = None
        self.batch.worker = None


def install_classify(main_window, training_controller=None) -> ClassifyController:
    """Add the Classify and Batch docks and the Classify menu to VoxDesk's ``MainWindow`` (its
    ``state``, ``runner``, ``panels``, ``add_menu`` and ``show_volume``)."""
    ctl = ClassifyController(main_window.state, main_window, main_window.runner)
    panels = main_window.panels
    cdock = main_window.add_panel(ctl.classify_panel,
        translate("Classify", "Classify"), Qt.RightDockWidgetArea, object_name="classifyDock")
    panel_scrolls_itself(cdock)  # its fixed result header and one scroll area
    if "volumeDock" in panels:
        main_window.tabifyDockWidget(panels["volumeDock"], cdock)
    bdock = main_window.add_panel(ctl.batch_panel,
        translate("Classify", "Batch"), Qt.BottomDockWidgetArea, object_name="batchDock")
    cdock.raise_()
    ctl.docks = (cdock, bdock)

    def act(text, slot, shortcut=None, name=None):
        return make_action(main_window, text, slot, shortcut, name)

    def batch():
        bdock.show()
        bdock.raise_()
        if ctl.bundle is not None and not ctl.batch.running:
            ctl.batch_panel.choose("folder")

    menu = main_window.add_menu(translate("Classify", "&Classify"))
    cp = ctl.classify_panel
    actions = {
        "load": act(translate("Classify", "&Load Model…"), cp.choose_and_load, "Ctrl+L", "loadModelAction"),
        "use_trained": act(translate("Classify", "Use &Trained Model"), ctl.use_trained, None, "useTrainedModelAction"),
        "classify": act(translate("Classify", "&Classify"), ctl.classify, "Ctrl+K", "classifyAction"),
        "explain": act(translate("Classify", "&Explain"), lambda: ctl.explain(cp.class_choice.currentData()),
                       "Ctrl+E", "explainAction"),
        "batch": act(translate("Classify", "&Batch Classify…"), batch, None, "batchClassifyAction"),
    }
    from voxdesk.gui.classify.card_actions import CardActions

    ctl.card_actions = cards = CardActions(ctl, main_window)
    actions["edit_card"] = act(translate("Classify", "Edit Model &Card…"), cards.edit_card, None, "editCardAction")
    actions["report"] = act(translate("Classify", "Export &Report…"), cards.export_report, None, "exportReportAction")
    cp.edit_card_requested.connect(cards.edit_card)
    cp.report_requested.connect(lambda: cards.export_report())
    for a in (*actions.values(), None, cdock.toggleViewAction(), bdock.toggleViewAction()):
        menu.addSeparator() if a is None else menu.addAction(a)

    def sync():
        ready = ctl.bundle is not None and not ctl.busy
        actions["load"].setEnabled(not ctl.busy)
        actions["use_trained"].setEnabled(ctl.trained_bundle is not None)
        actions["classify"].setEnabled(ready)
        actions["explain"].setEnabled(ready)
        actions["batch"].setEnabled(ctl.bundle is not None and not ctl.batch.running)
        actions["edit_card"].setEnabled(ctl.bundle is not None)
        actions["report"].setEnabled(ctl.bundle is not None and not ctl.batch.running)

    menu.aboutToShow.connect(sync)
    ctl.actions = actions
    if training_controller is not None:
        training_controller.model_ready.connect(ctl.offer_trained)
        training_controller.model_saved.connect(ctl._trained_saved)
        training_controller.dataset_changed.connect(ctl.set_training_dataset)
        if training_controller.bundle is not None:
            ctl.offer_trained(training_controller.bundle)
        if training_controller.dataset is not None:
            ctl.set_training_dataset(training_controller.dataset)
    return ctl
