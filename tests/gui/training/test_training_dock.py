"""The Training dock at 1400x900 as a user meets it (issue 15, item 2): Train and Stop always in
view, one scroll area, plots that leave the wheel to the dock, whole-curve views and exports."""
from __future__ import annotations

import time

import pytest
from fixtures.gui import fully_in_view, wheel
from fixtures.training import wait_trained
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QScrollArea

HISTORY = {"loss": [2.0, 1.2, 0.8, 0.6], "val_loss": [2.1, 1.5, 1.1, 1.0],
           "accuracy": [0.3, 0.55, 0.7, 0.8], "val_accuracy": [0.25, 0.5, 0.6, 0.65]}


@pytest.fixture
def dock(default_window, tiny_dataset):
    win = default_window
    win.training.set_dataset(tiny_dataset)
    d = win.panels["trainingDock"]
    d.raise_()
    return d


def _scrolled_to_bottom(qtbot, panel):
    bar = panel.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0, "the form fits: nothing to scroll at 1400x900?"
    bar.setValue(bar.maximum())
    qtbot.wait(10)
    return bar


def test_train_and_stop_stay_in_view_when_the_form_is_scrolled(qtbot, default_window, dock):
    panel = default_window.training.train_panel
    _scrolled_to_bottom(qtbot, panel)
    assert not fully_in_view(panel.form.model_combo, dock)  # the form did scroll away...
    for button in (panel.train_button, panel.stop_button, panel.save_button):
        assert fully_in_view(button, dock), button.objectName()  # ...the bar did not
    assert not panel.scroll_area.isAncestorOf(panel.train_button)
    assert panel.train_button.isEnabled()
    for plot in (panel.curves.loss_plot, panel.curves.accuracy_plot):  # the curves stay beside the form
        assert fully_in_view(plot, dock), plot.objectName()


def test_the_training_and_classify_docks_have_one_scroll_area_each(default_window):
    for name in ("trainingDock", "classifyDock"):
        areas = default_window.panels[name].findChildren(QScrollArea)
        assert len(areas) == 1, (name, [a.objectName() for a in areas])


def test_the_curves_are_readable_at_1400x900(default_window, dock):
    panel = default_window.training.train_panel
    for plot in (panel.curves.loss_plot, panel.curves.accuracy_plot):
        assert plot.height() >= 180, plot.height()  # was ~150 px
        assert fully_in_view(plot, dock), plot.objectName()  # at the top of the dock: no scrolling


def test_starting_training_does_not_scroll_the_dock_back_to_the_top(qtbot, default_window, dock, dialogs):
    ctl = default_window.training
    panel = ctl.train_panel

    def wait_for_stop(config, data, *, cancel, **_):  # a run that lasts until Stop
        while not cancel.cancelled:
            time.sleep(0.01)
        from voxdesk.engine.progress import Cancelled

        raise Cancelled()

    ctl.train_fn = wait_for_stop
    bar = _scrolled_to_bottom(qtbot, panel)
    default_window.activateWindow()
    for start in ("click Train", "Ctrl+T while editing a field"):
        kept = bar.value()
        if start == "click Train":  # the click focuses Train, which is then disabled
            qtbot.mouseClick(panel.train_button, Qt.LeftButton)
        else:
            panel.form.batch_size.setFocus()
            assert ctl.start() is not None
        assert ctl.is_training
        assert bar.value() == kept, start  # was: back to the top, Stop out of sight
        assert fully_in_view(panel.stop_button, dock) and panel.stop_button.isEnabled()
        assert fully_in_view(panel.curves.loss_plot, dock)
        qtbot.mouseClick(panel.stop_button, Qt.LeftButton)
        wait_trained(qtbot, ctl)
        assert bar.value() == kept and panel.train_button.isEnabled()
        bar.setValue(bar.maximum() // 2)


def test_the_wheel_over_a_plot_scrolls_the_dock_and_ctrl_wheel_zooms(qtbot, default_window, dock):
    panel = default_window.training.train_panel
    curves = panel.curves
    curves.set_history(HISTORY, best_epoch=4)
    bar = panel.scroll_area.verticalScrollBar()
    bar.setValue(0)
    whole = curves.view_ranges("loss")
    wheel(curves.loss_plot.viewport())
    assert bar.value() > 0  # the dock scrolled...
    assert curves.view_ranges("loss") == whole  # ...and the plot did not zoom
    scrolled = bar.value()
    wheel(curves.loss_plot.viewport(), 120, Qt.KeyboardModifier.ControlModifier)
    zoomed = curves.view_ranges("loss")
    assert zoomed != whole and bar.value() == scrolled  # Ctrl+wheel: the plot zooms in
    assert zoomed[0][1] - zoomed[0][0] < whole[0][1] - whole[0][0]
    new_epoch = {"epoch": 5, "loss": 0.5, "val_loss": 0.9, "accuracy": 0.85, "val_accuracy": 0.7, "best_epoch": 5}
    curves.add_epoch(new_epoch)
    assert curves.view_ranges("loss") == zoomed  # new data leave the user's zoom alone
    curves.reset_button.click()
    x, y = curves.view_ranges("loss")
    assert x[0] <= 0 and x[1] >= 5 and y[0] == 0.0 and y[1] >= 2.1  # every point, from 0


def test_accuracy_is_shown_0_to_1_and_loss_from_0(default_window, dock):
    curves = default_window.training.train_panel.curves
    curves.set_history(HISTORY, best_epoch=4)
    (ax0, ax1), (ay0, ay1) = curves.view_ranges("accuracy")
    assert -0.05 <= ay0 <= 0.0 and 1.0 <= ay1 <= 1.05
    assert ax0 <= 1 and ax1 >= 4
    (lx0, lx1), (ly0, ly1) = curves.view_ranges("loss")
    assert ly0 == 0.0 and 2.1 <= ly1 <= 2.3  # the highest loss (val 2.1) fits, the axis starts at 0


def test_the_curves_png_is_the_whole_curves_whatever_the_zoom(qtbot, default_window, dock, tmp_path):
    curves = default_window.training.train_panel.curves
    curves.set_history(HISTORY, best_epoch=4)
    assert curves.export_png(tmp_path / "whole.png")
    for _ in range(3):
        wheel(curves.loss_plot.viewport(), 120, Qt.KeyboardModifier.ControlModifier)
        wheel(curves.accuracy_plot.viewport(), 120, Qt.KeyboardModifier.ControlModifier)
    zoomed = curves.view_ranges("loss"), curves.view_ranges("accuracy")
    assert curves.export_png(tmp_path / "zoomed.png")
    assert QImage(str(tmp_path / "zoomed.png")) == QImage(str(tmp_path / "whole.png"))
    assert (curves.view_ranges("loss"), curves.view_ranges("accuracy")) == zoomed  # the user's view is back
