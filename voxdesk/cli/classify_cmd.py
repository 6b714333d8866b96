"""voxdesk-cli classify BUNDLE PATH... [--csv OUT]: one row per volume.

Folders are walked recursively for supported volume files; an HDF5/NPY/NPZ stack of N volumes
gives N rows (``file.h5:/X[3]``). A file that cannot be read or does not fit the model gets a
row with the error, and the others go on.

Exit codes: 0 every volume was classified; 2 bad arguments, an unusable bundle or output (one
line on stderr, nothing classified), or some volumes could not be classified: their rows (and
the CSV's ``error`` column) say why, the others are classified, and stderr has one line
``N of M volumes could not be classified; see the error column``.

The CSV's columns are the GUI batch export's: ``voxdesk.engine.inference.report``.
"""
from __future__ import annotations

import sys

from voxdesk.cli import add_force
from voxdesk.engine.errors import VoxdeskError
from voxdesk.engine.io import formats


def add_arguments(p) -> None:
    p.add_argument("bundle", help="a model bundle (.voxmodel) saved by 'voxdesk-cli train' or the GUI, "
                   "or a VoxDesk project (.voxproj) that names one")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help=f"volume files ({formats.describe()}; file.h5:/dataset) or folders")
    p.add_argument("--csv", metavar="OUT", help="also write the rows to this CSV file")
    p.add_argument("--batch-size", type=int, default=16, help="volumes per model call (default 16)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    from voxdesk.engine.model.uncertainty import DEFAULT_METHOD, METHODS

    p.add_argument("--uncertainty", choices=METHODS, default=DEFAULT_METHOD,
                   help="per-case uncertainty (the spread of the predicted class's probability, shown as "
                        "CONF+-SPREAD and in the CSV's uncertainty column): tta = test-time augmentation with "
                        "the symmetries the model was trained with, mc = Monte-Carlo dropout, none = a single "
                        f"pass (default {DEFAULT_METHOD}; see benchmarks/README.md)")
    add_force(p)


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
    from voxdesk.engine.inference.items import expand_paths

    if args.batch_size < 1:
        raise VoxdeskError("--batch-size must be at least 1")
    items = expand_paths(args.paths)
    if args.csv:  # before the model loads: a bad --csv costs nothing, an input is never overwritten
        from voxdesk.engine.io.outputs import check_output

        check_output(args.csv, "csv", inputs=[args.bundle, *args.paths, *items], force=args.force, flag="--csv")
    if not items:
        raise VoxdeskError(f"no volume files found in {', '.join(args.paths)}")

    from voxdesk.cli.project_args import bundle_from_project
    from voxdesk.engine.inference.classify import iter_classify, model_id
    from voxdesk.engine.inference.report import write_report
    from voxdesk.engine.model.bundle import load_bundle

    bundle = load_bundle(bundle_from_project(args.bundle))
    names = bundle.class_names
    mid = model_id(bundle)
    rows = []
    width = min(60, max(12, *(len(str(i)) for i in items)))
    cls_width = max(9, *(len(n) for n in names))
    print(f"model {mid}: {', '.join(names)}")
    spread = args.uncertainty != "none"
    conf_width = 13 if spread else 6
    print(f"{'PATH':<{width}}  {'CLASS':<{cls_width}}  {'CONF' + ('+-SPREAD' if spread else ''):>{conf_width}}  NOTE")
    for row in iter_classify(bundle, items, batch_size=args.batch_size, progress=_progress(args.quiet),
                             uncertainty=args.uncertainty):
        rows.append(row)
        p = row.prediction
        if p is None:
            print(f"{_short(row.source, width):<{width}}  {'-':<{cls_width}}  {'-':>{conf_width}}  error: {row.error}")
            continue
        note = "; ".join(n for n in ("REFER to a human" if p.refer else "",
                                     f"{len(p.warnings)} warning(s)" if p.warnings else "") if n)
        conf = f"{p.confidence:.3f}" + (f"+-{p.uncertainty:.3f}" if p.uncertainty is not None else "")
        print(f"{_short(row.source, width):<{width}}  {p.class_name:<{cls_width}}  {conf:>{conf_width}}  {note}")
        for w in p.warnings:
            print(f"    ! {w}")
    failed = sum(1 for r in rows if r.error)
    print(f"{len(rows) - failed} classified, {failed} failed")
    if args.csv:
        write_report(args.csv, rows, names, mid)
        print(f"wrote {args.csv}")
    if failed:
        where = "the error column of " + args.csv if args.csv else "the rows above"
        print(f"voxdesk-cli: {failed} of {len(rows)} volumes could not be classified; see {where}",
              file=sys.stderr)
        return 2
    return 0
