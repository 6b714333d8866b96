"""The page shown before anything is open: what to do next, in one glance, and a short guided
"first hour" (look at a scan, open the demo dataset, train, classify and explain, save)."""
from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from voxdesk.engine.io import formats
from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.infra.resources import app_icon

_C = "Welcome"  # the translation context of FIRST_HOUR
FIRST_HOUR = (
    (QT_TRANSLATE_NOOP("Welcome", "Look at a scan"),
     QT_TRANSLATE_NOOP("Welcome", "A CT phantom with a liver tumour, in three linked slice views and 3D.")),
    (QT_TRANSLATE_NOOP("Welcome", "Open the demo dataset"),
     QT_TRANSLATE_NOOP("Welcome", "Labelled CT phantoms (cyst, normal, tumour) with fixed train / validation / "
                                  "test splits.")),
    (QT_TRANSLATE_NOOP("Welcome", "Train"),
     QT_TRANSLATE_NOOP("Welcome", "Press <b>Train</b> in the Training dock. The defaults are made for a few hundred "
                                  "scans (about two minutes here); loss and accuracy curves show live.")),
    (QT_TRANSLATE_NOOP("Welcome", "Classify and explain"),
     QT_TRANSLATE_NOOP("Welcome", "Open a test case from the Dataset dock, press <b>Classify</b>, then "
                                  "<b>Explain</b>: the heat map shows what the model looked at.")),
    (QT_TRANSLATE_NOOP("Welcome", "Keep it"),
     QT_TRANSLATE_NOOP("Welcome", "<b>Train &gt; Save Model…</b> writes a bundle; <b>File &gt; Save Project…</b> "
                                  "reopens all of it later.")),
)


class WelcomePage(QScrollArea):
    """Scrolls when the window is small, so it never sets the window's minimum height."""

    def __init__(self, open_action, sample_action, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        page = QWidget(objectName="welcomeContent")
        self.setWidget(page)
        col = QVBoxLayout(page)
        col.addStretch(2)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(icon)
        title = QLabel("VoxDesk")
        title.setObjectName("welcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(title)
        text = QLabel(translate("Welcome", "Open a 3D scan ({formats})\nor drop a file or a dataset folder anywhere "
                                "on this window.").format(formats=", ".join(formats.suffixes())
                                                          + translate("Welcome", ", DICOM folders")))
        text.setWordWrap(True)
        text.setObjectName("welcomeText")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(text)
        row = QHBoxLayout()
        row.addStretch(1)
        for name, action in (("welcomeOpen", open_action), ("welcomeSample", sample_action)):
            row.addWidget(self._button(name, action))
        row.addStretch(1)
        col.addLayout(row)
        col.addSpacing(10)
        self.steps = QGridLayout()
        self.steps.setHorizontalSpacing(12)
        self.steps.setVerticalSpacing(6)
        self.steps.setColumnStretch(1, 1)
        self._step_buttons: dict[int, QPushButton] = {}
        heading = QLabel("<b>{}</b>".format(translate("Welcome", "Your first hour")))
        heading.setObjectName("firstHourTitle")
        self.steps.addWidget(heading, 0, 0, 1, 3)
        for i, (name, body) in enumerate(FIRST_HOUR, start=1):
            number = QLabel(f"<b>{i}</b>")
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            label = QLabel(f"<b>{translate(_C, name)}.</b> {translate(_C, body)}")
            label.setWordWrap(True)
            label.setObjectName(f"firstHourStep{i}")
            self.steps.addWidget(number, i, 0)
            self.steps.addWidget(label, i, 1)
        self.set_step_action(1, sample_action)
        box = QWidget()
        box.setObjectName("firstHour")
        box.setLayout(self.steps)
        box.setMaximumWidth(760)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(box, 8)
        centre.addStretch(1)
        col.addLayout(centre)
        col.addStretch(3)

    @staticmethod
    def _button(name: str, action) -> QPushButton:
        text = re.sub(r"\(&\w\)", "", action.text())  # a translation's mnemonic: 열기(&O)
        button = QPushButton(text.replace("&", "").replace("…", "").replace("...", "").strip())
        button.setObjectName(name)
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)
        return button

    def set_step_action(self, step: int, action) -> QPushButton:
        """A button beside first-hour step ``step`` (1-based) that triggers ``action``."""
        old = self._step_buttons.pop(step, None)
        if old is not None:
            old.deleteLater()
        button = self._button(f"firstHourButton{step}", action)
        self._step_buttons[step] = button
        self.steps.addWidget(button, step, 2, Qt.AlignmentFlag.AlignTop)
        return button
