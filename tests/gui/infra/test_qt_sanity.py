"""The installed PySide6 must not leak references on signal emits.

PySide6 6.12.0 on Python 3.11 dropped one reference to ``True`` per ``emit()``; pyqtgraph
emits on every mouse move, so the app aborted ("Fatal Python error: bool_dealloc") after a
few thousand. pyproject.toml excludes that release; this test catches the next one.
"""
import subprocess
import sys
import textwrap


def test_signal_emit_keeps_refcounts_of_true_and_none():
    code = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QCoreApplication, QObject, Signal
        app = QCoreApplication([])
        class Probe(QObject):
            fired = Signal(bool)
        p = Probe()
        p.fired.connect(lambda v: None)
        before = sys.getrefcount(True), sys.getrefcount(None)
        for _ in range(200):
            p.fired.emit(True)
        after = sys.getrefcount(True), sys.getrefcount(None)
        print(before[0] - after[0], before[1] - after[1])
        """
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr[-500:]
    lost_true, lost_none = map(int, r.stdout.split())
    assert lost_true <= 0 and lost_none <= 0, f"PySide6 leaks references: True -{lost_true}, None -{lost_none}"
