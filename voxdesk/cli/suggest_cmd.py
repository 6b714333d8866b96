"""voxdesk-cli suggest BUNDLE FOLDER [--manifest labels.csv] [--top N]: the cases to label next.

The cases under FOLDER (found as ``classify`` finds them: volume files, DICOM series, one case per
volume of a stack) that the manifest has not labelled are classified with BUNDLE and ranked most
uncertain first (``engine.inference.suggest``). Prints CSV on stdout: ``rank,path,score,guess,
confidence``; ``path`` is relative to the manifest's folder when a manifest is given (as the
manifest writes it). The guess is the model's, never a label.

Exit codes: 0 ranked; 2 bad input (a missing folder or manifest, an unusable bundle, --top below 1:
one line on stderr), or some cases could not be read: the others are ranked and stderr says
``N of M cases could not be read``.
"""
from __future__ import annotations

import csv
import sys

from voxdesk.engine.errors import VoxdeskError


def add_arguments(p) -> None:
    from voxdesk.engine.inference.suggest import SCORES

    p.add_argument("bundle", help="a model bundle (.voxmodel), or a VoxDesk project (.voxproj) that names one")
    p.add_argument("folder", help="the folder of scans being labelled (searched recursively)")
    p.add_argument("--manifest", metavar="CSV",
                   help="the labelling manifest (e.g. labels.csv): cases labelled there are not suggested")
    p.add_argument("--top", type=int, default=20, metavar="N", help="how many cases to list (default 20)")
    p.add_argument("--score", choices=SCORES, default="entropy",
                   help="entropy of the probabilities (default) or the margin between the two likeliest classes")


def run(args) -> int:
    from pathlib import Path

    from voxdesk.engine.datasets.labelling import (
        LABELLED,
        absolute_entry,
        batch_item,
        discover,
        read_manifest,
        relative_entry,
    )

    if args.top < 1:
        raise VoxdeskError("--top must be at least 1")
    folder = Path(args.folder).expanduser()
    if not folder.is_dir():
        raise VoxdeskError(f"{folder} is not a folder; give the folder that holds the scans")
    labelled: set[str] = set()
    manifest = None
    if args.manifest:
        manifest = Path(args.manifest).expanduser()
        if not manifest.is_file():
            raise VoxdeskError(f"{manifest} does not exist; give the labelling manifest (or leave out --manifest)")
        cases, _classes = read_manifest(manifest)
        labelled = {absolute_entry(manifest, c.path) for c in cases if c.status == LABELLED}
    found = discover(folder)
    todo = [e for e in found if absolute_entry(manifest or folder / "_", e) not in labelled]
    if not found:
        raise VoxdeskError(f"no scans found in {folder}")

    from voxdesk.cli.project_args import bundle_from_project
    from voxdesk.engine.inference.suggest import CSV_COLUMNS, suggest
    from voxdesk.engine.model.bundle import load_bundle

    bundle = load_bundle(bundle_from_project(args.bundle))
    ranking = suggest(bundle, [batch_item(e) for e in todo], method=args.score, top=args.top)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(CSV_COLUMNS)
    for s in ranking.suggestions:
        path = relative_entry(manifest, s.source) if manifest else s.source
        out.writerow([s.rank, path, f"{s.score:.4f}", s.guess, f"{s.confidence:.4f}"])
    sys.stdout.flush()
    if not todo:
        print(f"voxdesk-cli: all {len(found)} cases are labelled in {manifest}", file=sys.stderr)
    if ranking.failed:
        source, error = ranking.failed[0]
        print(f"voxdesk-cli: {len(ranking.failed)} of {len(todo)} cases could not be read, e.g. {source}: {error}",
              file=sys.stderr)
        return 2
    return 0
