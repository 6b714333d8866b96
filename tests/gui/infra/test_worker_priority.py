"""Background work never takes the cores from the GUI thread: workers (and the threads they start,
e.g. TensorFlow's pools) run at a lower OS priority; the GUI thread keeps its own."""
from __future__ import annotations

import os
import sys
import threading

import pytest

from voxdesk.gui.infra.workers import BACKGROUND_NICE, WorkerRunner

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_worker_threads_and_their_children_run_niced(qtbot):
    runner = WorkerRunner()
    before = _nice()

    def job(_w):
        seen = {}
        child = threading.Thread(target=lambda: seen.setdefault("child", _nice()))
        child.start()
        child.join()
        return _nice(), seen["child"]

    got = []
    with qtbot.waitSignal(runner.all_done, timeout=10_000):
        runner.run(job, returned=got.append)
    assert got == [(max(before, BACKGROUND_NICE),) * 2]
    assert _nice() == before  # the GUI thread is untouched
