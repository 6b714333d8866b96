"""A collapsible section: an arrow button as its header, one widget as its body.

Whether it is collapsed is a preference (``settings_key`` in ``infra.settings``): a user who
folded the model card away finds it folded the next time.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton, QVBoxLayout, QWidget

from voxdesk.gui.infra import settings
from voxdesk.gui.infra.i18n import translate


class Section(QWidget):
    def __init__(self, title: str, body: QWidget, *, settings_key: str, object_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{object_name}Section")
        self.settings_key = settings_key
        self.body = body
        self.toggle = QToolButton(objectName=f"{object_name}Toggle", text=title)
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setStyleSheet("QToolButton { font-weight: bold; border: none; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toggle)
        layout.addWidget(body)
        self.toggle.setChecked(not settings.flag(settings_key, False))
        self._show(self.toggle.isChecked())
        self.toggle.toggled.connect(self._toggled)

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self.toggle.setChecked(bool(expanded))

    def _show(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.toggle.setToolTip(
            translate("Section", "Click to fold away") if expanded else translate("Section", "Click to show"))
        self.body.setVisible(expanded)

    def _toggled(self, expanded: bool) -> None:
        self._show(expanded)
        settings.set_value(self.settings_key, not expanded)
