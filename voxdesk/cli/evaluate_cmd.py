"""voxdesk-cli evaluate: a model bundle's metrics and confusion matrix on a dataset split."""
from __future__ import annotations

import argparse
import sys

from voxdesk.cli import add_force, dumps_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("bundle", metavar="BUNDLE", help="model bundle written by 'voxdesk-cli train'")
    parser.add_argument("data", metavar="DATA", help="labelled dataset")
    parser.add_argument("--split", default=None, help="split to evaluate (default: test, else all)")
    parser.add_argument("--json", dest="json_out", default=None, metavar="FILE", help="also write the metrics as JSON")
    parser.add_argument("--batch-size", type=int, default=64)
    add_force(parser)


def run(args: argparse.Namespace) -> int:
    from voxdesk.engine.datasets import load_dataset
    from voxdesk.engine.model.bundle import load_bundle
    from voxdesk.engine.training.evaluation import evaluate_bundle, format_metrics

    if args.json_out:  # before any work: never over an input, never a scan or a folder
        from voxdesk.engine.io.outputs import check_output

        check_output(args.json_out, "json", inputs=[args.bundle, args.data], force=args.force, flag="--json")
    bundle = load_bundle(args.bundle)
    dataset = load_dataset(args.data)
    metrics, name, warnings = evaluate_bundle(bundle, dataset, args.split, batch_size=args.batch_size)
    print(f"model {args.bundle} ({bundle.metadata.get('model_name', '?')}, input "
          f"{'x'.join(map(str, bundle.input_shape))}) on {args.data} split '{name}'")
    if metrics.get("leakage_warning"):
        print(f"WARNING: {metrics['leakage_warning']}", file=sys.stderr, flush=True)
        print(f"WARNING: {metrics['leakage_warning']}")
    elif metrics.get("leakage") is None:
        print("note: the bundle records no training samples, so it cannot be checked whether this data "
              "was trained on")
    for w in warnings:
        print(f"warning: {w}")
    print(format_metrics(metrics))
    if args.json_out:
        from voxdesk.engine.io.atomic import atomic_open, write_error

        text = dumps_json(metrics, indent=2)
        try:
            with atomic_open(args.json_out) as fh:
                fh.write(text)
        except OSError as exc:
            raise write_error("the metrics", args.json_out, exc) from None
        print(f"wrote {args.json_out}")
    return 0
