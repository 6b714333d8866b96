"""Plots inside scrolling docks: the mouse wheel scrolls the dock, Ctrl+wheel zooms the plot.

A pyqtgraph plot is a ``QGraphicsView``: left alone, its ViewBox (and its axes) take every
wheel event and zoom, so a user scrolling a dock with the pointer over a curve zooms the curve
instead (issue 15: a loss axis ending at epochs 21.2-22, an accuracy axis at -1.0).
``wheel_scrolls_parent(plot)`` puts a filter on the plot's viewport: a plain wheel goes to the
nearest scroll area around the plot (or nowhere); with Ctrl held and ``zoom=True`` the plot
zooms as before. Forwarding explicitly (rather than ignoring the event and hoping it
propagates) also works for synthesised events, which Qt does not propagate to parents.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QGraphicsView, QWidget


def scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    """The nearest scroll area holding ``widget`` (other plots, being scroll areas too, skipped)."""
    w = widget.parentWidget()
    while w is not None:
        if isinstance(w, QAbstractScrollArea) and not isinstance(w, QGraphicsView):
            return w
        w = w.parentWidget()
    return None


class _WheelToScroll(QObject):
    def __init__(self, plot: QWidget, zoom: bool) -> None:
        super().__init__(plot)
        self._plot = plot
        self.zoom = zoom

    def eventFilter(self, obj, event) -> bool:
        if event.type() != QEvent.Type.Wheel:
            return False
        if self.zoom and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False  # the plot's own wheel zoom
        area = scroll_area_around(self._plot)
        if area is not None:
            QApplication.sendEvent(area.viewport(), event)
        event.accept()
        return True


def wheel_scrolls_parent(plot: QGraphicsView, *, zoom: bool = True) -> QObject:
    """Make the wheel over ``plot`` scroll the scroll area around it; Ctrl+wheel zooms when
    ``zoom`` (else the plot never zooms with the wheel). Returns the installed filter."""
    guard = _WheelToScroll(plot, zoom)
    plot.viewport().installEventFilter(guard)
    return guard
