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


def load_dataset(path) -> LabelledDataset:  # pragma: no cover - filled in by the data work
    raise NotImplementedError
