"""Keyboard use (issue 17): Tab walks each dock in reading order and reaches every enabled
control without getting stuck, the slice views take the keyboard, and the focused control
wears a ring that can be seen."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QWidget

from voxdesk.gui.infra.accessibility import is_control

FOCUS_RING = QColor("#5fa8ff")


def tab_stops(dock) -> list[QWidget]:
    """What a user can reach in ``dock`` now: shown, enabled controls that take Tab."""
    out = []
    for w in dock.findChildren(QWidget):
        if not (w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isVisible() and w.isEnabled()):
            continue
        if w.objectName().startswith("qt_") and not w.inherits("QTabBar"):
            continue  # dock title buttons, a spin box's line edit (part of the spin box)
        if isinstance(w, QLineEdit) and isinstance(w.parentWidget(), (QAbstractSpinBox, QComboBox)):
            continue
        if w.parentWidget() is not None and w.parentWidget().inherits("QTabBar"):
            continue  # a tab bar's scroll arrows
        if is_control(w) or w.inherits("QTabBar") or w.inherits("QAbstractScrollArea"):
            out.append(w)
    return out


def take_keyboard(qtbot, widget: QWidget) -> None:
    """Give ``widget`` the keyboard as a user's click would (its window active first: under
    Xvfb with no window manager nothing is active until asked)."""
    widget.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus)


def tab_through(qtbot, dock, first: QWidget, limit: int) -> tuple[list[QWidget], QWidget | None]:
    """Press Tab from ``first`` until the focus leaves ``dock``: (the controls visited in the
    dock, in order, and where the focus went after them; None if it never left)."""
    take_keyboard(qtbot, first)
    visited = [QApplication.focusWidget()]
    for _ in range(limit):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if not dock.isAncestorOf(now):
            return visited, now
        visited.append(now)
    return visited, None


def rect_in(widget, dock) -> QRect:
    return QRect(widget.mapTo(dock, QPoint(0, 0)), widget.size())


def backwards(a: QRect, b: QRect) -> bool:
    """``b`` comes before ``a`` in reading order: wholly above it without starting a new column
    to its right, or on its row and left of it."""
    above = b.bottom() < a.top()
    new_column = b.left() >= a.right() - 2
    same_row = not above and not b.top() > a.bottom()
    return (above and not new_column) or (same_row and b.right() <= a.left())


def with_everything_enabled(win) -> None:
    """Controls that wait for a dataset or a model, enabled as they are once one is there."""
    panel = win.training.train_panel
    panel.has_dataset = True
    panel._update_buttons()
    win.classify.classify_panel.set_bundle({"class_names": ["cyst", "tumour"]})
    win.classify.batch_panel.set_model_loaded(True)


@pytest.mark.parametrize("dock_name", ["datasetDock", "trainingDock", "classifyDock", "batchDock", "volumeDock",
                                       "levelsDock"])
def test_tab_visits_each_dock_in_reading_order_and_leaves_it(qtbot, default_window, dock_name):
    win = default_window
    with_everything_enabled(win)
    dock = win.panels[dock_name]
    dock.raise_()
    qtbot.wait(20)
    stops = tab_stops(dock)
    assert stops, dock_name
    first = min(stops, key=lambda w: (rect_in(w, dock).top(), rect_in(w, dock).left()))
    visited, after = tab_through(qtbot, dock, first, limit=len(stops) + 5)
    assert after is not None, f"Tab never leaves the {dock_name}: {[w.objectName() for w in visited]}"
    assert len(visited) == len(set(map(id, visited))), "a control was visited twice"
    missed = {w.objectName() or type(w).__name__ for w in stops} - {w.objectName() or type(w).__name__
                                                                       for w in visited}
    assert not missed, f"Tab never reaches {sorted(missed)} in the {dock_name}"
    for a, b in zip(visited, visited[1:]):
        assert not backwards(rect_in(a, dock), rect_in(b, dock)), f"{a.objectName()} -> {b.objectName()}"


def test_training_dock_order_is_the_bar_then_the_form_then_the_curves(qtbot, default_window):
    win = default_window
    with_everything_enabled(win)
    dock = win.panels["trainingDock"]
    dock.raise_()
    panel = win.training.train_panel
    visited, _after = tab_through(qtbot, dock, panel.train_button, limit=60)
    names = [w.objectName() for w in visited]
    assert names[:2] == ["trainButton", "modelCombo"]  # Stop and the exports are disabled
    assert names.index("learningRateEdit") < names.index("seedSpin") < names.index("augmentModeCombo")
    assert names.index("augmentModeCombo") < names.index("qt_tabwidget_tabbar") < names.index("lossCurve")


def test_tab_goes_from_the_toolbar_to_the_slice_views_whose_arrows_step_slices(qtbot, default_window,
                                                                             coded_volume):
    win = default_window
    win.show_volume(coded_volume)
    qtbot.wait(20)
    take_keyboard(qtbot, win.display_bar.presets)
    seen = []
    for _ in range(6):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget().objectName())
        if seen[-1] == "axialView":
            break
    assert seen == ["windowWidthSpin", "windowLevelSpin", "colormapBox", "layoutBox", "axialView"]
    before = tuple(win.state.cursor)
    QTest.keyClick(win.ortho.views["axial"], Qt.Key.Key_Up)
    after = tuple(win.state.cursor)
    assert sorted(abs(a - b) for a, b in zip(after, before)) == [0, 0, 1]
    QTest.keyClick(win.ortho.views["axial"], Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is win.ortho.views["sagittal"]  # the 2 x 2 grid, row by row


def test_read_only_text_passes_tab_on(default_window):
    assert default_window.training.train_panel.log.tabChangesFocus()


def test_the_style_sheet_gives_every_kind_of_control_a_focus_ring():
    from voxdesk.gui.app import make_application

    sheet = make_application().styleSheet()
    for kind in ("QPushButton", "QToolButton", "QCheckBox", "QSlider", "QAbstractItemView", "QGraphicsView",
                 "QTabBar::tab"):
        assert re.search(rf"{re.escape(kind)}:focus[^{{]*{{[^}}]*border:[^;}}]*#5fa8ff", sheet), kind
    # spin boxes, combo boxes and line edits: the focus frame that infra.focus moves to them
    assert re.search(r"QFocusFrame\s*{[^}]*border:[^;}]*#5fa8ff", sheet)


def ring_pixels(widget) -> int:
    """Ring-coloured pixels in a 4 px band around the edge of ``widget`` (2 px out, 2 px in:
    a spin box's focus frame is drawn around it, by its parent)."""
    image = widget.parentWidget().grab(widget.geometry().adjusted(-2, -2, 2, 2)).toImage()
    w, h = image.width(), image.height()
    return sum(1 for x in range(w) for y in range(h)
               if (min(x, y, w - 1 - x, h - 1 - y) < 4) and _close(image.pixelColor(x, y), FOCUS_RING))


def _close(c: QColor, ref: QColor) -> bool:
    return abs(c.red() - ref.red()) + abs(c.green() - ref.green()) + abs(c.blue() - ref.blue()) < 60


def test_the_focused_control_shows_the_ring_and_the_others_do_not(qtbot, default_window):
    """What a user sees: the ring around the focused Train button, seed box and model box,
    not around the others."""
    win = default_window
    with_everything_enabled(win)
    panel = win.training.train_panel
    form = panel.form
    for widget, other in ((panel.train_button, form.model_combo), (form.seed, form.epochs),
                          (form.model_combo, panel.train_button), (form.learning_rate, form.seed)):
        take_keyboard(qtbot, widget)
        assert ring_pixels(widget) > widget.width() // 2, widget.objectName()
        assert ring_pixels(other) == 0
