"""voxdesk-cli classify BUNDLE PATH... [--csv OUT]: one row per volume.

Folders are walked recursively for supported volume files; an HDF5/NPY/NPZ stack of N volumes
gives N rows (``file.h5:/X[3]``). A file that cannot be read or does not fit the model gets a
row with the error, and the others go on.

Exit codes: 0 every volume was classified; 1 some could not be (their rows say why);
2 bad arguments or an unusable bundle (one line on stderr, nothing classified).

CSV columns: path, sha256 (of the file), predicted_class, confidence, one ``p_<class>`` column
per class (bundle order), model_id, timestamp (ISO 8601, UTC), warnings (`` | ``-separated),
error. The CSV is written atomically (a temporary file renamed over OUT).
"""
from __future__ import annotations

import csv
import os
import sys
import tempfile
from pathlib import Path

from voxdesk.engine.errors import VoxdeskError

WARN_SEP = " | "


def add_arguments(p) -> None:
    p.add_argument("bundle", help="a model bundle (.voxmodel) saved by 'voxdesk-cli train' or the GUI")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="volume files (.nii, .nii.gz, .npy, .npz, .h5; file.h5:/dataset) or folders")
    p.add_argument("--csv", metavar="OUT", help="also write the rows to this CSV file")
    p.add_argument("--batch-size", type=int, default=16, help="volumes per model call (default 16)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def csv_header(class_names) -> list[str]:
    return (["path", "sha256", "predicted_class", "confidence"] + [f"p_{c}" for c in class_names]
            + ["model_id", "timestamp", "warnings", "error"])


def csv_row(row, class_names, model_id: str) -> list:
    p = row.prediction
    probs = [f"{p.probabilities[c]:.6f}" for c in class_names] if p else [""] * len(class_names)
    return ([row.source, row.sha256 or "", p.class_name if p else "", f"{p.confidence:.6f}" if p else ""]
            + probs + [model_id, row.timestamp, WARN_SEP.join(p.warnings) if p else "", row.error or ""])


def write_csv_atomic(path, header, rows) -> Path:
    """Write a CSV next to ``path`` and rename it over ``path`` (a crash never leaves half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise VoxdeskError(f"could not write {path}: {exc}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else "..." + text[-(width - 3):]


def _progress(quiet: bool):
    if quiet or not sys.stderr.isatty():
        return lambda f, msg="": None

    def show(fraction, message=""):
        end = "\n" if fraction >= 1 else ""
        print(f"\r  {message} ({fraction:.0%})", end=end, file=sys.stderr, flush=True)

    return show


def run(args) -> int:
    from voxdesk.engine.inference.classify import expand_paths

    if args.batch_size < 1:
        raise VoxdeskError("--batch-size must be at least 1")
    if args.csv and os.path.isdir(args.csv):
        raise VoxdeskError(f"--csv {args.csv} is a folder; give a file name")
    items = expand_paths(args.paths)
    if not items:
        raise VoxdeskError(f"no volume files found in {', '.join(args.paths)}")

    from voxdesk.engine.model.bundle import load_bundle
    from voxdesk.engine.inference.classify import iter_classify, model_id

    bundle = load_bundle(args.bundle)
    names = bundle.class_names
    mid = model_id(bundle)
    rows = []
    width = min(60, max(12, *(len(str(i)) for i in items)))
    cls_width = max(9, *(len(n) for n in names))
    print(f"model {mid}: {', '.join(names)}")
    print(f"{'PATH':<{width}}  {'CLASS':<{cls_width}}  {'CONF':>6}  NOTE")
    for row in iter_classify(bundle, items, batch_size=args.batch_size, progress=_progress(args.quiet)):
        rows.append(row)
        p = row.prediction
        if p is None:
            print(f"{_short(row.source, width):<{width}}  {'-':<{cls_width}}  {'-':>6}  error: {row.error}")
            continue
        note = f"{len(p.warnings)} warning(s)" if p.warnings else ""
        print(f"{_short(row.source, width):<{width}}  {p.class_name:<{cls_width}}  {p.confidence:>6.3f}  {note}")
        for w in p.warnings:
            print(f"    ! {w}")
    failed = sum(1 for r in rows if r.error)
    print(f"{len(rows) - failed} classified, {failed} failed")
    if args.csv:
        write_csv_atomic(args.csv, csv_header(names), [csv_row(r, names, mid) for r in rows])
        print(f"wrote {args.csv}")
    return 1 if failed else 0
