"""The status-bar readout: voxel index, world position (mm) and value under the mouse
(or at the cursor when the mouse is elsewhere)."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel

from voxdesk.gui.infra.i18n import translate


def format_value(value: float, dtype) -> str:
    if not np.isfinite(value):
        return str(value)
    if np.issubdtype(np.dtype(dtype), np.integer):
        return str(int(value))
    return f"{value:.5g}"


def readout_text(volume, ijk, overlay_value: float | None = None) -> str:
    if volume is None or ijk is None:
        return ""
    i, j, k = (int(v) for v in ijk)
    x, y, z = volume.world(i, j, k)
    text = translate("Readout", "voxel ({i}, {j}, {k})   world ({x}, {y}, {z}) mm   value {value}").format(
        i=i, j=j, k=k, x=f"{x:.1f}", y=f"{y:.1f}", z=f"{z:.1f}",
        value=format_value(volume.value(i, j, k), volume.dtype))
    if overlay_value is not None:
        text += translate("Readout", "   overlay {value}").format(value=f"{overlay_value:.3g}")
    return text


class StatusReadout(QLabel):
    """objectName ``statusReadout``."""

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("statusReadout")
        self.setMinimumWidth(420)
        self.setToolTip(translate("Readout", "Voxel index (i, j, k), counted from 0 like the slice numbers in the "
                                  "views; world position in mm, and the value there (under the mouse, else at the "
                                  "cursor)"))
        self.state = state
        state.cursor_changed.connect(self._refresh)
        state.hover_changed.connect(self._refresh)
        state.volume_changed.connect(self._refresh)
        state.overlay_changed.connect(self._refresh)

    def _refresh(self, *_args) -> None:
        s = self.state
        ijk = s.hover if s.hover is not None else (s.cursor if s.volume is not None else None)
        self.setText(readout_text(s.volume, ijk, None if ijk is None else s.overlay_value(ijk)))
