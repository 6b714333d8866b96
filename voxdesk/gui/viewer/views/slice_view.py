"""SliceView: one orthogonal plane of the volume, drawn with pyqtgraph items.

Mouse: left click/drag moves the shared cursor; wheel steps slices (Ctrl+wheel zooms);
middle drag (or Shift+left drag) pans; right drag sets window (horizontal) and level
(vertical). Keys: Up/Right and Down/Left step one slice, Page Up/Down ten, Home resets view.

The view only talks to ViewerState: it never knows the other views.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QTransform

from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.viewer.views import colormaps
from voxdesk.gui.viewer.views.orientation import PlaneGeometry, plane_geometry

CROSSHAIR_PEN = pg.mkPen((80, 220, 120, 170), width=1)
LETTER_COLOR = (255, 210, 90)
LETTER_UNKNOWN_COLOR = (170, 170, 170)
LABEL_FILL = (0, 0, 0, 175)
"""The dark box behind every title and letter: readable over bright tissue and over air."""
LABEL_BORDER = (0, 0, 0, 220)


def index_tip() -> str:
    return translate("SliceView", "Slice numbers and the status-bar voxel (i, j, k) count from 0, as in NumPy "
                     "and voxdesk-cli --cursor")


def plane_name(plane: str) -> str:
    names = {"axial": translate("SliceView", "Axial"), "coronal": translate("SliceView", "Coronal"),
             "sagittal": translate("SliceView", "Sagittal")}
    return names.get(plane, plane.capitalize())

PAGE_STEP = 10


def _label(color, anchor, bold: bool = False) -> pg.TextItem:
    """Text on a dark, slightly bordered box, so it reads over white bone as over black air."""
    item = pg.TextItem("", color=color, anchor=anchor, fill=pg.mkBrush(LABEL_FILL),
                       border=pg.mkPen(LABEL_BORDER, width=1))
    if bold:
        font = item.textItem.font()
        font.setBold(True)
        item.setFont(font)
    return item


class _SliceViewBox(pg.ViewBox):
    """A ViewBox whose mouse gestures mean radiology things, reported as signals."""

    sigPick = Signal(object)  # QPointF in view (mm) coordinates
    sigWheelSteps = Signal(int)
    sigWindowDrag = Signal(float, float, bool)  # dx, dy in pixels since start, finished

    def __init__(self) -> None:
        super().__init__(lockAspect=True, enableMenu=False, invertY=False)
        self._wheel_rest = 0.0

    def mouseClickEvent(self, ev):
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            self.sigPick.emit(self.mapSceneToView(ev.scenePos()))
        else:
            ev.ignore()

    def mouseDragEvent(self, ev, axis=None):
        button = ev.button()
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if button == Qt.MouseButton.LeftButton and not shift:
            ev.accept()
            self.sigPick.emit(self.mapSceneToView(ev.scenePos()))
        elif button == Qt.MouseButton.RightButton:
            ev.accept()
            delta = ev.screenPos() - ev.buttonDownScreenPos()
            self.sigWindowDrag.emit(float(delta.x()), float(delta.y()), bool(ev.isFinish()))
        elif button == Qt.MouseButton.MiddleButton or (button == Qt.MouseButton.LeftButton and shift):
            ev.accept()
            last = self.mapToView(ev.lastPos())
            now = self.mapToView(ev.pos())
            d = last - now
            self.translateBy(x=d.x(), y=d.y())
        else:
            ev.ignore()

    def wheelEvent(self, ev, axis=None):
        if ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(ev, axis)
            return
        ev.accept()
        self._wheel_rest += ev.delta() / 120.0
        steps = int(self._wheel_rest)
        if steps:
            self._wheel_rest -= steps
            self.sigWheelSteps.emit(steps)


class SliceView(pg.GraphicsView):
    """One plane ("axial", "coronal" or "sagittal") following ``state``."""

    def __init__(self, state, plane: str, parent=None) -> None:
        super().__init__(parent)
        self.state = state
        self.plane = plane
        self.setObjectName(f"{plane}View")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setBackground("k")
        self.geometry_: PlaneGeometry = plane_geometry(plane)
        self._shown_index: int | None = None
        self._spacing_hv = (1.0, 1.0)
        self._drag_start_window: tuple[float, float] | None = None

        self.vb = _SliceViewBox()
        self.setCentralItem(self.vb)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.vb.addItem(self.image)
        self.overlay_image = pg.ImageItem(axisOrder="col-major")
        self.overlay_image.setZValue(5)
        self.overlay_image.setVisible(False)
        self.vb.addItem(self.overlay_image)
        self.hline = pg.InfiniteLine(angle=0, movable=False, pen=CROSSHAIR_PEN)
        self.vline = pg.InfiniteLine(angle=90, movable=False, pen=CROSSHAIR_PEN)
        for line in (self.hline, self.vline):
            line.setZValue(10)
            self.vb.addItem(line, ignoreBounds=True)

        self.letters = {side: _label(LETTER_COLOR, anchor, bold=True)
                        for side, anchor in (("left", (0, 0.5)), ("right", (1, 0.5)),
                                             ("top", (0.5, 0)), ("bottom", (0.5, 1)))}
        self.info = _label((235, 235, 235), (0, 0))
        for item in (*self.letters.values(), self.info):
            item.setParentItem(self.vb)
            item.setZValue(20)
        self.vb.sigResized.connect(self._place_labels)

        self.vb.sigPick.connect(self._pick)
        self.vb.sigWheelSteps.connect(self._step)
        self.vb.sigWindowDrag.connect(self._window_drag)
        self.scene().sigMouseMoved.connect(self._mouse_moved)

        state.volume_changed.connect(self._on_volume)
        state.cursor_changed.connect(self._on_cursor)
        state.display_changed.connect(self._on_display)
        state.overlay_changed.connect(self._on_overlay)
        if state.volume is not None:
            self._on_volume(state.volume)

    # -- state -> view ----------------------------------------------------------------
    def _on_volume(self, volume) -> None:
        self._shown_index = None
        self._update_geometry()
        if volume is None:
            self.image.clear()
            self.overlay_image.clear()
            self.info.setText("")
            return
        self._draw_slice(force=True)
        self._draw_crosshair()
        self.reset_view()

    def _update_geometry(self) -> None:
        vol = self.state.volume
        axcodes = vol.axcodes if vol is not None else ("R", "A", "S")
        self.geometry_ = g = plane_geometry(self.plane, axcodes, self.state.radiological)
        self.vb.invertX(g.flip_h)
        self.vb.invertY(g.flip_v)
        if vol is not None:
            sh, sv = vol.spacing[g.h_axis], vol.spacing[g.v_axis]
            self._spacing_hv = (sh if sh > 0 else 1.0, sv if sv > 0 else 1.0)
        tr = QTransform.fromScale(*self._spacing_hv)
        self.image.setTransform(tr)
        self.overlay_image.setTransform(tr)
        known = vol is None or vol.orientation_known
        color = LETTER_COLOR if known else LETTER_UNKNOWN_COLOR
        for side in self.letters:
            text = getattr(g, side) + ("" if known else "?")
            self.letters[side].setText(text)
            self.letters[side].setColor(color)
        tip = "" if known else translate("SliceView", "Orientation not stored in the file: letters are assumed "
                                                      "(RAS).") + "\n"
        self.setToolTip(tip + index_tip())
        self._place_labels()

    def _on_cursor(self, _cursor) -> None:
        self._draw_slice()
        self._draw_crosshair()

    def _on_display(self) -> None:
        g = self.geometry_
        vol = self.state.volume
        if vol is not None and plane_geometry(self.plane, vol.axcodes, self.state.radiological) != g:
            self._update_geometry()
        self.image.setLookupTable(colormaps.lut(self.state.colormap), update=False)
        self.image.setLevels(self.state.levels)

    def _on_overlay(self, overlay) -> None:
        if overlay is None:
            self.overlay_image.setVisible(False)
            return
        self._draw_overlay()

    # -- drawing ----------------------------------------------------------------------
    def _draw_slice(self, force: bool = False) -> None:
        vol = self.state.volume
        if vol is None:
            return
        g = self.geometry_
        index = self.state.cursor[g.normal]
        if index == self._shown_index and not force:
            return
        self._shown_index = index
        self.image.setImage(
            g.slice_of(vol.data, index), autoLevels=False, levels=self.state.levels,
            lut=colormaps.lut(self.state.colormap),
        )
        axis = "ijk"[g.normal]  # 0-based, like the voxel readout (index_tip)
        self.info.setText(f"{plane_name(self.plane)}  {axis} {index}  (0-{vol.shape[g.normal] - 1})")
        if self.state.overlay is not None:
            self._draw_overlay()

    def _draw_overlay(self) -> None:
        ov = self.state.overlay
        if ov is None or self.state.volume is None:
            return
        g = self.geometry_
        lo, hi = ov.resolved_levels()
        thr = ov.resolved_threshold()
        n = 256
        clear = int(np.clip((thr - lo) / (hi - lo) * n, 0, n - 1))
        self.overlay_image.setImage(
            g.slice_of(ov.data, self.state.cursor[g.normal]), autoLevels=False, levels=(lo, hi),
            lut=colormaps.overlay_lut(ov.colormap, n, clear),
        )
        self.overlay_image.setOpacity(ov.opacity)
        self.overlay_image.setVisible(True)

    def _draw_crosshair(self) -> None:
        g = self.geometry_
        c = self.state.cursor
        sh, sv = self._spacing_hv
        self.vline.setValue((c[g.h_axis] + 0.5) * sh)
        self.hline.setValue((c[g.v_axis] + 0.5) * sv)

    def _place_labels(self, *_args) -> None:
        r = self.vb.boundingRect()
        m = 4.0
        self.letters["left"].setPos(QPointF(r.left() + m, r.center().y()))
        self.letters["right"].setPos(QPointF(r.right() - m, r.center().y()))
        self.letters["top"].setPos(QPointF(r.center().x(), r.top() + m))
        self.letters["bottom"].setPos(QPointF(r.center().x(), r.bottom() - m))
        self.info.setPos(QPointF(r.left() + m, r.top() + m))

    def reset_view(self) -> None:
        vol = self.state.volume
        if vol is None:
            return
        g = self.geometry_
        sh, sv = self._spacing_hv
        w, h = vol.shape[g.h_axis] * sh, vol.shape[g.v_axis] * sv
        self.vb.setRange(xRange=(0, w), yRange=(0, h), padding=0.04)

    # -- view -> state ----------------------------------------------------------------
    def voxel_at(self, view_pos) -> tuple[int, int, int] | None:
        """Voxel under a point in view (mm) coordinates, or None outside the volume."""
        vol = self.state.volume
        if vol is None:
            return None
        g = self.geometry_
        sh, sv = self._spacing_hv
        h = math.floor(view_pos.x() / sh)
        v = math.floor(view_pos.y() / sv)
        if not (0 <= h < vol.shape[g.h_axis] and 0 <= v < vol.shape[g.v_axis]):
            return None
        ijk = list(self.state.cursor)
        ijk[g.h_axis], ijk[g.v_axis] = h, v
        return tuple(ijk)  # type: ignore[return-value]

    def _pick(self, view_pos) -> None:
        self.setFocus()
        vol = self.state.volume
        if vol is None:
            return
        g = self.geometry_
        sh, sv = self._spacing_hv
        ijk = list(self.state.cursor)
        ijk[g.h_axis] = math.floor(view_pos.x() / sh)
        ijk[g.v_axis] = math.floor(view_pos.y() / sv)
        self.state.set_cursor(ijk)  # clamped by the state

    def _step(self, delta: int) -> None:
        if self.state.volume is not None:
            self.state.step(self.geometry_.normal, delta)

    def _window_drag(self, dx: float, dy: float, finished: bool) -> None:
        if self.state.volume is None:
            return
        if self._drag_start_window is None:
            self._drag_start_window = self.state.window
        w0, l0 = self._drag_start_window
        width = w0 * 2.0 ** (dx / 150.0)
        level = l0 - dy * w0 / 300.0
        self.state.set_window(width, level)
        if finished:
            self._drag_start_window = None

    def _mouse_moved(self, scene_pos) -> None:
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            self.state.set_hover(None)
            return
        self.state.set_hover(self.voxel_at(self.vb.mapSceneToView(scene_pos)))

    def leaveEvent(self, ev):
        self.state.set_hover(None)
        super().leaveEvent(ev)

    def keyPressEvent(self, ev):
        key = ev.key()
        steps = {
            Qt.Key.Key_Up: 1, Qt.Key.Key_Right: 1, Qt.Key.Key_Down: -1, Qt.Key.Key_Left: -1,
            Qt.Key.Key_PageUp: PAGE_STEP, Qt.Key.Key_PageDown: -PAGE_STEP,
        }
        if key in steps:
            self._step(steps[key])
            ev.accept()
        elif key == Qt.Key.Key_Home:
            self.reset_view()
            ev.accept()
        else:
            super().keyPressEvent(ev)
