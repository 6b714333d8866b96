"""kill -9 during a save: the target is untouched, and the leftovers of the dead writer are
removed by the next save in that folder (``engine/io/atomic.py``); a full disk leaves the old
file, never a partial one."""
import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from voxdesk.engine.io import atomic

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from voxdesk.engine.io.atomic import atomic_path, work_dir
    folder = Path(sys.argv[1])
    stage = work_dir(folder, "model.voxmodel")            # what a bundle save stages in
    (stage / "model.keras").write_bytes(b"k" * 100_000)
    with atomic_path(folder / "model.voxmodel") as tmp:
        tmp.write_bytes(b"half a bundle")
        print("writing", flush=True)
        time.sleep(120)
""")


def _start_writer(folder: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(folder)], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "writing"
    return proc


def _hidden(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name.startswith(".")}


def test_a_killed_save_leaves_the_target_alone_and_the_next_save_cleans_up(tmp_path):
    (tmp_path / "model.voxmodel").write_bytes(b"the old bundle")
    victim = _start_writer(tmp_path)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    dead = _hidden(tmp_path)
    assert len(dead) == 2 and all(".tmp-" in n and f"-{victim.pid}-" in n for n in dead)  # a file and a folder
    assert (tmp_path / "model.voxmodel").read_bytes() == b"the old bundle"

    alive = _start_writer(tmp_path)  # another save still running in the same folder
    try:
        running = _hidden(tmp_path) - dead
        other_host = tmp_path / ".x.csv.tmp-000000-1-0a1b2c3d"  # a writer on another machine (shared disk)
        other_host.write_bytes(b"not ours to judge")
        atomic.write_csv(tmp_path / "report.csv", ["a"], [[1]])
        left = _hidden(tmp_path)
        assert not (left & dead), "the dead writer's leftovers are gone"
        assert running <= left, "a living writer's files are kept"
        assert other_host.name in left
        assert (tmp_path / "report.csv").read_text() == "a\n1\n"
    finally:
        alive.kill()
        alive.wait(timeout=30)


def test_old_pid_less_staging_folders_go_once_nothing_changed_for_an_hour(tmp_path):
    old, fresh = tmp_path / ".voxmodel-abcd1234", tmp_path / ".voxmodel-efgh5678"
    for d in (old, fresh):
        d.mkdir()
        (d / "model.keras").write_bytes(b"k")
    past = time.time() - atomic.LEGACY_STALE_S - 60
    for p in (old / "model.keras", old):
        os.utime(p, (past, past))
    (tmp_path / ".voxmodel-not-ours").mkdir()  # not the pattern: never touched
    removed = atomic.clean_stale(tmp_path)
    assert removed == [old]
    assert fresh.is_dir() and (tmp_path / ".voxmodel-not-ours").is_dir()


def test_a_full_disk_leaves_the_old_file_and_no_partial_one(full_disk):
    target = full_disk / "metrics.json"
    target.write_text('{"old": true}')
    with pytest.raises(OSError) as info:
        with atomic.atomic_open(target) as fh:
            fh.write("x" * 200_000)
    assert info.value.errno == errno.ENOSPC
    assert target.read_text() == '{"old": true}'
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler", "metrics.json"]


def test_a_killed_bundle_save_leaves_nothing_after_the_next_save(tiny, tmp_path):
    """The bundle's staging folder is named by host and PID, so the next save removes a killed one's."""
    import os
    import signal
    import subprocess
    import sys

    from voxdesk.engine.model.bundle import load_bundle, save_bundle

    code = ("import os, signal, sys\n"
            "from voxdesk.engine.io.atomic import work_dir\n"
            f"d = work_dir({str(tmp_path)!r}, 'm.voxmodel')\n"
            "(d / 'model.keras').write_bytes(b'x' * 1000)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", code], env={**os.environ}, timeout=60)
    assert proc.returncode == -signal.SIGKILL
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert len(left) == 1 and left[0].is_dir()
    save_bundle(load_bundle(tiny.path), tmp_path / "m.voxmodel")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.voxmodel"]
