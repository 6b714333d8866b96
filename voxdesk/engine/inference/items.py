"""What a batch classifies: volume files and folders walked into items (one per file, per
sample of a stack, per DICOM series), references opened only when their turn comes, and the
samples of a labelled dataset's split (with their true labels)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from voxdesk.engine.errors import VoxdeskError
from voxdesk.engine.volume import Volume

__all__ = ["VolumeRef", "dataset_items", "expand_paths"]


@dataclass
class VolumeRef:
    """A volume to open later: a file, an HDF5/NPZ dataset, one sample of a stack."""

    path: str
    dataset: str | None = None
    index: int | None = None
    label: str | None = None

    def open(self) -> Volume:
        from voxdesk.engine.io import open_volume

        return open_volume(self.path, dataset=self.dataset, index=self.index)

    def __str__(self) -> str:
        text = self.path + (f":/{self.dataset.lstrip('/')}" if self.dataset else "")
        return text + (f"[{self.index}]" if self.index is not None else "")


class _SampleRef:
    """One sample of a labelled dataset's split (an in-memory or lazily read array)."""

    def __init__(self, samples, index: int, label: str | None) -> None:
        self.samples, self.index, self.label = samples, int(index), label

    def open(self) -> Volume:
        data = np.asarray(self.samples[self.index])
        return Volume(data=data, source=str(self), orientation_known=False) if data.ndim == 3 else _Raw(data, str(self))

    def __str__(self) -> str:
        return self.samples.describe(self.index)


class _Raw:
    """A 2D (+ channel) or otherwise non-3D sample: quacks like a Volume for classification."""

    def __init__(self, data, source):
        self.data, self.source, self.warnings, self.meta = data, source, [], {}
        self.spacing, self.axcodes, self.orientation_known = (1.0,) * data.ndim, (), False

    @property
    def shape(self):
        return tuple(self.data.shape)


def dataset_items(dataset, split: str = "test") -> list:
    """Items for :func:`iter_classify` from a ``LabelledDataset`` split (rows get ``label``)."""
    if split not in dataset.splits:
        raise VoxdeskError(f"the dataset has no {split!r} split (it has {', '.join(dataset.splits)})")
    s = dataset.splits[split]
    names = dataset.class_names
    return [_SampleRef(s.samples, i, names[int(lbl)]) for i, lbl in enumerate(s.labels)]


def expand_paths(paths: Iterable, *, recursive: bool = True, stacks: bool = True) -> list:
    """Files as given, folders walked (sorted) for supported volume files and DICOM series
    (one item per series: ``io.dicom.volume_addresses``).

    With ``stacks``, an HDF5/NPY/NPZ file (or ``file.h5:/dataset``) holding one stack of N
    volumes becomes N ``VolumeRef`` items (one row per volume); a file with several candidate
    arrays stays one item (its row then says which to choose). NIfTI files stay one item.
    Paths that do not exist are kept, so that their row reports the error. The cases of a
    class-folder dataset (``healthy/…``, ``tumour/…``, or under ``train/``, ``test/``) come as
    ``VolumeRef`` items whose ``label`` is their class folder's name.
    """
    from voxdesk.engine.io import walk

    files: list[str] = []
    labels: dict[str, str] = {}
    for p in paths:
        p = os.fspath(p)
        found = walk(p, recursive=recursive)[0] if os.path.isdir(p) else [p]
        classes = _class_folders(p) if os.path.isdir(p) else {}
        for f in found:
            refs = _dicom_refs(f) if os.path.isdir(f) else [f]
            files.extend(refs)
            label = next((name for folder, name in classes.items() if _inside(f, folder)), None)
            labels.update(dict.fromkeys(refs, label) if label else {})
    out: list = []
    for f in files:
        refs = (_stack_refs(f) if stacks else None) or ([VolumeRef(f, label=labels[f])] if f in labels else [f])
        for ref in refs:
            if isinstance(ref, VolumeRef) and f in labels:
                ref.label = labels[f]
        out.extend(refs)
    return out


def _class_folders(folder: str) -> dict[str, str]:
    """A class-folder dataset's {class folder: class name}: its cases' true labels."""
    from pathlib import Path

    from voxdesk.engine.datasets.files import class_folders

    try:
        return class_folders(Path(folder))
    except OSError:
        return {}


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([os.path.abspath(path), os.path.abspath(folder)]) == os.path.abspath(folder)


def _dicom_refs(folder: str) -> list[str]:
    from voxdesk.engine.io import dicom

    try:
        return dicom.volume_addresses(folder)
    except (VoxdeskError, OSError):
        return [folder]  # its row explains


def _stack_refs(path: str) -> list[VolumeRef] | None:
    """One ``VolumeRef`` per sample when ``path`` is unambiguously a stack, else None."""
    from voxdesk.engine.io import format_of, probe, split_address

    file, inner = split_address(path)
    if not (os.path.isfile(file) or os.path.isdir(file)):
        return None  # missing, or a pipe/device that must not be opened: its row explains
    try:
        if format_of(file) in ("nifti", "dicom"):
            return None
        info = probe(file)
    except (VoxdeskError, OSError, ValueError):
        return None  # opening it will explain the problem in its row
    want = inner.strip("/") if inner else None
    entries = [e for e in info.entries if e.kind != "not-a-volume"
               and (want is None or e.name.strip("/") == want)]
    if len(entries) != 1 or entries[0].kind not in ("stack", "cube-vectors") or entries[0].n_samples < 2:
        return None
    e = entries[0]
    dataset = None if info.format == "npy" else e.name
    return [VolumeRef(file, dataset=dataset, index=i) for i in range(e.n_samples)]
