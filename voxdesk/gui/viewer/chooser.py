"""Ask which dataset (HDF5/NPZ), sample (stacks) or volume (4D NIfTI) to open.

Driven by the engine's ``probe(path) -> FileInfo`` (its ``entries`` have name, shape, dtype,
kind, n_samples, note) or, failing that, by ``NeedsChoice.choices``.
"""
from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from voxdesk.gui.infra.i18n import translate

_ROLE = Qt.ItemDataRole.UserRole


def needs_choice(info) -> bool:
    """True when opening the file needs the user to pick something."""
    entries = [e for e in info.entries if e.kind != "not-a-volume"]
    return len(entries) > 1 or (len(entries) == 1 and entries[0].n_samples > 1)


def info_from_choices(path: str, choices, fmt: str = "") -> SimpleNamespace:
    """A FileInfo look-alike from ``NeedsChoice.choices`` (names only)."""
    entries = [SimpleNamespace(name=str(c), shape=(), dtype="", kind="volume", n_samples=1, note="")
               for c in choices]
    return SimpleNamespace(path=path, format=fmt, entries=entries, groups=[], header={})


def _shape_text(shape) -> str:
    return " x ".join(str(n) for n in shape) if shape else ""


class ChooseEntryDialog(QDialog):
    def __init__(self, info, parent=None) -> None:
        super().__init__(parent)
        self.info = info
        self.setObjectName("chooseEntryDialog")
        self.setWindowTitle(translate("Chooser", "Choose what to open"))
        self.resize(620, 380)
        layout = QVBoxLayout(self)
        name = str(getattr(info, "path", "")).rsplit("/", 1)[-1]
        layout.addWidget(QLabel(translate("Chooser", "<b>{name}</b> holds several things. Pick one to view:").format(
            name=name)))

        self.tree = QTreeWidget()
        self.tree.setObjectName("entryTree")
        self.tree.setHeaderLabels([translate("Chooser", "Name"), translate("Chooser", "Shape"),
                                   translate("Chooser", "Type"), translate("Chooser", "What")])
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        layout.addWidget(self.tree)

        form = QFormLayout()
        self.index_label = QLabel(translate("Chooser", "Sample"))
        self.index_spin = QSpinBox()
        self.index_spin.setObjectName("sampleIndex")
        self.index_spin.setAccelerated(True)
        form.addRow(self.index_label, self.index_spin)
        layout.addLayout(form)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._fill()
        self.tree.currentItemChanged.connect(self._on_current)
        self.tree.itemDoubleClicked.connect(lambda item, _c: self._maybe_accept(item))
        first = self._first_selectable()
        if first is not None:
            self.tree.setCurrentItem(first)
        self._on_current(self.tree.currentItem(), None)

    def _fill(self) -> None:
        groups: dict[str, QTreeWidgetItem] = {}

        def parent_for(path: str):
            parts = [p for p in path.strip("/").split("/")[:-1] if p]
            node = None
            key = ""
            for part in parts:
                key += "/" + part
                if key not in groups:
                    item = QTreeWidgetItem([part + "/"])
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    (node.addChild(item) if node is not None else self.tree.addTopLevelItem(item))
                    groups[key] = item
                node = groups[key]
            return node

        for entry in self.info.entries:
            label = entry.name.strip("/").split("/")[-1] or entry.name
            if self.info.format == "nifti" and entry.kind == "4d":
                what = translate("Chooser", "4D image: {n} volumes").format(n=entry.n_samples)
            else:
                what = entry.note or entry.kind
            item = QTreeWidgetItem([label, _shape_text(entry.shape), str(entry.dtype), what])
            item.setData(0, _ROLE, entry)
            item.setToolTip(0, entry.name)
            if entry.kind == "not-a-volume":
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setToolTip(3, entry.note or translate("Chooser", "not a volume"))
            parent = parent_for(entry.name)
            (parent.addChild(item) if parent is not None else self.tree.addTopLevelItem(item))
        self.tree.expandAll()
        for col in range(4):
            self.tree.resizeColumnToContents(col)

    def _items(self):
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            yield item
            stack[0:0] = [item.child(i) for i in range(item.childCount())]

    def _first_selectable(self):
        for item in self._items():
            if item.data(0, _ROLE) is not None and item.flags() & Qt.ItemFlag.ItemIsSelectable:
                return item
        return None

    def select(self, name: str) -> None:
        """Make the entry called ``name`` current (tests and keyboard users)."""
        for item in self._items():
            entry = item.data(0, _ROLE)
            if entry is not None and entry.name.strip("/") == name.strip("/"):
                self.tree.setCurrentItem(item)
                return
        raise KeyError(name)

    def _entry(self):
        item = self.tree.currentItem()
        return None if item is None else item.data(0, _ROLE)

    def _on_current(self, item, _previous) -> None:
        entry = None if item is None else item.data(0, _ROLE)
        ok = entry is not None and entry.kind != "not-a-volume"
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(ok)
        n = entry.n_samples if ok else 1
        self.index_spin.setRange(0, max(n - 1, 0))
        self.index_spin.setEnabled(n > 1)
        is_4d = ok and entry.kind == "4d"
        noun = translate("Chooser", "Volume") if is_4d else translate("Chooser", "Sample")
        self.index_label.setText(f"{noun} (0-{n - 1})" if n > 1 else noun)

    def _maybe_accept(self, item) -> None:
        entry = item.data(0, _ROLE)
        if entry is not None and entry.kind != "not-a-volume":
            self.accept()

    def choice(self) -> dict | None:
        """Keyword arguments for ``open_volume`` for the current selection."""
        entry = self._entry()
        if entry is None or entry.kind == "not-a-volume":
            return None
        index = self.index_spin.value() if entry.n_samples > 1 else None
        if self.info.format == "nifti":
            return {"volume": index} if index is not None else {}
        kwargs: dict = {}
        if self.info.format != "npy":
            kwargs["dataset"] = entry.name
        if index is not None:
            kwargs["index"] = index
        return kwargs


def ask_choice(info, parent=None) -> dict | None:
    """Show the dialog modally; the chosen ``open_volume`` keyword arguments or None."""
    dialog = ChooseEntryDialog(info, parent)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.choice()
        return None
    finally:
        dialog.deleteLater()
