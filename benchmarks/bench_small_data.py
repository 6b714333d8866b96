"""A second small-data benchmark, of another anatomy and modality than the CT demo: brain MR.

``voxdesk.engine.demo.brain`` makes FLAIR-like brain volumes (64^3, the size of the binary
brain-scan tutorial; arbitrary intensity units) labelled ``lesion`` / ``normal`` (see its
docstring). They are written as an HDF5 file with fixed splits (``X_train``/``y_train``,
``X_val``, ``X_test``: by default 260 / 60 / 80 volumes), loaded with ``load_dataset`` and trained
with ``TrainConfig()`` defaults through ``training.train``, one training per seed on the same
data; then every test case's Grad-CAM map is scored as in ``bench_demo.py`` (pointing game on
correctly classified lesion cases, heat share inside the head).

    python benchmarks/bench_small_data.py [--seeds 0,1,2] [--n-per-class 200] [--size 64]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from bench_demo import score_heat_maps


def write_dataset(path: Path, x, y, test_fraction=0.2, val_fraction=0.15) -> dict:
    """Fixed per-class splits (the first cases of each class are test, the next validation)."""
    import h5py

    from voxdesk.engine.demo.brain import CLASS_NAMES

    split = np.full(len(y), "train", dtype=object)
    for k in np.unique(y):
        idx = np.flatnonzero(y == k)
        n_test, n_val = int(round(len(idx) * test_fraction)), int(round(len(idx) * val_fraction))
        split[idx[:n_test]], split[idx[n_test:n_test + n_val]] = "test", "val"
    rows = {s: np.flatnonzero(split == s) for s in ("train", "val", "test")}
    with h5py.File(path, "w") as f:
        for s, r in rows.items():
            f.create_dataset(f"X_{s}", data=x[r], chunks=(1,) + x.shape[1:])
            f.create_dataset(f"y_{s}", data=y[r]).attrs["class_names"] = [n.encode() for n in CLASS_NAMES]
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="0,1,2", help="training seeds (the data stay the same)")
    ap.add_argument("--n-per-class", type=int, default=200)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--normalization", default=None, help="instead of TrainConfig's (for comparisons)")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]

    from voxdesk.engine.datasets import load_dataset
    from voxdesk.engine.demo.brain import make_brain_mr
    from voxdesk.engine.inference.explain import METHODS
    from voxdesk.engine.training.config import TrainConfig
    from voxdesk.engine.training.train import train

    t = time.perf_counter()
    x, y, infos = make_brain_mr(args.n_per_class, args.size, seed=0, masks=True)
    path = Path(tempfile.mkdtemp(prefix="voxdesk-bench-brain-")) / "brain_mr.h5"
    rows = write_dataset(path, x, y)
    print(f"brain MR: {len(y)} volumes of {args.size}^3 ({args.n_per_class} per class), splits "
          + ", ".join(f"{k} {len(v)}" for k, v in rows.items()) + f", made in {time.perf_counter() - t:.0f} s; "
          f"cores: {os.cpu_count()}", flush=True)
    test = rows["test"]
    results = []
    for seed in seeds:
        with load_dataset(path) as ds:
            t = time.perf_counter()
            extra = {"normalization": args.normalization} if args.normalization else {}
            result = train(TrainConfig(seed=seed, **extra), ds)
            wall = time.perf_counter() - t
        m = result.test_metrics
        row = {"acc": m["accuracy"], "wall": wall}
        print(f"seed {seed}: test accuracy {m['accuracy']:.3f} (95% CI {m['accuracy_ci'][0]:.3f}-"
              f"{m['accuracy_ci'][1]:.3f}), ROC AUC {m['roc_auc']:.3f}, {result.epochs_run} epochs "
              f"(best {result.best_epoch}), training {wall:.0f} s; {'; '.join(result.notes)}", flush=True)
        bundle = result.to_bundle()
        for method in METHODS:
            hits, eligible, shares, inside = score_heat_maps(
                bundle, x[test], y[test], [infos[i]["lesion_mask"] for i in test], result.class_names, method)
            row[method] = (hits / max(eligible, 1), float(np.mean(shares)))
            print(f"    {method}: pointing game {hits}/{eligible} = {hits / max(eligible, 1):.0%}; heat inside the "
                  f"head {np.mean(shares):.1%}; hottest voxel inside {np.mean(inside):.0%}", flush=True)
        results.append(row)
    print(f"\nmedian of {len(results)} seeds: test accuracy {statistics.median(r['acc'] for r in results):.3f}, "
          f"training {statistics.median(r['wall'] for r in results):.0f} s")
    for method in METHODS:
        print(f"    {method}: pointing game {statistics.median(r[method][0] for r in results):.0%}, heat inside "
              f"the head {statistics.median(r[method][1] for r in results):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
