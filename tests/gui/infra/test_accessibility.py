"""Accessible names (issue 17): a screen reader can name every control of the window and of
the dialogs; explicit names are kept; names taken from labels follow the labels."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication, QComboBox, QFormLayout, QLabel, QWidget

from voxdesk.gui.infra.accessibility import control_name, is_control, name_controls, spoken_description

QT_OWN = ("qt_", "ScrollLeftButton", "ScrollRightButton")
"""Parts Qt builds and names itself (dock float/close buttons, tab scroll arrows)."""


def unnamed(root: QWidget) -> list[str]:
    """The controls under ``root`` that a screen reader could not name."""
    missing = []
    for w in [root, *root.findChildren(QWidget)]:
        if not is_control(w) or (w.objectName().startswith(QT_OWN) and w.accessibleName()):
            continue
        if not control_name(w):
            missing.append(f"{type(w).__name__} {w.objectName()!r} in {type(w.parentWidget()).__name__}")
    return missing


def test_every_control_of_the_main_window_has_a_name(qtbot, default_window, coded_volume):
    win = default_window
    win.show_volume(coded_volume)  # the views page (and the 3D pane, built lazily)
    qtbot.wait(20)
    assert unnamed(win) == []
    n = sum(1 for w in win.findChildren(QWidget) if is_control(w))
    assert n > 60  # the walk saw the whole window: toolbar, views, every dock


def test_views_and_unlabelled_boxes_have_names_that_say_what_they_are(default_window):
    win = default_window
    names = {n: control_name(win.findChild(QWidget, n)) for n in (
        "axialView", "coronalView", "sagittalView", "windowWidthSpin", "windowLevelSpin", "levelsPlot",
        "sampleList", "batchTable", "probabilityChart", "lossCurve", "explainClass", "colormapBox")}
    assert names == {
        "axialView": "Axial slice view", "coronalView": "Coronal slice view", "sagittalView": "Sagittal slice view",
        "windowWidthSpin": "Window width", "windowLevelSpin": "Window level", "levelsPlot": "Levels histogram",
        "sampleList": "Samples", "batchTable": "Batch results", "probabilityChart": "Class probabilities",
        "lossCurve": "Loss curves", "explainClass": "Class to explain", "colormapBox": "Colormap"}


def test_combo_boxes_are_named_by_their_label_not_their_value(default_window):
    form = default_window.training.train_panel.form
    assert form.model_combo.currentText()  # what Qt would read out as its name
    assert control_name(form.model_combo) == "Model"
    assert control_name(form.normalization) == "Normalisation"
    assert control_name(form.epochs) == "Epochs"  # a spin box: Qt names it from its buddy label


def test_labels_beside_controls_become_their_buddies(default_window):
    """The toolbar's "Colormap" and the Dataset dock's "Samples:" name the box after them."""
    win = default_window
    buddies = {(label.text().strip(), label.buddy().objectName())
               for label in win.findChildren(QLabel) if label.buddy() is not None}
    assert {("Colormap", "colormapBox"), ("Layout", "layoutBox"), ("Samples:", "splitCombo"),
            ("Learning rate", "learningRateEdit"), ("Opacity", "overlayOpacity")} <= buddies


def test_tooltips_are_the_descriptions(default_window):
    win = default_window
    for w in win.findChildren(QWidget):
        if is_control(w) and w.toolTip() and not w.accessibleDescription():
            assert spoken_description(w) == w.toolTip(), w.objectName()
    assert "current batch" in spoken_description(win.findChild(QWidget, "stopButton"))


def test_explicit_names_are_kept_and_derived_ones_follow_their_label(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    form = QFormLayout(page)
    chosen, derived = QComboBox(), QComboBox()
    for box in (chosen, derived):
        box.addItems(["first", "second"])
    chosen.setAccessibleName("Chosen in code")
    form.addRow("Kept label", chosen)
    form.addRow("Old label", derived)
    name_controls(page)
    assert (chosen.accessibleName(), derived.accessibleName()) == ("Chosen in code", "Old label")
    form.labelForField(derived).setText("New label")  # e.g. after a language switch
    name_controls(page)
    assert (chosen.accessibleName(), derived.accessibleName()) == ("Chosen in code", "New label")


def test_dialogs_are_named_when_they_open(qtbot, files):
    """The card editor and the chooser of what to open: named by ``install`` on opening."""
    from voxdesk.engine.io import probe
    from voxdesk.gui.app import make_application
    from voxdesk.gui.classify.card_actions import CardDialog
    from voxdesk.gui.viewer.chooser import ChooseEntryDialog

    make_application()
    for dialog in (CardDialog({"author": "A. Author"}), ChooseEntryDialog(probe(str(files["h5"])))):
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(lambda d=dialog: QApplication.activeWindow() is d, timeout=5000)
        qtbot.waitUntil(lambda d=dialog: not unnamed(d), timeout=5000)
        dialog.close()
    card = CardDialog({})
    qtbot.addWidget(card)
    assert control_name(card.editors["intended_use"]) == card.editors["intended_use"].accessibleName() != ""
