"""What every dataset layout shares: samples, splits, the dataset object, label encoding.

The layouts (``arrays``, ``files``) build on this module; ``load_dataset`` in the package
chooses among them. See the package docstring for the contract.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from voxdesk.engine.errors import DatasetError


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
    groups: np.ndarray | None = None
    """Per sample, the patient (or other group) it belongs to, or None when unknown: carved splits
    never put one group on both sides (``splits.choose_splits``)."""

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

    def __init__(self, array, *, cube: bool = False, name: str = "X",
                 spacing: tuple[float, ...] | None = None) -> None:
        self._array = array
        self._name = name
        self.spacing = spacing
        """Every sample's voxel size in mm (an HDF5 dataset's ``spacing`` attribute), None if unknown."""
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

    def spacings(self, indices: Sequence[int]) -> list:
        return [self.spacing] * len(indices)

    def describe(self, index: int) -> str:
        return f"{self._name}[{index}]"


def sample_spacings(samples, indices: Sequence[int]) -> list:
    """Per index, the voxel size (mm) of that sample, None where unknown (``samples.spacings``
    when the collection has it). Call it after ``samples.batch(indices)``: file-backed samples
    remember the spacing of the files that batch read."""
    get = getattr(samples, "spacings", None)
    return list(get(indices)) if callable(get) else [None] * len(indices)


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
        warnings.append(f"Class '{class_names[lo]}' has only {counts[lo]} samples: "
                        "too few to train or evaluate reliably.")
    if len(splits) > 1:
        for split, s in splits.items():
            missing = [class_names[i] for i in present if s.counts(n)[i] == 0]
            if missing:
                warnings.append(f"Split '{split}' has no samples of class {', '.join(repr(m) for m in missing)}.")
    shapes = set()
    for s in splits.values():
        known = getattr(s.samples, "known_shapes", None)
        shapes |= set(known() if known else {s.samples.sample_shape})
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


