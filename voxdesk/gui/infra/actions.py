"""Menu actions the same way everywhere: text, slot, optional shortcut and object name."""
from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence


def make_action(parent, text: str, slot, shortcut: str | None = None, name: str | None = None) -> QAction:
    """A QAction calling ``slot()`` (without Qt's ``checked`` argument) when triggered."""
    a = QAction(text, parent)
    if shortcut:
        a.setShortcut(QKeySequence(shortcut))
    if name:
        a.setObjectName(name)
    a.triggered.connect(lambda _checked=False: slot())
    return a
