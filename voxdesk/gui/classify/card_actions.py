"""Classify > Edit Model Card… and Export Report…: the model card's own words, and the one-page
HTML report (``engine/inference/html_report.py``) of the Classify dock's model.

Edit writes a saved bundle in place (``engine/model/card.write_card``, in a worker) or, for a
model trained in this session and not saved yet, its metadata (saved with it later). Export
evaluates the model on the test split of the dataset open in the Dataset dock, or of a dataset
file the user picks, in a worker, then writes the page.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from voxdesk.engine.io import formats
from voxdesk.engine.model.card import FIELDS, MAX_CHARS, card_of, set_card
from voxdesk.gui.classify.card import FIELD_LABELS
from voxdesk.gui.infra.errors import report_error, user_message
from voxdesk.gui.infra.i18n import translate

MULTILINE = ("intended_use", "limitations")


class CardDialog(QDialog):
    """Intended use, limitations, author and licence; ``values()`` after ``exec()``."""

    def __init__(self, card: dict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cardDialog")
        self.setWindowTitle(translate("Card", "Model card"))
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        self.editors: dict[str, QLineEdit | QPlainTextEdit] = {}
        for key, label in FIELDS:
            label = translate("Card", FIELD_LABELS[key]) if FIELD_LABELS.get(key) == label else label
            if key in MULTILINE:
                editor = QPlainTextEdit(card.get(key, ""))
                editor.setTabChangesFocus(True)
                editor.setMaximumHeight(90)
            else:
                editor = QLineEdit(card.get(key, ""))
                editor.setMaxLength(MAX_CHARS)
            editor.setObjectName(f"card_{key}")
            editor.setAccessibleName(label)
            self.editors[key] = editor
            form.addRow(label, editor)
        self.editors["intended_use"].setPlaceholderText(translate("Card", "e.g. research on non-contrast abdominal CT; "
                                                                         "not for diagnosis"))
        self.editors["limitations"].setPlaceholderText(translate("Card", "e.g. trained on 390 synthetic phantoms; "
                                                                        "untested on real scans"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, str]:
        return {k: (e.toPlainText() if isinstance(e, QPlainTextEdit) else e.text())[:MAX_CHARS]
                for k, e in self.editors.items()}


class CardActions(QObject):
    card_saved = Signal(object)
    report_written = Signal(str)

    def __init__(self, controller, window) -> None:
        super().__init__(window)
        self.ctl, self.window = controller, window

    # -- asking the user (tests replace these) --------------------------------------------
    def ask_card(self, card: dict) -> dict | None:
        dialog = CardDialog(card, self.window)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def ask_report_path(self) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.window, translate("Card", "Export Report"), "report.html",
                                              translate("Card", "HTML page (*.html)"))
        if path and not path.lower().endswith((".html", ".htm")):
            path += ".html"
        return path or None

    def ask_dataset(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.window, translate("Card", "Report on which dataset's test "
                                                                             "split?"), "",
                                              formats.dataset_filter())
        return path or None

    # -- the card -------------------------------------------------------------------------
    def edit_card(self) -> None:
        bundle = self.ctl.bundle
        if bundle is None:
            report_error(self.window, translate("Classify", "No model"),
                         translate("Classify", "Load a model bundle (or train one) first."))
            return
        fields = self.ask_card(card_of(bundle.metadata))
        if fields is None:
            return
        if bundle.path is None:  # trained here, not saved: the card goes with it when saved
            try:
                set_card(bundle.metadata, fields)
            except Exception as exc:  # a field too long or not text: a dialog
                report_error(self.window, translate("Card", "Cannot change the card"), user_message(exc))
                return
            self._card_done(bundle.metadata.get("card", {}))
            return
        from voxdesk.engine.model.card import write_card

        path = str(bundle.path)
        self.ctl.runner.run(lambda _w: write_card(path, fields), name="card",
                            returned=self._card_written, errored=self._card_failed)

    @Slot(object)
    def _card_written(self, card) -> None:
        if self.ctl.bundle is not None:
            self.ctl.bundle.metadata["card"] = card
        self._card_done(card)

    def _card_done(self, card) -> None:
        bundle = self.ctl.bundle
        if bundle is not None:
            self.ctl.classify_panel.update_card(bundle.metadata, str(bundle.path or ""))
        where = (translate("Card", "Model card saved in {path}").format(path=bundle.path) if bundle and bundle.path
                 else translate("Card", "Model card saved (with the model when you save it)"))
        self.window.statusBar().showMessage(where, 10000)
        self.card_saved.emit(card)

    @Slot(object)
    def _card_failed(self, exc) -> None:
        report_error(self.window, translate("Card", "Cannot save the card"), user_message(exc))

    # -- the report -----------------------------------------------------------------------
    def export_report(self, path: str | None = None, dataset=None) -> None:
        bundle = self.ctl.bundle
        if bundle is None:
            report_error(self.window, translate("Classify", "No model"),
                         translate("Classify", "Load a model bundle (or train one) first."))
            return
        dataset = dataset if dataset is not None else self.ctl.training_dataset
        data_path = None if dataset is not None else self.ask_dataset()
        if dataset is None and data_path is None:
            return
        path = path or self.ask_report_path()
        if not path:
            return
        name = (bundle.path.name if bundle.path else "model trained in this session")

        def job(worker):
            from pathlib import Path

            from voxdesk.engine.datasets import load_dataset
            from voxdesk.engine.inference.html_report import render_report, write_report_html
            from voxdesk.engine.training.evaluation import evaluate_bundle

            data = dataset if dataset is not None else load_dataset(data_path)
            metrics, split, _warnings = evaluate_bundle(bundle, data, progress=worker.report)
            page = render_report(metrics, bundle.metadata, model_name=name,
                                 data_name=Path(str(data.source)).name, split=split)
            return str(write_report_html(path, page))

        self.window.statusBar().showMessage(translate("Card", "Evaluating the model for the report…"))
        self.ctl.runner.run(job, name="report", returned=self._report_done, errored=self._report_failed)

    @Slot(object)
    def _report_done(self, path) -> None:
        self.window.statusBar().showMessage(translate("Card", "Report written to {path}").format(path=path), 15000)
        self.report_written.emit(str(path))

    @Slot(object)
    def _report_failed(self, exc) -> None:
        self.window.statusBar().clearMessage()
        report_error(self.window, translate("Card", "Cannot write the report"), user_message(exc))
