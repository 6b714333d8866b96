"""The probability chart of the Classify panel: one bar per class, the top class highlighted.

A fixed view (no zoom, no pan, no menu): the wheel over it scrolls the panel (``infra.plots``).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from voxdesk.gui.infra.plots import wheel_scrolls_parent


class ProbabilityChart(pg.PlotWidget):
    """One vertical bar per class (height = the engine's probability), the top class highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("probabilityChart")
        pal = self.palette()
        self.setBackground(pal.color(QPalette.Base))
        self._fg = pal.color(QPalette.Text)
        self._hi = pal.color(QPalette.Highlight)
        light = pal.color(QPalette.Base).lightness() > 128
        self._lo = pal.color(QPalette.Mid) if light else pal.color(QPalette.Button).lighter(160)
        self.setMinimumHeight(150)  # fits the scroll area of a Classify dock sharing its column
        wheel_scrolls_parent(self, zoom=False)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.setMouseEnabled(False, False)
        item.hideButtons()
        item.setYRange(0.0, 1.12, padding=0)
        for side in ("left", "bottom"):
            item.getAxis(side).setPen(self._fg)
            item.getAxis(side).setTextPen(self._fg)
        item.getAxis("bottom").setHeight(28)
        item.getAxis("left").setTicks([[(v, f"{v:.0%}") for v in (0.0, 0.25, 0.5, 0.75, 1.0)]])
        item.showGrid(y=True, alpha=0.15)
        self.bars: pg.BarGraphItem | None = None
        self._texts: list[pg.TextItem] = []
        self._names: list[str] = []

    def sizeHint(self) -> QSize:
        """Short: in a scrolling dock the bars should fit the view (a tall dock stretches them)."""
        return QSize(300, 170)

    def set_probabilities(self, probabilities: dict[str, float] | None) -> None:
        item = self.getPlotItem()
        for t in self._texts:
            item.removeItem(t)
        self._texts = []
        if self.bars is not None:
            item.removeItem(self.bars)
            self.bars = None
        self._names = list(probabilities or {})
        if not probabilities:
            item.getAxis("bottom").setTicks([[]])
            return
        heights = np.array([float(v) for v in probabilities.values()])
        top = int(np.argmax(heights))
        brushes = [pg.mkBrush(self._hi if i == top else self._lo) for i in range(len(heights))]
        x = np.arange(len(heights), dtype=float)
        self.bars = pg.BarGraphItem(x=x, height=heights, width=0.62, brushes=brushes, pen=pg.mkPen(None))
        item.addItem(self.bars)
        item.getAxis("bottom").setTicks([[(i, n) for i, n in enumerate(self._names)]])
        item.setXRange(-0.6, len(heights) - 0.4, padding=0)
        for i, h in enumerate(heights):
            t = pg.TextItem(f"{h:.1%}", color=self._fg, anchor=(0.5, 1.0))
            t.setPos(i, h + 0.01)
            item.addItem(t)
            self._texts.append(t)

    def heights(self) -> list[float]:
        return [] if self.bars is None else [float(v) for v in self.bars.opts["height"]]

    def names(self) -> list[str]:
        return list(self._names)
