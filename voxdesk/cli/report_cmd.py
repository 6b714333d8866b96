"""voxdesk-cli report BUNDLE DATA --out report.html: a one-page HTML report of a model on a
labelled split (the model card, metrics with 95% intervals, confusion matrix, training curves,
reliability diagram and coverage curve; ``engine/inference/html_report.py``)."""
from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("bundle", metavar="BUNDLE", help="model bundle (.voxmodel), or a project (.voxproj) naming one")
    parser.add_argument("data", metavar="DATA", help="labelled dataset")
    parser.add_argument("--out", required=True, metavar="HTML", help="the report file to write (.html)")
    parser.add_argument("--split", default=None, help="split to evaluate (default: test, else all)")
    parser.add_argument("--batch-size", type=int, default=64)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from voxdesk.cli.project_args import bundle_from_project
    from voxdesk.engine.datasets import load_dataset
    from voxdesk.engine.errors import VoxdeskError
    from voxdesk.engine.inference.html_report import render_report, write_report_html
    from voxdesk.engine.model.bundle import load_bundle
    from voxdesk.engine.training.evaluation import evaluate_bundle

    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise VoxdeskError(f"--out {out} must end in .html")
    bundle_path = bundle_from_project(args.bundle)
    bundle = load_bundle(bundle_path)
    dataset = load_dataset(args.data)
    metrics, split, warnings = evaluate_bundle(bundle, dataset, args.split, batch_size=args.batch_size)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if metrics.get("leakage_warning"):
        print(f"WARNING: {metrics['leakage_warning']}", file=sys.stderr)
    page = render_report(metrics, bundle.metadata, model_name=Path(bundle_path).name,
                         data_name=Path(args.data).name, split=split)
    written = write_report_html(out, page)
    print(f"report written to {written} ({metrics['n']} cases, accuracy {metrics['accuracy']:.3f})")
    return 0
