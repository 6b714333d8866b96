"""Labelling in the main window: ``install_labelling(window) -> LabellingController``.

File > New Dataset from Folder… asks for a folder and the classes (prefilled from the folder's
``labels.csv`` when it has one), finds the cases in a worker (``engine.datasets.labelling``) and
shows the Label dock. The current case opens through a ``VolumeOpener`` of its own (in a worker;
Open Recent is not filled with cases); a case chosen during a read opens when that read ends.

Keys while labelling (window shortcuts; a text field keeps its own typing): 1..9 the classes, U or
0 unsure, S skip, Ctrl+Z undo; every change is saved at once (atomic). "Train on labelled" trains
on the manifest; "Label the most informative next" ranks the rest with the model in a worker
(``engine.inference.suggest``), shows rank and guess, and goes to the top one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit

from voxdesk.gui.infra.errors import user_message
from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.labelling.panel import LabelPanel
from voxdesk.gui.viewer.opener import VolumeOpener

LABEL_DOCK_WIDTH = 440
"""Pixels the Label dock gets when a session starts: three class buttons a row, the list readable."""


def ask_folder(parent) -> str | None:
    from voxdesk.gui.infra import settings

    folder = QFileDialog.getExistingDirectory(
        parent, translate("Labelling", "New dataset from a folder of scans"), settings.last_folder()
    )
    return folder or None


def ask_classes(parent, folder: str) -> list[str] | None:
    """The classes, typed (comma separated); those of the folder's manifest are offered."""
    from voxdesk.engine.datasets.labelling import MANIFEST_NAME, read_manifest

    known: list[str] = []
    manifest = Path(folder) / MANIFEST_NAME
    if manifest.is_file():
        try:
            known = read_manifest(manifest)[1]
        except Exception:  # starting the session explains a damaged manifest
            known = []
    text, ok = QInputDialog.getText(
        parent,
        translate("Labelling", "Classes"),
        translate("Labelling", "The classes to label with, separated by commas (at most 9; keys 1..9):"),
        QLineEdit.EchoMode.Normal,
        ", ".join(known),
    )
    if not ok:
        return None
    return [c.strip() for c in text.split(",") if c.strip()]


class LabellingController(QObject):
    session_started = Signal(object)
    ranked = Signal(object)
    """The ``Ranking`` shown in the list (emitted after it is shown)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.session = None
        self.bundle = None
        """The model trained on the labelled part here (None until one is)."""
        self.panel = LabelPanel()
        self.ask_folder = ask_folder
        self.ask_classes = ask_classes
        self._pending: int | None = None
        self._train_after_load: str | None = None
        self._ranking = False
        p = self.panel
        p.case_chosen.connect(self.go_to)
        p.class_chosen.connect(self.assign)
        p.unsure_requested.connect(self.mark_unsure)
        p.skip_requested.connect(self.skip)
        p.undo_requested.connect(self.undo)
        p.patient_edited.connect(self._patient)
        p.notes_edited.connect(self._notes)
        p.train_requested.connect(self.train_on_labelled)
        p.rank_requested.connect(self.rank_next)
        # File > Open's opener, an instance of its own: cases are not added to Open Recent
        self.opener = VolumeOpener(window.runner, self)
        self.opener.dialog_parent = window
        self.opener.opened.connect(window.show_volume)
        self.opener.failed.connect(self._open_failed)
        self.opener.started.connect(lambda _p: window.busy.show())
        self.opener.finished.connect(self._open_finished)

    def new_from_folder(self) -> None:
        folder = self.ask_folder(self.window)
        if not folder:
            return
        classes = self.ask_classes(self.window, folder)
        if classes is None:
            return
        self.start_session(folder, classes)

    def start_session(self, folder, classes=(), manifest=None):
        """Find the cases in a worker, then show the session (its manifest saved at once)."""
        from voxdesk.engine.datasets.labelling import LabellingSession

        folder, classes = str(folder), list(classes)
        self.window.statusBar().showMessage(translate("Labelling", "Looking for scans in {0}…").format(folder))
        return self.window.runner.run(
            lambda _w: LabellingSession.start(folder, classes=classes, manifest=manifest),
            name="label-start",
            returned=self._started,
            errored=self._failed_start,
        )

    @Slot(object)
    def _started(self, session) -> None:
        self.session = session
        self.panel.set_session(session)
        self.dock.show()
        self.dock.raise_()
        if self.dock.width() < LABEL_DOCK_WIDTH and not self.dock.isFloating():  # buttons and list in view
            self.window.resizeDocks([self.dock], [LABEL_DOCK_WIDTH], Qt.Orientation.Horizontal)
        self._sync_actions()
        self.window.statusBar().showMessage(
            translate("Labelling", "{0} cases; labels are saved to {1} after each one").format(
                len(session), session.manifest
            ),
            8000,
        )
        self.session_started.emit(session)
        self.go_to(session.current)

    @Slot(object)
    def _failed_start(self, exc) -> None:
        self.window.statusBar().clearMessage()
        self.window.show_error(translate("Labelling", "Cannot start labelling"), user_message(exc))

    @Slot(int)
    def go_to(self, index: int) -> None:
        if self.session is None or not 0 <= index < len(self.session):
            return
        self.session.current = index
        self.panel.show_case(index)
        if self.opener.busy:
            self._pending = index  # opened when the read in progress ends
            return
        self._open(index)

    def _open(self, index: int) -> None:
        from voxdesk.engine.datasets.labelling import open_args

        self._pending = None
        path, kwargs = open_args(self.session.entry(index))
        self.opener.open(path, **kwargs)

    @Slot()
    def _open_finished(self) -> None:
        self.window.busy.hide()
        if self._pending is not None and self.session is not None:
            self._open(self._pending)

    @Slot(str, str)
    def _open_failed(self, path: str, message: str) -> None:
        self.window.show_error(translate("Labelling", "Could not open the case"), message)

    def _apply(self, change) -> None:
        """Run a session change (which saves); a failed save is a dialog, the list is redrawn."""
        if self.session is None:
            return
        index = self.session.current
        try:
            target = change(index)
        except Exception as exc:
            self.window.show_error(translate("Labelling", "Could not save the label"), user_message(exc))
            target = None
        self.panel.show_row(index)
        if target is not None:
            self.panel.show_row(target)
        self._sync_actions()
        if target is not None and target != index:
            self.go_to(target)
        else:
            self.panel.show_case(self.session.current)

    @Slot(str)
    def assign(self, label: str) -> None:
        self._apply(lambda i: self.session.assign(i, label))

    def assign_number(self, n: int) -> None:
        """Key ``n`` (1..9): the n-th class."""
        if self.session is not None and 1 <= n <= len(self.session.classes):
            self.assign(self.session.classes[n - 1])

    @Slot()
    def mark_unsure(self) -> None:
        self._apply(lambda i: self.session.mark_unsure(i))

    @Slot()
    def skip(self) -> None:
        self._apply(lambda i: self.session.skip(i))

    @Slot()
    def undo(self) -> None:
        if self.session is None or not self.session.can_undo:
            return
        self._apply(lambda _i: self.session.undo())

    @Slot(str)
    def _patient(self, text: str) -> None:
        if self.session is not None and text.strip() != self.session.cases[self.session.current].patient:
            self._apply(lambda i: self.session.set_patient(i, text))

    @Slot(str)
    def _notes(self, text: str) -> None:
        if self.session is not None and text != self.session.cases[self.session.current].notes:
            self._apply(lambda i: self.session.set_notes(i, text))

    def train_on_labelled(self) -> None:
        """Open the manifest as the training dataset, then train with the Training dock's settings."""
        if self.session is None:
            return
        if not self.session.can_train():
            self.window.show_error(
                translate("Labelling", "Not enough labels"),
                translate("Labelling", "Label cases of at least two classes first."),
            )
            return
        training = self.window.training
        if training.is_training:
            self.window.show_error(
                translate("Labelling", "Training in progress"),
                translate("Labelling", "Wait for the training in progress to end."),
            )
            return
        self._train_after_load = str(self.session.manifest)
        training.open_dataset(self._train_after_load)

    @Slot(object)
    def _dataset_changed(self, dataset) -> None:
        wanted, self._train_after_load = self._train_after_load, None
        if wanted and dataset is not None and str(getattr(dataset, "source", "")) == wanted:
            self.panel.set_model_status(
                translate("Labelling", "Training on {0} labelled cases…").format(
                    sum(len(s) for s in dataset.splits.values())
                )
            )
            self.window.training.start()

    @Slot(object)
    def _model_ready(self, bundle) -> None:
        self.bundle = bundle
        self.panel.set_model_status(
            translate(
                "Labelling", "A model is ready: “Label the most informative next” ranks the cases not labelled yet."
            )
        )

    def model(self):
        """The model to rank with: the one trained here, else the Classify dock's."""
        return self.bundle or getattr(getattr(self.window, "classify", None), "bundle", None)

    def rank_next(self):
        """Rank the cases not labelled (unlabelled, skipped, unsure) in a worker."""
        from voxdesk.engine.datasets.labelling import LABELLED, batch_item
        from voxdesk.engine.inference.suggest import suggest

        if self.session is None or self._ranking:
            return None
        bundle = self.model()
        if bundle is None:
            self.window.show_error(
                translate("Labelling", "No model yet"),
                translate("Labelling", "Train on the labelled cases first (or load a model in the Classify dock)."),
            )
            return None
        todo = [i for i, c in enumerate(self.session.cases) if c.status != LABELLED]
        if not todo:
            return None
        items = [batch_item(self.session.entry(i)) for i in todo]
        self._ranking = True
        self.panel.set_model_status(translate("Labelling", "Ranking {0} cases…").format(len(todo)))
        self.panel.rank_button.setEnabled(False)

        def job(w):
            ranking = suggest(bundle, items, progress=w.report, cancel=w.cancel_token)
            return todo, ranking

        return self.window.runner.run(job, name="label-rank", returned=self._ranked, errored=self._rank_failed)

    @Slot(object)
    def _ranked(self, value) -> None:
        todo, ranking = value
        self._ranking = False
        shown = {todo[s.index]: (s.rank, s.guess, s.confidence) for s in ranking.suggestions}
        self.panel.show_ranking(shown)
        self.panel.refresh()
        note = translate("Labelling", "; {0} could not be read").format(len(ranking.failed)) if ranking.failed else ""
        self.panel.set_model_status(
            translate("Labelling", "Ranked {0} cases, most uncertain first{1}.").format(len(ranking.suggestions), note)
        )
        if ranking.suggestions:
            self.go_to(todo[ranking.suggestions[0].index])
        self.ranked.emit(ranking)

    @Slot(object)
    def _rank_failed(self, exc) -> None:
        from voxdesk.engine.progress import Cancelled

        self._ranking = False
        self.panel.refresh()
        self.panel.set_model_status("")
        if not isinstance(exc, Cancelled) and not self.window.closing:
            self.window.show_error(translate("Labelling", "Could not rank the cases"), user_message(exc))

    def _sync_actions(self) -> None:
        active = self.session is not None
        for n, a in enumerate(self.class_actions, start=1):
            a.setEnabled(active and n <= len(self.session.classes))
        for a in (self.unsure_action, self.unsure_zero, self.skip_action):
            a.setEnabled(active)
        self.undo_action.setEnabled(active and self.session.can_undo)


def _shortcut(window, text: str, key: str, slot, name: str) -> QAction:
    a = QAction(text, window)
    a.setObjectName(name)
    a.setShortcut(QKeySequence(key))
    a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    a.triggered.connect(lambda _c=False: slot())
    a.setEnabled(False)
    window.addAction(a)  # active whether or not a menu shows it
    return a


def install_labelling(window) -> LabellingController:
    """The Label dock (left, beside the views; shown when a session starts), File > New Dataset
    from Folder…, a Label menu and the labelling keys."""
    from voxdesk.gui.infra.actions import make_action

    ctl = LabellingController(window)
    ctl.dock = window.add_panel(
        ctl.panel, translate("Labelling", "Label"), Qt.DockWidgetArea.LeftDockWidgetArea, object_name="labelDock"
    )
    ctl.dock.hide()
    new = make_action(
        window,
        translate("Labelling", "&New Dataset from Folder…"),
        ctl.new_from_folder,
        "Ctrl+Shift+N",
        "newDatasetFromFolderAction",
    )
    new.setToolTip(
        translate("Labelling", "Label a folder of unlabelled scans; the labels are saved to labels.csv in it")
    )
    window.add_file_action(new)
    ctl.class_actions = [
        _shortcut(
            window,
            translate("Labelling", "Label with class {0}").format(n),
            str(n),
            lambda n=n: ctl.assign_number(n),
            f"labelClass{n}Action",
        )
        for n in range(1, 10)
    ]
    ctl.unsure_action = _shortcut(window, translate("Labelling", "&Unsure"), "U", ctl.mark_unsure, "labelUnsureAction")
    ctl.unsure_zero = _shortcut(window, translate("Labelling", "Unsure"), "0", ctl.mark_unsure, "labelUnsureZeroAction")
    ctl.skip_action = _shortcut(window, translate("Labelling", "&Skip"), "S", ctl.skip, "labelSkipAction")
    ctl.undo_action = _shortcut(window, translate("Labelling", "&Undo Label"), "Ctrl+Z", ctl.undo, "labelUndoAction")
    menu = window.add_menu(translate("Labelling", "&Label"))
    menu.setObjectName("labelMenu")
    train = make_action(
        window, translate("Labelling", "&Train on Labelled"), ctl.train_on_labelled, None, "trainOnLabelledAction"
    )
    rank = make_action(
        window, translate("Labelling", "Label the &Most Informative Next"), ctl.rank_next, None, "rankNextAction"
    )
    for a in (
        new,
        None,
        ctl.unsure_action,
        ctl.skip_action,
        ctl.undo_action,
        None,
        train,
        rank,
        None,
        ctl.dock.toggleViewAction(),
    ):
        menu.addSeparator() if a is None else menu.addAction(a)
    window.training.dataset_changed.connect(ctl._dataset_changed)
    window.training.model_ready.connect(ctl._model_ready)
    return ctl
