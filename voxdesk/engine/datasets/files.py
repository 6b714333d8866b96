"""Labelled datasets made of volume files: class folders and CSV manifests.

Samples are read on demand with ``voxdesk.engine.io.open_volume``; loading a dataset only lists
files and reads headers (for the sample shapes), never voxel data.
"""
from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from pathlib import Path
from typing import Sequence

import numpy as np

from voxdesk.engine.datasets.base import SPLIT_ALIASES, LabelledDataset, Split, encode_labels, finish
from voxdesk.engine.errors import CorruptFile, DatasetError, FileNotFound
from voxdesk.engine.io import formats
from voxdesk.engine.io.formats import volume_suffix

SUFFIX_LIST = formats.describe()


_SAMPLE = re.compile(r"^(?P<entry>.+)\[(?P<index>\d+)\]$")


def split_sample(entry: str) -> tuple[str, int | None]:
    """``"stack.h5:/X[3]"`` or ``"stack.npy[3]"`` (one volume of a stack, as a batch item prints
    it) -> (``"stack.h5:/X"``, 3); other entries (and files whose name ends so) -> (entry, None)."""
    m = _SAMPLE.match(entry)
    if m is None or os.path.exists(entry):
        return entry, None
    return m["entry"], int(m["index"])


def _split_address(entry: str) -> tuple[str, str]:
    """``"scan.h5:/group/x"`` -> (``"scan.h5"``, ``"/group/x"``); other paths -> (path, "")."""
    from voxdesk.engine.io import split_address

    file, inner = split_address(split_sample(entry)[0])
    return file, inner or ""


def _spatial(shape: tuple[int, ...]) -> tuple[int, ...] | None:
    shape = tuple(int(n) for n in shape)
    while len(shape) > 3 and shape[-1] == 1:
        shape = shape[:-1]
    return shape if len(shape) == 3 else None


def peek_shape(entry: str) -> tuple[int, ...] | None:
    """The 3D shape ``open_volume(entry)`` will return, from headers only; None if unsure."""
    entry, sample = split_sample(entry)
    drop = 1 if sample is not None else 0  # one volume of a stack: the stack's axis goes
    file, address = _split_address(entry)
    if Path(file).is_dir():  # a DICOM series folder: its header-derived shape
        try:
            from voxdesk.engine.io import dicom

            series = [s for s in dicom.scan(file) if s.is_volume]
            pick = [s for s in series if not address or str(s.number) == address]
            return tuple(pick[0].shape) if len(pick) == 1 else None
        except Exception:  # unknown here; reading the sample will explain
            return None
    fmt = formats.find_format(file)
    kind = fmt.name if fmt else None
    try:
        if kind == "nifti":
            import nibabel as nib

            from voxdesk.engine.io.nifti import _load_image

            img = _load_image(Path(file))  # the reader's checks, nibabel's header chatter quiet
            if len(img.shape) < 3:
                return None
            ornt = nib.io_orientation(img.affine)  # reader reorients to RAS: permute the axes
            shape = [0, 0, 0]
            for axis in range(3):
                shape[int(ornt[axis, 0])] = int(img.shape[axis])
            return tuple(shape)  # a 4D file yields one of its volumes
        if kind == "npy":
            from voxdesk.engine.datasets.arrays import npy_header

            with open(file, "rb") as fh:
                return _spatial(npy_header(fh)[0][drop:])
        if kind == "npz":
            from voxdesk.engine.datasets.arrays import npy_header

            with zipfile.ZipFile(file) as z:
                members = [n for n in z.namelist() if n.endswith(".npy")]
                if len(members) != 1:
                    return None
                with z.open(members[0]) as fh:
                    return _spatial(npy_header(fh)[0])
        if kind == "hdf5":
            import h5py

            from voxdesk.engine.io.hdf5 import resolve

            with h5py.File(file, "r") as f:  # external links are never followed (resolve refuses them)
                names = [address.lstrip("/")] if address else [
                    k for k in f.keys()
                    if not isinstance(f.get(k, getlink=True), h5py.ExternalLink) and isinstance(f.get(k), h5py.Dataset)
                ]
                if len(names) != 1:
                    return None
                shape = resolve(f, names[0], file).shape
                shape = shape[drop:]
                if len(shape) == 1 and round(shape[0] ** (1 / 3)) ** 3 == shape[0]:
                    return (round(shape[0] ** (1 / 3)),) * 3
                return _spatial(shape)
    except Exception:  # unknown here; reading the sample will explain
        return None
    return None


class FileSamples:
    """Samples that are volume files (or ``file.h5:/dataset`` addresses), read on demand."""

    def __init__(self, entries: Sequence[str], *, root) -> None:
        self._entries = [str(e) for e in entries]
        self._root = Path(root)
        self._shapes: list | None = None
        self._spacing: dict[int, tuple | None] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def path(self, index: int) -> Path:
        """The file of sample ``index`` (without an HDF5 address)."""
        return Path(_split_address(self._entries[index])[0])

    def entry(self, index: int) -> str:
        """What ``open_volume`` is given for sample ``index``."""
        return self._entries[index]

    def __getitem__(self, index: int) -> np.ndarray:
        from voxdesk.engine.io import open_volume

        entry, sample = split_sample(self._entries[int(index)])
        volume = open_volume(entry, index=sample)
        self._spacing[int(index)] = tuple(volume.spacing) if volume.spacing_known else None
        return np.asarray(volume.data)

    def batch(self, indices: Sequence[int]) -> list[np.ndarray]:
        return [self[i] for i in indices]

    def spacings(self, indices: Sequence[int]) -> list:
        """Voxel sizes (mm, None where the file has none) of samples already read, else read now."""
        for i in indices:
            if int(i) not in self._spacing:
                self[int(i)]
        return [self._spacing[int(i)] for i in indices]

    def shapes(self) -> list:
        """Per-file shape from headers (None where unknown); computed once."""
        if self._shapes is None:
            self._shapes = [peek_shape(e) for e in self._entries]
        return self._shapes

    def known_shapes(self) -> set:
        return {s for s in self.shapes() if s is not None}

    @property
    def sample_shape(self) -> tuple[int, ...] | None:
        shapes = set(self.shapes())
        return shapes.pop() if len(shapes) == 1 else None

    def describe(self, index: int) -> str:
        entry, sample = split_sample(self._entries[index])
        file, address = _split_address(entry)
        try:
            rel = Path(file).relative_to(self._root).as_posix()
        except ValueError:
            rel = file
        return (f"{rel}:{address}" if address else rel) + (f"[{sample}]" if sample is not None else "")


# --------------------------------------------------------------------------- class folders
def _visible_dirs(p: Path) -> list[Path]:
    return sorted(d for d in p.iterdir() if d.is_dir() and not d.name.startswith((".", "__")))


def _split_dirs(p: Path) -> dict[str, Path]:
    dirs = _visible_dirs(p)
    if dirs and all(d.name.lower() in SPLIT_ALIASES for d in dirs) and any(_visible_dirs(d) for d in dirs):
        return {SPLIT_ALIASES[d.name.lower()]: d for d in dirs}
    return {"all": p}


def _cases(c: Path) -> tuple[list[str], list[str]]:
    """(cases, ignored files) of a class folder: volume files, and DICOM series folders."""
    from voxdesk.engine.io import walk

    return walk(c)


def detect_folder(p: Path) -> str | None:
    """"class-folders" when sub-folders hold cases. Sub-folders that are each one DICOM series
    (an exam folder of series) are a DICOM volume source, not classes."""
    empty = []
    for d in _split_dirs(p).values():
        for c in _visible_dirs(d):
            cases, ignored = _cases(c)
            if cases and cases != [str(c)]:
                return "class-folders"
            empty.append(not cases and not ignored)
    if empty and all(empty) and not _cases(p)[0]:  # class folders still to be filled: loading says so
        return "class-folders"
    return None


def class_folders(p: Path) -> dict[str, str]:
    """{class folder: class name} of a class-folder dataset (under its split folders, if any);
    empty when ``p`` is not one. What a batch on such a folder uses as each case's true label."""
    if detect_folder(p) is None:
        return {}
    return {str(c): c.name for d in _split_dirs(p).values() for c in _visible_dirs(d)}


def load_folder(p: Path) -> LabelledDataset:
    samples, raw, warnings, ignored, groups = {}, {}, [], [], {}
    for split, d in _split_dirs(p).items():
        class_dirs = _visible_dirs(d)
        if not class_dirs:
            raise DatasetError(
                f"{d.name} has no class folders. Put each class's volumes in its own sub-folder, "
                f"e.g. {d.name}/normal/ and {d.name}/tumour/."
            )
        entries, labels = [], []
        for c in class_dirs:
            files, skipped = _cases(c)
            ignored += [Path(f) for f in skipped]
            if not files:
                raise DatasetError(
                    f"class folder '{c.relative_to(p).as_posix()}' has no volumes ({SUFFIX_LIST}); "
                    "add volumes to it or remove it."
                )
            entries += files
            labels += [c.name] * len(files)
        samples[split] = FileSamples(entries, root=p)
        raw[split] = (np.array(labels), d.name)
        groups[split] = _patients(entries)
    if ignored:
        eg = ignored[0].relative_to(p).as_posix()
        warnings.append(f"{len(ignored)} file(s) that are not volumes ({SUFFIX_LIST}) were ignored, e.g. {eg}.")
    class_names, enc = encode_labels(raw)
    splits = {k: Split(samples[k], enc[k], groups[k]) for k in samples}
    return finish(class_names, splits, source=str(p), layout="class-folders", warnings=warnings)


def _patients(entries: list[str]):
    """Per case, a key for its patient when the case is a DICOM series (a hash of PatientID, never
    the ID itself), so that one patient's series never land in two splits; None if no case has one."""
    from voxdesk.engine.io import dicom_series

    keys = [dicom_series.patient_key(e) if os.path.isdir(e) or formats.is_dicom_file(e) else None for e in entries]
    if not any(keys):
        return None
    return np.array([k or f"case {i}" for i, k in enumerate(keys)], dtype=object)


# ---------------------------------------------------------------------------- CSV manifest
PATH_COLUMNS = ("path", "file", "filename", "file_name", "filepath", "image", "volume", "scan")
LABEL_COLUMNS = ("label", "class", "target", "diagnosis", "category", "y")
SPLIT_COLUMNS = ("split", "subset", "set", "partition")
GROUP_COLUMNS = ("patient", "patient_id", "patientid", "subject", "subject_id", "group", "case_id")
"""A column naming whose scan a row is: no patient ends up in both training and test."""


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CorruptFile(f"{path.name} is not a text CSV file (not UTF-8 text); save it as 'CSV UTF-8'.") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, [c.strip() for c in row]))
    except csv.Error as exc:
        raise CorruptFile(f"{path.name}, row {reader.line_num}: cannot be read as CSV ({exc}).") from None
    return [(n, r) for n, r in rows if any(r) and not r[0].startswith("#")]


STATUS_COLUMNS = ("status",)
"""A labelling session's mark per row (``engine.datasets.labelling``): only ``labelled`` rows
(or rows with a label and no status) are samples; ``unlabelled``, ``unsure`` and ``skipped``
rows are left out of the dataset (a warning counts them)."""
TRAINED_STATUSES = ("labelled", "")
HELD_BACK_STATUSES = ("unlabelled", "unsure", "skipped")


def _columns(path: Path, rows) -> tuple[int, int, int | None, int | None, int | None, bool]:
    first = [c.lower() for c in rows[0][1]]
    if any(c in PATH_COLUMNS + LABEL_COLUMNS for c in first):
        find = lambda names: next((i for i, c in enumerate(first) if c in names), None)  # noqa: E731
        ip, il = find(PATH_COLUMNS), find(LABEL_COLUMNS)
        if ip is None or il is None:
            raise DatasetError(
                f"{path.name}: the header ({', '.join(rows[0][1])}) needs a 'path' column and a "
                "'label' column."
            )
        return ip, il, find(SPLIT_COLUMNS), find(GROUP_COLUMNS), find(STATUS_COLUMNS), True
    has_split = any(len(r) > 2 and r[2] for _, r in rows)
    return 0, 1, (2 if has_split else None), None, None, False


def _cell(r: list[str], i: int | None) -> str:
    return r[i].strip() if i is not None and len(r) > i else ""


def _held_back(path: Path, n: int, r: list[str], istatus: int | None, il: int) -> bool:
    """True for a row a labelling session has not labelled (yet): not a sample."""
    if istatus is None:
        return False
    status = _cell(r, istatus).lower()
    if status not in TRAINED_STATUSES + HELD_BACK_STATUSES:
        raise DatasetError(
            f"{path.name}, row {n}: status {_cell(r, istatus)!r} is not one of "
            f"{', '.join(s for s in TRAINED_STATUSES + HELD_BACK_STATUSES if s)} (or empty)."
        )
    return status in HELD_BACK_STATUSES or (not status and not _cell(r, il))


def load_csv(path: Path) -> LabelledDataset:
    rows = _read_rows(path)
    if not rows:
        raise DatasetError(f"{path.name} is empty: expected one 'path,label[,split]' row per volume.")
    ip, il, isplit, igroup, istatus, header = _columns(path, rows)
    rows = rows[1:] if header else rows
    if not rows:
        raise DatasetError(f"{path.name} has a header but no rows: add one 'path,label' row per volume.")
    held = [n for n, r in rows if _held_back(path, n, r, istatus, il)]
    rows = [(n, r) for n, r in rows if n not in set(held)]
    if isplit is not None and not any(_cell(r, isplit) for _, r in rows):
        isplit = None  # a split column left empty (a labelling session's): splits are carved later
    per_split: dict[str, tuple[list, list]] = {}
    groups: dict[str, list] = {}
    missing = []
    for n, r in rows:
        if len(r) <= max(ip, il) or not r[ip] or not r[il]:
            raise DatasetError(
                f"{path.name}, row {n}: expected 'path,label[,split]' but found "
                f"{','.join(r)!r}; every row needs a file path and a label."
            )
        split = "all"
        if isplit is not None:
            value = r[isplit] if len(r) > isplit else ""
            if not value:
                raise DatasetError(
                    f"{path.name}, row {n}: no split given while other rows have one; write "
                    "train, val or test."
                )
            split = SPLIT_ALIASES.get(value.lower(), value.lower())
        entry, sample = split_sample(r[ip])
        given = Path(entry).expanduser()  # relative entries (addresses too) from the CSV's folder
        file, address = _split_address(str(given if given.is_absolute() else path.parent / given))
        fp = Path(file)
        if not (volume_suffix(fp.name) or formats.detect(fp)):  # a file by name, or a DICOM series
            raise DatasetError(
                f"{path.name}, row {n}: '{r[ip]}' is not a volume file VoxDesk reads ({SUFFIX_LIST})."
            )
        if not fp.exists():
            missing.append((n, r[ip]))
        entries, labels = per_split.setdefault(split, ([], []))
        entries.append((f"{fp}:{address}" if address else str(fp)) + (f"[{sample}]" if sample is not None else ""))
        labels.append(r[il])
        group = r[igroup].strip() if igroup is not None and len(r) > igroup else ""
        groups.setdefault(split, []).append(group or f"row {n}")  # no group given: a group of its own
    if not rows:
        raise DatasetError(f"{path.name}: none of its {len(held)} rows is labelled yet; label some "
                           "cases (at least two classes) first.")
    if missing:
        n, p = missing[0]
        raise FileNotFound(
            f"{path.name}: {len(missing)} listed file(s) do not exist, e.g. row {n}: '{p}'. "
            "Relative paths are read from the CSV file's folder."
        )
    raw = {k: (np.array(labels), path.name) for k, (_, labels) in per_split.items()}
    class_names, enc = encode_labels(raw)
    splits = {k: Split(FileSamples(e, root=path.parent), enc[k],
                       np.array(groups[k], dtype=object) if igroup is not None else None)
              for k, (e, _) in per_split.items()}
    warnings = [f"{len(held)} row(s) not labelled (unlabelled, unsure or skipped) were left out."] if held else []
    return finish(class_names, splits, source=str(path), layout="csv", warnings=warnings)
