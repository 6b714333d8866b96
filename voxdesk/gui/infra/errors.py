"""The GUI's one error hook: every failure a user must hear about becomes one dialog here.

``user_message(exc)`` turns an exception into the sentence to show (the engine's own message
for a ``VoxdeskError``; a short line for memory, OS and unexpected errors, never a traceback);
``report_error(parent, title, error)`` shows it. Tests patch ``QMessageBox.critical`` (or this
module's ``report_error``) to record dialogs instead of blocking.
"""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from voxdesk.gui.infra.i18n import translate


def user_message(exc: BaseException) -> str:
    """What to tell the user about ``exc``."""
    from voxdesk.engine.errors import VoxdeskError

    if isinstance(exc, VoxdeskError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return translate("Errors", "out of memory: try a smaller batch size or input size, or close other programs")
    if isinstance(exc, OSError):
        return (translate("Errors", "cannot read or write the file: {reason}").format(reason=exc.strerror or exc)
                + (f" ({exc.filename})" if exc.filename else ""))
    return translate("Errors", "unexpected error ({error})").format(error=f"{type(exc).__name__}: {exc}")


def report_error(parent: QWidget | None, title: str, error: BaseException | str) -> None:
    """Show ``error`` (an exception or a ready sentence) in an error dialog titled ``title``."""
    text = error if isinstance(error, str) else user_message(error)
    QMessageBox.critical(parent, title, text)
