"""Accessible names: what a screen reader says for every control, from one place.

``name_controls(root)`` walks the controls under ``root`` (buttons, combos, spin boxes,
sliders, line edits, item views, plots and the slice and 3D views) and makes sure each has a
name, without touching the widgets' own modules:

* a name set in code (``setAccessibleName``) is left alone;
* an unlabelled or icon-only control gets its name from ``names()`` (by objectName: the views,
  the W/L boxes, the plots);
* a control with a label beside it (a form row, or a QLabel just before it in a row or a tool
  bar) gets that label as its buddy, so Qt names it from the label's current text (and the
  label's ``&`` mnemonic, where it has one, moves the focus to it); a combo box is also
  named from the label explicitly (``VALUE_NAMED``);
* anything still nameless is named from the first clause of its tooltip, or its placeholder.

A button or a check box names itself from its text, and a tooltip is already the accessible
description (Qt does both, and keeps them current when the text changes), so neither is
copied. Names this module derived carry the ``a11yDerived`` property and are derived again
on every call: ``MainWindow`` calls it after building, when the lazily built 3D view appears
and on a language change; ``install(app)`` names every dialog when it first takes the focus.

``spoken_name(widget)`` is what assistive technology reads (tests use it).
"""
from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QBoxLayout,
    QComboBox,
    QFormLayout,
    QGraphicsView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTextEdit,
    QToolBar,
    QWidget,
)

DERIVED = "a11yDerived"
CONTROLS = (QAbstractButton, QComboBox, QAbstractSpinBox, QAbstractSlider, QLineEdit, QAbstractItemView,
            QGraphicsView, QPlainTextEdit, QTextEdit)
VALUE_NAMED = (QComboBox,)
"""Controls whose name Qt takes from their value: on Linux a combo box's spoken name is its
current item (its label reaches the screen reader as a "labelled by" relation, from the
buddy); Windows and macOS read ``accessibleName``, so it is set too."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("Accessibility", text)


def names() -> dict[str, str]:
    """objectName -> accessible name for controls with no text and no label of their own
    (read at call time, so a language change is followed)."""
    return {
        "axialView": _tr("Axial slice view"), "coronalView": _tr("Coronal slice view"),
        "sagittalView": _tr("Sagittal slice view"), "volumeGLContainer": _tr("3D view"),
        "windowLevelPresets": _tr("Window/level preset"), "windowWidthSpin": _tr("Window width"),
        "windowLevelSpin": _tr("Window level"),
        "levelsPlot": _tr("Levels histogram"), "isoLevel": _tr("Surface level"),
        "resetCamera": _tr("Reset 3D camera"),
        "datasetCounts": _tr("Samples per class and split"), "splitCombo": _tr("Samples shown"),
        "sampleList": _tr("Samples"),
        "augmentModeCombo": _tr("Augmentation mode"),
        "lossCurve": _tr("Loss curves"), "accuracyCurve": _tr("Accuracy curves"), "epochLog": _tr("Epoch log"),
        "perClassTable": _tr("Per-class test metrics"), "confusionMatrix": _tr("Confusion matrix"),
        "rocCurve": _tr("ROC curve"), "reliabilityDiagram": _tr("Reliability diagram"),
        "coverageCurve": _tr("Coverage curve"),
        "explainClass": _tr("Class to explain"), "probabilityChart": _tr("Class probabilities"),
        "overlayOpacity": _tr("Heat map opacity"), "overlayColormap": _tr("Heat map colormap"),
        "batchTable": _tr("Batch results"), "entryTree": _tr("Contents of the file"),
        "qt_toolbar_ext_button": _tr("More toolbar controls"), "qt_menubar_ext_button": _tr("More menus"),
        "qt_tableview_cornerbutton": _tr("Select all"),
    }


def is_control(widget: QWidget) -> bool:
    """An interactive widget of its own (not a part of another control: a spin box's line
    edit, a combo's popup list, a scroll bar or a header)."""
    if not isinstance(widget, CONTROLS) or isinstance(widget, (QScrollBar, QHeaderView)):
        return False
    parent = widget.parentWidget()
    if isinstance(widget, QLineEdit) and isinstance(parent, (QAbstractSpinBox, QComboBox)):
        return False
    if isinstance(widget, QAbstractItemView) and parent is not None and parent.inherits("QComboBoxPrivateContainer"):
        return False
    return True


def spoken_name(widget: QWidget) -> str:
    """The name assistive technology reads for ``widget``."""
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None else ""


def control_name(widget: QWidget) -> str:
    """The control's name as assistive technology gets it: ``accessibleName``, or what Qt
    derives (a button's text, a buddy label's text); never a combo box's current value."""
    if widget.accessibleName():
        return widget.accessibleName()
    return "" if isinstance(widget, VALUE_NAMED) else spoken_name(widget)


def spoken_description(widget: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Description) if iface is not None else ""


def _clean(text: str) -> str:
    """A label's text as a name: no mnemonic ampersand, markup, trailing colon or padding."""
    text = re.sub(r"<[^>]+>", "", text or "")
    text = re.sub(r"&(?!&)", "", text).replace("&&", "&")
    return text.strip().rstrip(":").strip()


def _first_clause(tip: str) -> str:
    text = _clean(tip).split("\n")[0]
    return re.split(r"[;:(.]\s|[;(]", text, maxsplit=1)[0].strip()


def _label_before(widget: QWidget) -> QLabel | None:
    """The QLabel directly before ``widget`` in its row (a box layout or a tool bar)."""
    parent = widget.parentWidget()
    if parent is None:
        return None
    layouts = [parent.layout()] if parent.layout() is not None else []
    for lay in layouts:  # nested layouts of the parent, breadth first
        layouts.extend(c for c in lay.children() if c not in layouts)
    for lay in layouts:
        if not isinstance(lay, QBoxLayout) and not isinstance(parent, QToolBar):
            continue
        for i in range(1, lay.count()):
            if lay.itemAt(i).widget() is widget:
                before = lay.itemAt(i - 1).widget()
                return before if isinstance(before, QLabel) else None
    return None


def label_for(widget: QWidget) -> QLabel | None:
    """The label that names ``widget``: its buddy, its form row's label, or the label just
    before it in a row; a label found without a buddy becomes its buddy."""
    parent = widget.parentWidget()
    if parent is None:
        return None
    for label in parent.findChildren(QLabel):
        if label.buddy() is widget:
            return label
    form = parent.layout()
    found = None
    for lay in [form, *(form.findChildren(QFormLayout) if form is not None else [])]:
        if isinstance(lay, QFormLayout):
            label = lay.labelForField(widget)
            if isinstance(label, QLabel) and _clean(label.text()):
                found = label
                break
    found = found or _label_before(widget)
    if found is not None and _clean(found.text()):
        found.setBuddy(widget)
        return found
    return None


def derived_name(widget: QWidget) -> str:
    """The name ``name_controls`` gives ``widget``, or "" when Qt's own (its text, its buddy
    label) is enough."""
    label = label_for(widget)  # made its buddy even when the name comes from names()
    name = names().get(widget.objectName())
    if name:
        return name
    if label is not None:
        return _clean(label.text()) if isinstance(widget, VALUE_NAMED) else ""
    if isinstance(widget, QAbstractButton) and _clean(widget.text()):
        return ""
    tip = widget.toolTip()
    if tip:
        return _first_clause(tip)
    placeholder = getattr(widget, "placeholderText", None)
    return _clean(placeholder()) if callable(placeholder) else ""


def name_controls(root: QWidget) -> int:
    """Name every control under ``root`` (and ``root`` itself) that needs it; how many got a
    name. Names set in code are kept; names derived here before are derived again."""
    named = 0
    for widget in [root, *root.findChildren(QWidget)]:
        if not is_control(widget):
            continue
        if widget.accessibleName() and not widget.property(DERIVED):
            continue
        name = derived_name(widget)
        if name:
            widget.setAccessibleName(name)
            widget.setProperty(DERIVED, True)
            named += 1
        elif widget.property(DERIVED):
            widget.setAccessibleName("")
            widget.setProperty(DERIVED, False)
    return named


class _DialogNamer(QObject):
    """Names the controls of every window (dialogs, message boxes) that takes the focus."""

    def __init__(self, app) -> None:
        super().__init__(app)
        app.focusWindowChanged.connect(self._focused)

    def _focused(self, window) -> None:
        if window is None:
            return
        for widget in QApplication.topLevelWidgets():
            if widget.windowHandle() is window:
                name_controls(widget)


_namer: _DialogNamer | None = None


def install(app) -> None:
    """Name the controls of each dialog as it opens (once per application)."""
    global _namer
    if app is not None and (_namer is None or _namer.parent() is not app):
        _namer = _DialogNamer(app)
