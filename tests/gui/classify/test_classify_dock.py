"""The Classify dock at 1400x900 as a user meets it (issue 15, item 1): the result and its
buttons first and always in view, one scroll area, the model card below and foldable."""
from __future__ import annotations

from fixtures.classify_gui import lesion_case, load_model, show
from fixtures.gui import fully_in_view, wheel
from PySide6.QtCore import QPoint, Qt


def _y(widget, dock) -> int:
    return widget.mapTo(dock, QPoint(0, 0)).y()


def test_the_result_and_its_buttons_come_first_and_stay_in_view(qtbot, default_window, tiny):
    win, ctl = default_window, default_window.classify
    dock = win.panels["classifyDock"]
    dock.raise_()
    panel = ctl.classify_panel
    load_model(qtbot, ctl, tiny.path)
    show(win, lesion_case(tiny)[0])
    with qtbot.waitSignal(ctl.prediction_ready, timeout=60_000) as got:
        qtbot.mouseClick(panel.classify_button, Qt.LeftButton)
    p = got.args[0]
    assert p.class_name in panel.top.text() and f"{p.confidence:.1%}" in panel.top.text()
    card, fixed = panel.card_section, (panel.top, panel.classify_button, panel.explain_button,
                                       panel.class_choice, panel.load_button)
    for w in fixed:  # the result and its buttons first, the card below
        assert _y(w, dock) < _y(panel.chart, dock) < _y(card, dock), w.objectName()
        assert fully_in_view(w, dock), w.objectName()
        assert not panel.scroll_area.isAncestorOf(w)
    bar = panel.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0  # the dock is short at this size: its body scrolls...
    wheel(panel.chart.viewport())  # ...with the wheel over the bars too
    assert bar.value() > 0
    bar.setValue(bar.maximum())
    qtbot.wait(10)
    for w in fixed:
        assert fully_in_view(w, dock), w.objectName()  # ...the result and the buttons do not move
    assert panel.explain_button.isEnabled() and win.errors == []


def test_the_model_card_folds_and_stays_folded(qtbot, default_window):
    from voxdesk.gui.classify.panel import ClassifyPanel
    from voxdesk.gui.infra import settings

    panel = default_window.classify.classify_panel
    toggle = default_window.findChild(type(panel.card_section.toggle), "modelCardToggle")
    assert panel.card.isVisible() and toggle.arrowType() == Qt.ArrowType.DownArrow
    qtbot.mouseClick(toggle, Qt.LeftButton)
    assert not panel.card.isVisible() and toggle.arrowType() == Qt.ArrowType.RightArrow
    assert settings.flag("classify/model_card_collapsed") is True
    again = ClassifyPanel(default_window.state)  # the next start: still folded
    qtbot.addWidget(again)
    assert not again.card_section.expanded and not again.card.isVisibleTo(again)
    qtbot.mouseClick(toggle, Qt.LeftButton)
    assert panel.card.isVisible() and settings.flag("classify/model_card_collapsed") is False
