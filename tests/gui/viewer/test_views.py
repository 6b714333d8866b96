"""The linked views as a user drives them: clicks, keys, wheel, contrast, colormap, layout."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt


def _widget_pos(view, ijk):
    """Where voxel ``ijk``'s centre is drawn in ``view``'s viewport (pixels)."""
    g = view.geometry_
    sh, sv = view._spacing_hv
    scene = view.vb.mapViewToScene(QPointF((ijk[g.h_axis] + 0.5) * sh, (ijk[g.v_axis] + 0.5) * sv))
    return view.mapFromScene(scene)


def _shown(view):
    return np.asarray(view.image.image)


def test_click_in_axial_moves_cursor_and_the_other_views(qtbot, window, coded_volume):
    window.show_volume(coded_volume)
    axial, coronal, sagittal = (window.ortho.views[p] for p in ("axial", "coronal", "sagittal"))
    k = window.state.cursor[2]
    qtbot.mouseClick(axial.viewport(), Qt.MouseButton.LeftButton, pos=_widget_pos(axial, (3, 17, k)))
    assert window.state.cursor == (3, 17, k)
    # the sagittal view now shows slice i=3 and the coronal view slice j=17
    np.testing.assert_array_equal(_shown(sagittal), coded_volume.data[3, :, :])
    np.testing.assert_array_equal(_shown(coronal), coded_volume.data[:, 17, :])
    # crosshairs: the coronal view's vertical line sits on i=3 (in mm: (3 + 0.5) * 1.0)
    assert coronal.vline.value() == 3.5
    assert sagittal.vline.value() == (17 + 0.5) * 2.0


def test_readout_shows_index_world_and_value(qtbot, window, coded_volume):
    window.show_volume(coded_volume)
    window.state.set_cursor((4, 5, 6))
    text = window.findChild(type(window.readout), "statusReadout").text()
    assert "voxel (4, 5, 6)" in text
    assert "value 40506" in text
    assert "world (4.0, 5.0, 6.0) mm" in text


def test_hover_readout_follows_the_mouse(qtbot, window, coded_volume):
    window.show_volume(coded_volume)
    axial = window.ortho.views["axial"]
    k = window.state.cursor[2]
    qtbot.mouseMove(axial.viewport(), _widget_pos(axial, (7, 9, k)))
    qtbot.waitUntil(lambda: window.state.hover is not None, timeout=5000)
    assert window.state.hover == (7, 9, k)
    assert f"value {70900 + k}" in window.readout.text()


def test_keys_and_wheel_step_slices(qtbot, window, coded_volume):
    window.show_volume(coded_volume)
    axial = window.ortho.views["axial"]
    k0 = window.state.cursor[2]
    axial.setFocus()
    qtbot.keyClick(axial, Qt.Key.Key_Up)
    assert window.state.cursor[2] == k0 + 1
    np.testing.assert_array_equal(_shown(axial), coded_volume.data[:, :, k0 + 1])
    qtbot.keyClick(axial, Qt.Key.Key_Down)
    qtbot.keyClick(axial, Qt.Key.Key_Down)
    assert window.state.cursor[2] == k0 - 1
    qtbot.keyClick(axial, Qt.Key.Key_PageUp)  # +10, clamped to the last slice
    assert window.state.cursor[2] == min(k0 - 1 + 10, coded_volume.shape[2] - 1)
    axial.vb.sigWheelSteps.emit(-3)
    assert window.state.cursor[2] == min(k0 + 9, 15) - 3
    assert axial.info.textItem.toPlainText() == f"Axial  k {window.state.cursor[2]}  (0-15)"  # 0-based, as the readout


def test_presets_and_right_drag_change_levels(qtbot, window):
    from voxdesk.engine.volume import Volume

    ct = Volume(np.linspace(-1000, 2000, 32 ** 3, dtype=np.float32).reshape(32, 32, 32), source="ct.npy")
    window.show_volume(ct)
    presets = window.findChild(type(window.display_bar.presets), "windowLevelPresets")
    axial = window.ortho.views["axial"]
    presets.textActivated.emit("CT bone")  # what choosing the item does
    assert tuple(axial.image.levels) == (-500.0, 1300.0)
    presets.textActivated.emit("CT lung")
    assert tuple(axial.image.levels) == (-1350.0, 150.0)
    presets.textActivated.emit("full range")
    assert tuple(axial.image.levels) == (-1000.0, 2000.0)
    # right-drag to the right widens the window; the combo then says "custom"
    width0 = window.state.window[0]
    axial.vb.sigWindowDrag.emit(150.0, 0.0, True)
    assert window.state.window[0] > 1.9 * width0
    assert presets.currentText() == "custom"


def test_colormap_applies_to_all_views(qtbot, window, coded_volume):
    window.show_volume(coded_volume)
    box = window.findChild(type(window.display_bar.colormaps), "colormapBox")
    grey = window.ortho.views["coronal"].image.lut.copy()
    box.textActivated.emit("viridis")
    for view in window.ortho.views.values():
        lut = view.image.lut
        assert not np.array_equal(lut, grey)
        assert not np.array_equal(lut[:, 0], lut[:, 1])  # no longer grey


def test_orientation_letters_and_convention(qtbot, window, files):
    from fixtures.gui import open_and_wait

    open_and_wait(qtbot, window, files["nii.gz"])
    axial = window.ortho.views["axial"]
    sagittal = window.ortho.views["sagittal"]
    assert axial.letters["left"].textItem.toPlainText() == "R"  # radiological by default
    assert axial.letters["top"].textItem.toPlainText() == "A"
    assert sagittal.letters["left"].textItem.toPlainText() == "A"
    assert axial.vb.xInverted()  # i grows to the patient's right, drawn leftwards
    window.act_radiological.setChecked(False)
    assert axial.letters["left"].textItem.toPlainText() == "L"
    assert not axial.vb.xInverted()


def test_arrays_without_orientation_say_so(qtbot, window, files):
    from fixtures.gui import open_and_wait

    open_and_wait(qtbot, window, files["npy"])
    assert window.ortho.views["axial"].letters["left"].textItem.toPlainText() == "R?"


def test_layout_one_large_view(qtbot, window, coded_volume):
    window.show_volume(coded_volume)
    window.set_layout("coronal")
    assert window.ortho.views["coronal"].isVisible()
    assert not window.ortho.views["axial"].isVisible()
    assert not window.ortho.panes["3d"].isVisible()
    window.set_layout("2x2")
    assert all(p.isVisible() for p in window.ortho.panes.values())


def test_overlay_is_drawn_and_read_out(qtbot, window, coded_volume):
    from voxdesk.gui.state import Overlay

    window.show_volume(coded_volume)
    heat = np.zeros(coded_volume.shape, np.float32)
    heat[5:10, 5:10, :] = 1.0
    window.state.set_overlay(Overlay(heat, opacity=0.7, colormap="hot"))
    view = window.ortho.views["axial"]
    assert view.overlay_image.isVisible()
    assert view.overlay_image.opacity() == 0.7
    np.testing.assert_array_equal(view.overlay_image.image, heat[:, :, window.state.cursor[2]])
    window.state.set_cursor((6, 6, 2))
    assert "overlay 1" in window.readout.text()
    window.state.set_overlay(None)
    assert not view.overlay_image.isVisible()


def test_overlay_must_match_the_volume(window, coded_volume):
    import pytest

    window.show_volume(coded_volume)
    with pytest.raises(ValueError, match="does not match"):
        window.state.set_overlay(np.zeros((3, 3, 3)))


def test_offscreen_3d_pane_says_opengl_is_missing(qtbot, window, coded_volume):
    from PySide6.QtWidgets import QApplication, QLabel

    if QApplication.platformName() != "offscreen":
        import pytest

        pytest.skip("only meaningful on the offscreen platform")
    window.show_volume(coded_volume)
    pane = window.findChild(type(window.ortho.volume_view), "volumeView")
    assert pane is not None and not pane.available
    assert "OpenGL" in pane.findChild(QLabel, "volumeViewMessage").text()


def test_histogram_levels_control_sets_levels(qtbot, window, coded_volume):
    window.show_volume(coded_volume)
    hist = window.levels_dock.widget().widget()  # the panel inside its scroll area
    hist.region.setRegion((1000.0, 5000.0))
    assert window.state.levels == (1000.0, 5000.0)
    window.state.apply_preset("full range")
    assert tuple(hist.region.getRegion()) == window.state.levels


@pytest.mark.parametrize("plane, h_axis, v_axis", [("axial", 0, 1), ("coronal", 0, 2), ("sagittal", 1, 2)])
def test_each_view_draws_every_voxel_where_the_pointer_reads_it(qtbot, monkeypatch, window, coded_volume, plane,
                                                                 h_axis, v_axis):
    """coded_array()'s value names its voxel (10000 i + 100 j + k). At the drawn position of a
    voxel near each corner of the slice, the grey on screen is that voxel's value (levels span
    the slice) and hovering there reads the same voxel and value: the picture is neither
    transposed nor flipped against the read-out, in any of the three views."""
    import pyqtgraph as pg

    # pyqtgraph drops a move that follows another within 10 ms; a hand never jumps like the test
    monkeypatch.setitem(pg.CONFIG_OPTIONS, "mouseRateLimit", 0)
    data = coded_volume.data
    assert data[3, 4, 5] == 30405  # the code the test relies on
    window.show_volume(coded_volume)
    cursor = (10, 12, 8)
    window.state.set_cursor(cursor)
    view = window.ortho.views[plane]
    normal = ({0, 1, 2} - {h_axis, v_axis}).pop()
    plane_values = np.take(data, cursor[normal], axis=normal)
    lo, hi = float(plane_values.min()), float(plane_values.max())
    window.state.set_levels(lo, hi)
    shot = view.viewport().grab().toImage()
    n_h, n_v = data.shape[h_axis], data.shape[v_axis]
    readout = window.findChild(type(window.readout), "statusReadout")
    for h, v in [(n_h // 4, n_v // 4), (3 * n_h // 4, n_v // 4), (n_h // 4, 3 * n_v // 4),
                 (3 * n_h // 4, 3 * n_v // 4)]:  # off the crosshair, the corner text and the letters
        ijk = list(cursor)
        ijk[h_axis], ijk[v_axis] = h, v
        ijk = tuple(ijk)
        value = int(data[ijk])
        pos = _widget_pos(view, ijk)
        colour = shot.pixelColor(pos)
        expected = 255 * (value - lo) / (hi - lo)
        assert colour.red() == colour.green() == colour.blue(), (plane, ijk)  # the grey colormap
        assert abs(colour.red() - expected) <= 2, (plane, ijk, value, colour.red(), expected)
        qtbot.mouseMove(view.viewport(), pos)
        qtbot.waitUntil(lambda ijk=ijk: window.state.hover == ijk, timeout=5000)
        assert f"value {value}" in readout.text() and f"voxel {ijk}" in readout.text()
