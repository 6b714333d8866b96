"""TensorFlow's import stall is paid once, in the background, after start-up."""
from __future__ import annotations

import os
import sys


def test_tensorflow_warm_up_runs_in_the_background_and_never_delays_closing():
    import subprocess
    import textwrap

    code = textwrap.dedent("""
        import sys
        from PySide6.QtCore import QCoreApplication, QTimer
        app = QCoreApplication([])
        from voxdesk.gui.infra.workers import WorkerRunner
        from voxdesk.gui.infra.tf_runtime import warm_up_tensorflow
        runner = WorkerRunner()
        worker = warm_up_tensorflow(runner)
        print("BLOCKS_CLOSE", runner.running, worker.background)
        runner.all_done.connect(app.quit)
        QTimer.singleShot(120_000, app.quit)
        app.exec()
        print("KERAS", "keras" in sys.modules, worker.done)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "BLOCKS_CLOSE False True" in out.stdout and "KERAS True True" in out.stdout
