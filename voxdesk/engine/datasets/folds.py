"""K folds of a labelled dataset for cross-validation: what is pooled, how it is cut.

What is cross-validated (``pool_for_crossval``): every split except ``test``, pooled. A dataset
with fixed train/val/test splits pools train + val and leaves its test split untouched (only a
refitted model is scored on it, at the very end, as ``train`` does); a dataset with one ``all``
split (class folders, a CSV without a split column) is cross-validated whole: with K folds each
sample is tested exactly once, which says more than one 20% holdout of a few hundred scans.

How it is cut (``make_folds``): stratified by class (scikit-learn's ``StratifiedKFold``); when
the samples carry groups (a CSV's ``patient`` column, DICOM PatientIDs: ``Split.groups``) by group
as well (``StratifiedGroupKFold``): no patient is ever in two folds. ``fold_dataset`` turns one
fold into the ``LabelledDataset`` that ``training.train`` takes: the other folds as ``train``
(train carves its validation split from them, by patient when there are groups) and the
held-out fold as ``test``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voxdesk.engine.datasets.base import LabelledDataset, Split
from voxdesk.engine.datasets.splits import Subset
from voxdesk.engine.errors import DatasetError

__all__ = ["PooledSamples", "Pool", "pool_for_crossval", "check_fold_count", "check_folds", "make_folds",
           "fold_dataset", "refit_dataset"]


class PooledSamples:
    """Several ``Samples`` collections end to end, as one (a ``Samples`` itself)."""

    def __init__(self, parts) -> None:
        self._parts = list(parts)
        sizes = [len(p) for p in self._parts]
        self._starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        if self._parts and all(callable(getattr(p, "path", None)) for p in self._parts):
            self.path = lambda i: self._parts[self._where(i)[0]].path(self._where(i)[1])

    def _where(self, i: int) -> tuple[int, int]:
        i = int(i)
        if not 0 <= i < len(self):
            raise IndexError(f"sample {i} out of range (0..{len(self) - 1})")
        part = int(np.searchsorted(self._starts, i, side="right") - 1)
        return part, i - int(self._starts[part])

    def __len__(self) -> int:
        return int(self._starts[-1])

    def __getitem__(self, i: int) -> np.ndarray:
        part, j = self._where(i)
        return self._parts[part][j]

    def batch(self, indices) -> list[np.ndarray]:
        idx = np.asarray(list(indices), np.int64)
        out: list = [None] * len(idx)
        where = np.searchsorted(self._starts, idx, side="right") - 1
        for part in np.unique(where):
            pos = np.flatnonzero(where == part)
            got = self._parts[int(part)].batch((idx[pos] - self._starts[part]).tolist())
            for p, sample in zip(pos, got):
                out[p] = sample
        return out

    def spacings(self, indices) -> list:
        from voxdesk.engine.datasets.base import sample_spacings

        return [sample_spacings(self._parts[part], [j])[0] for part, j in map(self._where, indices)]

    @property
    def sample_shape(self):
        shapes = {p.sample_shape for p in self._parts}
        return shapes.pop() if len(shapes) == 1 else None

    def describe(self, i: int) -> str:
        part, j = self._where(i)
        return self._parts[part].describe(j)


@dataclass
class Pool:
    """The cross-validated samples (``split_names`` pooled, in that order) and the test split
    left untouched (None when the dataset has none)."""

    samples: PooledSamples
    labels: np.ndarray
    groups: np.ndarray | None
    split_names: list[str]
    test: Split | None

    def __len__(self) -> int:
        return len(self.labels)


def pool_for_crossval(dataset: LabelledDataset) -> Pool:
    """Every split but ``test``, pooled (see the module docstring)."""
    names = [n for n in dataset.splits if n != "test" and len(dataset.splits[n])]
    if not names:
        raise DatasetError("nothing to cross-validate: the dataset holds only a test split")
    parts = [dataset.splits[n] for n in names]
    labels = np.concatenate([np.asarray(p.labels, np.int64) for p in parts])
    groups = None
    if any(p.groups is not None for p in parts):  # a sample without a group is a group of its own
        groups = np.concatenate([np.asarray([str(g) for g in p.groups], dtype=object) if p.groups is not None
                                 else np.asarray([f"<{n}:{i}>" for i in range(len(p))], dtype=object)
                                 for n, p in zip(names, parts)])
    test = dataset.splits.get("test")
    return Pool(PooledSamples([p.samples for p in parts]), labels, groups, names, test if test and len(test) else None)


def check_fold_count(k) -> int:
    """``k`` as an int when it can be a number of folds at all (before any data is read)."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise DatasetError(f"cross-validation needs at least 2 folds (got {k})")
    return int(k)


def check_folds(k: int, labels, groups, class_names) -> None:
    """DatasetError when ``labels`` (and ``groups``) cannot be cut into ``k`` stratified folds."""
    k = check_fold_count(k)
    labels = np.asarray(labels, np.int64)
    counts = np.bincount(labels, minlength=len(class_names))
    present = np.flatnonzero(counts)
    if len(present) < 2:
        raise DatasetError("cross-validation needs samples of at least 2 classes")
    low = present[np.argmin(counts[present])]
    if counts[low] < k:
        raise DatasetError(f"cannot make {k} folds: class {class_names[low]!r} has only {counts[low]} samples "
                           f"in the cross-validated data; use at most {counts[low]} folds")
    if groups is not None:  # the same rule by patient: every fold can test (and train on) every class
        g = np.asarray([str(v) for v in groups])
        per_class = {int(c): len(set(g[labels == c])) for c in present}
        low = min(per_class, key=per_class.get)
        if per_class[low] < k:
            raise DatasetError(f"cannot make {k} folds by patient: class {class_names[low]!r} occurs in only "
                               f"{per_class[low]} patients (groups); use at most {per_class[low]} folds")


def make_folds(labels, groups, k: int, seed: int = 0) -> list[np.ndarray]:
    """The ``k`` held-out index arrays (sorted, disjoint, covering ``range(len(labels))``):
    stratified by class, and with ``groups`` never one group in two folds."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    labels = np.asarray(labels, np.int64)
    idx = np.arange(len(labels))
    if groups is None:
        cut = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(idx, labels)
    else:
        g = np.asarray([str(v) for v in groups])
        cut = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed).split(idx, labels, g)
    import warnings

    with warnings.catch_warnings():  # "the least populated class has only n members": check_folds says it
        warnings.simplefilter("ignore", UserWarning)
        folds = [np.sort(test) for _train, test in cut]
    if any(len(f) == 0 for f in folds):
        raise DatasetError(f"cannot make {k} non-empty folds of these patients; use fewer folds")
    return folds


def _part(pool: Pool, idx: np.ndarray) -> Split:
    return Split(Subset(pool.samples, idx, pool.labels, pool.groups), pool.labels[idx],
                 None if pool.groups is None else pool.groups[idx])


def fold_dataset(dataset: LabelledDataset, pool: Pool, held_out: np.ndarray) -> LabelledDataset:
    """The dataset ``train`` gets for one fold: the rest of the pool as ``train``, the held-out
    fold as ``test`` (no closers: the original dataset keeps its files)."""
    rest = np.setdiff1d(np.arange(len(pool)), held_out)
    return LabelledDataset(list(dataset.class_names), {"train": _part(pool, rest), "test": _part(pool, held_out)},
                           dataset.source, dataset.layout)


def refit_dataset(dataset: LabelledDataset, pool: Pool) -> LabelledDataset:
    """The whole pool as ``train`` (train carves its validation split) and the untouched test
    split, if any, as ``test``."""
    splits = {"train": _part(pool, np.arange(len(pool)))}
    if pool.test is not None:
        splits["test"] = pool.test
    return LabelledDataset(list(dataset.class_names), splits, dataset.source, dataset.layout)
