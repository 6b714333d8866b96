"""kill -9 during training: no bundle and no half file at --out; the next run writes it cleanly."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest


@pytest.mark.slow
def test_a_killed_training_leaves_nothing_and_the_next_run_saves(tmp_path):
    sys.path.insert(0, os.path.dirname(__file__))
    from test_train_cmd import write_h5

    data = write_h5(tmp_path / "d.h5", n_train=40, n_test=8)
    out = tmp_path / "models" / "m.voxmodel"
    cmd = [sys.executable, "-m", "voxdesk.cli", "train", str(data), "--epochs", "400", "--batch-size", "4",
           "--no-augment", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 180
    for line in proc.stdout:  # wait until it is really training
        if "epoch   2/" in line or time.monotonic() > deadline:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    assert not any(p.name.startswith(".") for p in tmp_path.rglob("*")), list(tmp_path.rglob(".*"))
    again = [("1" if i > 0 and cmd[i - 1] == "--epochs" else a) for i, a in enumerate(cmd)]
    done = subprocess.run(again, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(p.name for p in out.parent.iterdir()) == ["m.voxmodel", "m.voxmodel.history.csv"]
