"""Never lose a trained model: Save / Discard / Cancel before anything would drop it.

The training controller asks :func:`ask_unsaved` before closing the window, opening another
dataset or training a new model while the model trained in this session is not saved
(``TrainingController.keep_model``). Tests replace ``ask_unsaved`` (tests/conftest.py answers
"discard" unless a test says otherwise), so no modal box ever blocks a test run.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QMessageBox, QWidget

from voxdesk.gui.infra.i18n import translate

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
DOINGS = (QT_TRANSLATE_NOOP("Unsaved", "closing VoxDesk"), QT_TRANSLATE_NOOP("Unsaved", "opening another dataset"),
          QT_TRANSLATE_NOOP("Unsaved", "training a new model"), QT_TRANSLATE_NOOP("Unsaved", "opening a project"),
          QT_TRANSLATE_NOOP("Unsaved", "saving the project"))
"""What ``keep_model(doing, ...)`` callers pass (English keys; shown translated)."""


def ask_unsaved(parent: QWidget | None, doing: str) -> str:
    """Ask before ``doing`` (e.g. "closing VoxDesk"): SAVE, DISCARD or CANCEL."""
    box = QMessageBox(QMessageBox.Icon.Warning, translate("Unsaved", "Unsaved model"),
                      translate("Unsaved", "The model trained in this session has not been saved.\n\n"
                                "Save it before {doing}?").format(doing=translate("Unsaved", doing)),
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("unsavedModelBox")
    box.setInformativeText(translate("Unsaved", "Discard loses the model, its curves and its results."))
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    answer = box.exec()
    return {QMessageBox.StandardButton.Save: SAVE, QMessageBox.StandardButton.Discard: DISCARD}.get(
        QMessageBox.StandardButton(answer), CANCEL)


def confirm_stop(parent: QWidget | None) -> bool:
    """Ask whether to stop training and close (tests patch ``QMessageBox.question``)."""
    answer = QMessageBox.question(
        parent, translate("Unsaved", "Training in progress"),
        translate("Unsaved", "A model is being trained. Stop training and close?\n\n"
                  "Training stops at the end of the current batch; the model is not saved."),
        QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
    return answer == QMessageBox.Yes
