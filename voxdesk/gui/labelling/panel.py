"""The Label dock: the case list with each case's label or mark, the class buttons (keys 1..9),
Unsure / Skip / Undo, the patient and notes fields, and the model's part (Train on labelled,
Label the most informative next: rank and guess per case, never a label).

The panel shows what it is given and emits requests; the controller (``controller.py``) owns the
session, saves and opens cases.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voxdesk.engine.datasets.labelling import LABELLED, SKIPPED, UNLABELLED, UNSURE
from voxdesk.gui.infra.i18n import translate


def mark_text(case) -> str:
    """What the list shows for a case: its label, or its mark."""
    if case.status == LABELLED:
        return case.label
    if case.status == UNSURE:
        return QCoreApplication.translate("LabelPanel", "? unsure") + (f" ({case.label})" if case.label else "")
    if case.status == SKIPPED:
        return QCoreApplication.translate("LabelPanel", "skipped")
    return ""


class LabelPanel(QWidget):
    case_chosen = Signal(int)
    class_chosen = Signal(str)
    unsure_requested = Signal()
    skip_requested = Signal()
    undo_requested = Signal()
    patient_edited = Signal(str)
    notes_edited = Signal(str)
    train_requested = Signal()
    rank_requested = Signal()

    COLUMNS = ("#", "Case", "Label", "Next", "Model's guess")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("labelPanel")
        self._session = None
        self._showing = False
        self.summary = QLabel(
            translate("LabelPanel", "No labelling session. File > New Dataset from Folder…"), objectName="labelSummary"
        )
        self.summary.setWordWrap(True)

        self.table = QTableWidget(0, len(self.COLUMNS), objectName="caseList")
        self.table.setHorizontalHeaderLabels(
            [
                translate("LabelPanel", "#"),
                translate("LabelPanel", "Case"),
                translate("LabelPanel", "Label"),
                translate("LabelPanel", "Next"),
                translate("LabelPanel", "Model's guess"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # number keys label; they never type here
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a long path keeps its file name
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for col in range(len(self.COLUMNS)):
            mode = QHeaderView.ResizeMode.Stretch if col == 1 else QHeaderView.ResizeMode.ResizeToContents
            header.setSectionResizeMode(col, mode)
        self.table.currentCellChanged.connect(self._row_changed)

        self.class_box = QWidget(objectName="classButtons")
        self.class_grid = QGridLayout(self.class_box)
        self.class_grid.setContentsMargins(0, 0, 0, 0)
        self.class_buttons: list[QPushButton] = []

        self.unsure_button = QPushButton(translate("LabelPanel", "Unsure (U)"), objectName="unsureButton")
        self.unsure_button.setToolTip(
            translate("LabelPanel", "Mark this case unsure: it is not trained on (keys U or 0)")
        )
        self.skip_button = QPushButton(translate("LabelPanel", "Skip (S)"), objectName="skipButton")
        self.skip_button.setToolTip(translate("LabelPanel", "Leave this case for later (key S)"))
        self.undo_button = QPushButton(translate("LabelPanel", "Undo (Ctrl+Z)"), objectName="undoButton")
        marks = QHBoxLayout()
        for b in (self.unsure_button, self.skip_button, self.undo_button):
            marks.addWidget(b)
        self.unsure_button.clicked.connect(self.unsure_requested)
        self.skip_button.clicked.connect(self.skip_requested)
        self.undo_button.clicked.connect(self.undo_requested)

        self.patient = QLineEdit(objectName="patientField")
        self.patient.setPlaceholderText(translate("LabelPanel", "Patient or group (typed, never read from the file)"))
        self.notes = QLineEdit(objectName="notesField")
        self.notes.setPlaceholderText(translate("LabelPanel", "Notes"))
        self.patient.editingFinished.connect(lambda: self.patient_edited.emit(self.patient.text()))
        self.notes.editingFinished.connect(lambda: self.notes_edited.emit(self.notes.text()))
        fields = QGridLayout()
        fields.addWidget(QLabel(translate("LabelPanel", "Patient:")), 0, 0)
        fields.addWidget(self.patient, 0, 1)
        fields.addWidget(QLabel(translate("LabelPanel", "Notes:")), 1, 0)
        fields.addWidget(self.notes, 1, 1)

        self.train_button = QPushButton(translate("LabelPanel", "Train on labelled"), objectName="trainLabelledButton")
        self.train_button.setToolTip(
            translate("LabelPanel", "Train a model on the cases labelled so far (the Training dock's settings)")
        )
        self.rank_button = QPushButton(
            translate("LabelPanel", "Label the most informative next"), objectName="rankButton"
        )
        self.rank_button.setToolTip(
            translate(
                "LabelPanel",
                "Rank the unlabelled cases by the model's uncertainty and go to the top one; "
                "the model's guess is shown, never filled in as the label",
            )
        )
        self.train_button.clicked.connect(self.train_requested)
        self.rank_button.clicked.connect(self.rank_requested)
        self.model_status = QLabel("", objectName="rankStatus")
        self.model_status.setWordWrap(True)
        model_row = QHBoxLayout()
        model_row.addWidget(self.train_button)
        model_row.addWidget(self.rank_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.class_box)
        layout.addLayout(marks)
        layout.addLayout(fields)
        layout.addLayout(model_row)
        layout.addWidget(self.model_status)
        self.set_session(None)

    # -- what is shown ------------------------------------------------------------------
    def set_session(self, session) -> None:
        self._session = session
        for b in self.class_buttons:
            self.class_grid.removeWidget(b)
            b.deleteLater()
        self.class_buttons = []
        for n, name in enumerate(session.classes if session else []):
            b = QPushButton(f"{n + 1}  {name}", objectName=f"classButton{n + 1}")
            b.setToolTip(
                translate("LabelPanel", "Label this case '{0}' and go to the next (key {1})").format(name, n + 1)
            )
            b.clicked.connect(lambda _c=False, c=name: self.class_chosen.emit(c))
            self.class_grid.addWidget(b, n // 3, n % 3)
            self.class_buttons.append(b)
        self.table.setRowCount(len(session) if session else 0)
        for i in range(len(session) if session else 0):
            self.show_row(i)
        enabled = session is not None
        for w in (
            self.unsure_button,
            self.skip_button,
            self.undo_button,
            self.patient,
            self.notes,
            self.train_button,
            self.rank_button,
        ):
            w.setEnabled(enabled)
        self.model_status.setText("")
        self.refresh()

    def show_row(self, i: int, rank: str | None = None, guess: str | None = None) -> None:
        case = self._session.cases[i]
        cells = [str(i + 1), case.path, mark_text(case)]
        for col, text in enumerate(cells):
            item = self.table.item(i, col)
            if item is None:
                item = QTableWidgetItem()
                self.table.setItem(i, col, item)
            item.setText(text)
            if col == 1:
                item.setToolTip(case.path + (f"\n{case.notes}" if case.notes else ""))
        for col, text in ((3, rank), (4, guess)):
            if text is not None:
                self.table.setItem(i, col, QTableWidgetItem(text))

    def show_ranking(self, ranked: dict) -> None:
        """``{case index: (rank, guess, confidence)}``; the other cases' rank and guess are cleared."""
        for i in range(self.table.rowCount()):
            rank, guess, conf = ranked.get(i, ("", "", None))
            self.show_row(i, str(rank), f"{guess} ({conf:.0%})" if guess else "")

    def refresh(self) -> None:
        s = self._session
        if s is None:
            self.summary.setText(translate("LabelPanel", "No labelling session. File > New Dataset from Folder…"))
            return
        counts = s.counts()
        self.summary.setText(
            translate("LabelPanel", "{0} of {1} labelled · {2} unsure · {3} skipped — saved to {4}").format(
                counts[LABELLED], len(s), counts[UNSURE], counts[SKIPPED], s.manifest.name
            )
        )
        self.summary.setToolTip(str(s.manifest))
        self.undo_button.setEnabled(s.can_undo)
        self.train_button.setEnabled(s.can_train())
        self.rank_button.setEnabled(counts[UNLABELLED] + counts[SKIPPED] + counts[UNSURE] > 0)

    def show_case(self, index: int) -> None:
        """Select case ``index`` in the list and show its patient and notes."""
        if self._session is None:
            return
        self._showing = True
        try:
            self.table.setCurrentCell(index, 1)
            self.table.scrollToItem(self.table.item(index, 1))
            case = self._session.cases[index]
            self.patient.setText(case.patient)
            self.notes.setText(case.notes)
        finally:
            self._showing = False
        self.refresh()

    def set_model_status(self, text: str) -> None:
        self.model_status.setText(text)

    def _row_changed(self, row: int, _col: int, old_row: int, _old_col: int) -> None:
        if not self._showing and row >= 0 and row != old_row:
            self.case_chosen.emit(row)
