"""THE format table: every file type VoxDesk reads, and everything said about them.

Readers (``open_volume``), dataset layouts (which files a class folder or CSV may list, which
files are array datasets), the GUI's file-dialog filters and the CLI's help texts all ask this
table, so a suffix added here is offered, read and described everywhere at once.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from voxdesk.engine.errors import UnsupportedFormat


@dataclass(frozen=True)
class Format:
    name: str
    """Reader key: ``nifti``, ``npy``, ``npz``, ``hdf5``."""
    label: str
    """What a user calls it, for dialogs and messages."""
    suffixes: tuple[str, ...]
    """Lower-case file-name endings (matched longest first: ``.nii.gz`` before ``.nii``)."""
    reader: str
    """Module under ``voxdesk.engine.io`` that reads it."""
    arrays: bool
    """Can hold a labelled dataset as arrays (X/y), not only one volume."""
    addressable: bool
    """Members are named ``file:/inner`` (HDF5 datasets, NPZ arrays)."""


FORMATS: tuple[Format, ...] = (
    Format("nifti", "NIfTI", (".nii", ".nii.gz"), "nifti", False, False),
    Format("npy", "NumPy", (".npy",), "numpy_io", True, False),
    Format("npz", "NumPy archive", (".npz",), "numpy_io", True, True),
    Format("hdf5", "HDF5", (".h5", ".hdf5", ".he5", ".hdf"), "hdf5", True, True),
    Format("dicom", "DICOM", (".dcm",), "dicom", False, False),
)
"""DICOM is also recognised by content (``DICM`` at byte 128: scanners write files without a
suffix) and as a folder of such files (a series, or several): ``detect``."""
BY_NAME = {f.name: f for f in FORMATS}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(s for f in FORMATS for s in f.suffixes)
"""Every volume suffix VoxDesk reads (what a class folder or a CSV manifest may list)."""
_LONGEST_FIRST = sorted(((s, f) for f in FORMATS for s in f.suffixes), key=lambda sf: -len(sf[0]))


def find_format(path: str | os.PathLike) -> Format | None:
    """The format ``path``'s name says (case-insensitive), or None."""
    name = Path(path).name.lower()
    return next((f for s, f in _LONGEST_FIRST if name.endswith(s)), None)


def is_dicom_file(path) -> bool:
    """``DICM`` at byte 128: a DICOM Part 10 file, whatever its name (regular files only: opening
    a pipe would wait for a writer)."""
    try:
        if not os.path.isfile(path):
            return False
        with open(path, "rb") as fh:
            head = fh.read(132)
    except OSError:
        return False
    return len(head) == 132 and head[128:] == b"DICM"


def is_dicom_folder(path, probe_files: int = 32) -> bool:
    """A folder holding DICOM files (directly, or in its sub-folders): looks at a few files only."""
    p = Path(path)
    if not p.is_dir():
        return False
    seen = 0
    for root, dirs, files in os.walk(p):
        dirs.sort()
        for name in sorted(files):
            if name.startswith(".") or name.upper() == "DICOMDIR":
                continue
            if is_dicom_file(os.path.join(root, name)):
                return True
            seen += 1
            if seen >= probe_files:
                return False
    return False


def detect(path: str | os.PathLike) -> Format | None:
    """The format of ``path`` by name, else by content (DICOM files and folders), or None."""
    fmt = find_format(path)
    if fmt is not None:
        return fmt
    if is_dicom_file(path) or is_dicom_folder(path):
        return BY_NAME["dicom"]
    return None


def lookup(path: str | os.PathLike) -> Format:
    """Like ``detect`` but raises ``UnsupportedFormat`` with the list of what VoxDesk opens."""
    fmt = detect(path)
    if fmt is None and Path(path).is_dir():
        raise UnsupportedFormat(f"{Path(path).name}: a folder holding no volumes VoxDesk opens ({describe()})")
    if fmt is None:
        raise UnsupportedFormat(f"{Path(path).name}: unsupported file type; VoxDesk opens {describe()}")
    return fmt


def volume_suffix(path) -> str | None:
    """The supported suffix ``path`` ends with (lower case), or None."""
    name = str(path).lower()
    return next((s for s, _f in _LONGEST_FIRST if name.endswith(s)), None)


def is_nifti(path) -> bool:
    fmt = find_format(path)
    return fmt is not None and fmt.name == "nifti"


def suffixes(*names: str) -> tuple[str, ...]:
    """The suffixes of the named formats (all formats without names)."""
    return tuple(s for f in FORMATS if not names or f.name in names for s in f.suffixes)


ARRAY_SUFFIXES = tuple(s for f in FORMATS if f.arrays for s in f.suffixes)
"""Files that can hold a labelled dataset as arrays."""
ADDRESSABLE_SUFFIXES = tuple(s for f in FORMATS if f.addressable for s in f.suffixes)


def describe(names: tuple[str, ...] = ()) -> str:
    """``".nii, .nii.gz, .npy, .npz, .h5, ..."`` for help texts and messages."""
    text = ", ".join(suffixes(*names))
    return text + (", DICOM folders" if not names or "dicom" in names else "")


def _patterns(sfx) -> str:
    return " ".join(f"*{s}" for s in sfx)


BUNDLE_SUFFIX = ".voxmodel"
"""VoxDesk's own model bundles (``voxdesk.engine.model.bundle``)."""


def model_filter() -> str:
    return f"VoxDesk model (*{BUNDLE_SUFFIX});;All files (*)"


PROJECT_SUFFIX = ".voxproj"
"""VoxDesk projects (``voxdesk.engine.project``): a JSON manifest of relative paths."""


def project_filter() -> str:
    return f"VoxDesk project (*{PROJECT_SUFFIX});;All files (*)"


def volume_filter() -> str:
    """Qt file-dialog filter for volumes (any single-volume or stack file)."""
    return f"Volumes ({_patterns(SUPPORTED_SUFFIXES)});;All files (*)"


def dataset_filter() -> str:
    """Qt file-dialog filter for labelled datasets: array files and CSV manifests."""
    return f"Labelled datasets ({_patterns(ARRAY_SUFFIXES)} *.csv);;All files (*)"
