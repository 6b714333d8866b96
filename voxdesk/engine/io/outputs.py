"""The one check of a path VoxDesk is about to write, made before the work starts.

``check_output(path, kind, inputs=..., force=...)`` refuses, with one sentence naming the path:

* an output that is one of the inputs (the same file through a symlink or a hard link too):
  never, not even with ``force``; writing it would destroy the input;
* a folder where a file goes, a device, pipe or socket (``/dev/null`` would be replaced);
* an existing file that is not of the kind being written (a dataset ``.h5`` or a NIfTI where a
  CSV report goes, a scan where a bundle goes) unless ``force``;
* any existing file when ``replace_needs_force`` (``convert``) unless ``force``;
* a folder that cannot be written (read-only, missing permissions, a file in the way) and a
  disk with less free space than the output needs.

The write itself still goes through ``voxdesk.engine.io.atomic``: a disk that fills up during
the write leaves the old file (or none), never a partial one. Qt-free: the GUI uses it too.
"""
from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path
from typing import Iterable

from voxdesk.engine.errors import VoxdeskError
from voxdesk.engine.io.address import split_address
from voxdesk.engine.io.common import human_bytes

MiB = 1 << 20
KINDS = {
    # kind: (what it is called, the free space it needs at least)
    "bundle": ("a VoxDesk model bundle", 8 * MiB),
    "csv": ("a CSV report", MiB // 4),
    "json": ("a JSON file", MiB // 4),
    "nifti": ("a NIfTI file", MiB),
    "png": ("a PNG image", 4 * MiB),
    "hdf5": ("an HDF5 file", 4 * MiB),
    "folder": ("a folder", 4 * MiB),
}


class OutputError(VoxdeskError):
    """An output path that cannot or must not be written."""


def _head(path: Path, n: int = 8192) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError:
        return b""


def _is_text(head: bytes) -> bool:
    if b"\0" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut at the end of the sample
    return True


def _is_bundle(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return "metadata.json" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _is_kind(path: Path, kind: str) -> bool:
    """Whether the existing regular file ``path`` holds what ``kind`` writes."""
    head = _head(path)
    if kind == "bundle":
        return _is_bundle(path)
    if kind in ("csv", "json"):
        return _is_text(head)
    if kind == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "hdf5":
        return head.startswith(b"\x89HDF\r\n\x1a\n")
    if kind == "nifti":
        if path.name.lower().endswith(".gz"):
            return head.startswith(b"\x1f\x8b")
        return len(head) >= 4 and (int.from_bytes(head[:4], "little") in (348, 540)
                                   or int.from_bytes(head[:4], "big") in (348, 540))
    return False


def describe_file(path) -> str:
    """What an existing file looks like, for a refusal: ``an HDF5 file``, ``a NIfTI file``..."""
    path = Path(path)
    for kind in ("bundle", "nifti", "hdf5", "png"):
        if _is_kind(path, kind):
            return KINDS[kind][0]
    from voxdesk.engine.io import formats

    fmt = formats.find_format(path)
    if fmt is not None:
        return f"a {fmt.name.upper() if fmt.name != 'dicom' else 'DICOM'} file"
    if formats.is_dicom_file(path):
        return "a DICOM file"
    return "a text file" if _is_text(_head(path)) else "a binary file"


def _identity(path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _input_files(inputs: Iterable) -> list[str]:
    files = []
    for item in inputs:
        item = getattr(item, "path", item)  # a VolumeRef
        if isinstance(item, (str, os.PathLike)):
            files.append(split_address(os.fspath(item))[0])
    return files


def _nearest_existing(folder: Path) -> Path:
    p = folder
    while not os.path.exists(p) and p != p.parent:
        p = p.parent
    return p


def _probe_write(folder: Path) -> None:
    """Create and remove a temporary file in ``folder``: the one test every file system answers."""
    from voxdesk.engine.io.atomic import temp_name

    probe = folder / temp_name("voxdesk-write-check")
    os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.unlink(probe)


def check_folder(folder, what: str, need_bytes: int = 0) -> None:
    """Raise ``OutputError`` unless files can be created in ``folder`` and ``need_bytes`` are
    free there. Missing folders are fine (the writer creates them) when the nearest existing one
    can be written."""
    folder = Path(folder)
    base = _nearest_existing(folder)
    if not os.path.isdir(base):
        raise OutputError(f"{what}: {base} is a file, not a folder")
    try:
        _probe_write(base)  # where the file (or the first missing folder) will be created
    except OSError as exc:
        raise OutputError(f"{what}: cannot write in {base} ({exc.strerror or exc})") from None
    if need_bytes:
        try:
            free = shutil.disk_usage(base).free
        except OSError:
            return
        if free < need_bytes:
            raise OutputError(f"{what}: only {human_bytes(free)} free in {base}; about "
                              f"{human_bytes(need_bytes)} are needed")


def check_output(path, kind: str, *, inputs: Iterable = (), force: bool = False, flag: str = "",
                 replace_needs_force: bool = False, need_bytes: int | None = None) -> Path:
    """Check ``path`` before anything is computed; returns it as a ``Path``.

    ``kind``: a key of :data:`KINDS`. ``inputs``: the paths the command reads (addresses such as
    ``file.h5:/X`` and ``VolumeRef`` objects allowed). ``flag``: how the user named the path
    (``--csv``), for the message. Raises :class:`OutputError`.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown output kind {kind!r}")
    if path is None or not os.fspath(path).strip():
        raise OutputError(f"{flag or 'the output'}: give a file name")
    p = Path(os.fspath(path)).expanduser()
    what = f"{flag} {p}" if flag else str(p)
    noun, default_need = KINDS[kind]
    try:
        st = os.stat(p)
    except (FileNotFoundError, NotADirectoryError):
        st = None  # a new file (or a file in the way, which check_folder names)
    except OSError as exc:
        raise OutputError(f"{what}: cannot be reached ({exc.strerror or exc})") from None
    if st is not None:
        ident = (st.st_dev, st.st_ino)
        for f in _input_files(inputs):
            if _identity(f) == ident:
                same = "" if os.path.abspath(f) == os.path.abspath(p) else f" (the same file as {f})"
                raise OutputError(f"{what} is an input of this command{same}; writing it would destroy "
                                  "the input. Choose another name")
        mode = st.st_mode
        if kind == "folder":
            if not stat.S_ISDIR(mode):
                raise OutputError(f"{what} is a file; choose a folder")
        elif stat.S_ISDIR(mode):
            raise OutputError(f"{what} is a folder; give a file name")
        elif not stat.S_ISREG(mode):
            raise OutputError(f"{what} is not a regular file (a device, pipe or socket); give a file name")
        elif not force and replace_needs_force:
            raise OutputError(f"{what} exists; pass --force to replace it")
        elif not force and not _is_kind(p, kind):
            raise OutputError(f"{what} exists and is {describe_file(p)}, not {noun}; pass --force to "
                              "replace it, or choose another name")
    elif os.path.islink(p):
        raise OutputError(f"{what} is a broken symbolic link; give a file name")
    check_folder(p.parent, what, default_need if need_bytes is None else max(int(need_bytes), 0))
    return p
