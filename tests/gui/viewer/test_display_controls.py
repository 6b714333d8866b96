"""The display toolbar as a user drives it: presets remembered per modality, W/L numbers,
combos that hand the keyboard back to the views and drop their list below the box."""
from __future__ import annotations

import numpy as np
import pytest
from fixtures.gui import open_and_wait
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDoubleSpinBox

from voxdesk.gui.viewer.views.slice_view import SliceView


def _ct(path, seed=0, shape=(24, 20, 16)):
    """A small CT-like scan in HU: air at -1000 around a soft-tissue block near 40 HU."""
    rng = np.random.default_rng(seed)
    data = np.full(shape, -1000, np.int16)
    data[4:-4, 4:-4, 2:-2] = (40 + rng.normal(0, 10, (shape[0] - 8, shape[1] - 8, shape[2] - 4))).astype(np.int16)
    data[10:14, 8:12, 6:10] = 700  # bone
    np.save(path, data)
    return path


def _choose(qtbot, combo: QComboBox, text: str) -> None:
    """Open the combo's list with the mouse and click ``text`` in it."""
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=3000)
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # Qt ignores a release this soon after opening
    rect = view.visualRect(view.model().index(combo.findText(text), 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=3000)


def _box(window, cls, name):
    w = window.findChild(cls, name)
    assert w is not None, name
    return w


def test_a_chosen_ct_preset_starts_the_next_ct_and_the_next_session(qtbot, window, tmp_path, coded_volume):
    presets = _box(window, QComboBox, "windowLevelPresets")
    open_and_wait(qtbot, window, _ct(tmp_path / "first.npy"))
    assert window.state.preset == "auto (1-99%)"
    _choose(qtbot, presets, "CT soft tissue")
    assert window.state.levels == (-160.0, 240.0)

    open_and_wait(qtbot, window, _ct(tmp_path / "second.npy", seed=1))
    assert window.state.preset == "CT soft tissue" and presets.currentText() == "CT soft tissue"
    assert window.ortho.views["axial"].image.levels.tolist() == [-160.0, 240.0]  # not saturated

    window.show_volume(coded_volume)  # not CT (all positive, up to 190000): CT windows stay off it
    assert window.state.preset == "auto (1-99%)"

    from voxdesk.gui.main_window import MainWindow

    again = MainWindow()  # a new session reads the choice from the settings
    again.persist_settings = False
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.opener.finished, timeout=30_000):
        again.open_path(str(tmp_path / "second.npy"))
    assert again.state.preset == "CT soft tissue" and again.state.levels == (-160.0, 240.0)
    again.runner.shutdown()


def test_window_width_and_level_numbers_follow_and_set_the_levels(qtbot, window, tmp_path):
    width = _box(window, QDoubleSpinBox, "windowWidthSpin")
    level = _box(window, QDoubleSpinBox, "windowLevelSpin")
    assert not width.isEnabled()  # nothing open yet
    open_and_wait(qtbot, window, _ct(tmp_path / "ct.npy"))
    window.state.apply_preset("CT bone")
    assert (width.value(), level.value()) == (1800.0, 400.0)

    width.setFocus()
    width.lineEdit().selectAll()
    qtbot.keyClicks(width.lineEdit(), "350")
    qtbot.keyClick(width.lineEdit(), Qt.Key.Key_Return)
    level.lineEdit().selectAll()
    qtbot.keyClicks(level.lineEdit(), "50")
    qtbot.keyClick(level.lineEdit(), Qt.Key.Key_Return)
    assert window.state.levels == (-125.0, 225.0)
    assert window.ortho.views["axial"].image.levels.tolist() == [-125.0, 225.0]  # what is drawn
    assert _box(window, QComboBox, "windowLevelPresets").currentText() == "custom"

    window.levels_dock.widget().widget().region.setRegion((0.0, 100.0))  # drag in the histogram
    assert (width.value(), level.value()) == (100.0, 50.0)


def test_after_a_toolbar_combo_the_arrow_keys_step_slices_again(qtbot, window, coded_volume):
    window.show_volume(coded_volume)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    coronal = window.ortho.views["coronal"]
    coronal.setFocus()
    _choose(qtbot, _box(window, QComboBox, "colormapBox"), "viridis")
    assert window.state.colormap == "viridis"
    assert QApplication.focusWidget() is coronal
    j = window.state.cursor[1]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)
    assert window.state.cursor[1] == j + 1

    # focus elsewhere (the W/L box), then the layout combo: the keyboard goes to a shown view
    _box(window, QDoubleSpinBox, "windowLevelSpin").setFocus()
    _choose(qtbot, _box(window, QComboBox, "layoutBox"), "Axial only")
    focused = QApplication.focusWidget()
    assert isinstance(focused, SliceView) and focused.plane == "axial" and focused.isVisible()
    k = window.state.cursor[2]
    qtbot.keyClick(focused, Qt.Key.Key_Up)
    assert window.state.cursor[2] == k + 1


@pytest.mark.parametrize("name", ["colormapBox", "layoutBox", "windowLevelPresets"])
def test_combo_lists_open_below_the_box_not_over_it(qtbot, window, coded_volume, name):
    """Opened over the current item, the list put another item under the mouse: the next
    click chose it (a different colormap) by accident."""
    window.show_volume(coded_volume)
    combo = _box(window, QComboBox, name)
    combo.setCurrentIndex(combo.count() - 2)
    combo.showPopup()
    popup = combo.view().window()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    bottom = combo.mapToGlobal(combo.rect().bottomLeft()).y()
    assert popup.geometry().top() >= bottom - 1, (popup.geometry().top(), bottom)
    assert not popup.geometry().contains(combo.mapToGlobal(combo.rect().center()))
    combo.hidePopup()
