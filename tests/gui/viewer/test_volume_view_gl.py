"""The OpenGL 3D pane, under a real X server (Xvfb): it must draw the volume, not black."""
from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.gl


def _ball(n=48):
    from voxdesk.engine.volume import Volume

    x, y, z = np.mgrid[:n, :n, :n] - n / 2
    data = (1000 * (x**2 + y**2 + z**2 < (n / 3) ** 2)).astype(np.int16)
    data[: n // 2] //= 2  # the right half (low i) is dimmer: two grey levels
    return Volume(data, spacing=(1.0, 1.0, 2.0), source="ball.npy")


def _gl_pixels(vv):
    img = vv.gl.grabFramebuffer()
    assert not img.isNull(), "the GL view rendered no frame"
    arr = np.array([[img.pixelColor(x, y).getRgb()[:3] for x in range(0, img.width(), 4)]
                    for y in range(0, img.height(), 4)], dtype=float)
    return arr


def _lit_fraction(pix):
    return float((np.abs(pix - pix[0, 0]).sum(axis=2) > 60).mean())


def _wait_rendered(qtbot, vv):
    """Pixels once the view has drawn something (the first frames after exposure can be
    empty while the native window settles); fails after 10 s of nothing."""
    qtbot.waitUntil(vv.gl.isExposed, timeout=10_000)
    qtbot.waitUntil(lambda: _lit_fraction(_gl_pixels(vv)) > 0.02, timeout=10_000)
    return _gl_pixels(vv)


@pytest.fixture
def gl_window(window):
    from PySide6.QtWidgets import QApplication

    if QApplication.platformName() == "offscreen":
        pytest.skip("needs a real X server with GLX (run under xvfb-run with QT_QPA_PLATFORM=xcb)")
    window.set_layout("3d")
    return window


def test_3d_view_renders_the_volume(qtbot, gl_window):
    gl_window.show_volume(_ball())
    vv = gl_window.findChild(type(gl_window.ortho.volume_view), "volumeView")
    assert vv is not None and vv.available, vv.reason
    qtbot.waitUntil(vv.gl.isExposed, timeout=10_000)
    qtbot.waitUntil(lambda: _lit_fraction(_gl_pixels(vv)) > 0.02, timeout=10_000)  # not just background


def test_3d_view_follows_colormap_and_shows_a_surface(qtbot, gl_window):
    gl_window.show_volume(_ball())
    vv = gl_window.ortho.volume_view
    grey = _wait_rendered(qtbot, vv)
    gl_window.state.set_colormap("viridis")
    qtbot.waitUntil(lambda: not vv._timers["volume"].isActive(), timeout=5000)

    def coloured():  # channels differ once coloured (grey has r == g == b)
        pix = _gl_pixels(vv)
        changed = pix.shape != grey.shape or np.abs(pix - grey).max() > 30  # the docks may resize the pane
        return changed and np.abs(pix[..., 0] - pix[..., 1]).max() > 30

    qtbot.waitUntil(coloured, timeout=10_000)

    vv.show_volume.setChecked(False)
    vv.show_surface.setChecked(True)
    qtbot.waitUntil(lambda: "surface" in vv._items, timeout=20_000)
    assert vv._items["surface"].opts["meshdata"].faceCount() > 100
    qtbot.waitUntil(lambda: _lit_fraction(_gl_pixels(vv)) > 0.01, timeout=10_000)


def test_3d_overlay_and_screenshot_include_the_gl_pane(qtbot, gl_window):
    from voxdesk.gui.infra.snapshot import grab_window
    from voxdesk.gui.state import Overlay

    vol = _ball()
    gl_window.show_volume(vol)
    vv = gl_window.ortho.volume_view
    _wait_rendered(qtbot, vv)
    heat = np.zeros(vol.shape, np.float32)
    heat[20:30, 20:30, 20:30] = 1.0
    gl_window.state.set_overlay(Overlay(heat))
    qtbot.waitUntil(lambda: len(vv._items.get("overlay") or []) == 2, timeout=5000)
    shells = vv._items["overlay"]  # translucent isosurfaces at 50% and 80% of the heat, not a fog
    assert all(type(s).__name__ == "GLMeshItem" for s in shells)
    alphas = [s.opts["color"][3] for s in shells]
    assert alphas == sorted(alphas) and 0 < alphas[0] and alphas[-1] < 1.0
    image = grab_window(gl_window)
    host = vv.gl_widget
    origin = host.mapTo(gl_window, host.rect().topLeft())
    centre = image.pixelColor(origin.x() + host.width() // 2, origin.y() + host.height() // 2)
    assert sum(centre.getRgb()[:3]) > 60  # the grabbed window shows the rendered volume there


def test_3d_view_draws_a_coarse_volume_while_the_user_drags(qtbot, gl_window):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    gl_window.show_volume(_ball(160))  # 160^3: drawn at 128^3 at rest, 64^3 while dragging
    vv = gl_window.ortho.volume_view
    _wait_rendered(qtbot, vv)
    qtbot.waitUntil(lambda: "volume_coarse" in vv._items, timeout=10_000)
    full, coarse = vv._items["volume"], vv._items["volume_coarse"]
    assert full.visible() and not coarse.visible()
    centre = QPoint(vv.gl.width() // 2, vv.gl.height() // 2)
    QTest.mousePress(vv.gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    assert coarse.visible() and not full.visible()
    assert _lit_fraction(_gl_pixels(vv)) > 0.02  # still shows the data while dragging
    QTest.mouseRelease(vv.gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    qtbot.waitUntil(lambda: full.visible() and not coarse.visible(), timeout=5_000)
    vv.show_volume.setChecked(False)
    assert not full.visible() and not coarse.visible()


def test_3d_surface_has_no_nan_normals_and_shows_its_level(qtbot, gl_window):
    from fixtures.gui import noise_volume_with_flat_triangles

    gl_window.show_volume(noise_volume_with_flat_triangles())
    vv = gl_window.ortho.volume_view
    _wait_rendered(qtbot, vv)
    vv.show_surface.setChecked(True)
    vv.iso_slider.setValue(500)  # the noise runs 0..200: level 100, exactly on voxel values
    assert vv.iso_label.isVisible() and vv.iso_label.text() == "100"
    qtbot.waitUntil(lambda: "surface" in vv._items, timeout=20_000)
    normals = vv._items["surface"].opts["meshdata"].vertexNormals(indexed="faces")
    assert len(normals) > 100 and np.isfinite(normals).all()


def test_3d_orbit_is_damped(qtbot, gl_window):
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    gl_window.show_volume(_ball())
    vv = gl_window.ortho.volume_view
    _wait_rendered(qtbot, vv)
    start = vv.gl.opts["azimuth"]
    p0 = QPointF(vv.gl.width() / 2 - 80, vv.gl.height() / 2)
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for kind, pos, button, buttons in (
        (QMouseEvent.Type.MouseButtonPress, p0, left, left),
        (QMouseEvent.Type.MouseMove, p0 + QPointF(160, 0), Qt.MouseButton.NoButton, left),
        (QMouseEvent.Type.MouseButtonRelease, p0 + QPointF(160, 0), left, Qt.MouseButton.NoButton),
    ):
        QApplication.sendEvent(vv.gl, QMouseEvent(kind, pos, vv.gl.mapToGlobal(pos), button, buttons, none))
    turned = abs(vv.gl.opts["azimuth"] - start)
    assert 30 <= turned <= 60, turned  # pyqtgraph's own: 160 degrees for 160 px


def test_one_large_layout_with_the_3d_pane(qtbot, gl_window):
    """With OpenGL the 3D pane's controls used to force its column to ~490 px (large: 250)."""
    from fixtures.gui import drag_right_dock_wider, pane_widths

    w = gl_window  # every panel, in the default arrangement (create_window would preload
    w.arrange_docks(restore=False)  # TensorFlow after GL contexts exist: a crash)
    w.resize(1400, 900)
    qtbot.wait(100)
    w.show_volume(_ball())
    w.set_layout("1+3")
    qtbot.waitUntil(lambda: w.ortho.volume_view is not None and w.ortho.volume_view.controls.isVisible(),
                    timeout=10_000)
    qtbot.wait(100)
    before = pane_widths(w)
    assert before["axial"] > 1.5 * max(before[k] for k in ("coronal", "sagittal", "3d")), before
    drag_right_dock_wider(qtbot, w, 160)
    after = pane_widths(w)
    assert before["3d"] - after["3d"] > 20 and before["axial"] - after["axial"] > 20, (before, after)
    assert after["axial"] > max(after[k] for k in ("coronal", "sagittal", "3d"))


def test_3d_view_has_a_depth_buffer(qtbot, gl_window):
    """Without one (a QOpenGLWindow's default) a surface's far side was drawn over its near
    side: dark patches and black triangles all over the mesh."""
    gl_window.show_volume(_ball())
    vv = gl_window.ortho.volume_view
    _wait_rendered(qtbot, vv)
    assert vv.gl.format().depthBufferSize() >= 16


def test_window_level_change_redraws_three_slices_and_a_small_texture(qtbot, window, monkeypatch):
    """A W/L change on a scan larger than the 3D texture never touches the whole volume: the
    slice views only re-map their shown slice (no new image), the histogram is not recomputed,
    and the 3D texture is rebuilt from the cached downsampled copy."""
    from voxdesk.engine.volume import Volume
    from voxdesk.gui.viewer import histogram as histogram_mod
    from voxdesk.gui.viewer.views import volume_render
    from voxdesk.gui.viewer.views import volume_view as vv_mod

    data = np.random.default_rng(0).integers(-1000, 1000, size=(300, 40, 36), dtype=np.int16)
    window.set_layout("2x2")
    window.show_volume(Volume(data, source="long.npy"))
    vv = window.ortho.volume_view
    if vv.available:
        qtbot.waitUntil(lambda: "volume" in vv._items, timeout=10_000)
    qtbot.wait(300)  # the textures scheduled by opening are built
    calls = {"setImage": [], "histogram": [], "volume_rgba": [], "plane_rgba": []}

    def spy(name, real):
        def wrapper(*args, **kwargs):
            given = args[0] if args else kwargs.get("image")
            if given is not None or name != "setImage":  # setImage() alone re-maps the shown slice
                calls[name].append(given)
            return real(*args, **kwargs)
        return wrapper

    for view in window.ortho.views.values():
        monkeypatch.setattr(view.image, "setImage", spy("setImage", view.image.setImage))
    monkeypatch.setattr(histogram_mod, "histogram", spy("histogram", histogram_mod.histogram))
    for name in ("volume_rgba", "plane_rgba"):
        monkeypatch.setattr(vv_mod, name, spy(name, getattr(volume_render, name)))
    levels = []
    for width, level in ((400, 40), (1500, -500), (80, 30)):
        window.state.set_window(width, level)
        levels.append(window.ortho.views["axial"].image.levels)
        qtbot.wait(200)  # the 3D view's debounced rebuild runs
    assert calls["setImage"] == [] and calls["histogram"] == []
    assert [tuple(lv) for lv in levels] == [(-160, 240), (-1250, 250), (-10, 70)]  # the slices follow
    if vv.available:
        assert calls["volume_rgba"], "the 3D view did not follow the window"
        for arr in calls["volume_rgba"]:
            assert max(arr.shape) <= volume_render.MAX_VOLUME and arr.base is None  # a small copy, not a view
        assert all(max(arr.shape) <= volume_render.MAX_PLANE for arr in calls["plane_rgba"])
