"""The 3D pane: volume rendering, an isosurface and the three slice planes (OpenGL).

Import this module lazily: it is the only one that touches ``pyqtgraph.opengl``, and only
once a volume is shown. When OpenGL is not available (Qt's offscreen platform, a broken
driver) the pane shows a message instead and the rest of the app carries on.

World coordinates are millimetres: x along i, y along j, z along k (RAS volumes: x Right,
y Anterior, z Superior), centred on the volume.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QMatrix4x4
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.viewer.views import colormaps
from voxdesk.gui.viewer.views.lod import MAX_VOLUME_INTERACTIVE, InteractionWatcher
from voxdesk.gui.viewer.views.surface import mesh_data, surface_mesh
from voxdesk.gui.viewer.views.volume_controls import VolumeControls
from voxdesk.gui.viewer.views.volume_render import (
    MAX_PLANE,
    MAX_SURFACE,
    MAX_VOLUME,
    downsample,
    frame_points,
    letter_positions,
    plane_matrix,
    plane_rgba,
    volume_rgba,
)

NO_GL_PLATFORMS = ("offscreen", "minimal", "vnc", "linuxfb")
CAMERA = dict(elevation=12.0, azimuth=60.0)
HEAT_SHELLS = ((0.5, 0.25), (0.8, 0.55))
"""(fraction of the heat range, opacity at the default slider setting) of each 3D heat shell."""
# sagittal (i fixed), coronal (j fixed), axial (k fixed) plane outlines
FRAME_COLORS = ((0.95, 0.45, 0.45, 0.9), (0.45, 0.85, 0.5, 0.9), (0.45, 0.65, 1.0, 0.9))


def gl_unavailable_reason() -> str | None:
    """Why OpenGL cannot be used here, or None when it can."""
    platform = QGuiApplication.platformName()
    if platform in NO_GL_PLATFORMS:
        return translate("VolumeView", "The 3D view needs OpenGL, which the '{platform}' display does not "
                         "provide.").format(platform=platform)
    try:
        import OpenGL.GL  # noqa: F401
        import pyqtgraph.opengl  # noqa: F401
        from PySide6.QtGui import QOffscreenSurface, QOpenGLContext
    except Exception as exc:
        return translate("VolumeView", "The 3D view needs PyOpenGL ({error}).").format(error=f"{type(exc).__name__}: "
                                                                                             f"{exc}")
    ctx = QOpenGLContext()
    if not ctx.create():
        return translate("VolumeView", "The 3D view could not create an OpenGL context.")
    surface = QOffscreenSurface()
    surface.setFormat(ctx.format())
    surface.create()
    ok = ctx.makeCurrent(surface)
    if ok:
        ctx.doneCurrent()
    surface.destroy()
    return None if ok else translate("VolumeView", "The 3D view could not use OpenGL on this display.")


class VolumeView(QWidget):
    """objectName ``volumeView``: the GL scene, or a message when OpenGL is unavailable."""

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("volumeView")
        self.state = state
        self.gl = None
        self.reason: str | None = None
        self._items: dict[str, object] = {}
        self._factor = 1
        self._coarse = None
        self._timers: dict[str, QTimer] = {}
        self._stack = QStackedLayout(self)
        self.message = QLabel()
        self.message.setObjectName("volumeViewMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: #aaa; background: #111; padding: 24px;")
        self._stack.addWidget(self.message)
        self.reason = gl_unavailable_reason()
        if self.reason is None:
            try:
                self._build_gl()
            except Exception as exc:  # never take the app down for 3D
                self.reason = translate("VolumeView", "The 3D view failed to start ({error}).").format(
                    error=f"{type(exc).__name__}: {exc}")
                self.gl = None
        if self.gl is None:
            self.message.setText(self.reason + "\n" + translate("VolumeView", "The slice views work as usual."))
            return
        for name, slot, delay in (("volume", self._update_volume, 120), ("planes", self._update_planes, 40),
                                  ("surface", self._update_surface, 250), ("overlay", self._update_overlay, 120)):
            t = QTimer(self)
            t.setSingleShot(True)
            t.setInterval(delay)
            t.timeout.connect(slot)
            self._timers[name] = t
        state.volume_changed.connect(self._on_volume)
        state.display_changed.connect(lambda: self._schedule("volume", "planes"))
        state.cursor_changed.connect(lambda _c: self._schedule("planes"))
        state.overlay_changed.connect(lambda _o: self._schedule("overlay"))
        if state.volume is not None:
            self._on_volume(state.volume)

    @property
    def available(self) -> bool:
        return self.gl is not None

    # -- construction ---------------------------------------------------------------
    def _build_gl(self) -> None:
        page = QWidget()
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        from voxdesk.gui.viewer.views.gl_window import make_gl_view

        self.gl, self.gl_widget = make_gl_view()
        self.gl.setObjectName("volumeGL")
        self.gl_widget.setObjectName("volumeGLContainer")
        self.gl.setBackgroundColor((12, 12, 16))
        col.addWidget(self.gl_widget, 1)

        self.controls = VolumeControls()
        for name in ("show_volume", "show_surface", "show_planes", "iso_slider", "iso_label"):
            setattr(self, name, getattr(self.controls, name))
        reset = self.controls.reset
        col.addWidget(self.controls)
        self._stack.addWidget(page)
        self._stack.setCurrentWidget(page)

        self.show_volume.toggled.connect(lambda _on: self._show_volume_lod())
        self.interaction = InteractionWatcher(self.gl, self)
        self.interaction.changed.connect(lambda _active: self._show_volume_lod())
        self.show_planes.toggled.connect(self._planes_toggled)
        self.show_surface.toggled.connect(self._surface_toggled)
        self.iso_slider.valueChanged.connect(self._iso_changed)
        reset.clicked.connect(self.reset_camera)

    # -- state -> scene -------------------------------------------------------------
    def _schedule(self, *names: str) -> None:
        if self.state.volume is None:
            return
        for name in names:
            self._timers[name].start()

    def _on_volume(self, volume) -> None:
        for item in list(self._items.values()):
            for it in (item if isinstance(item, list) else [item]):
                self.gl.removeItem(it)
        self._items.clear()
        if volume is None:
            return
        # Window/level changes rebuild the texture from these small copies, never from the scan:
        # a strided view of a 512x512x600 CT would gather from all over its 300 MB per change.
        small, self._factor = downsample(volume.data, MAX_VOLUME)
        self._small = small = np.ascontiguousarray(small) if self._factor > 1 else small
        coarse, step = downsample(small, MAX_VOLUME_INTERACTIVE)  # data[::f][::s] is data[::f * s]
        self._coarse = (np.ascontiguousarray(coarse), self._factor * step) if step > 1 else None
        finite = small[np.isfinite(small)] if small.dtype.kind == "f" else small
        self._range = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        lo, hi = self.state.levels
        self._set_iso_value((lo + hi) / 2.0)
        self._add_orientation_letters()
        self._update_planes()
        self.reset_camera()
        # The volume texture (and surface) is built right after: the slices show first.
        QTimer.singleShot(0, self, self._update_volume)
        if self.show_surface.isChecked():
            self._schedule("surface")

    def _grid_transform(self, item, factor: int) -> None:
        vol = self.state.volume
        sp = np.array(vol.spacing, dtype=float)
        item.scale(*(sp * factor))
        item.translate(*(-np.array(vol.shape) * sp / 2.0))

    def _update_volume(self) -> None:
        import pyqtgraph.opengl as gl

        if self.state.volume is None:
            return
        lut = colormaps.lut(self.state.colormap)
        levels = [("volume", self._small, self._factor)]
        if self._coarse is not None:  # shown while the user orbits or zooms (see lod.py)
            levels.append(("volume_coarse", *self._coarse))
        for name, data, factor in levels:
            rgba = volume_rgba(data, self.state.levels, lut)
            item = self._items.get(name)
            if item is None:
                item = gl.GLVolumeItem(rgba, smooth=True, glOptions="translucent")
                self._grid_transform(item, factor)
                self.gl.addItem(item)
                self._items[name] = item
            else:
                item.setData(rgba)
        self._show_volume_lod()

    def _show_volume_lod(self) -> None:
        """The full volume at rest; the coarse one (when there is one) while interacting."""
        on = self.show_volume.isChecked()
        coarse = on and self.interaction.active and "volume_coarse" in self._items
        self._set_visible("volume", on and not coarse)
        self._set_visible("volume_coarse", coarse)

    def _update_overlay(self) -> None:
        """The heat map in 3D as translucent nested shells (isosurfaces of the heat), not a fog:
        one at half the peak and one at 80%, coloured from the overlay's colormap, so the
        anatomy stays visible around and through them."""
        import pyqtgraph.opengl as gl

        items = self._items.pop("overlay", None) or []
        for item in items:
            self.gl.removeItem(item)
        ov = self.state.overlay
        if ov is None or self.state.volume is None:
            return
        small, factor = downsample(ov.data, MAX_SURFACE)
        data = np.nan_to_num(small.astype(np.float32, copy=False), nan=0.0)
        lo, hi = ov.resolved_levels()
        lut = colormaps.lut(ov.colormap)
        added = []
        for frac, alpha in HEAT_SHELLS:
            level = max(ov.resolved_threshold(), lo + frac * (hi - lo))
            if not (data > level).any():
                continue
            mesh = surface_mesh(data, level)
            if len(mesh[1]) == 0:
                continue
            rgb = lut[min(len(lut) - 1, int(round((level - lo) / max(hi - lo, 1e-9) * (len(lut) - 1))))] / 255.0
            item = gl.GLMeshItem(meshdata=mesh_data(*mesh), smooth=True, shader="shaded",
                                 color=(*rgb[:3], alpha * min(1.0, 2 * ov.opacity)), glOptions="translucent")
            item.setDepthValue(5)
            self._grid_transform(item, factor)
            self.gl.addItem(item)
            added.append(item)
        self._items["overlay"] = added

    def _update_planes(self) -> None:
        if self.state.volume is None:
            return
        if self.show_planes.isChecked():
            self._update_plane_textures()
        self._update_frames()

    def _update_plane_textures(self) -> None:
        import pyqtgraph.opengl as gl

        vol = self.state.volume
        planes = self._items.get("planes")
        if planes is None:
            planes = [None, None, None]
        lut = colormaps.lut(self.state.colormap)
        c = self.state.cursor
        for axis in range(3):
            sl = np.take(vol.data, c[axis], axis=axis)
            small, f = downsample(sl, MAX_PLANE)
            rgba = plane_rgba(small, self.state.levels, lut)
            item = planes[axis]
            if item is None:
                item = gl.GLImageItem(rgba, smooth=True, glOptions="translucent")
                item.setDepthValue(-1)  # drawn before the translucent volume, seen through it
                item.setVisible(self.show_planes.isChecked())
                self.gl.addItem(item)
                planes[axis] = item
            else:
                item.setData(rgba)
            item.resetTransform()
            m = plane_matrix(vol.shape, vol.spacing, axis, c[axis], f)
            item.setTransform(QMatrix4x4(*m.ravel().tolist()))
        self._items["planes"] = planes

    def _add_orientation_letters(self) -> None:
        import pyqtgraph.opengl as gl

        vol = self.state.volume
        letters = []
        for letter, pos in letter_positions(vol.shape, vol.spacing, vol.axcodes):
            item = gl.GLTextItem(pos=pos, text=letter, color=(255, 210, 90, 255))
            self.gl.addItem(item)
            letters.append(item)
        self._items["letters"] = letters

    def _frame_points(self, axis: int) -> np.ndarray:
        vol = self.state.volume
        return frame_points(vol.shape, vol.spacing, axis, self.state.cursor[axis])

    def _update_frames(self) -> None:
        """Outlines of the three slice planes at the cursor, always on top."""
        import pyqtgraph.opengl as gl
        from OpenGL import GL

        frames = self._items.get("frames")
        if frames is None:
            frames = []
            opts = {GL.GL_DEPTH_TEST: False, GL.GL_BLEND: True,
                    "glBlendFunc": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA)}
            for axis in range(3):
                item = gl.GLLinePlotItem(pos=self._frame_points(axis), color=FRAME_COLORS[axis], width=1.5,
                                         antialias=True, glOptions=opts)
                item.setDepthValue(10)
                self.gl.addItem(item)
                frames.append(item)
            self._items["frames"] = frames
        else:
            for axis, item in enumerate(frames):
                item.setData(pos=self._frame_points(axis))

    def _update_surface(self) -> None:
        import pyqtgraph.opengl as gl

        item = self._items.pop("surface", None)
        if item is not None:
            self.gl.removeItem(item)
        if self.state.volume is None or not self.show_surface.isChecked():
            return
        small, factor = downsample(self.state.volume.data, MAX_SURFACE)
        data = np.nan_to_num(small.astype(np.float32, copy=False), nan=self._range[0])
        mesh = surface_mesh(data, self._iso_value())  # no degenerate triangles, no NaN normals
        if len(mesh[1]) == 0:
            return
        item = gl.GLMeshItem(meshdata=mesh_data(*mesh), smooth=True, shader="shaded", color=(0.92, 0.85, 0.75, 1.0),
                             glOptions="opaque")
        self._grid_transform(item, factor)
        self.gl.addItem(item)
        self._items["surface"] = item

    # -- controls -------------------------------------------------------------------
    def _set_visible(self, name: str, on: bool) -> None:
        item = self._items.get(name)
        for it in (item if isinstance(item, list) else [item]):
            if it is not None:
                it.setVisible(on)

    def _planes_toggled(self, on: bool) -> None:
        self._set_visible("planes", on)
        if on:
            self._schedule("planes")

    def _surface_toggled(self, on: bool) -> None:
        self.iso_slider.setEnabled(on)
        if on:
            self._schedule("surface")
        else:
            self._set_visible("surface", False)

    def _iso_value(self) -> float:
        lo, hi = self._range
        return lo + (hi - lo) * self.iso_slider.value() / 1000.0

    def _set_iso_value(self, value: float) -> None:
        lo, hi = self._range
        frac = 0.5 if hi <= lo else (value - lo) / (hi - lo)
        self.iso_slider.blockSignals(True)
        self.iso_slider.setValue(int(round(min(max(frac, 0.0), 1.0) * 1000)))
        self.iso_slider.blockSignals(False)
        self.iso_label.setText(f"{self._iso_value():.4g}")

    def _iso_changed(self, _value: int) -> None:
        self.iso_label.setText(f"{self._iso_value():.4g}")
        self._schedule("surface")

    def reset_camera(self) -> None:
        vol = self.state.volume
        if self.gl is None:
            return
        from pyqtgraph import Vector

        extent = 100.0 if vol is None else float(np.linalg.norm(np.array(vol.shape) * np.array(vol.spacing)))
        self.gl.setCameraPosition(pos=Vector(0, 0, 0), distance=extent * 1.05, **CAMERA)
