"""Labelled collections of volumes: one ``load_dataset(path)`` for every layout.

CONTRACT (used by training, the GUI dataset panel and the CLI; keep it stable):

``load_dataset(path) -> LabelledDataset`` recognises
  * 3D MNIST HDF5 (``X_train``/``y_train``/``X_test``/``y_test``, flat 4096 = 16^3 vectors),
  * MedMNIST ``.npz`` (``train_images``/``train_labels``, ``val_*``, ``test_*``),
  * a folder with one sub-folder per class of volume files,
  * a CSV manifest ``path,label[,split]``,
  * an HDF5 or NPY/NPZ pair of X (stack) and y arrays.

``LabelledDataset.splits`` maps split names (``"train"``, ``"val"``, ``"test"``, or just
``"all"`` when the source has no predefined split) to ``Split`` objects. Each ``Split`` has
``samples`` (a ``Samples``: lazy, indexable, one 3D (or 2D for image stacks) array per item,
optionally with a trailing channel axis) and ``labels`` (int64 array of class indices into
``class_names``). Large HDF5 datasets stay on disk: ``Samples`` reads one item (or a batch of
indices) at a time.

Resources: a dataset that reads lazily from an open HDF5 file owns that file; call
``dataset.close()`` (or use ``with load_dataset(path) as ds:``) when done with it.

``detect_layout(path) -> str | None`` says cheaply (headers and names only, never voxel data)
whether ``path`` is a labelled dataset and which layout, so that ``voxdesk-cli info`` can choose
between volume info and dataset info.

Recognition rules (names are matched case-insensitively; ``valid``/``validation`` -> ``val``):
  * HDF5 (.h5/.hdf5/.he5/.hdf) and NPZ: root arrays ``X_<split>``/``y_<split>``,
    ``<split>_images``/``<split>_labels`` or ``<split>_x``/``<split>_y`` give predefined splits;
    otherwise ``X``/``y`` or ``images``/``labels`` give one split ``"all"``. HDF5 X arrays stay on
    disk; NPZ arrays are read into memory (compressed members cannot be read lazily).
    Integer labels may carry names: an HDF5 attribute ``class_names`` on the y dataset, or an
    NPZ array ``class_names``.
  * NPY: a folder holding ``X.npy`` + ``y.npy`` (or ``X_train.npy`` + ``y_train.npy``... as
    above), or the X file itself with its partner beside it (``X.npy`` -> ``y.npy``,
    ``scans_x.npy`` -> ``scans_y.npy``, ``images.npy`` -> ``labels.npy``). X is memory-mapped.
  * A folder of class folders ``root/<class>/**/<volume files>``, or split folders
    ``root/train/<class>/...``, ``root/test/<class>/...``: samples are files read on demand.
  * A ``.csv`` manifest ``path,label[,split]``: paths relative to the CSV's folder; an optional
    header names the columns; ``,`` ``;`` or tab separated.
Flat sample vectors whose length is a perfect cube (3D MNIST: 4096 = 16^3) become cubes.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from voxdesk.engine.errors import DatasetError, FileNotFound, UnsupportedFormat


@runtime_checkable
class Samples(Protocol):
    """A lazy, indexable collection of samples."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> np.ndarray:
        """One sample as a numpy array (spatial axes [+ channel]); never a lazy object."""
        ...

    def batch(self, indices: Sequence[int]) -> list[np.ndarray]:
        """Several samples (sorted chunked reads where the backend allows)."""
        ...

    @property
    def sample_shape(self) -> tuple[int, ...] | None:
        """The common shape of every sample, or None when shapes differ (files)."""
        ...

    def describe(self, index: int) -> str:
        """What to show for sample ``index`` in a list: file name or ``X_train[12]``."""
        ...


@dataclass
class Split:
    samples: Samples
    labels: np.ndarray  # int64, shape (N,), values in range(len(class_names))

    def __len__(self) -> int:
        return len(self.labels)

    def counts(self, n_classes: int) -> np.ndarray:
        return np.bincount(self.labels, minlength=n_classes)


@dataclass
class LabelledDataset:
    class_names: list[str]
    splits: dict[str, Split]
    source: str
    layout: str  # "3dmnist-h5" | "medmnist-npz" | "class-folders" | "csv" | "xy-arrays"
    warnings: list[str] = field(default_factory=list)
    closers: list = field(default_factory=list, repr=False, compare=False)
    """Callables run by ``close()`` (e.g. closing an HDF5 file the samples read from)."""

    def close(self) -> None:
        """Release open files; the samples must not be read afterwards."""
        while self.closers:
            self.closers.pop()()

    def __enter__(self) -> "LabelledDataset":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def sample_shape(self) -> tuple[int, ...] | None:
        shapes = {s.samples.sample_shape for s in self.splits.values()}
        return shapes.pop() if len(shapes) == 1 else None

    def summary(self) -> dict:
        """Plain-data summary for ``voxdesk-cli info`` and the GUI panel."""
        return {
            "layout": self.layout,
            "classes": list(self.class_names),
            "sample_shape": self.sample_shape,
            "splits": {
                name: {"n": len(split), "per_class": split.counts(self.n_classes).tolist()}
                for name, split in self.splits.items()
            },
            "warnings": list(self.warnings),
        }


class ArraySamples:
    """Samples backed by an array-like of shape (N, ...): a numpy array (maybe memory-mapped)
    or an ``h5py.Dataset`` (read lazily, one item or one sorted batch at a time).

    ``cube=True`` reshapes flat vectors whose length is a perfect cube (3D MNIST: 4096 = 16^3)
    into cubes.
    """

    def __init__(self, array, *, cube: bool = False, name: str = "X") -> None:
        self._array = array
        self._name = name
        shape = tuple(int(n) for n in array.shape[1:])
        if cube:
            side = round(shape[0] ** (1 / 3)) if len(shape) == 1 else 0
            if len(shape) != 1 or side**3 != shape[0]:
                raise ValueError(f"cannot reshape samples of shape {shape} into cubes")
            shape = (side, side, side)
        self._shape = shape

    def __len__(self) -> int:
        return int(self._array.shape[0])

    def _fix(self, item: np.ndarray) -> np.ndarray:
        return np.asarray(item).reshape(self._shape)

    def __getitem__(self, index: int) -> np.ndarray:
        index = int(index)
        if not -len(self) <= index < len(self):
            raise IndexError(f"sample {index} out of range (0..{len(self) - 1})")
        return self._fix(self._array[index])

    def batch(self, indices: Sequence[int]) -> list[np.ndarray]:
        idx = np.asarray(indices, dtype=np.int64)
        order = np.argsort(idx, kind="stable")
        sorted_idx = idx[order]
        unique, inverse = np.unique(sorted_idx, return_inverse=True)
        block = np.asarray(self._array[unique.tolist()] if len(unique) else self._array[:0])
        out: list[np.ndarray] = [None] * len(idx)  # type: ignore[list-item]
        for pos, u in zip(order, inverse):
            out[pos] = self._fix(block[u])
        return out

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return self._shape

    def describe(self, index: int) -> str:
        return f"{self._name}[{index}]"


def from_arrays(
    x,
    y,
    *,
    class_names: Sequence[str] | None = None,
    split: str = "all",
    source: str = "<memory>",
    layout: str = "xy-arrays",
) -> LabelledDataset:
    """A one-split dataset from in-memory (or h5py) arrays; labels may be ints or strings."""
    y = np.asarray(y).reshape(-1)
    if class_names is None:
        names, labels = np.unique(y, return_inverse=True)
        class_names = [str(n) for n in names]
    else:
        labels = y
    return LabelledDataset(
        class_names=list(class_names),
        splits={split: Split(ArraySamples(x), np.asarray(labels, dtype=np.int64))},
        source=source,
        layout=layout,
    )


SPLIT_ALIASES = {
    "train": "train", "training": "train", "val": "val", "valid": "val",
    "validation": "val", "test": "test", "testing": "test",
}
VOLUME_SUFFIXES = (".nii.gz", ".nii", ".npy", ".npz", ".h5", ".hdf5", ".he5")
"""Volume files a class folder or CSV may list (what ``voxdesk.engine.io`` reads)."""
H5_SUFFIXES = (".h5", ".hdf5", ".he5", ".hdf")


def volume_suffix(path) -> str | None:
    """The supported volume suffix ``path`` ends with (lower case), or None."""
    name = str(path).lower()
    return next((s for s in VOLUME_SUFFIXES if name.endswith(s)), None)


def _label_vector(y, where: str) -> np.ndarray:
    """One label per sample as an int64 or str array; (N, 1) and one-hot (N, K) accepted."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    elif y.ndim == 2 and y.dtype.kind in "biuf" and y.size:
        if np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all():
            y = y.argmax(axis=1)  # one-hot rows
        else:
            raise DatasetError(
                f"{where}: labels have shape {y.shape}; VoxDesk needs exactly one class per "
                "sample (multi-label data is not supported)."
            )
    if y.ndim != 1:
        raise DatasetError(f"{where}: labels must be a list of one class per sample, got shape {y.shape}.")
    if y.dtype.kind in "SO":  # bytes, or h5py variable-length strings
        y = np.array([v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in y])
    if y.dtype.kind == "f":
        if not np.isfinite(y).all() or (y != np.round(y)).any():
            bad = y[~np.isfinite(y) | (y != np.round(y))][0]
            raise DatasetError(
                f"{where}: label {bad!r} is not a class number; labels must be whole numbers or names."
            )
        y = y.astype(np.int64)
    if y.dtype.kind in "bi" or y.dtype.kind == "u":
        return y.astype(np.int64)
    if y.dtype.kind == "U":
        return np.char.strip(y)
    raise DatasetError(f"{where}: labels of type {y.dtype} are neither class numbers nor names.")


def encode_labels(raw: dict, *, names=None) -> tuple[list[str], dict[str, np.ndarray]]:
    """Map per-split raw labels (``{split: (array, where)}``) to class indices.

    Integer labels with ``names`` (one per class index) keep that order; otherwise the class
    names are the distinct labels as strings, sorted (numerically when they are all numbers).
    """
    vecs = {k: _label_vector(y, where) for k, (y, where) in raw.items()}
    numeric = all(v.dtype.kind == "i" for v in vecs.values())
    if numeric and names is not None:
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in np.asarray(names).ravel()]
        if all(v.size == 0 or (v.min() >= 0 and v.max() < len(names)) for v in vecs.values()):
            return names, vecs
    allv = np.concatenate([v.astype(str) if not numeric else v for v in vecs.values()])
    if numeric:
        uniq = np.unique(allv)
        class_names = [str(int(u)) for u in uniq]
        keys = uniq
    else:
        uniq = np.unique(allv)
        as_int = [u.lstrip("+-").isdigit() for u in uniq]
        order = sorted(uniq, key=(lambda u: (int(u), u)) if all(as_int) else (lambda u: u))
        class_names = [str(u) for u in order]
        keys = np.array(order)
    lookup = {k.item() if hasattr(k, "item") else k: i for i, k in enumerate(keys)}
    out = {}
    for split, v in vecs.items():
        vv = v if numeric else v.astype(str)
        out[split] = np.array([lookup[x] for x in vv.tolist()], dtype=np.int64)
    return class_names, out


def finish(class_names, splits: dict[str, Split], *, source: str, layout: str,
           warnings=(), closers=()) -> LabelledDataset:
    """Check a freshly read dataset (empty, one class...) and add warnings a user should see."""
    warnings = list(warnings)
    name = os.path.basename(str(source).rstrip("/")) or str(source)
    if sum(len(s) for s in splits.values()) == 0:
        raise DatasetError(f"{name}: the dataset is empty; no labelled samples were found.")
    for split in [k for k, s in splits.items() if len(s) == 0]:
        warnings.append(f"Split '{split}' is empty and was left out.")
        del splits[split]
    n = len(class_names)
    counts = sum(s.counts(n) for s in splits.values())
    present = np.flatnonzero(counts)
    if len(present) < 2:
        only = ", ".join(f"'{class_names[i]}'" for i in present)
        raise DatasetError(
            f"{name}: all {int(counts.sum())} samples belong to one class ({only}); a classifier "
            "needs samples of at least two classes."
        )
    lo, hi = present[np.argmin(counts[present])], present[np.argmax(counts[present])]
    if counts[hi] >= 3 * counts[lo]:
        warnings.append(
            f"Classes are imbalanced: '{class_names[hi]}' has {counts[hi]} samples but "
            f"'{class_names[lo]}' only {counts[lo]}; consider class weights or more data."
        )
    if counts[lo] < 5:
        warnings.append(f"Class '{class_names[lo]}' has only {counts[lo]} samples: too few to train or evaluate reliably.")
    if len(splits) > 1:
        for split, s in splits.items():
            missing = [class_names[i] for i in present if s.counts(n)[i] == 0]
            if missing:
                warnings.append(f"Split '{split}' has no samples of class {', '.join(repr(m) for m in missing)}.")
    shapes = set()
    for s in splits.values():
        shapes |= set(getattr(s.samples, "known_shapes", lambda: {s.samples.sample_shape})())
    shapes.discard(None)
    if len(shapes) > 1:
        eg = ", ".join("x".join(map(str, sh)) for sh in sorted(shapes)[:3])
        warnings.append(
            f"Samples have different shapes ({eg}{', ...' if len(shapes) > 3 else ''}); they must "
            "be resampled or cropped/padded to one size before training."
        )
    if shapes and all(len(sh) == 2 for sh in shapes):
        warnings.append("Samples are 2D images, not 3D volumes.")
    return LabelledDataset(list(class_names), splits, str(source), layout, warnings, list(closers))


def _kind(p: Path) -> str:
    name = p.name.lower()
    if p.is_dir():
        return "dir"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(H5_SUFFIXES):
        return "h5"
    if name.endswith(".npz"):
        return "npz"
    if name.endswith(".npy"):
        return "npy"
    return "other"


def detect_layout(path) -> str | None:
    """The layout name if ``path`` looks like a labelled dataset, else None.

    Cheap: reads directory listings, HDF5/NPZ member names and CSV headers, never voxel data;
    never raises (an unreadable file is simply not recognised here; loading it explains why).
    """
    from voxdesk.engine.datasets import arrays, files

    p = Path(path)
    try:
        kind = _kind(p) if p.exists() else "missing"
        if kind == "dir":
            return arrays.detect_npy(p) or files.detect_folder(p)
        if kind == "csv":
            return "csv"
        if kind == "h5":
            return arrays.detect_h5(p)
        if kind == "npz":
            return arrays.detect_npz(p)
        if kind == "npy":
            return arrays.detect_npy(p)
    except Exception:  # noqa: BLE001 - detection must never fail; load_dataset explains
        return None
    return None


def load_dataset(path) -> LabelledDataset:
    """Load a labelled dataset in any supported layout (see the module docstring).

    Raises ``FileNotFound``, ``CorruptFile``, ``UnsupportedFormat`` or ``DatasetError`` with a
    message a user can act on.
    """
    from voxdesk.engine.datasets import arrays, files

    p = Path(path).expanduser()
    if not p.exists():
        raise FileNotFound(f"{p} does not exist; check the path (and that the drive is mounted).")
    kind = _kind(p)
    if kind == "dir":
        if arrays.detect_npy(p):
            return arrays.load_npy(p)
        return files.load_folder(p)
    if kind == "csv":
        return files.load_csv(p)
    if kind == "h5":
        return arrays.load_h5(p)
    if kind == "npz":
        return arrays.load_npz(p)
    if kind == "npy":
        return arrays.load_npy(p)
    if volume_suffix(p):
        raise DatasetError(
            f"{p.name} is a single volume, not a labelled dataset. Open it as a volume, or put "
            "volumes in one folder per class (or list them in a CSV file with their labels)."
        )
    raise UnsupportedFormat(
        f"{p.name}: VoxDesk reads labelled datasets from a folder of class folders, a .csv "
        "manifest, or .h5/.hdf5, .npz or .npy arrays."
    )
