"""voxdesk-cli crossval: K-fold cross-validation of the training recipe on a labelled dataset.

Every split but ``test`` is pooled and cut into K folds stratified by class (and by patient when
the dataset has a patient/group column); each fold trains the same recipe as ``voxdesk-cli
train`` (the same flags) on the other folds and is scored on its own. Prints one line per fold
and the mean with a 95% t interval across folds; ``--out-csv``/``--json`` write the folds,
``--refit BUNDLE`` trains once more on all the pooled data and saves that model. See
``engine/training/crossval.py`` for what is pooled, the interval and the refit.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from voxdesk.cli.train_cmd import _bar, add_data_argument, add_training_arguments, config_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_argument(parser)
    parser.add_argument("--folds", type=int, default=5, metavar="K",
                        help="number of folds (default 5; at least 2, at most the smallest class's sample count)")
    parser.add_argument("--out-csv", default=None, metavar="CSV", help="write one row per fold to this CSV file")
    parser.add_argument("--json", default=None, metavar="JSON",
                        help="write the folds, their metrics, the summary and the settings to this JSON file")
    parser.add_argument("--refit", default=None, metavar="BUNDLE",
                        help="after the folds, train on all the cross-validated data and save that model bundle")
    add_training_arguments(parser, distributed=False)


def _check_outputs(args) -> None:
    from voxdesk.engine.errors import VoxdeskError

    for flag, path in (("--out-csv", args.out_csv), ("--json", args.json), ("--refit", args.refit)):
        if path and Path(path).is_dir():
            raise VoxdeskError(f"{flag} {path} is a folder; give a file name")


def _write(args, cv) -> list[str]:
    from voxdesk.engine.errors import VoxdeskError
    from voxdesk.engine.io.atomic import atomic_open, write_csv, write_error
    from voxdesk.engine.training.crossval_report import FOLD_COLUMNS

    written = []
    for what, path in (("the fold CSV", args.out_csv), ("the cross-validation JSON", args.json)):
        if not path:
            continue
        try:
            if path == args.out_csv:
                write_csv(path, FOLD_COLUMNS, cv.rows())
            else:
                with atomic_open(path) as fh:
                    json.dump(cv.to_dict(), fh, indent=1, allow_nan=False)
        except OSError as exc:
            raise write_error(what, path, exc, VoxdeskError) from None
        written.append(f"{what}: {path}")
    if args.refit and cv.refit is not None:
        cv.refit.save(args.refit)
        written.append(f"the refitted model bundle: {args.refit}")
    return written


def _refit_lines(r) -> list[str]:
    m = r.test_metrics or {}
    line = (f"refit on all data: train/val {r.split_sizes['train']}/{r.split_sizes['val']}, "
            f"{r.epochs_run} epochs (best {r.best_epoch}), {r.timings['total_s']:.1f} s")
    if m.get("n"):
        ci = m.get("accuracy_ci")
        line += (f"; on the untouched test split ({m['n']} samples): accuracy {m['accuracy']:.3f}"
                 + (f" (95% CI {ci[0]:.3f}-{ci[1]:.3f})" if ci else ""))
    return [line]


def run(args: argparse.Namespace) -> int:
    from voxdesk.cli.project_args import training_from_project
    from voxdesk.engine.datasets import load_dataset
    from voxdesk.engine.datasets.folds import check_fold_count
    from voxdesk.engine.training.crossval import crossval
    from voxdesk.engine.training.crossval_report import fold_line, summary_lines

    check_fold_count(args.folds)  # every check that needs no data, before reading any
    config = config_from_args(args)
    _check_outputs(args)
    data, config = training_from_project(args.data, config)
    tty = sys.stdout.isatty()

    def progress(fraction, message=""):
        if tty:
            sys.stdout.write(f"\r{_bar(fraction)} {message[:90]:<90}")
            sys.stdout.flush()

    def on_fold(fold):
        print(("\r" if tty else "") + fold_line(fold, args.folds) + (" " * 40 if tty else ""), flush=True)

    with load_dataset(data) as dataset:
        for w in dataset.warnings:
            print(f"warning: {w}", file=sys.stderr)
        print(f"cross-validating {config.model} on {data}: {args.folds} folds, "
              f"{len(dataset.class_names)} classes", flush=True)
        cv = crossval(config, dataset, args.folds, refit=bool(args.refit), progress=progress, on_fold=on_fold)
        if tty:
            sys.stdout.write("\r" + " " * 116 + "\r")
        for w in cv.warnings + [f"refit: {w}" for w in (cv.refit.warnings if cv.refit is not None else [])]:
            print(f"warning: {w}", file=sys.stderr)
        for note in cv.notes:
            print(f"note: {note}")
        print("\nsummary")
        for line in summary_lines(cv) + (_refit_lines(cv.refit) if cv.refit is not None else []):
            print(line)
        for line in _write(args, cv):
            print(f"wrote {line}")
    return 0

