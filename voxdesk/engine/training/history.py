"""A training run's history as CSV (one row per epoch): the one writer for the CLI's
``history.csv`` next to the bundle and the GUI's File > Export History.

Columns: ``epoch`` (1-based) then every history key in the engine's order (loss, accuracy,
val_loss, val_accuracy, learning_rate, ...); a key with fewer values than epochs leaves its
later cells empty. Written atomically.

``memorised`` reads the same history for the one sign of a run that must not be used: it fitted
its training set while validation stayed at chance (``train`` adds its warning).
"""
from __future__ import annotations

from pathlib import Path

from voxdesk.engine.io.atomic import write_csv, write_error


def history_rows(history: dict) -> tuple[list[str], list[list]]:
    keys = list(history)
    n = max((len(v) for v in history.values()), default=0)
    rows = [[i + 1] + [history[k][i] if i < len(history[k]) else "" for k in keys] for i in range(n)]
    return ["epoch", *keys], rows


MEMORISED_TRAIN_ACC = 0.9
"""Training accuracy from which a run whose validation accuracy stayed near chance is called memorised."""
NEAR_CHANCE = 0.15
"""Validation accuracy at most this far above chance (1 / classes) counts as near chance."""


def memorised(history: dict, n_classes: int) -> list[str]:
    """A warning (a list of at most one) when the run fitted its training set (last training
    accuracy >= ``MEMORISED_TRAIN_ACC``) while its best validation accuracy stayed within
    ``NEAR_CHANCE`` of chance: it learned the training scans, not the finding (brain MR seed 2
    without augmentation, ``benchmarks/README.md``); an empty list otherwise."""
    train = [a for a in history.get("accuracy", []) if a == a]  # NaN: epochs before a resume
    val = [a for a in history.get("val_accuracy", []) if a == a]
    chance = 1.0 / max(n_classes, 1)
    if not train or not val or train[-1] < MEMORISED_TRAIN_ACC or max(val) > chance + NEAR_CHANCE:
        return []
    return [f"the model memorised its training set: training accuracy {train[-1]:.0%}, but validation accuracy "
            f"never rose above {max(val):.0%} (chance {chance:.0%}); do not use it: train again with random "
            f"flips (Training form, or --flips in the CLI) or another seed"]


def write_history_csv(history: dict, path) -> Path:
    """Write ``history`` to ``path``; a failed write raises a ``VoxdeskError`` naming it."""
    header, rows = history_rows(history)
    try:
        return write_csv(path, header, rows)
    except OSError as exc:
        raise write_error("the training history", path, exc) from None
