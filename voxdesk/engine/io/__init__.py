"""Volume readers, one per format, chosen by suffix.

CONTRACT:
  ``open_volume(path, *, dataset=None, index=None, volume=None) -> Volume``
      path may carry an HDF5 address: ``"scan.h5:/group/data"``; ``dataset`` names an HDF5
      dataset or an NPZ array; ``index`` picks a sample from a stack (N, D, H, W[, C]);
      ``volume`` picks a volume of a 4D NIfTI (default 0, with a warning that there are more).
      Raises ``NeedsChoice`` (with ``.choices``) when a file holds several candidates and none
      was named, and other ``VoxdeskError`` subclasses for bad input.
  ``probe(path) -> FileInfo``: what the file holds (HDF5 tree, NPZ arrays, NIfTI header,
      NPY header) without reading voxel data.
  ``SUPPORTED_SUFFIXES``: for file dialogs.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from voxdesk.engine.errors import UnsupportedFormat
from voxdesk.engine.io.common import Entry, FileInfo, check_file
from voxdesk.engine.volume import Volume

__all__ = ["open_volume", "probe", "split_address", "format_of", "SUPPORTED_SUFFIXES", "FileInfo", "Entry"]

FORMATS = {
    ".nii": "nifti",
    ".nii.gz": "nifti",
    ".npy": "npy",
    ".npz": "npz",
    ".h5": "hdf5",
    ".hdf5": "hdf5",
    ".he5": "hdf5",
}
SUPPORTED_SUFFIXES = tuple(FORMATS)
FILE_FILTER = "Volumes (" + " ".join(f"*{s}" for s in SUPPORTED_SUFFIXES) + ")"
_ADDRESS = re.compile(r"^(?P<file>.+?\.(?:h5|hdf5|he5|npz)):(?P<inner>/?[^:\\]*)$", re.IGNORECASE)


def split_address(path: str | os.PathLike) -> tuple[str, str | None]:
    """``"scan.h5:/g/data"`` -> ``("scan.h5", "/g/data")``; plain paths -> ``(path, None)``."""
    text = os.fspath(path)
    m = _ADDRESS.match(text)
    if m and not os.path.exists(text):
        return m.group("file"), (m.group("inner") or None)
    return text, None


def format_of(path: str | os.PathLike) -> str:
    name = Path(path).name.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(suffix):
            return FORMATS[suffix]
    raise UnsupportedFormat(
        f"{Path(path).name}: unsupported file type; VoxDesk opens {', '.join(SUPPORTED_SUFFIXES)}"
    )


def _reader(fmt: str):
    if fmt == "nifti":
        from voxdesk.engine.io import nifti as mod
    elif fmt in ("npy", "npz"):
        from voxdesk.engine.io import numpy_io as mod
    else:
        from voxdesk.engine.io import hdf5 as mod
    return mod


def probe(path: str | os.PathLike) -> FileInfo:
    """What the file holds, without reading voxel data."""
    file, _inner = split_address(path)
    fmt = format_of(file)
    p = check_file(file)
    return _reader(fmt).probe(p)


def open_volume(
    path: str | os.PathLike,
    *,
    dataset: str | None = None,
    index: int | None = None,
    volume: int | None = None,
) -> Volume:
    """Read one 3D volume (see the module docstring for the arguments)."""
    file, inner = split_address(path)
    dataset = dataset or inner
    fmt = format_of(file)
    p = check_file(file)
    mod = _reader(fmt)
    if fmt == "nifti":
        if dataset:
            raise UnsupportedFormat(f"{p.name} is a NIfTI image; it has no dataset {dataset!r}")
        if index not in (None, 0):
            volume = index if volume is None else volume
        return mod.read(p, volume=volume)
    if volume not in (None, 0):
        index = volume if index is None else index
    return mod.read(p, dataset=dataset, index=index)
