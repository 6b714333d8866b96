"""ViewerState: the one object the viewer's widgets share.

Widgets never call each other. They read this state, change it through its setters and
listen to its signals. The state holds plain data only (a Volume, tuples, an Overlay):

* ``volume``    the Volume shown (or None), ``volume_changed(object)``
* ``cursor``    voxel index (i, j, k) all views cross at, ``cursor_changed(tuple)``
* ``hover``     voxel under the mouse (or None), ``hover_changed(object)``
* ``levels``    display window (low, high) in data units, ``levels`` + ``colormap`` +
                ``radiological`` changes emit ``display_changed()``
* ``preset``    the window preset's name (``"custom"`` after a drag or typed numbers);
                ``remembered_presets`` (modality -> name) picks a new scan's preset
* ``overlay``   optional heat map on the volume grid (Overlay or None), ``overlay_changed``

Later panels (training, classification, Grad-CAM) use the same setters: ``set_volume`` to
show a sample, ``set_overlay(Overlay(heat))`` to draw a heat map on every view.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from voxdesk.gui.viewer import contrast


@dataclass
class Overlay:
    """A float heat map drawn over the volume (same shape as ``volume.data``).

    Voxels below ``threshold`` (in data units; default: lowest 5% of the range) are clear.
    """

    data: np.ndarray
    opacity: float = 0.5
    colormap: str = "inferno"
    levels: tuple[float, float] | None = None
    threshold: float | None = None
    name: str = "overlay"
    kind: str = "overlay"
    """What drew it: ``"heat-map"`` for explanations, so a new model clears only those."""

    def resolved_levels(self) -> tuple[float, float]:
        if self.levels is not None:
            return (float(self.levels[0]), float(self.levels[1]))
        finite = self.data[np.isfinite(self.data)]
        if finite.size == 0:
            return (0.0, 1.0)
        lo, hi = float(finite.min()), float(finite.max())
        return (lo, hi if hi > lo else lo + 1.0)

    def resolved_threshold(self) -> float:
        if self.threshold is not None:
            return float(self.threshold)
        lo, hi = self.resolved_levels()
        return lo + 0.05 * (hi - lo)


class ViewerState(QObject):
    volume_changed = Signal(object)
    cursor_changed = Signal(tuple)
    hover_changed = Signal(object)
    display_changed = Signal()
    overlay_changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.volume = None
        self.cursor: tuple[int, int, int] = (0, 0, 0)
        self.hover: tuple[int, int, int] | None = None
        self.levels: tuple[float, float] = (0.0, 1.0)
        self.colormap: str = "grey"
        self.radiological: bool = True
        self.overlay: Overlay | None = None
        self.preset: str = contrast.DEFAULT_PRESET
        self.remembered_presets: dict[str, str] = {}
        """modality ("CT", "MR", "other") -> the preset a new volume of that kind starts with."""

    # -- volume -----------------------------------------------------------------------
    def set_volume(self, volume, *, cursor: tuple[int, int, int] | None = None) -> None:
        """Show ``volume``: the cursor goes to its centre, levels to the preset last chosen for
        its modality (``remembered_presets``), else its file's window, else auto.

        Any overlay is dropped (it belonged to the previous grid).
        """
        self.volume = volume
        self.overlay = None
        self.hover = None
        if volume is not None:
            self.preset = contrast.preset_for(volume, self.remembered_presets)
            self.levels = contrast.preset_levels(self.preset, volume)
            self.cursor = self._clamp(cursor or tuple(s // 2 for s in volume.shape))
        self.volume_changed.emit(volume)
        self.overlay_changed.emit(None)
        self.display_changed.emit()
        self.cursor_changed.emit(self.cursor)

    # -- cursor -----------------------------------------------------------------------
    def _clamp(self, ijk) -> tuple[int, int, int]:
        if self.volume is None:
            return tuple(int(v) for v in ijk)  # type: ignore[return-value]
        return tuple(int(min(max(int(v), 0), n - 1)) for v, n in zip(ijk, self.volume.shape))  # type: ignore[return-value]

    def set_cursor(self, ijk) -> None:
        new = self._clamp(ijk)
        if new != self.cursor:
            self.cursor = new
            self.cursor_changed.emit(new)

    def step(self, axis: int, delta: int) -> None:
        """Move the cursor ``delta`` voxels along ``axis`` (0, 1, 2), clamped."""
        ijk = list(self.cursor)
        ijk[axis] += int(delta)
        self.set_cursor(ijk)

    def set_hover(self, ijk) -> None:
        new = None if ijk is None else self._clamp(ijk)
        if new != self.hover:
            self.hover = new
            self.hover_changed.emit(new)

    # -- display ----------------------------------------------------------------------
    def set_levels(self, low: float, high: float, *, preset: str = "custom") -> None:
        low, high = float(low), float(high)
        if high <= low:
            high = low + max(abs(low) * 1e-6, 1e-6)
        if (low, high) != self.levels or preset != self.preset:
            self.levels = (low, high)
            self.preset = preset
            self.display_changed.emit()

    def set_window(self, width: float, level: float) -> None:
        """Window/level the radiology way: ``width`` around centre ``level``."""
        width = max(float(width), 1e-6)
        self.set_levels(level - width / 2.0, level + width / 2.0)

    @property
    def window(self) -> tuple[float, float]:
        """(width, level) of the current levels."""
        lo, hi = self.levels
        return (hi - lo, (hi + lo) / 2.0)

    def apply_preset(self, name: str) -> None:
        if self.volume is None:
            return
        lo, hi = contrast.preset_levels(name, self.volume)
        self.set_levels(lo, hi, preset=name)

    def choose_preset(self, name: str) -> str | None:
        """The user picked preset ``name``: apply it, and start every later volume of this
        modality with it; returns the modality (None without a volume)."""
        if self.volume is None:
            return None
        self.apply_preset(name)
        kind = contrast.modality(self.volume)
        self.remembered_presets[kind] = name
        return kind

    def set_colormap(self, name: str) -> None:
        if name != self.colormap:
            self.colormap = name
            self.display_changed.emit()

    def set_radiological(self, on: bool) -> None:
        if bool(on) != self.radiological:
            self.radiological = bool(on)
            self.display_changed.emit()

    # -- overlay ----------------------------------------------------------------------
    def set_overlay(self, overlay: Overlay | np.ndarray | None) -> None:
        """Draw a heat map over every view; ``None`` removes it.

        The array must have the volume's shape (ValueError otherwise).
        """
        if overlay is not None and not isinstance(overlay, Overlay):
            overlay = Overlay(np.asarray(overlay, dtype=np.float32))
        if overlay is not None:
            if self.volume is None or overlay.data.shape != self.volume.shape:
                have = None if self.volume is None else self.volume.shape
                raise ValueError(f"overlay shape {overlay.data.shape} does not match the volume {have}")
        self.overlay = overlay
        self.overlay_changed.emit(overlay)

    def set_overlay_opacity(self, opacity: float) -> None:
        if self.overlay is not None:
            self.overlay.opacity = float(min(max(opacity, 0.0), 1.0))
            self.overlay_changed.emit(self.overlay)

    def overlay_value(self, ijk) -> float | None:
        if self.overlay is None:
            return None
        return float(self.overlay.data[tuple(ijk)])
