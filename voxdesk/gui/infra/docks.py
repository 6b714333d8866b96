"""Dock widgets: what Qt's QMainWindow leaves behind when docks are tabified early."""
from __future__ import annotations

from PySide6.QtWidgets import QTabBar


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
