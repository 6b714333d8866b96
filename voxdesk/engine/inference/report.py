"""The classification report: CSV columns shared by ``voxdesk-cli classify --csv`` and the GUI's
batch export, so a file written by either reads the same.

Columns: path, sha256 (of the file), predicted_class, confidence, uncertainty (the standard
deviation of the predicted class's probability across the passes of the run's uncertainty method,
test-time augmentation or Monte-Carlo dropout; empty for a single pass), refer (``yes`` when the
confidence is below the bundle's referral threshold: a human should read the case), true_label
(the case's class when known: a labelled dataset's split, or the class folder it sits in), one
``p_<class>`` column per class (bundle order), model_id, timestamp (ISO 8601, UTC), warnings
(`` | ``-separated), error.
Written atomically (``voxdesk.engine.io.atomic``): a crash never leaves half a report.
"""
from __future__ import annotations

from pathlib import Path

from voxdesk.engine.io.atomic import write_csv, write_error

WARN_SEP = " | "


def csv_header(class_names) -> list[str]:
    return (["path", "sha256", "predicted_class", "confidence", "uncertainty", "refer", "true_label"]
            + [f"p_{c}" for c in class_names] + ["model_id", "timestamp", "warnings", "error"])


def csv_row(row, class_names, model_id: str) -> list:
    """One ``ClassifiedItem`` (from ``iter_classify``) as CSV cells."""
    p = row.prediction
    probs = [f"{p.probabilities[c]:.6f}" for c in class_names] if p else [""] * len(class_names)
    spread = getattr(p, "uncertainty", None) if p else None
    return ([row.source, row.sha256 or "", p.class_name if p else "", f"{p.confidence:.6f}" if p else "",
             "" if spread is None else f"{spread:.6f}", ("yes" if p.refer else "no") if p else "",
             getattr(row, "label", None) or ""]
            + probs + [model_id, row.timestamp, WARN_SEP.join(p.warnings) if p else "", row.error or ""])


def write_report(path, rows, class_names, model_id: str) -> Path:
    """Write the rows as the report CSV at ``path``; a ``VoxdeskError`` names a failed write."""
    try:
        return write_csv(path, csv_header(class_names), [csv_row(r, class_names, model_id) for r in rows])
    except OSError as exc:
        raise write_error("the report", path, exc) from None
