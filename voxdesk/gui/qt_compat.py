"""Work around a reference-count bug seen with PySide6 6.12.0 on Python 3.11.

Measured here: every ``signal.emit()`` from Python drops one reference to ``True`` (the value
emit returns), and calling a Python slot that returns ``None`` can drop one to ``None``.
Before Python 3.12 these singletons are not immortal, so after a few thousand emits (pyqtgraph
emits on every mouse move) the interpreter aborts with "Fatal Python error: bool_dealloc".

``guard_singletons()`` detects the leak with a tiny probe and, only when it is present,
gives True, False and None so many extra references that they can never reach zero, which
is what Python 3.12+ does for them anyway. It changes nothing else.
"""
from __future__ import annotations

import ctypes
import sys

_HUGE = 1 << 40
_applied = False


def _leaks() -> bool:
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        fired = Signal(bool)

    probe = _Probe()
    probe.fired.connect(lambda _v: None)
    before = (sys.getrefcount(True), sys.getrefcount(None))
    for _ in range(20):
        probe.fired.emit(True)
    after = (sys.getrefcount(True), sys.getrefcount(None))
    probe.fired.disconnect()
    return after[0] < before[0] or after[1] < before[1]


def guard_singletons() -> bool:
    """Apply the guard when needed; True if it was applied (now or earlier)."""
    global _applied
    if _applied:
        return True
    if sys.version_info >= (3, 12) or not hasattr(sys, "getrefcount"):
        return False  # immortal singletons
    if not _leaks():
        return False
    for obj in (True, False, None):
        ctypes.c_ssize_t.from_address(id(obj)).value += _HUGE
    _applied = True
    return True
