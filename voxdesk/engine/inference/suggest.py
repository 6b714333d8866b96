"""Which case to label next: rank unlabelled cases by how unsure a model is about them.

``suggest(bundle, items)`` classifies the items through the one predict path
(``classify.iter_classify``: the bundle's preprocessing and calibration) and ranks them, most
informative first, by one of ``SCORES``:

* ``entropy``: the entropy of the class probabilities divided by log(K): 0 certain, 1 uniform;
* ``margin``: 1 - (p_first - p_second): 0 certain, 1 a tie between the two likeliest classes.

A per-case spread (e.g. the spread of probabilities over test-time augmentations) is added to the
score when ``spread`` is given: ``spread(rows) -> [float]``, one value in [0, 1] per classified
row, larger = less stable. Nothing computes it here yet; an engine helper can pass one.

The model's guess and its confidence are reported beside each case; they are never a label (the
labelling session writes only what the user chose).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from voxdesk.engine.errors import VoxdeskError
from voxdesk.engine.progress import CancelToken, ProgressFn, no_progress

__all__ = ["SCORES", "Suggestion", "uncertainty", "rank", "suggest", "CSV_COLUMNS"]

SCORES = ("entropy", "margin")
CSV_COLUMNS = ("rank", "path", "score", "guess", "confidence")


def uncertainty(probs, method: str = "entropy") -> np.ndarray:
    """Per row of ``probs`` (N, K), how unsure the model is, in [0, 1] (see the module docstring)."""
    p = np.clip(np.asarray(probs, np.float64), 0.0, 1.0)
    if p.ndim != 2 or p.shape[1] < 2:
        raise VoxdeskError(f"class probabilities must be (cases, classes >= 2), got shape {p.shape}")
    if method == "entropy":
        with np.errstate(divide="ignore", invalid="ignore"):
            h = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
        return np.clip(h / np.log(p.shape[1]), 0.0, 1.0)
    if method == "margin":
        top2 = -np.sort(-p, axis=1)[:, :2]
        return np.clip(1.0 - (top2[:, 0] - top2[:, 1]), 0.0, 1.0)
    raise VoxdeskError(f"unknown score {method!r}; choose {' or '.join(SCORES)}")


def rank(probs, method: str = "entropy", spread: Sequence[float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(order, scores): case indices most informative first (ties keep input order), and the
    score of every case (uncertainty plus ``spread`` when given)."""
    scores = uncertainty(probs, method)
    if spread is not None:
        extra = np.asarray(spread, np.float64)
        if extra.shape != scores.shape:
            raise VoxdeskError(f"spread has {extra.size} values for {scores.size} cases")
        scores = scores + np.nan_to_num(extra)
    return np.argsort(-scores, kind="stable"), scores


@dataclass
class Suggestion:
    rank: int
    """1 = label this one first."""
    source: str
    """The item as given (path, ``file.h5:/X[3]``, ``DIR:2``)."""
    score: float
    guess: str
    """The model's likeliest class: shown, never written as the label."""
    confidence: float
    probabilities: dict
    index: int
    """Position of the item in the input."""


@dataclass
class Ranking:
    suggestions: list[Suggestion]
    """Every classified item, most informative first."""
    failed: list[tuple[str, str]]
    """(item, error) of items that could not be classified: not ranked."""
    method: str
    model_id: str = ""


def suggest(bundle, items: Sequence, *, method: str = "entropy", top: int | None = None,
            spread: Callable[[list], Sequence[float]] | None = None, batch_size: int = 16,
            progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> Ranking:
    """Rank ``items`` (paths, ``VolumeRef``s) for labelling with ``bundle``; the ``top`` first
    (all when None). Unreadable items are listed in ``failed``, never ranked."""
    from voxdesk.engine.inference.classify import iter_classify, model_id

    if method not in SCORES:
        raise VoxdeskError(f"unknown score {method!r}; choose {' or '.join(SCORES)}")
    items = list(items)
    rows, failed = [], []
    for row in iter_classify(bundle, items, batch_size=batch_size, progress=progress, cancel=cancel):
        if row.prediction is None:
            failed.append((row.source, row.error or "could not be classified"))
        else:
            rows.append(row)
    names = list(bundle.class_names)
    out: list[Suggestion] = []
    if rows:
        probs = np.array([[r.prediction.probabilities[n] for n in names] for r in rows])
        order, scores = rank(probs, method, spread(rows) if spread is not None else None)
        for position, i in enumerate(order[: top if top is not None else len(order)]):
            r = rows[int(i)]
            out.append(Suggestion(position + 1, r.source, float(scores[i]), r.prediction.class_name,
                                  float(r.prediction.confidence), dict(r.prediction.probabilities), r.index))
    return Ranking(out, failed, method, model_id(bundle))
