"""Accuracy versus number of labels: uncertainty-first (``engine.inference.suggest``) against random
order, on the CT demo phantoms and the brain MR small-data set (``bench_small_data.py``'s data).

Each dataset is split once into a pool (the "unlabelled" scans; their labels are revealed only when
a strategy picks them) and a fixed test set. Per seed, both strategies start from the same random
``--start`` labels; each round trains a fresh model on the labels so far, scores it on the test set,
then adds ``--step`` labels: the most uncertain pool cases by the model's entropy (uncertainty) or
random ones (random). Every round trains from scratch through ``training.train`` with the same
recipe for both strategies: by default (``--recipe auto``) the app's default settings, i.e. what
"Train on labelled" does with the Training dock as it opens (voxnet-bn, auto epochs: at least 600
optimiser steps and 30 epochs, batch 16, cosine LR 1e-3 after a warm-up, no augmentation below
1000 scans), but with no validation split, so every label is trained on (early stopping then
watches the training loss); ``--recipe fixed`` is ``--steps`` steps (or ``--epochs`` epochs) at a
constant ``--lr``, no augmentation. Scans are made at ``--size``^3. Rounds go over every seed before
the next round, so a run cut short still prints the median at the first label counts. The table shows the median
test accuracy over the seeds.

    python benchmarks/bench_active_learning.py [--quick] [--seeds 0,1,2] [--data ct,brain] [--recipe auto|fixed]
        [--start 30 --step 30 --max 150]
"""
from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np


def ct_demo(n_per_class: int, size: int):
    from voxdesk.engine.demo.phantoms import CLASS_NAMES, generate

    x, y, _ = generate(n_per_class, size, seed=0)
    return "CT demo", np.asarray(x, np.float32), np.asarray(y), list(CLASS_NAMES)


def brain_mr(n_per_class: int, size: int):
    from voxdesk.engine.demo.brain import CLASS_NAMES, make_brain_mr

    x, y, _ = make_brain_mr(n_per_class, size, seed=0)
    return "brain MR", x, np.asarray(y), list(CLASS_NAMES)


def pool_and_test(y, test_fraction: float, seed: int = 0):
    """Per-class fixed split: (pool indices, test indices)."""
    rng = np.random.default_rng([seed, 5])
    pool, test = [], []
    for k in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == k))
        n_test = int(round(len(idx) * test_fraction))
        test += idx[:n_test].tolist()
        pool += idx[n_test:].tolist()
    return np.array(sorted(pool)), np.array(sorted(test))


def fit_and_score(x, y, names, labelled, test, args, seed):
    """(test accuracy, bundle) of a model trained on ``labelled`` indices."""
    from voxdesk.engine.datasets.base import ArraySamples, LabelledDataset, Split
    from voxdesk.engine.training.config import TrainConfig
    from voxdesk.engine.training.train import train

    ds = LabelledDataset(names, {"train": Split(ArraySamples(x[labelled]), y[labelled]),
                                 "test": Split(ArraySamples(x[test]), y[test])}, "<bench>", "xy-arrays")
    if args.recipe == "auto":  # the app's default settings (Training dock as it opens), all labels trained on
        config = TrainConfig(val_fraction=0.0, test_fraction=0.0, seed=seed)
    else:
        batch = 16
        epochs = args.epochs or max(3, math.ceil(args.steps / math.ceil(len(labelled) / batch)))
        config = TrainConfig(epochs=epochs, batch_size=batch, augment=None, learning_rate=args.lr,
                             lr_schedule="constant", val_fraction=0.0, test_fraction=0.0, seed=seed,
                             early_stopping_patience=epochs + 1)
    result = train(config, ds)
    return float(result.test_metrics["accuracy"]), result.to_bundle()


def next_batch(strategy, bundle, x, pool_left, step, rng):
    if strategy == "random":
        return rng.choice(pool_left, size=min(step, len(pool_left)), replace=False)
    from voxdesk.engine.inference.suggest import rank

    probs = bundle.predict_proba([x[i] for i in pool_left])
    order, _ = rank(probs, "entropy")
    return pool_left[order[:step]]


def run_dataset(data, args, seeds):
    """Round by round over every seed (a cut-short run still has the median at the first sizes)."""
    title, x, y, names = data
    pool, test = pool_and_test(y, args.test_fraction)
    sizes = list(range(args.start, min(args.max, len(pool)) + 1, args.step))
    print(f"{title}: {len(y)} volumes {x.shape[1]}^3, pool {len(pool)}, test {len(test)}; "
          f"labels {sizes}", flush=True)
    acc = {s: {n: [] for n in sizes} for s in STRATEGIES}
    t0 = time.perf_counter()
    labelled, rngs, bundles = {}, {}, {}
    for seed in seeds:
        first = np.random.default_rng([seed, 1]).choice(pool, size=args.start, replace=False)
        for strategy in STRATEGIES:
            labelled[seed, strategy], rngs[seed, strategy] = np.array(first), np.random.default_rng([seed, 2])
    for n in sizes:
        for seed in seeds:
            for strategy in STRATEGIES:
                key = (seed, strategy)
                if n > sizes[0]:
                    left = np.setdiff1d(pool, labelled[key])
                    labelled[key] = np.concatenate([labelled[key], next_batch(strategy, bundles[key], x, left,
                                                                              args.step, rngs[key])])
                if n == sizes[0] and strategy != STRATEGIES[0]:  # the same first labels: the same model
                    a, bundles[key] = acc[STRATEGIES[0]][n][-1], bundles[seed, STRATEGIES[0]]
                else:
                    a, bundles[key] = fit_and_score(x, y, names, labelled[key], test, args, seed)
                acc[strategy][n].append(a)
                print(f"  seed {seed} {strategy:<11} {n:>4} labels: accuracy {a:.3f}  "
                      f"({time.perf_counter() - t0:.0f} s)", flush=True)
        print(table(title, [m for m in sizes if m <= n], acc, len(test), len(seeds)), flush=True)
    return title, sizes, acc, len(test)


STRATEGIES = ("uncertainty", "random")


def table(title, sizes, acc, n_test, n_seeds) -> str:
    lines = [f"\n{title}: median test accuracy over {n_seeds} seed(s), {n_test} test scans",
             f"{'labels':>7} {'uncertainty':>12} {'random':>8} {'diff':>7}"]
    for n in sizes:
        u, r = statistics.median(acc["uncertainty"][n]), statistics.median(acc["random"][n])
        lines.append(f"{n:>7} {u:>12.3f} {r:>8.3f} {u - r:>+7.3f}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one seed, labels 30/60/90, 60 steps, CT demo only")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--start", type=int, default=30)
    ap.add_argument("--step", type=int, default=30)
    ap.add_argument("--max", type=int, default=150)
    ap.add_argument("--recipe", choices=("auto", "fixed"), default="auto",
                    help="auto: TrainConfig's defaults (auto epochs: >= 600 steps and >= 30 epochs, batch 16, "
                         "cosine LR 1e-3 with warm-up, no augmentation below 1000 scans, early stopping on the "
                         "training loss) with no validation split; fixed: --steps or --epochs at constant --lr")
    ap.add_argument("--steps", type=int, default=100, help="fixed recipe: optimiser steps per training (batch 16)")
    ap.add_argument("--epochs", type=int, default=None,
                    help="epochs per training instead of --steps (the steps then grow with the labels)")
    ap.add_argument("--lr", type=float, default=3e-3, help="learning rate (constant)")
    ap.add_argument("--size", type=int, default=16, help="scan size (the scans are made at this size)")
    ap.add_argument("--n-per-class", type=int, default=80)
    ap.add_argument("--test-fraction", type=float, default=0.25)
    ap.add_argument("--data", default="ct,brain", help="ct, brain or both")
    args = ap.parse_args(argv)
    if args.quick:
        args.seeds, args.max, args.recipe, args.steps, args.data = "0", 90, "fixed", 60, "ct"
    seeds = [int(s) for s in args.seeds.split(",")]
    recipe = ("TrainConfig defaults (auto epochs, cosine LR 1e-3), no validation split" if args.recipe == "auto"
              else (f"{args.epochs} epochs" if args.epochs else f"{args.steps} steps")
              + f" of batch 16, no augmentation, constant LR {args.lr:g}")
    print(f"cores: {os.cpu_count()}; recipe: voxnet-bn, {args.size}^3 scans, {recipe}; seeds "
          + ",".join(map(str, seeds)), flush=True)
    makers = {"ct": lambda: ct_demo(args.n_per_class, args.size),  # 3 classes
              "brain": lambda: brain_mr(args.n_per_class * 3 // 2, args.size)}  # 2 classes: as many scans
    tables = []
    for key in args.data.split(","):
        t = time.perf_counter()
        data = makers[key.strip()]()
        print(f"{data[0]} made in {time.perf_counter() - t:.0f} s", flush=True)
        tables.append(table(*run_dataset(data, args, seeds), len(seeds)))
    print("\n".join(tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
