"""K-fold cross-validation on the built-in CT demo beside one plain training: the time ratio.

Target (issue 14): K-fold on the demo in <= 5 x the time of one training, for K = 5. The demo is
written as ``voxdesk-cli demo`` writes it (fixed train/val/test splits) and loaded from its HDF5
file; the plain run is ``training.train`` with ``TrainConfig()`` defaults (what the Train button
and ``voxdesk-cli train`` do), the K-fold run ``training.crossval`` with the same config: train +
val pooled into K folds, the test split untouched. Both run in this process, side by side (the
VM's speed swings for minutes; a ratio of neighbours says more than either time). The first
training of a process pays TensorFlow's start-up, so a short warm-up training runs first.

Prints the plain run's time and test accuracy, one line per fold, the K-fold mean accuracy with
its 95% t interval, and the ratio. Figures only; nothing is asserted.

    python benchmarks/bench_crossval.py [--folds 5] [--seed 0] [--n-per-class 200]
    python benchmarks/bench_crossval.py --quick     # a tiny demo, 2 folds, 1 epoch: checks that it runs
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

TARGET = 5.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=None, help="K (default 5; 2 with --quick)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--n-per-class", type=int, default=None, help="default: the demo's own")
    ap.add_argument("--epochs", type=int, default=None, help="default: TrainConfig's (auto)")
    ap.add_argument("--model", default=None, help="default: TrainConfig's")
    ap.add_argument("--out", default=None, help="folder for the demo data (default: a temporary one)")
    ap.add_argument("--quick", action="store_true",
                    help="10 phantoms per class of 16^3, 1 epoch, 2 folds: seconds, to check the script runs")
    args = ap.parse_args(argv)

    from voxdesk.engine.datasets import load_dataset
    from voxdesk.engine.demo import phantoms as demo
    from voxdesk.engine.demo import store
    from voxdesk.engine.training.config import TrainConfig
    from voxdesk.engine.training.crossval import crossval
    from voxdesk.engine.training.crossval_report import fold_line
    from voxdesk.engine.training.train import train

    folds = args.folds or (2 if args.quick else 5)
    n_per_class = args.n_per_class or (10 if args.quick else demo.DEFAULT_N_PER_CLASS)
    size = 16 if args.quick else demo.DEFAULT_SIZE
    epochs = args.epochs or (1 if args.quick else None)
    root = Path(args.out or tempfile.mkdtemp(prefix="voxdesk-bench-crossval-")) / "demo"
    paths = store.ensure_demo_data(root, n_per_class=n_per_class, size=size)
    extra = {"model": args.model} if args.model else {}
    config = TrainConfig(seed=args.seed, epochs=epochs, **extra)

    with load_dataset(paths.h5) as ds:
        sizes = {k: len(v) for k, v in ds.splits.items()}
        print(f"demo: {sum(sizes.values())} phantoms of {size}^3 ({sizes}); cores: {os.cpu_count()}", flush=True)
        train(TrainConfig(seed=args.seed, epochs=1, batch_size=32, **extra), ds)  # warm-up: TF start-up, kernels

        t = time.perf_counter()
        plain = train(config, ds)
        plain_s = time.perf_counter() - t
        m = plain.test_metrics or {}
        print(f"one training: {plain_s:.1f} s ({plain.epochs_run} epochs, {plain.split_sizes['train']} training "
              f"scans); test accuracy {m.get('accuracy', float('nan')):.3f}", flush=True)

        t = time.perf_counter()
        cv = crossval(config, ds, folds, on_fold=lambda f: print("    " + fold_line(f, folds), flush=True))
        cv_s = time.perf_counter() - t

    acc = cv.summary["accuracy"]
    ci = acc.get("ci") or [float("nan")] * 2
    ratio = cv_s / plain_s
    print(f"{folds}-fold cross-validation: {cv_s:.1f} s for {cv.n} pooled scans; accuracy {acc['mean']:.3f} "
          f"(95% t interval {ci[0]:.3f}-{ci[1]:.3f}); out of fold {cv.pooled['accuracy']:.3f}")
    verdict = "" if folds != 5 else (" (meets the target)" if ratio <= TARGET else " (MISSES the target)")
    print(f"ratio: {folds}-fold / one training = {ratio:.2f}x; target <= {TARGET:g}x for 5 folds{verdict}")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
