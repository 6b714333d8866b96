"""Volume readers, one per format, chosen by suffix (DICOM also by content).

CONTRACT:
  ``open_volume(path, *, dataset=None, index=None, volume=None) -> Volume``
      path may carry an HDF5 address: ``"scan.h5:/group/data"``, or a DICOM series:
      ``"CT_DIR:3"``; ``dataset`` names an HDF5 dataset, an NPZ array or a DICOM series;
      ``index`` picks a sample from a stack (N, D, H, W[, C]);
      ``volume`` picks a volume of a 4D NIfTI (default 0, with a warning that there are more).
      Raises ``NeedsChoice`` (with ``.choices``) when a file holds several candidates and none
      was named, and other ``VoxdeskError`` subclasses for bad input.
  ``probe(path) -> FileInfo``: what the file holds (HDF5 tree, NPZ arrays, NIfTI header,
      NPY header, DICOM series) without reading voxel data.
  ``walk(folder)``: the volumes under a folder (files by name, DICOM series folders).
  The formats themselves (suffixes, dialog filters, help texts): ``voxdesk.engine.io.formats``.
  Every read enters through ``voxdesk.engine.io.guard.reading``: whatever a damaged file makes a
  library raise leaves as one VoxdeskError naming the file (the fuzz test holds it to that).
"""
from __future__ import annotations

import os

from voxdesk.engine.errors import UnsupportedFormat
from voxdesk.engine.io import formats
from voxdesk.engine.io.address import split_address
from voxdesk.engine.io.common import Entry, FileInfo, check_file
from voxdesk.engine.io.guard import reading
from voxdesk.engine.volume import Volume

__all__ = ["open_volume", "probe", "split_address", "format_of", "walk", "content_sha256", "SUPPORTED_SUFFIXES",
           "FileInfo", "Entry"]

SUPPORTED_SUFFIXES = formats.SUPPORTED_SUFFIXES


def _checked(file: str, fmt: str):
    """The path to read: a DICOM folder as it is, any other input through ``check_file``."""
    from pathlib import Path

    p = Path(file).expanduser()
    if fmt == "dicom" and p.is_dir():
        return p
    return check_file(p)


def format_of(path: str | os.PathLike) -> str:
    """The reader key (``nifti``, ``npy``, ``npz``, ``hdf5``, ``dicom``) of ``path``; UnsupportedFormat if none."""
    return formats.lookup(path).name


def _reader(fmt: str):
    import importlib

    return importlib.import_module(f"voxdesk.engine.io.{formats.BY_NAME[fmt].reader}")


def probe(path: str | os.PathLike) -> FileInfo:
    """What the file holds, without reading voxel data."""
    file, _inner = split_address(path)
    fmt = format_of(file)
    with reading(file):
        return _reader(fmt).probe(_checked(file, fmt))


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
    with reading(file):
        return _open(fmt, _checked(file, fmt), dataset, index, volume)


def _open(fmt: str, p, dataset, index, volume) -> Volume:
    mod = _reader(fmt)
    if fmt == "dicom":
        if index not in (None, 0) or volume not in (None, 0):
            raise UnsupportedFormat(f"{p.name} is a DICOM series; pick a series (DIR:N), not a sample or volume")
        return mod.read(p, series=dataset)
    if fmt == "nifti":
        if dataset:
            raise UnsupportedFormat(f"{p.name} is a NIfTI image; it has no dataset {dataset!r}")
        if index not in (None, 0):
            volume = index if volume is None else volume
        return mod.read(p, volume=volume)
    if volume not in (None, 0):
        index = volume if index is None else index
    return mod.read(p, dataset=dataset, index=index)


def walk(root, *, recursive: bool = True) -> tuple[list[str], list[str]]:
    """(volumes, ignored) under the folder ``root``, sorted: every file a reader takes by its name,
    every folder holding DICOM slice files directly (one DICOM case; not descended further) and
    every enhanced multi-frame DICOM file (a volume of its own);
    ``ignored`` lists the other visible files. Hidden files and folders are skipped."""
    volumes: list[str] = []
    ignored: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(n for n in dirnames if not n.startswith(".")) if recursive else []
        names = sorted(n for n in filenames if not n.startswith(".") and n.upper() != "DICOMDIR")
        dicom: list[str] = []
        for n in names:
            path = os.path.join(dirpath, n)
            fmt = formats.find_format(n)
            if fmt is not None and fmt.name != "dicom":
                volumes.append(path)
            elif formats.is_dicom_file(path):
                dicom.append(path)
            else:
                ignored.append(path)
        if dicom:
            from voxdesk.engine.io import dicom_series

            # enhanced multi-frame files are each a volume; slice files together are one series
            multi = dicom_series.is_multiframe(dicom[0]) and all(map(dicom_series.is_multiframe, dicom))
            volumes.extend(dicom if multi else [dirpath])
            dirnames[:] = []
    return volumes, ignored


def content_sha256(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """sha256 of what ``path`` reads: a file's bytes; for a DICOM folder (or ``DIR:N``) the
    series' files, in order (so a row names exactly the slices it classified)."""
    import hashlib

    file, inner = split_address(path)
    if os.path.isdir(file):
        from voxdesk.engine.io import dicom

        files = dicom.series_files(file, inner)
    else:
        files = [file]
    h = hashlib.sha256()
    for f in files:
        with open(f, "rb") as fh:
            while block := fh.read(chunk):
                h.update(block)
    return h.hexdigest()
