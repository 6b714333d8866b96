"""Batch panel: classify many volumes, review the least confident first, export the rows.

The panel shows the engine's ``inference.Row`` objects and asks for work with signals; the
controller (``classify_dock``) runs the batch in a worker and feeds rows back as they come:

* ``run_requested(kind, paths)``: kind ``"folder"`` (one folder, walked), ``"files"`` (volume
  files; an HDF5/NPY/NPZ stack gives one row per volume), ``"dataset"`` (a labelled dataset
  file: its test split, with true labels) or ``"training"`` (the Training panel's dataset);
* ``cancel_requested()``; ``case_requested(Row)`` on double-click (open it with its heat map);
* ``export_requested(path)``: write the CSV (the CLI's columns).

The table (``batchTable``) is sortable; it starts sorted by confidence, least confident first
(rows that failed come first: they need a look too). Columns: file, predicted class,
confidence (with "± spread" when the run measured a per-case uncertainty: the standard deviation
of that probability across test-time augmentation or Monte-Carlo dropout passes), refer
("refer" when the confidence is below the model's referral threshold: a human should read the
case), true label (shown when known), warnings, error.
"""
from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from voxdesk.engine.io import formats
from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.infra.style import push_button, tones

COLUMNS = (QT_TRANSLATE_NOOP("Batch", "File"), QT_TRANSLATE_NOOP("Batch", "Predicted class"),
           QT_TRANSLATE_NOOP("Batch", "Confidence"), QT_TRANSLATE_NOOP("Batch", "Refer"),
           QT_TRANSLATE_NOOP("Batch", "True label"), QT_TRANSLATE_NOOP("Batch", "Warnings"),
           QT_TRANSLATE_NOOP("Batch", "Error"))
"""The table's columns (English; shown as ``translate("Batch", name)``)."""
FILE, PREDICTED, CONFIDENCE, REFER, LABEL, WARNINGS, ERROR = range(len(COLUMNS))
SORT_ROLE = Qt.UserRole + 1
ROW_ROLE = Qt.UserRole + 2


def uncertainty_tip(p) -> str:
    """What "± x%" after a confidence means (the Classify result and the batch table)."""
    from voxdesk.engine.model.uncertainty import LABELS

    return QCoreApplication.translate(
        "Classify", "± {spread}: how much this probability varies across the passes of {method} (standard "
                    "deviation); a large spread says the model is unsure of this case").format(
        spread=f"{p.uncertainty:.1%}", method=LABELS.get(p.uncertainty_method, p.uncertainty_method))


class BatchTableModel(QAbstractTableModel):
    """The rows of a batch run (engine ``Row`` objects), one table row each."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list = []
        self.error_color = QColor("#b00020")

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return translate("Batch", COLUMNS[section])
        return None

    def add(self, rows) -> None:
        rows = list(rows)
        if rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self.endResetModel()

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], index.column()
        p = row.prediction
        if role == ROW_ROLE:
            return row
        if role == Qt.DisplayRole:
            return self._text(row, p, col)
        if role == SORT_ROLE:
            if col == CONFIDENCE:
                return p.confidence if p is not None else -1.0
            if col == WARNINGS:
                return len(p.warnings) if p is not None else -1
            return (self._text(row, p, col) or "").lower()
        if role == Qt.ToolTipRole:
            if col == WARNINGS and p is not None and p.warnings:
                return "\n".join(p.warnings)
            if col in (FILE, ERROR):
                return row.error if col == ERROR else row.source
            if col == REFER and p is not None and p.refer:
                return translate("Batch", "Below the model's referral threshold: a human should read this case")
            if col == CONFIDENCE and p is not None and p.uncertainty is not None:
                return uncertainty_tip(p)
        if role == Qt.ForegroundRole and (row.error or (col == REFER and p is not None and p.refer)):
            return self.error_color
        if role == Qt.TextAlignmentRole and col in (CONFIDENCE, WARNINGS):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        return None

    @staticmethod
    def _text(row, p, col) -> str:
        if col == FILE:
            return row.source
        if col == PREDICTED:
            return p.class_name if p is not None else ""
        if col == CONFIDENCE:
            if p is None:
                return ""
            return f"{p.confidence:.1%}" + (f" ± {p.uncertainty:.1%}" if p.uncertainty is not None else "")
        if col == REFER:
            return translate("Batch", "refer") if p is not None and p.refer else ""
        if col == LABEL:
            return row.label or ""
        if col == WARNINGS:
            return str(len(p.warnings)) if p is not None and p.warnings else ""
        return row.error or ""


class BatchPanel(QWidget):
    run_requested = Signal(str, object)
    cancel_requested = Signal()
    case_requested = Signal(object)
    export_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchPanel")
        t = tones(self)
        self.model = BatchTableModel(self)
        self.model.error_color = QColor(t["error"])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("batchTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(CONFIDENCE, Qt.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(FILE, QHeaderView.Stretch)
        for col in (PREDICTED, CONFIDENCE, REFER, LABEL, WARNINGS):
            header.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(ERROR, QHeaderView.Stretch)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.setToolTip(translate("Batch", "Double-click a row to open the case with its heat map"))

        self.folder_button = push_button(
            translate("Batch", "Folder…"), "batchFolderButton", lambda: self.choose("folder"))
        self.files_button = push_button(
            translate("Batch", "Files / Stack…"), "batchFilesButton", lambda: self.choose("files"))
        self.dataset_button = push_button(
            translate("Batch", "Dataset Test Split…"), "batchDatasetButton", lambda: self.choose("dataset"))
        self.training_button = push_button(translate("Batch", "Training Data (test split)"), "batchTrainingButton",
                                             lambda: self.run_requested.emit("training", []))
        self.training_button.setEnabled(False)
        self.cancel_button = push_button(translate("Batch", "Cancel"), "batchCancelButton", self.cancel_requested.emit)
        self.export_button = push_button(translate("Batch", "Export CSV…"), "exportCsvButton", self._export)
        self.progress = QProgressBar()
        self.progress.setObjectName("batchProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.summary = QLabel(translate("Batch", "Load a model, then classify a folder, files, an HDF5 stack or a "
                                         "dataset's test split."))
        self.summary.setObjectName("batchSummary")
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        for b in (self.folder_button, self.files_button, self.dataset_button, self.training_button):
            top.addWidget(b)
        top.addStretch(1)
        top.addWidget(self.progress, 1)
        top.addWidget(self.cancel_button)
        top.addWidget(self.export_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.summary)
        self._has_model = False
        self._running = False
        self._has_training_data = False
        self._update_enabled()

    # -- asking the user (tests replace these) --------------------------------------------
    def ask_source(self, kind: str) -> list[str]:
        if kind == "folder":
            path = QFileDialog.getExistingDirectory(self, translate("Batch", "Classify a folder"))
            return [path] if path else []
        if kind == "dataset":
            path, _ = QFileDialog.getOpenFileName(self,
                translate("Batch", "Classify a dataset's test split"), "", formats.dataset_filter())
            return [path] if path else []
        paths, _ = QFileDialog.getOpenFileNames(self,
            translate("Batch", "Classify volumes or a stack"), "", formats.volume_filter())
        return list(paths)

    def ask_csv_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(self, translate("Batch", "Export CSV"), "predictions.csv", "CSV (*.csv)")
        return path

    def show_summary(self, text: str) -> None:
        self.summary.setText(text)

    def choose(self, kind: str) -> None:
        """Ask for the volumes of ``kind`` (folder, files, stack, dataset) and request a run."""
        paths = self.ask_source(kind)
        if paths:
            self.run_requested.emit(kind, paths)

    def _export(self) -> None:
        path = self.ask_csv_path()
        if path:
            self.export_requested.emit(path if path.lower().endswith(".csv") else path + ".csv")

    def _double_clicked(self, index) -> None:
        row = self.proxy.data(index, ROW_ROLE)
        if row is not None:
            self.case_requested.emit(row)

    # -- shown by the controller ----------------------------------------------------------
    def set_model_loaded(self, loaded: bool) -> None:
        self._has_model = bool(loaded)
        self._update_enabled()

    def set_training_data_available(self, available: bool) -> None:
        self._has_training_data = bool(available)
        self._update_enabled()

    def start(self, description: str) -> None:
        self.model.clear()
        self.table.setColumnHidden(LABEL, True)
        self._running = True
        self.progress.setValue(0)
        self.summary.setText(description)
        self._update_enabled()

    def add_rows(self, rows) -> None:
        self.model.add(rows)
        if any(r.label for r in rows):
            self.table.setColumnHidden(LABEL, False)

    def show_progress(self, fraction: float, message: str = "") -> None:
        self.progress.setValue(int(round(max(0.0, min(1.0, fraction)) * 1000)))
        if message:
            self.progress.setFormat(message)

    def finish(self, summary: str, outcome: str = "done") -> None:
        """The run ended: ``outcome`` "done", "stopped" (cancelled) or "failed"."""
        self._running = False
        if outcome == "done":
            self.progress.setValue(self.progress.maximum())
        formats = {"done": translate("Batch", "Done"), "stopped": translate("Batch", "Stopped at %p%")}
        self.progress.setFormat(formats.get(outcome, translate("Batch", "Failed")))
        self.summary.setText(summary)
        self._update_enabled()

    def clear(self, message: str = "") -> None:
        self.model.clear()
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        if message:
            self.summary.setText(message)
        self._update_enabled()

    def rows_in_view_order(self) -> list:
        return [self.proxy.data(self.proxy.index(r, 0), ROW_ROLE) for r in range(self.proxy.rowCount())]

    def _update_enabled(self) -> None:
        can_run = self._has_model and not self._running
        for b in (self.folder_button, self.files_button, self.dataset_button):
            b.setEnabled(can_run)
        self.training_button.setEnabled(can_run and self._has_training_data)
        self.cancel_button.setEnabled(self._running)
        self.export_button.setEnabled(bool(self.model.rows) and not self._running)
