"""The one way VoxDesk writes a file: next to the target, flushed to disk, renamed over it.

``os.replace`` is atomic on POSIX and Windows, so a reader (or a crash, a full disk, a killed
process) sees either the old file or the complete new one, never half a file. Every writer
in VoxDesk (model bundles, heat maps, CSV reports, training histories, benchmark data, the demo
folder) goes through this module.

* ``atomic_path(path)``: a context manager yielding a temporary path beside ``path`` for
  libraries that want a file name (``nib.save``, ``h5py.File``, ``zipfile``); on a clean exit
  the file is fsynced and renamed over ``path``, on an error it is removed.
* ``atomic_open(path, mode="w")``: the same, yielding an open file.
* ``write_csv(path, header, rows)``: a UTF-8 CSV, atomically.
* ``work_dir(parent, prefix)``: a temporary folder beside a target (a bundle's staging area).
* ``replace_dir(tmp_dir, target)``: publish a finished folder, swapping out an older one.
* ``clean_stale(folder)``: remove what killed writers left there (see below).

Temporary names carry the writer: ``.NAME.tmp-HOST-PID-RANDOM`` (HOST: 6 hex digits of the
host name, so that a shared disk is safe). A ``kill -9`` leaves such a file (or folder) behind;
the next write into that folder, by any VoxDesk process on the same host, removes those whose
process is gone (once per folder and process). Staging folders of older versions
(``.voxmodel-XXXXXXXX``, no PID in the name) are removed once nothing in them changed for
``LEGACY_STALE_S``.

Errors are ``OSError`` as the OS raised them; callers turn them into a ``VoxdeskError`` that
names what was being written (``write_error``).
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import re
import secrets
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Iterable, Iterator

from voxdesk.engine.errors import VoxdeskError

LEGACY_STALE_S = 3600.0
"""A PID-less staging folder untouched this long belongs to no running save."""

_HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]
_MARK = re.compile(r"[.-]tmp-(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[0-9a-z]{8}")
_LEGACY = re.compile(r"^\.voxmodel-[0-9a-z_]{8}$")
_cleaned: set[str] = set()
_cleaned_lock = threading.Lock()


def temp_name(name: str, suffix: str = "") -> str:
    """A hidden temporary name beside ``name`` that says which process writes it."""
    return f".{name}.tmp-{_HOST}-{os.getpid()}-{secrets.token_hex(4)}{suffix}"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: alive
    return True


def _is_stale(entry: os.DirEntry) -> bool:
    if not entry.name.startswith("."):
        return False
    m = _MARK.search(entry.name)
    if m is not None:
        return m["host"] == _HOST and not _pid_alive(int(m["pid"]))
    if _LEGACY.match(entry.name) and entry.is_dir(follow_symlinks=False):
        try:
            newest = max([entry.stat(follow_symlinks=False).st_mtime]
                         + [os.lstat(os.path.join(entry.path, n)).st_mtime for n in os.listdir(entry.path)])
        except OSError:
            return False
        return time.time() - newest > LEGACY_STALE_S
    return False


def clean_stale(folder, *, force: bool = False) -> list[Path]:
    """Remove the temporary files and folders that dead VoxDesk writers left in ``folder``.

    Runs once per folder and process unless ``force``; returns what it removed. Never raises.
    """
    try:
        key = os.path.realpath(folder)
    except (OSError, ValueError):
        return []
    with _cleaned_lock:
        if key in _cleaned and not force:
            return []
        _cleaned.add(key)
    removed = []
    try:
        with os.scandir(key) as it:
            stale = [e for e in it if _is_stale(e)]
    except OSError:
        return []
    for e in stale:
        try:
            if e.is_dir(follow_symlinks=False):
                shutil.rmtree(e.path)
            else:
                os.unlink(e.path)
            removed.append(Path(e.path))
        except OSError:
            pass
    return removed


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_path(path, *, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary file path beside ``path``; rename it over ``path`` on success.

    ``suffix`` keeps a library that looks at the extension happy (``nib.save`` needs ``.nii.gz``).
    The parent folder is created when missing.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path.parent)
    tmp = path.with_name(temp_name(path.name, suffix))
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield tmp
        _fsync(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


@contextlib.contextmanager
def atomic_open(path, mode: str = "w", **kwargs):
    """``open()`` on a temporary file beside ``path``, renamed over it when the block ends cleanly."""
    if "b" not in mode:
        kwargs.setdefault("encoding", "utf-8")
    with atomic_path(path) as tmp, open(tmp, mode, **kwargs) as fh:
        yield fh


def write_csv(path, header: Iterable, rows: Iterable[Iterable]) -> Path:
    """Write a CSV file (UTF-8, header first) atomically; returns ``Path(path)``."""
    with atomic_open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(list(header))
        w.writerows(rows)
    return Path(path)


def work_dir(parent, name: str) -> Path:
    """A new hidden folder in ``parent`` for staging ``name`` (removed by ``clean_stale`` when
    its process dies). The caller removes it when done."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    clean_stale(parent)
    tmp = parent / temp_name(name)
    tmp.mkdir()
    return tmp


def replace_dir(tmp_dir, target) -> None:
    """Rename the finished folder ``tmp_dir`` to ``target``; an existing ``target`` is swapped
    out first and deleted after. Raises OSError when ``target`` appeared meanwhile (another
    process published first): the caller decides whether that one will do."""
    tmp_dir, target = Path(tmp_dir), Path(target)
    old = None
    if target.exists():
        old = target.with_name(temp_name(target.name, ".old"))
        os.rename(target, old)
    os.rename(tmp_dir, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_error(what: str, path, exc: OSError, cls=VoxdeskError) -> VoxdeskError:
    """One message for a failed write: ``could not write the model bundle to X: No space left...``."""
    reason = exc.strerror or str(exc)
    return cls(f"could not write {what} to {path}: {reason}")
