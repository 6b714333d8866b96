"""The PySide6 desktop app. Importing any part of it guards against a PySide6 refcount bug
(see ``qt_compat``) before widgets start emitting signals."""
from voxdesk.gui.qt_compat import guard_singletons as _guard_singletons

_guard_singletons()
