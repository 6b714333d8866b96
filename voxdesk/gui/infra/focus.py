"""Keyboard focus: Tab follows the reading order of what is on screen, and never gets stuck.

Qt's default Tab order is the order the widgets were created in, which is not the order they
are laid out in (the Training panel builds its form before the Train button that sits above
it). ``reading_order(widget)`` lists the focusable controls under a widget in layout order
(rows top to bottom, a row left to right, a form row label then field, a grid row by row, a
tab widget's bar before its pages), without looking at geometry, so it holds at any size and
for hidden or disabled controls that show up later. ``order_tabs(widgets)`` chains them.

``order_window(window)`` orders the main window: the tool bars, the views, then the docks (left,
top, right, bottom), each dock's controls together. Read-only text boxes pass Tab on
(``release_tab``) so no control keeps the keyboard.

The focus ring: the style sheet (``resources/qss/voxdesk.qss``) draws it on buttons, check
boxes, lists and views. Spin boxes, combo boxes and line edits would lose their native arrows
if the sheet gave them a border, so ``install_focus_ring(app)`` puts one ``QFocusFrame``
(styled by the same sheet) around whichever of them has the focus.
"""
from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QBoxLayout,
    QComboBox,
    QDockWidget,
    QFocusFrame,
    QFormLayout,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QTextEdit,
    QToolBar,
    QWidget,
)

from voxdesk.gui.infra.accessibility import is_control

LEAVES = (QAbstractSpinBox, QComboBox, QAbstractItemView)
"""Controls that hold focusable parts of their own (a spin box's line edit): one stop."""
DOCK_AREAS = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.TopDockWidgetArea,
              Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea)


def takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and not widget.isWindow()


def _layout_widgets(layout) -> list:
    """The widgets and sub-layouts of ``layout`` in reading order."""
    if isinstance(layout, QFormLayout):
        out = []
        for row in range(layout.rowCount()):
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
                         QFormLayout.ItemRole.SpanningRole):
                item = layout.itemAt(row, role)
                if item is not None:
                    out.append(item)
        items = out
    elif isinstance(layout, QGridLayout):
        cells = []
        for i in range(layout.count()):
            row, col, _rs, _cs = layout.getItemPosition(i)
            cells.append((row, col, i))
        items = [layout.itemAt(i) for _r, _c, i in sorted(cells)]
    else:
        items = [layout.itemAt(i) for i in range(layout.count())]
        if isinstance(layout, QBoxLayout) and layout.direction() in (QBoxLayout.Direction.RightToLeft,
                                                                   QBoxLayout.Direction.BottomToTop):
            items.reverse()
    return [item.widget() or item.layout() for item in items if item.widget() or item.layout()]


def _children(widget: QWidget) -> list[QWidget]:
    """``widget``'s child widgets in reading order: its layout's order, then any others."""
    if isinstance(widget, QScrollArea):
        return [widget.widget()] if widget.widget() is not None else []
    if isinstance(widget, QDockWidget):
        return [widget.widget()] if widget.widget() is not None else []
    if isinstance(widget, QTabWidget):  # its tab bar is its focus proxy: the widget is the stop
        return [widget.widget(i) for i in range(widget.count())]
    if isinstance(widget, QStackedWidget):
        return [widget.widget(i) for i in range(widget.count())]
    ordered = _expand(widget.layout()) if widget.layout() is not None else []
    seen = set(map(id, ordered))
    rest = [c for c in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if id(c) not in seen and not c.isWindow()]
    return ordered + rest


def _expand(layout) -> list[QWidget]:
    out: list[QWidget] = []
    for part in _layout_widgets(layout):
        out.extend([part] if isinstance(part, QWidget) else _expand(part))
    return out


def reading_order(widget: QWidget) -> list[QWidget]:
    """The controls under ``widget`` that Tab can reach, in reading order (hidden and disabled
    ones included: they take their place when shown). A scroll area is a stop of its own only
    when nothing inside it is (the Volume dock's text); otherwise it gives up the focus, as
    it scrolls to whichever of its controls has the focus anyway."""
    out: list[QWidget] = []
    seen: set[int] = set()

    def visit(w: QWidget) -> None:
        if id(w) in seen or (w.isWindow() and w is not widget):
            return
        seen.add(id(w))
        if isinstance(w, QScrollArea):
            inner = reading_order(w.widget()) if w.widget() is not None else []
            if inner:
                w.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                out.extend(i for i in inner if id(i) not in seen)
                seen.update(map(id, inner))
            elif takes_tab(w):
                out.append(w)
            return
        if takes_tab(w) and (is_control(w) or isinstance(w, (QTabWidget, QAbstractScrollArea))):
            out.append(w)
            if isinstance(w, LEAVES) or isinstance(w, QAbstractScrollArea):
                return  # its parts (a spin box's line edit) are its own
        for child in _children(w):
            visit(child)

    visit(widget)
    return out


def order_tabs(widgets) -> None:
    """Tab visits ``widgets`` one after the other."""
    widgets = [w for w in widgets if w is not None]
    for first, second in zip(widgets, widgets[1:]):
        QWidget.setTabOrder(first, second)


def release_tab(root: QWidget) -> None:
    """Read-only text boxes give Tab back to the focus chain instead of keeping it."""
    for edit in [*root.findChildren(QPlainTextEdit), *root.findChildren(QTextEdit)]:
        if edit.isReadOnly():
            edit.setTabChangesFocus(True)


def order_window(window) -> list[QWidget]:
    """Tab order of the main window: tool bars, the central views, then each dock's controls,
    docks by area (left, top, right, bottom). Returns the chain."""
    chain: list[QWidget] = []
    for bar in window.findChildren(QToolBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        chain += reading_order(bar)
    if window.centralWidget() is not None:
        chain += reading_order(window.centralWidget())
    docks = window.findChildren(QDockWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
    areas = {a: i for i, a in enumerate(DOCK_AREAS)}
    def place(dock):  # by area, then top to bottom and left to right once the window is laid out
        return areas.get(window.dockWidgetArea(dock), len(areas)), dock.y(), dock.x()

    for dock in sorted(docks, key=place):
        chain += reading_order(dock)
    order_tabs(chain)
    release_tab(window)
    return chain


FRAMED = (QAbstractSpinBox, QComboBox, QLineEdit)
"""Controls whose focus ring is a QFocusFrame rather than a style-sheet border."""


class _FocusRing(QObject):
    def __init__(self, app) -> None:
        super().__init__(app)
        self.frame: QFocusFrame | None = None
        app.focusChanged.connect(self._moved)

    def framed(self, widget):
        """The control to ring for the focus on ``widget`` (a spin box for its line edit)."""
        if widget is None:
            return None
        parent = widget.parentWidget()
        if isinstance(widget, QLineEdit) and isinstance(parent, (QAbstractSpinBox, QComboBox)):
            widget = parent
        return widget if isinstance(widget, FRAMED) and widget.parentWidget() is not None else None

    def _moved(self, _old, new) -> None:
        target = self.framed(new)
        if self.frame is None or not shiboken6.isValid(self.frame):  # died with its last window
            if target is None:
                return
            self.frame = QFocusFrame()
            self.frame.setObjectName("focusRing")
        self.frame.setWidget(target)


_ring: _FocusRing | None = None


def install_focus_ring(app) -> None:
    """Ring the focused spin box, combo box or line edit (once per application)."""
    global _ring
    if app is not None and (_ring is None or not shiboken6.isValid(_ring)):
        _ring = _FocusRing(app)
