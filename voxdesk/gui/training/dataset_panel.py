"""Dataset panel: what a labelled dataset holds, and a list of its samples to look at.

Shows the engine's ``LabelledDataset.summary()``: layout, class names, counts per class and
split (``datasetCounts``), sample shape and the engine's warnings (``datasetWarnings``). The
sample list (``sampleList``) is a lazy model over every split (thousands of rows cost nothing
until shown). Selecting a sample reads that one sample, turns it into a ``Volume`` and calls
``state.set_volume`` so the orthogonal and 3D views show it; its label is shown under the list
and in the volume's name.

The panel does not load files itself: "Open..." and drops emit ``open_requested(path)``; the
controller loads in a worker and calls :meth:`DatasetPanel.set_dataset`.
"""
from __future__ import annotations

import html
from pathlib import Path

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voxdesk.engine.io import formats
from voxdesk.engine.volume import Volume
from voxdesk.gui.infra.i18n import split_name, translate
from voxdesk.gui.infra.style import tones


class SampleListModel(QAbstractListModel):
    """Rows = (split, index) pairs of the chosen split(s); text from ``Samples.describe``."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._dataset = None
        self._rows: list[tuple[str, int]] = []
        self._offsets: list[tuple[int, str, int]] = []  # (first row, split, n)
        self._n = 0

    def set_dataset(self, dataset, split: str | None = None) -> None:
        self.beginResetModel()
        self._dataset = dataset
        self._offsets, self._n = [], 0
        if dataset is not None:
            for name, s in dataset.splits.items():
                if split in (None, name):
                    self._offsets.append((self._n, name, len(s)))
                    self._n += len(s)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._n

    def locate(self, row: int) -> tuple[str, int]:
        for first, name, _n in reversed(self._offsets):
            if row >= first:
                return name, row - first
        raise IndexError(row)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or self._dataset is None:
            return None
        split, i = self.locate(index.row())
        if role == Qt.DisplayRole:
            s = self._dataset.splits[split]
            label = self._dataset.class_names[int(s.labels[i])]
            return f"{split_name(split)}  ·  {s.samples.describe(i)}  ·  {label}"
        if role == Qt.UserRole:
            return (split, i)
        return None


def sample_volume(array: np.ndarray, name: str, meta: dict) -> Volume:
    """A viewable 3D Volume from one raw sample (channels averaged; 2D images get depth 1)."""
    from voxdesk.engine.model.preprocessing import split_sample_shape

    a = np.asarray(array)
    spatial, channels, has_channels = split_sample_shape(a.shape)
    if has_channels:
        a = a[..., 0] if channels == 1 else a.astype(np.float32).mean(axis=-1)
    if a.ndim == 2:
        a = a[:, :, None]
    return Volume(np.ascontiguousarray(a), source=meta.get("source", ""), name=name,
                  orientation_known=False, meta=dict(meta))


def read_sample(dataset, split: str, index: int) -> dict:
    """Read sample ``index`` of ``split`` as a Volume with its label (runs in a worker)."""
    s = dataset.splits[split]
    label = int(s.labels[index])
    class_name = dataset.class_names[label]
    where = s.samples.describe(index)
    array = s.samples[index]
    volume = sample_volume(array, f"{where} — {class_name}",
                           {"source": dataset.source, "split": split, "sample_index": index,
                            "label": class_name, "original_shape": tuple(np.shape(array))})
    return {"volume": volume, "split": split, "index": index, "label": label, "class_name": class_name,
            "where": where}


class DatasetPanel(QWidget):
    open_requested = Signal(str)
    sample_requested = Signal(str, int)
    """(split, index): the user picked a sample; the controller reads it off the GUI thread."""
    sample_selected = Signal(object)
    """dict(volume=Volume, split=str, index=int, label=int, class_name=str)"""

    def __init__(self, state=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetPanel")
        self.setAcceptDrops(True)
        self._error_color = tones(self)["error"]
        self.state = state
        self.dataset = None
        self._columns: list[str] = []
        self._rows: list[str] = []
        self.open_button = QPushButton(translate("DatasetPanel", "Open File…"))
        self.open_button.setObjectName("openDatasetButton")
        self.open_button.setToolTip(translate("DatasetPanel", "A dataset file: HDF5, NPZ/NPY arrays or a CSV manifest"))
        self.open_button.clicked.connect(self.choose_and_open)
        self.open_folder_button = QPushButton(translate("DatasetPanel", "Open Folder…"))
        self.open_folder_button.setObjectName("openDatasetFolderButton")
        self.open_folder_button.setToolTip(translate("DatasetPanel", "A folder with one subfolder per class (scans or "
                                                                     "DICOM "
                                                            "series inside)"))
        self.open_folder_button.clicked.connect(self.choose_folder_and_open)
        self.info = QLabel(translate("DatasetPanel", "No dataset open.<br>Open one, or drop a file or folder here."))
        self.info.setObjectName("datasetInfo")
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.counts = QTableWidget(0, 0)
        self.counts.setObjectName("datasetCounts")
        self.counts.setEditTriggers(QTableWidget.NoEditTriggers)
        self.counts.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.warnings = QLabel()
        self.warnings.setObjectName("datasetWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(f"QLabel {{ color: {tones(self)['warn']}; }}")
        self.warnings.setVisible(False)
        self.split_combo = QComboBox()
        self.split_combo.setObjectName("splitCombo")
        self.split_combo.currentIndexChanged.connect(self._split_changed)
        self.model = SampleListModel(self)
        self.sample_list = QListView()
        self.sample_list.setObjectName("sampleList")
        self.sample_list.setModel(self.model)
        self.sample_list.setUniformItemSizes(True)
        self.sample_list.selectionModel().currentChanged.connect(self._current_changed)
        self.selected = QLabel()
        self.selected.setObjectName("selectedSample")
        self.selected.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.open_folder_button)
        top.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(QLabel(translate("DatasetPanel", "Samples:")))
        row.addWidget(self.split_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.info)
        layout.addWidget(self.counts)
        layout.addWidget(self.warnings)
        layout.addLayout(row)
        layout.addWidget(self.sample_list, 1)
        layout.addWidget(self.selected)

    # -- opening ------------------------------------------------------------------------
    def choose_and_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self,
            translate("DatasetPanel", "Open Dataset"), "", formats.dataset_filter())
        if path:
            self.open_requested.emit(path)

    def choose_folder_and_open(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, translate("DatasetPanel", "Open a dataset folder (one subfolder per class)"))
        if path:
            self.open_requested.emit(path)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            self.open_requested.emit(urls[0])

    def set_loading(self, path: str) -> None:
        self.info.setText(translate("DatasetPanel", "Opening <b>{name}</b>…").format(name=html.escape(Path(path).name)))

    # -- showing ------------------------------------------------------------------------
    def set_dataset(self, dataset) -> None:
        self.dataset = dataset
        self.selected.clear()
        if dataset is None:
            self.info.setText(translate("DatasetPanel", "No dataset open.<br>Open one, or drop a file or folder here."))
            self.counts.setRowCount(0)
            self.counts.setColumnCount(0)
            self.warnings.setVisible(False)
            self.split_combo.clear()
            self.model.set_dataset(None)
            return
        s = dataset.summary()
        shape = s["sample_shape"]
        shape_text = "×".join(map(str, shape)) if shape else translate("DatasetPanel", "varies (resampled for "
                                                                                       "training)")
        total = sum(v["n"] for v in s["splits"].values())
        self.info.setText(
            f"<b>{html.escape(Path(dataset.source).name or dataset.source)}</b> ({html.escape(s['layout'])})<br>"
            + translate("DatasetPanel", "{classes} classes · {samples} samples · sample shape {shape}").format(
                classes=len(s["classes"]), samples=total, shape=shape_text))
        splits = list(s["splits"])
        columns = splits + (["total"] if len(splits) > 1 else [])
        self.counts.setRowCount(len(s["classes"]) + 1)
        self.counts.setColumnCount(len(columns))
        self._columns, self._rows = columns, list(s["classes"]) + ["all"]
        self.counts.setHorizontalHeaderLabels([split_name(c) for c in columns])
        self.counts.setVerticalHeaderLabels(list(s["classes"]) + [split_name("all")])
        for c, name in enumerate(columns):
            per = (np.sum([s["splits"][k]["per_class"] for k in splits], axis=0) if name == "total"
                   else np.asarray(s["splits"][name]["per_class"]))
            for r, value in enumerate(list(per) + [int(np.sum(per))]):
                item = QTableWidgetItem(str(int(value)))
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if r == len(per):
                    f = item.font()
                    f.setBold(True)
                    item.setFont(f)
                self.counts.setItem(r, c, item)
        self.counts.resizeRowsToContents()
        row_h = max(self.counts.verticalHeader().defaultSectionSize(), self.counts.rowHeight(0))
        header_h = max(self.counts.horizontalHeader().sizeHint().height(), row_h)
        self.counts.setFixedHeight(min(row_h * self.counts.rowCount() + header_h + 2 * self.counts.frameWidth(), 260))
        self.warnings.setText("".join(f"⚠ {html.escape(w)}<br>" for w in s["warnings"]))
        self.warnings.setVisible(bool(s["warnings"]))
        self.split_combo.blockSignals(True)
        self.split_combo.clear()
        self.split_combo.addItem(translate("DatasetPanel", "all splits"), None)
        for name in splits:
            self.split_combo.addItem(f"{split_name(name)} ({s['splits'][name]['n']})", name)
        self.split_combo.blockSignals(False)
        self.model.set_dataset(dataset)

    def count(self, class_name: str, split: str) -> int:
        """The number shown in the counts table (``split`` may be ``"total"``; class ``"all"``)."""
        cols, rows = self._columns, self._rows  # the keys behind the (translated) headers
        if split == "total" and "total" not in cols and len(cols) == 1:
            split = cols[0]
        return int(self.counts.item(rows.index(class_name), cols.index(split)).text())

    def _split_changed(self, _index: int) -> None:
        self.model.set_dataset(self.dataset, self.split_combo.currentData())

    def _current_changed(self, current: QModelIndex, _previous=None) -> None:
        if not current.isValid() or self.dataset is None:
            return
        split, i = current.data(Qt.UserRole)
        self.selected.setText(translate("DatasetPanel", "Reading {what}…").format(
            what=html.escape(self.dataset.splits[split].samples.describe(i))))
        self.sample_requested.emit(split, i)

    def show_sample(self, info: dict) -> None:
        """Show a sample ``read_sample`` read (in a worker): its description here, the volume in
        the views (``sample_selected``)."""
        where, split, class_name = info["where"], info["split"], info["class_name"]
        shape = info["volume"].meta["original_shape"]
        self.selected.setText(translate("DatasetPanel", "Showing <b>{where}</b> ({split}) · label <b>{label}</b> · "
                                        "shape {shape}").format(where=html.escape(where), split=split_name(split),
                                                                label=html.escape(class_name),
                                                                shape="×".join(map(str, shape))))
        if self.state is not None:
            self.state.set_volume(info["volume"])
        self.sample_selected.emit({k: info[k] for k in ("volume", "split", "index", "label", "class_name")})

    def show_sample_error(self, where: str, message: str) -> None:
        """A bad sample is reported here, never fatal."""
        text = translate("DatasetPanel", "Cannot show {where}: {message}").format(where=html.escape(where),
                                                                                 message=html.escape(message))
        self.selected.setText(f"<span style='color:{self._error_color}'>{text}</span>")
