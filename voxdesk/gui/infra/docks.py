"""Dock widgets: stale tab bars Qt leaves behind, and panels that do their own scrolling."""
from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QTabBar


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
