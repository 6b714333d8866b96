"""The page shown before anything is open: what to do next, in one glance."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from voxdesk.engine.io import formats
from voxdesk.gui.infra.resources import app_icon


class WelcomePage(QWidget):
    def __init__(self, open_action, sample_action, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        col = QVBoxLayout(self)
        col.addStretch(2)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(96, 96))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(icon)
        title = QLabel("VoxDesk")
        title.setObjectName("welcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(title)
        text = QLabel(f"Open a 3D scan ({formats.describe()})\nor drop a file anywhere on this window.")
        text.setWordWrap(True)
        text.setObjectName("welcomeText")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(text)
        row = QHBoxLayout()
        row.addStretch(1)
        for name, action in (("welcomeOpen", open_action), ("welcomeSample", sample_action)):
            button = QPushButton(action.text().replace("&", ""))
            button.setObjectName(name)
            button.clicked.connect(action.trigger)
            row.addWidget(button)
        row.addStretch(1)
        col.addLayout(row)
        col.addStretch(3)
