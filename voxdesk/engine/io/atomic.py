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
* ``replace_dir(tmp_dir, target)``: publish a finished folder, swapping out an older one.

Errors are ``OSError`` as the OS raised them; callers turn them into a ``VoxdeskError`` that
names what was being written (``write_error``).
"""
from __future__ import annotations

import contextlib
import csv
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Iterable, Iterator

from voxdesk.engine.errors import VoxdeskError


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
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
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


def replace_dir(tmp_dir, target) -> None:
    """Rename the finished folder ``tmp_dir`` to ``target``; an existing ``target`` is swapped
    out first and deleted after. Raises OSError when ``target`` appeared meanwhile (another
    process published first): the caller decides whether that one will do."""
    tmp_dir, target = Path(tmp_dir), Path(target)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(target, old)
    os.rename(tmp_dir, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_error(what: str, path, exc: OSError, cls=VoxdeskError) -> VoxdeskError:
    """One message for a failed write: ``could not write the model bundle to X: No space left...``."""
    reason = exc.strerror or str(exc)
    return cls(f"could not write {what} to {path}: {reason}")
