"""A histogram of the volume with a draggable window: the levels control."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from voxdesk.gui.viewer.contrast import histogram


class LevelsHistogram(QWidget):
    """objectName ``levelsHistogram``: drag the shaded band (or its edges) to set levels."""

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("levelsHistogram")
        self.state = state
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.plot = pg.PlotWidget(background=(25, 25, 30))
        self.plot.setObjectName("levelsPlot")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.getPlotItem().hideAxis("left")
        self.plot.setMinimumHeight(90)
        self.curve = pg.PlotDataItem(stepMode="center", fillLevel=0, brush=(120, 140, 170, 120),
                                     pen=pg.mkPen((150, 170, 200), width=1))
        self.plot.addItem(self.curve)
        self.region = pg.LinearRegionItem(values=(0, 1), brush=(240, 200, 80, 50),
                                          pen=pg.mkPen((240, 200, 80), width=2))
        self.region.setZValue(10)
        self.plot.addItem(self.region)
        layout.addWidget(self.plot)
        self._syncing = False
        self.region.sigRegionChanged.connect(self._region_moved)
        state.volume_changed.connect(self._on_volume)
        state.display_changed.connect(self._sync)

    def _on_volume(self, volume) -> None:
        if volume is None:
            self.curve.setData([], [])
            return
        counts, edges = histogram(volume.data)
        self.curve.setData(edges, counts)
        lo, hi = float(edges[0]), float(edges[-1])
        pad = 0.02 * (hi - lo)
        self.plot.setXRange(lo - pad, hi + pad, padding=0)
        self.plot.setYRange(0, float(np.max(counts)) * 1.05 if counts.size else 1, padding=0)
        self._sync()

    def _sync(self) -> None:
        self._syncing = True
        try:
            self.region.setRegion(self.state.levels)
        finally:
            self._syncing = False

    def _region_moved(self) -> None:
        if self._syncing or self.state.volume is None:
            return
        lo, hi = self.region.getRegion()
        self.state.set_levels(lo, hi)
