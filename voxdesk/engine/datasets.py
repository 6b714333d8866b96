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
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence, runtime_checkable

import numpy as np


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


def load_dataset(path) -> LabelledDataset:  # pragma: no cover - filled in by the data work
    raise NotImplementedError
