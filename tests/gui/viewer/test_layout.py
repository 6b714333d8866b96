"""The window's arrangement as a user sees it: a one-large layout whose large pane is large,
View > Reset Layout, labels readable over bright tissue, 3D controls that fit a small pane."""
from __future__ import annotations

import numpy as np
import pytest
from fixtures.gui import drag_right_dock_wider, pane_widths
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from voxdesk.engine.volume import Volume


@pytest.fixture
def full_window(qtbot):
    from voxdesk.gui.app import make_application
    from voxdesk.gui.main_window import MainWindow

    make_application()
    w = MainWindow()  # create_window(restore_layout=False) without its pre-GL TensorFlow preload,
    w.arrange_docks(restore=False)  # which crashes once an earlier test has made a GL context
    w.persist_settings = False
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.runner.shutdown()


def _ball(n=40):
    x, y, z = np.mgrid[:n, :n, :n] - n / 2
    return Volume((1000 * (x**2 + y**2 + z**2 < (n / 3) ** 2)).astype(np.int16), name="ball")


def test_one_large_layout_gives_the_large_pane_the_space(qtbot, full_window):
    w = full_window
    w.show_volume(_ball())
    w.set_layout("1+3")
    qtbot.wait(50)
    before = pane_widths(w)
    assert set(before) == {"axial", "coronal", "sagittal", "3d"}
    small = [before[k] for k in ("coronal", "sagittal", "3d")]
    assert before["axial"] > 1.5 * max(small), before

    drag_right_dock_wider(qtbot, w, 160)
    after = pane_widths(w)
    lost_large, lost_small = before["axial"] - after["axial"], before["sagittal"] - after["sagittal"]
    assert lost_large + lost_small > 100  # the views gave the dock its room...
    assert lost_large > 0.25 * (lost_large + lost_small) and lost_small > 0.2 * (lost_large + lost_small)
    assert after["axial"] > max(after[k] for k in ("coronal", "sagittal", "3d"))  # ...both columns


def test_reset_layout_puts_docks_and_views_back(qtbot, full_window):
    w = full_window
    w.show_volume(_ball())
    qtbot.wait(50)
    volume, training, dataset = (w.panels[n] for n in ("volumeDock", "trainingDock", "datasetDock"))
    start = {n: w.panels[n].geometry() for n in ("volumeDock", "datasetDock", "trainingDock")}

    volume.setFloating(True)
    training.hide()
    w.resizeDocks([dataset], [520], Qt.Orientation.Horizontal)
    w.set_layout("axial")
    qtbot.wait(50)

    view_menu = next(a.menu() for a in w.menuBar().actions() if a.text().replace("&", "") == "View")
    reset = w.findChild(QAction, "resetLayoutAction")
    assert reset in view_menu.actions() and reset.text().replace("&", "") == "Reset Layout"
    reset.trigger()
    qtbot.wait(100)

    assert not volume.isFloating() and w.dockWidgetArea(volume) == Qt.DockWidgetArea.RightDockWidgetArea
    assert training.isVisible() and volume.isVisible()
    for name, g in start.items():
        now = w.panels[name].geometry()
        assert abs(now.width() - g.width()) <= 12 and abs(now.height() - g.height()) <= 12, (name, now, g)
    assert w.ortho.current_layout == "2x2" and w.display_bar.layouts.currentData() == "2x2"
    assert set(pane_widths(w)) == {"axial", "coronal", "sagittal", "3d"}


def _luminance(img, rect):
    pix = np.array([[sum(img.pixelColor(x, y).getRgb()[:3]) / 3 for x in range(rect.left(), rect.right())]
                    for y in range(rect.top(), rect.bottom())])
    return pix


def test_titles_and_letters_are_readable_over_bright_tissue(qtbot, window):
    """White tissue under the title and the letters: they sit on a dark box, not on white."""
    window.show_volume(Volume(np.full((30, 30, 30), 1000, np.int16), name="white"))
    window.state.set_levels(0, 500)  # everything white
    axial = window.ortho.views["axial"]
    axial.vb.setRange(xRange=(3, 27), yRange=(3, 27), padding=0)  # the image fills the view
    qtbot.wait(50)
    img = axial.grab().toImage()
    centre = _luminance(img, axial.rect().adjusted(axial.width() // 3, axial.height() // 3,
                                                  -axial.width() // 3, -axial.height() // 3))
    assert np.median(centre) > 240  # the tissue around is white (but for the crosshair)
    for item in (axial.info, axial.letters["top"], axial.letters["left"]):
        box = axial.mapFromScene(item.sceneBoundingRect()).boundingRect().adjusted(1, 1, -1, -1)
        lum = _luminance(img, box)
        assert np.median(lum) < 90, item.textItem.toPlainText()  # a dark box behind the text...
        assert lum.max() > 150  # ...with light text on it


def test_3d_controls_wrap_to_fit_a_small_pane(qtbot):
    from voxdesk.gui.viewer.views.volume_controls import VolumeControls

    controls = VolumeControls()
    qtbot.addWidget(controls)
    assert controls.minimumSizeHint().width() <= 200  # one row of them forced a 490 px column
    one_row = controls.heightForWidth(600)
    assert controls.heightForWidth(260) <= 2 * one_row + 8  # two rows in a one-large slot
    assert controls.heightForWidth(180) > one_row
