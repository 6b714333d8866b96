"""Train/validation/test views of a labelled dataset, and its fingerprint.

The validation split is the dataset's ``val`` split when it has one, else a stratified
``val_fraction`` of the training split; the test split (``test``, else a stratified
``test_fraction`` carved from a lone ``all`` split) is used only for the final metrics, never
for model selection. When samples carry groups (a CSV's ``patient`` column; a hash of the
PatientID of DICOM series) every carve keeps a group on one side (scikit-learn's
``StratifiedGroupKFold``), and predefined splits that share a group are reported. A
:class:`Subset` is a lazy view (indices into the underlying samples).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np

from voxdesk.engine.datasets.base import LabelledDataset
from voxdesk.engine.errors import DatasetError

__all__ = ["Subset", "choose_splits", "dataset_fingerprint", "sample_digest", "overlap_with_training",
           "describe_overlap", "MAX_DIGESTS"]

MAX_DIGESTS = 100_000
"""A bundle records the digests of at most this many training and validation samples."""


def sample_digest(sample) -> str:
    """A short content digest of one raw sample (shape, dtype and voxels): equal arrays, equal
    digests, wherever they are stored. 16 hex digits of BLAKE2b."""
    a = np.ascontiguousarray(np.asarray(sample))
    h = hashlib.blake2b(digest_size=8)
    h.update(f"{a.shape}{a.dtype.str}".encode())
    h.update(a.tobytes())
    return h.hexdigest()


def overlap_with_training(digests: list[str], trained: dict | None) -> dict[str, int] | None:
    """How many of ``digests`` (samples about to be evaluated) the model trained or was selected
    on: ``{"train": n, "val": n}``; None when the bundle recorded no digests (older bundles,
    datasets streamed from disk)."""
    if not trained:
        return None
    seen = {part: set(trained.get(part, ())) for part in ("train", "val")}
    return {part: sum(d in known for d in digests) for part, known in seen.items()}


def describe_overlap(overlap: dict | None, n: int) -> str | None:
    """The loud sentence for an ``overlap_with_training`` result, or None when there is none."""
    if not overlap or not (overlap.get("train") or overlap.get("val")):
        return None
    return (f"{overlap['train'] + overlap['val']} of the {n} samples evaluated were used to build this model "
            f"({overlap['train']} trained on, {overlap['val']} used for model selection): these figures "
            "overstate how it does on new scans; evaluate on data it has not seen (e.g. the test split)")


def dataset_fingerprint(dataset: LabelledDataset, samples_per_split: int = 8) -> str:
    """sha256 over class names, split sizes, every label and a few evenly spaced samples."""
    h = hashlib.sha256()
    h.update(json.dumps({"classes": dataset.class_names, "layout": dataset.layout,
                         "splits": {k: len(v) for k, v in sorted(dataset.splits.items())}}).encode())
    for _name, split in sorted(dataset.splits.items()):
        h.update(np.asarray(split.labels, np.int64).tobytes())
        n = len(split)
        for i in sorted(set(np.linspace(0, n - 1, min(n, samples_per_split)).astype(int).tolist())):
            h.update(np.ascontiguousarray(split.samples[i]).tobytes())
    return "sha256:" + h.hexdigest()


class Subset:
    """A view of some indices of a ``Samples`` collection (itself a ``Samples``)."""

    def __init__(self, samples, indices, labels, groups=None) -> None:
        self._base = samples
        self.indices = np.asarray(indices, np.int64)
        self.labels = np.asarray(labels, np.int64)[self.indices]
        self.groups = None if groups is None else np.asarray(groups, dtype=object)[self.indices]
        if callable(getattr(samples, "path", None)):  # file-backed: NIfTI headers (spacing) stay readable
            self.path = lambda i: samples.path(int(self.indices[i]))

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i: int) -> np.ndarray:
        return self._base[int(self.indices[i])]

    def batch(self, idx) -> list[np.ndarray]:
        return self._base.batch(self.indices[np.asarray(list(idx), np.int64)])

    def spacings(self, idx) -> list:
        from voxdesk.engine.datasets.base import sample_spacings

        return sample_spacings(self._base, self.indices[np.asarray(list(idx), np.int64)])

    @property
    def samples(self) -> "Subset":
        """A Subset is its own ``Split``-like (``.samples``, ``.labels``) for evaluation."""
        return self

    @property
    def sample_shape(self):
        return self._base.sample_shape

    def describe(self, i: int) -> str:
        return self._base.describe(int(self.indices[i]))


@dataclass
class _Parts:
    train: Subset
    val: Subset | None
    test: Subset | None
    val_source: str
    test_source: str
    warnings: list[str]


def _carve(labels, fraction, seed, what, warnings, groups=None):
    """Stratified (when possible) split of ``range(len(labels))`` into (kept, carved); with
    ``groups``, no group on both sides."""
    from sklearn.model_selection import train_test_split

    n = len(labels)
    idx = np.arange(n)
    n_out = int(round(n * fraction))
    if fraction <= 0 or n_out < 1 or n - n_out < 1:
        if fraction > 0:
            warnings.append(f"too few samples ({n}) to hold out a {what} split")
        return idx, None
    if groups is not None and len(set(groups)) < n:
        return _carve_groups(labels, groups, fraction, seed, what, warnings)
    counts = np.bincount(labels)
    counts = counts[counts > 0]
    stratify = labels if counts.min() >= 2 and n_out >= len(counts) and n - n_out >= len(counts) else None
    if stratify is None:
        warnings.append(f"{what} split is not stratified (some classes have too few samples)")
    kept, out = train_test_split(idx, test_size=n_out, random_state=seed, stratify=stratify)
    return np.sort(kept), np.sort(out)


def _carve_groups(labels, groups, fraction, seed, what, warnings):
    """(kept, carved) with whole groups on each side: the first fold of a StratifiedGroupKFold
    with about 1/fraction folds (a group-wise shuffle split when there are too few groups)."""
    from sklearn.model_selection import GroupShuffleSplit, StratifiedGroupKFold

    idx = np.arange(len(labels))
    g = np.asarray([str(v) for v in groups])
    n_groups = len(set(g))
    folds = max(2, int(round(1 / fraction)))
    if n_groups < 2:
        warnings.append(f"every sample belongs to one group: no {what} split can be held out by group")
        return idx, None
    if n_groups >= folds and np.bincount(labels).max() >= folds:
        kept, out = next(StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(idx, labels, g))
    else:
        kept, out = next(GroupShuffleSplit(n_splits=1, test_size=fraction, random_state=seed).split(idx, labels, g))
        warnings.append(f"{what} split is held out by group but not stratified ({n_groups} groups)")
    return np.sort(kept), np.sort(out)


def _shared_groups(a, b) -> int:
    if a is None or b is None:
        return 0
    return len(set(map(str, a)) & set(map(str, b)))


def choose_splits(dataset: LabelledDataset, val_fraction: float, test_fraction: float, seed: int) -> _Parts:
    """Train/val/test views; validates labels. The test split never feeds model selection."""
    splits = dataset.splits
    k = dataset.n_classes
    if k < 2:
        raise DatasetError(f"a classifier needs at least 2 classes; the dataset has {k} ({dataset.class_names})")
    for name, split in splits.items():
        labels = np.asarray(split.labels)
        if len(labels) and (labels.min() < 0 or labels.max() >= k):
            bad = labels[(labels < 0) | (labels >= k)][0]
            raise DatasetError(f"split {name!r} has label {bad} outside 0..{k - 1} ({k} class names)")
    train_name = "train" if "train" in splits else "all" if "all" in splits else None
    if train_name is None:
        raise DatasetError(f"no 'train' or 'all' split to train on (splits: {', '.join(splits) or 'none'})")
    split = splits[train_name]
    if len(split) == 0:
        raise DatasetError("the dataset is empty: no training samples")
    warnings: list[str] = []
    idx = np.arange(len(split))
    test = None
    test_source = "none"
    if "test" in splits and len(splits["test"]):
        t = splits["test"]
        test, test_source = Subset(t.samples, np.arange(len(t)), t.labels, t.groups), "test split"
    elif train_name == "all":
        kept, out = _carve(split.labels, test_fraction, seed, "test", warnings, split.groups)
        if out is not None:
            test = Subset(split.samples, out, split.labels, split.groups)
            test_source = f"{test_fraction:.0%} of 'all'" + (" by patient" if split.groups is not None else "")
            idx = kept
    val, val_source = None, "none"
    val_name = next((n for n in ("val", "valid", "validation") if n in splits and len(splits[n])), None)
    if val_name:
        v = splits[val_name]
        val, val_source = Subset(v.samples, np.arange(len(v)), v.labels, v.groups), f"{val_name} split"
    else:
        sub_groups = None if split.groups is None else np.asarray(split.groups, dtype=object)[idx]
        kept, out = _carve(split.labels[idx], val_fraction, seed + 1, "validation", warnings, sub_groups)
        if out is not None:
            val = Subset(split.samples, idx[out], split.labels, split.groups)
            val_source = f"{val_fraction:.0%} of '{train_name}'" + (" by patient" if sub_groups is not None else "")
            idx = idx[kept]
    train = Subset(split.samples, idx, split.labels, split.groups)
    for name, other in (("validation", val), ("test", test)):
        shared = _shared_groups(train.groups, other.groups if other is not None else None)
        if shared:
            warnings.append(f"{shared} patient(s) have scans in both the training and the {name} split: "
                            f"its figures overstate the model on new patients (give the split by patient)")
    present = np.unique(train.labels)
    if len(present) < 2:
        raise DatasetError(
            f"the training data holds only class {dataset.class_names[present[0]]!r}; "
            "a classifier needs examples of at least 2 classes"
        )
    if len(present) < k:
        warnings.append(f"{k - len(present)} class(es) have no training samples")
    return _Parts(train, val, test, val_source, test_source, warnings)
