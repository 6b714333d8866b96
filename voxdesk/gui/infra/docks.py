"""Dock widgets: the default arrangement, View > Reset Layout, panels that do their own
scrolling, and what Qt's QMainWindow leaves behind when docks are tabified early."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QScrollArea, QTabBar

from voxdesk.gui.infra import settings
from voxdesk.gui.infra.i18n import translate

H, V = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
TRAINING_DOCK_EMPTY, TRAINING_DOCK = 200, 360
"""The Training dock's height while no dataset is open (the welcome page needs the room) and
once one is (``grow_training_dock``: the curves need it)."""
DEFAULT_SIZES = (
    (("datasetDock",), (270,), H),
    (("volumeDock",), (340,), H),
    (("trainingDock",), (TRAINING_DOCK,), V),
    (("volumeDock", "levelsDock"), (560, 190), V),
)
"""(docks, pixel sizes, orientation) Qt's resizeDocks gets for the default arrangement."""
RAISED = ("volumeDock", "trainingDock")
DEFAULT_VIEW_LAYOUT = "2x2"


def apply_default_sizes(window) -> None:
    """The scan views keep most of the window: a narrow dataset column on the left, the
    volume/classify column on the right with the levels histogram below it, and the
    training/batch tabs along the bottom."""
    no_data = getattr(getattr(window, "training", None), "dataset", None) is None
    for names, sizes, orientation in DEFAULT_SIZES:
        if names == ("trainingDock",) and no_data:
            sizes = (TRAINING_DOCK_EMPTY,)
        docks = [window.panels[n] for n in names if n in window.panels]
        if len(docks) == len(names):
            window.resizeDocks(docks, list(sizes), orientation)
    for name in RAISED:
        if name in window.panels:
            window.panels[name].raise_()


def arrange(window, restore: bool = True) -> None:
    """Default dock sizes, remembered as the state View > Reset Layout returns to; then
    (``restore``) the user's saved arrangement. Call once every panel is added."""
    apply_default_sizes(window)
    window.default_dock_state = window.saveState()
    window.default_visible = {name for name, d in window.panels.items() if not d.isHidden()}
    state = settings.value("window/state") if restore else None
    if isinstance(state, QByteArray) and not state.isEmpty():
        window.restoreState(state)
    window._settle_tab_bars = True


def grow_training_dock(window, dataset) -> None:
    """Give the Training dock its working height the first time a dataset opens (once)."""
    dock = window.panels.get("trainingDock")
    if dataset is None or dock is None or getattr(window, "_training_dock_grown", False):
        return
    window._training_dock_grown = True
    if dock.height() < TRAINING_DOCK and not dock.isFloating():
        window.resizeDocks([dock], [TRAINING_DOCK], V)


def reset_layout(window) -> None:
    """Every dock back where ``arrange`` put it (docked, shown, default sizes), the views in
    the 2 x 2 layout."""
    default = getattr(window, "default_dock_state", None)
    for name, dock in window.panels.items():
        dock.setFloating(False)
        dock.setVisible(name in getattr(window, "default_visible", window.panels))
    if default is not None:
        window.restoreState(default)
    apply_default_sizes(window)
    window.set_layout(DEFAULT_VIEW_LAYOUT)
    window.ortho.reset_views()
    QTimer.singleShot(0, window.hide_stale_tab_bars)


def reset_layout_action(window) -> QAction:
    """View > Reset Layout (objectName ``resetLayoutAction``)."""
    act = QAction(translate("Docks", "Reset &Layout"), window)
    act.setObjectName("resetLayoutAction")
    act.setToolTip(translate("Docks", "Put every panel back where it started and show the views 2 x 2"))
    act.triggered.connect(lambda _checked=False: reset_layout(window))
    return act


def hide_stale_tab_bars(window, docks) -> int:
    """Docks tabified before the window had its final size leave stale tab bars behind: Qt
    keeps them visible at their old place (e.g. "Training | Batch" over the Dataset dock).
    The tab bar in use sits on the edge of its group's visible dock; hide the others (and
    any whose docks are all hidden)."""
    hidden = 0
    by_title = {d.windowTitle(): d for d in docks}
    for bar in window.findChildren(QTabBar):
        if bar.parent() is not window or not bar.isVisible() or bar.count() < 2:
            continue
        shown = [by_title[t] for t in (bar.tabText(i) for i in range(bar.count()))
                 if t in by_title and by_title[t].isVisible() and not by_title[t].visibleRegion().isEmpty()]
        g = shown[0].geometry() if shown else None
        if g is None or abs(bar.x() - g.x()) > 2 or abs(bar.y() - (g.y() + g.height())) > 4:
            bar.hide()
            hidden += 1
    return hidden


def panel_scrolls_itself(dock) -> None:
    """``MainWindow.add_panel`` puts each panel in a scroll area. A panel that keeps its controls
    in a fixed bar and scrolls only its body (its own single scroll area) must not sit in a
    second one: nested scroll areas take the wheel from each other and scroll the wrong one.
    Take the panel out of the outer scroll area and make it the dock's widget."""
    outer = dock.widget()
    if isinstance(outer, QScrollArea):
        panel = outer.takeWidget()
        dock.setWidget(panel)
        outer.setParent(None)  # Python made it and now owns it: deleted with this frame
