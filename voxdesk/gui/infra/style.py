"""Accent colours for the training panels that read well on the app's dark palette and on a
light one (tests and other hosts may use Qt's default palette)."""
from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget


def is_dark(widget: QWidget | None = None) -> bool:
    pal = widget.palette() if widget is not None else QApplication.palette()
    return pal.color(QPalette.Window).lightness() < 128


def tones(widget: QWidget | None = None) -> dict[str, str]:
    if is_dark(widget):
        return {"warn": "#f2b35e", "warn_bg": "#3a2e1c", "warn_border": "#8a6424", "error": "#ff7b7b",
                "muted": "#9aa0aa", "ok": "#7fd08a"}
    return {"warn": "#8a4b00", "warn_bg": "#fff4e5", "warn_border": "#f0b060", "error": "#b00020",
            "muted": "#5f6368", "ok": "#1e7b34"}


def push_button(text: str, name: str, slot):
    """A QPushButton with a stable objectName whose click calls ``slot()`` (no arguments)."""
    from PySide6.QtWidgets import QPushButton

    b = QPushButton(text)
    b.setObjectName(name)
    b.clicked.connect(lambda _checked=False: slot())
    return b
