"""A training run's history as CSV (one row per epoch): the one writer for the CLI's
``history.csv`` next to the bundle and the GUI's File > Export History.

Columns: ``epoch`` (1-based) then every history key in the engine's order (loss, accuracy,
val_loss, val_accuracy, learning_rate, ...); a key with fewer values than epochs leaves its
later cells empty. Written atomically.
"""
from __future__ import annotations

from pathlib import Path

from voxdesk.engine.io.atomic import write_csv, write_error


def history_rows(history: dict) -> tuple[list[str], list[list]]:
    keys = list(history)
    n = max((len(v) for v in history.values()), default=0)
    rows = [[i + 1] + [history[k][i] if i < len(history[k]) else "" for k in keys] for i in range(n)]
    return ["epoch", *keys], rows


def write_history_csv(history: dict, path) -> Path:
    """Write ``history`` to ``path``; a failed write raises a ``VoxdeskError`` naming it."""
    header, rows = history_rows(history)
    try:
        return write_csv(path, header, rows)
    except OSError as exc:
        raise write_error("the training history", path, exc) from None
