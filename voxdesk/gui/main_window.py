"""MainWindow: menus, toolbar, docks and status bar around the linked views; wiring only.

Extension points (each has its docstring): ``add_panel(widget, title, area)``, ``add_menu(title)``,
``add_file_action(action)``, ``show_volume(volume)``, ``open_path(path, **kw)``; ``state``
(the ViewerState) and ``runner`` (the WorkerRunner and its ownership rule).
"""
from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QMainWindow,
    QMenu,
    QProgressBar,
    QScrollArea,
    QStackedWidget,
)

from voxdesk.engine.io import formats
from voxdesk.gui import file_menu
from voxdesk.gui.classify.controller import install_classify
from voxdesk.gui.infra import accessibility, docks, focus, settings
from voxdesk.gui.infra.errors import report_error, user_message
from voxdesk.gui.infra.i18n import language_menu, translate
from voxdesk.gui.infra.resources import app_icon
from voxdesk.gui.infra.workers import WorkerRunner
from voxdesk.gui.labelling.controller import install_labelling
from voxdesk.gui.project import ProjectActions
from voxdesk.gui.state import ViewerState
from voxdesk.gui.training.controller import install_training
from voxdesk.gui.viewer.histogram import LevelsHistogram
from voxdesk.gui.viewer.info import InfoPanel
from voxdesk.gui.viewer.opener import VolumeOpener
from voxdesk.gui.viewer.readout import StatusReadout
from voxdesk.gui.viewer.toolbar import DisplayToolBar
from voxdesk.gui.viewer.views.ortho_view import LAYOUTS, OrthoView
from voxdesk.gui.viewer.welcome import WelcomePage

APP_NAME = "VoxDesk"


class MainWindow(QMainWindow):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)

        self.state = ViewerState(self)
        self.runner = WorkerRunner(self)
        self.opener = VolumeOpener(self.runner, self)
        self.opener.dialog_parent = self
        self.panels: dict[str, QDockWidget] = {}
        self.persist_settings = True
        """False for throwaway windows (screenshots): nothing is written to the settings."""
        self.interactive = True
        """False when nobody is there to answer (``voxdesk-cli screenshot``): closing never asks."""

        self.ortho = OrthoView(self.state)
        self._create_actions()
        self.welcome = WelcomePage(self.act_open, self.act_sample)
        self.central = QStackedWidget()
        self.central.addWidget(self.welcome)
        self.central.addWidget(self.ortho)
        self.setCentralWidget(self.central)

        self.display_bar = DisplayToolBar(self.state, self)
        self.addToolBar(self.display_bar)
        self.display_bar.layout_requested.connect(self.set_layout)
        self.display_bar.done.connect(self.ortho.focus_view)  # arrow keys step slices again
        self._create_menus()
        self._create_status_bar()

        self.info_dock = self.add_panel(InfoPanel(self.state), translate("MainWindow", "Volume"),
                                        object_name="volumeDock")
        self.levels_dock = self.add_panel(LevelsHistogram(self.state), translate("MainWindow", "Levels"),
                                          object_name="levelsDock", tabify=False)
        self.splitDockWidget(self.info_dock, self.levels_dock, Qt.Orientation.Vertical)

        self.opener.started.connect(self._on_open_started)
        self.opener.opened.connect(self._on_opened)
        self.opener.failed.connect(self._on_open_failed)
        self.opener.finished.connect(self._on_open_finished)
        self._restore_window()

        # The two workflows; they meet the viewer only through the state and these controllers.
        self.closing = False
        """True once the user closed the window while work ran: it closes when the work ended."""
        self.training = install_training(self)
        self.classify = install_classify(self, self.training)
        self.labelling = install_labelling(self)  # File > New Dataset from Folder…, the Label dock
        self.project = ProjectActions(self)
        self.welcome.set_step_action(2, self.training.actions["open_demo"])
        self.training.dataset_changed.connect(lambda ds: docks.grow_training_dock(self, ds))
        for action in (self.project.open_action, self.project.save_action):
            self.add_file_action(action)
        self.runner.all_done.connect(self._close_if_pending)
        self.state.volume_changed.connect(self._on_first_3d_view)
        self.refresh_accessibility()
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.runner.shutdown)  # last resort: never leave a thread behind

    def add_panel(self, widget, title: str, area=Qt.DockWidgetArea.RightDockWidgetArea, *,
                  object_name: str | None = None, tabify: bool = True) -> QDockWidget:
        """Dock ``widget``; with ``tabify`` it becomes a tab next to the area's other docks.

        The widget sits in a resizable scroll area, so a large panel (training) never forces
        the window beyond a laptop screen: it scrolls when its dock is made small.
        """
        dock = QDockWidget(title, self)
        dock.setObjectName(object_name or f"{widget.objectName() or title.replace(' ', '')}Dock")
        scroll = QScrollArea()
        scroll.setObjectName(f"{dock.objectName()}Scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(widget)
        dock.setWidget(scroll)
        siblings = [d for d in self.panels.values() if self.dockWidgetArea(d) == area and not d.isFloating()]
        self.addDockWidget(area, dock)
        if tabify and siblings:
            self.tabifyDockWidget(siblings[-1], dock)
            dock.raise_()
        self.panels[dock.objectName()] = dock
        self.panels_menu.addAction(dock.toggleViewAction())
        return dock

    def add_menu(self, title: str) -> QMenu:
        menu = QMenu(title, self)
        self.menuBar().insertMenu(self.help_menu.menuAction(), menu)
        return menu

    def add_file_action(self, action: QAction) -> None:
        self.file_menu.insertAction(self._file_open_end, action)

    @Slot(object)
    def show_volume(self, volume) -> None:
        """Show an engine Volume in every view."""
        self.state.set_volume(volume)
        self.central.setCurrentWidget(self.ortho if volume is not None else self.welcome)
        name = getattr(volume, "name", "") if volume is not None else ""
        self.setWindowTitle(f"{name} - {APP_NAME}" if name else APP_NAME)
        if volume is not None and volume.warnings:  # the engine's words (English)
            self.statusBar().showMessage("; ".join(volume.warnings), 15000)
        self.ortho.views["axial"].setFocus()

    def open_path(self, path: str, **kwargs) -> None:
        """Open a volume file in a worker (asks about datasets/samples when needed)."""
        self.opener.open(os.fspath(path), **kwargs)

    def show_error(self, title: str, message: str) -> None:
        """Tell the user something failed (``infra.errors.report_error``; tests replace this)."""
        report_error(self, title, message)

    def set_layout(self, key: str) -> None:
        self.ortho.set_layout(key)
        self.display_bar.show_layout(key)
        for action in self.layout_group.actions():
            action.setChecked(action.data() == key)

    def _create_actions(self) -> None:
        self.act_open = QAction(translate("MainWindow", "&Open..."), self, shortcut=QKeySequence.StandardKey.Open)
        self.act_open.triggered.connect(self.open_dialog)
        self.act_open_dicom = QAction(
            translate("MainWindow", "Open &DICOM Folder..."), self, shortcut=QKeySequence("Ctrl+Shift+D"))
        self.act_open_dicom.setObjectName("openDicomAction")
        self.act_open_dicom.setToolTip(translate("MainWindow", "A folder of DICOM files (one series, or several: "
                                                               "VoxDesk asks which)"))
        self.act_open_dicom.triggered.connect(self.open_dicom_dialog)
        self.act_sample = QAction(translate("MainWindow", "Open &Sample"), self)
        self.act_sample.setToolTip(translate("MainWindow", "Open a built-in CT phantom with a liver tumour"))
        self.act_sample.triggered.connect(lambda: self.open_sample())
        self.act_quit = QAction(translate("MainWindow", "&Quit"), self, shortcut=QKeySequence.StandardKey.Quit)
        self.act_quit.triggered.connect(self.close)
        self.act_reset = QAction(translate("MainWindow", "&Reset Views"), self, shortcut=QKeySequence("Ctrl+R"))
        self.act_reset.triggered.connect(self.ortho.reset_views)
        self.act_radiological = QAction(
            translate("MainWindow", "&Radiological Convention (patient right on screen left)"), self)
        self.act_radiological.setCheckable(True)
        self.act_radiological.setChecked(True)
        self.act_radiological.toggled.connect(self.state.set_radiological)

    def _create_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = menu = bar.addMenu(translate("MainWindow", "&File"))
        menu.setObjectName("fileMenu")
        menu.addAction(self.act_open)
        menu.addAction(self.act_open_dicom)
        self._file_open_end = menu.addSeparator()
        self.sample_menu = menu.addMenu(translate("MainWindow", "Open &Sample"))
        self.sample_menu.setObjectName("sampleMenu")
        file_menu.fill_sample_menu(self.sample_menu, self.open_sample)
        self.recent_menu = menu.addMenu(translate("MainWindow", "Open &Recent"))
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(lambda: file_menu.fill_recent_menu(self.recent_menu, self.open_anything))
        menu.addSeparator()
        menu.addAction(self.act_quit)

        view_menu = bar.addMenu(translate("MainWindow", "&View"))
        layout_menu = view_menu.addMenu(translate("MainWindow", "&Layout"))
        self.layout_group = QActionGroup(self)
        for key, text in LAYOUTS.items():
            act = layout_menu.addAction(translate("OrthoView", text))
            act.setCheckable(True)
            act.setData(key)
            act.setChecked(key == "2x2")
            self.layout_group.addAction(act)
            act.triggered.connect(lambda _c=False, k=key: self.set_layout(k))
        view_menu.addAction(self.act_reset)
        view_menu.addAction(docks.reset_layout_action(self))
        view_menu.addAction(self.act_radiological)
        view_menu.addSeparator()
        self.panels_menu = view_menu.addMenu(translate("MainWindow", "&Panels"))
        self.language_menu = language_menu(self)
        view_menu.addMenu(self.language_menu)

        self.help_menu = bar.addMenu(translate("MainWindow", "&Help"))
        self.help_menu.addAction(translate("MainWindow", "&Mouse and Keys"), lambda: file_menu.show_controls_help(self))
        self.help_menu.addAction(translate("MainWindow", "&About VoxDesk"), lambda: file_menu.show_about(self))

    def _create_status_bar(self) -> None:
        sb = self.statusBar()
        self.readout = StatusReadout(self.state)
        sb.addPermanentWidget(self.readout, 1)
        self.busy = QProgressBar()
        self.busy.setObjectName("openProgress")
        self.busy.setMaximumWidth(160)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.hide()
        sb.addPermanentWidget(self.busy)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self,
            translate("MainWindow", "Open a volume"), settings.last_folder(), formats.volume_filter())
        if path:
            self.open_path(path)

    def open_dicom_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self,
            translate("MainWindow", "Open a DICOM folder"), settings.last_folder())
        if path:
            self.open_path(path)

    def open_sample(self, kind: str = "tumour") -> None:
        """Open a built-in sample (``file_menu.SAMPLES``, or the installed brain MRI)."""
        self.statusBar().showMessage(translate("MainWindow", "Preparing the sample volume..."))
        self.busy.show()
        self.runner.run(lambda w: file_menu.sample_path(kind), name="demo",
                        returned=self._on_sample_ready, errored=self._on_sample_failed)

    @Slot(object)
    def _on_sample_ready(self, path) -> None:
        self.busy.hide()
        self.open_path(path)

    @Slot(object)
    def _on_sample_failed(self, exc) -> None:
        self.busy.hide()
        self.statusBar().clearMessage()
        self.show_error(translate("MainWindow", "Could not prepare the sample"), user_message(exc))

    @Slot(str)
    def _on_open_started(self, path: str) -> None:
        self.busy.show()
        self.statusBar().showMessage(translate("MainWindow", "Opening {name}...").format(name=os.path.basename(path)))

    @Slot(str, str)
    def _on_open_failed(self, path: str, message: str) -> None:
        self.statusBar().showMessage(
            translate("MainWindow", "Could not open {name}").format(name=os.path.basename(path)), 10000)
        self.show_error(translate("MainWindow", "Could not open the file"), message)

    @Slot(object)
    def _on_opened(self, volume) -> None:
        self.show_volume(volume)
        file = self.opener.path
        if os.path.exists(file) and self.persist_settings:  # a file, or a DICOM folder
            settings.add_recent_file(file)
            settings.set_last_folder(os.path.dirname(os.path.abspath(file)))
        if not volume.warnings:
            self.statusBar().showMessage(translate("MainWindow", "Opened {name}").format(name=volume.name), 5000)

    @Slot()
    def _on_open_finished(self) -> None:
        self.busy.hide()

    def dragEnterEvent(self, event) -> None:
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_anything(files[0])

    def open_anything(self, path: str) -> None:
        """A project opens everything it names; a model bundle loads in the Classify dock; a
        labelled dataset (class folders, a CSV manifest) opens in the Dataset dock; a scan or a
        DICOM series in the views. (What a file manager's double-click runs: ``voxdesk %f``.)"""
        path = os.fspath(path)
        if path.lower().endswith(formats.PROJECT_SUFFIX):
            self.project.open(path)
            return
        if path.lower().endswith(formats.BUNDLE_SUFFIX):
            self.classify.load_model(path)
            return
        # telling a dataset folder from a DICOM series reads file headers: not in the GUI thread
        self.runner.run(lambda _w: (path, file_menu.is_dataset(path)), name="route", returned=self._route)

    @Slot(object)
    def _route(self, value) -> None:
        path, dataset = value
        self.training.open_dataset(path) if dataset else self.open_path(path)

    def refresh_accessibility(self) -> None:
        """Every control named (``infra.accessibility``) and Tab in reading order
        (``infra.focus``); again whenever panels or the 3D view were added."""
        accessibility.name_controls(self)
        focus.order_window(self)

    def _on_first_3d_view(self, _volume) -> None:
        """The 3D pane is built with the first volume (after this slot's sender built it)."""
        if self.ortho.volume_view is not None and not getattr(self, "_3d_in_tab_order", False):
            self._3d_in_tab_order = True
            self.refresh_accessibility()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:  # names taken from labels follow them
            QTimer.singleShot(0, lambda: accessibility.name_controls(self))

    def arrange_docks(self, restore: bool = True) -> None:
        """Default dock sizes, then (``restore``) the user's saved arrangement (``infra.docks``)."""
        docks.arrange(self, restore)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if getattr(self, "_settle_tab_bars", False):
            self._settle_tab_bars = False
            QTimer.singleShot(0, self.hide_stale_tab_bars)
            QTimer.singleShot(0, lambda: focus.order_window(self))  # the docks have their places now

    def hide_stale_tab_bars(self) -> int:
        """Hide the stale dock tab bars Qt leaves behind (``infra.docks``); how many."""
        return docks.hide_stale_tab_bars(self, self.panels.values())

    def _restore_window(self) -> None:
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        layout = settings.value("view/layout", "2x2")
        if layout in LAYOUTS:
            self.set_layout(str(layout))
        cmap = settings.value("view/colormap", "grey")
        self.state.set_colormap(str(cmap))
        radiological = str(settings.value("view/radiological", "true")).lower() != "false"
        self.act_radiological.setChecked(radiological)

    def save_settings(self) -> None:
        s = settings.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("view/layout", self.ortho.current_layout)
        s.setValue("view/colormap", self.state.colormap)
        s.setValue("view/radiological", "true" if self.state.radiological else "false")
        s.sync()

    def closeEvent(self, event) -> None:
        """The one close policy: an unsaved model asks Save/Discard/Cancel (``keep_model``); while
        work runs, ask if a model is training (``may_close``), cancel every job, and close once
        the last thread has ended; never lose a thread."""
        if self.interactive and not self.closing and not self.training.keep_model("closing VoxDesk", self.close):
            event.ignore()  # Cancel, or Save first: the window closes once the bundle is written
            return
        if self.runner.running:
            event.ignore()
            if not self.closing and self.training.may_close():
                self.closing = True
                self.runner.cancel_all()
            return
        if self.persist_settings:
            self.save_settings()
        self.runner.shutdown()
        super().closeEvent(event)

    @Slot()
    def _close_if_pending(self) -> None:
        if self.closing:
            QTimer.singleShot(0, self.close)
