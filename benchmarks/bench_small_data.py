"""A second small-data benchmark, of another anatomy and modality than the CT demo: brain MR.

``voxdesk.engine.demo.brain`` makes FLAIR-like brain volumes (64^3, the size of the binary
brain-scan tutorial; arbitrary intensity units) labelled ``lesion`` / ``normal`` (see its
docstring). They are written as an HDF5 file with fixed splits (``X_train``/``y_train``,
``X_val``, ``X_test``: by default 260 / 60 / 80 volumes), loaded with ``load_dataset`` and trained
with ``TrainConfig()`` defaults through ``training.train``, one training per seed on the same
data; then every test case's Grad-CAM map is scored as in ``bench_demo.py`` (pointing game on
correctly classified lesion cases, heat share inside the head).

    python benchmarks/bench_small_data.py [--seeds 0,1,2] [--n-per-class 200] [--size 64]
        [--normalization robust] [--pool max] [--augment flips]
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
from bench_demo import AUGMENTS, POOLS, score_heat_maps, set_pool


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


def cached_brain_mr(n_per_class: int, size: int):
    """``make_brain_mr(..., seed=0, masks=True)``, kept in /tmp/voxdesk-bench under a name that
    changes with the generator's source (making 400 volumes takes minutes on 2 busy cores)."""
    import hashlib

    from voxdesk.engine.demo import brain

    digest = hashlib.sha256(Path(brain.__file__).read_bytes()).hexdigest()[:12]
    path = Path(f"/tmp/voxdesk-bench/brain_mr_{n_per_class}_{size}_{digest}.npz")
    if path.exists():
        with np.load(path) as f:
            x, y, masks = f["x"], f["y"], f["masks"]
        return x, y, [{"lesion_mask": m} for m in masks]
    x, y, infos = brain.make_brain_mr(n_per_class, size, seed=0, masks=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path.with_suffix(".tmp.npz"), x=x, y=y, masks=np.stack([i["lesion_mask"] for i in infos]))
    path.with_suffix(".tmp.npz").replace(path)
    return x, y, infos


def print_global_cue(x, y, lesion_masks) -> None:
    """How much a scan's normalisation tells its class without looking at the lesion: the median
    normalised intensity of the head (``foreground_mask``) per class, for min-max and robust; and
    how often the lesion (dilated by two voxels) holds the scan's maximum, which min-max divides by."""
    from scipy import ndimage

    from voxdesk.engine.demo.brain import CLASS_NAMES
    from voxdesk.engine.inference.faithfulness import foreground_mask
    from voxdesk.engine.model.preprocessing import make_spec, preprocess_array

    lesion = [i for i in range(len(y)) if lesion_masks[i].any()]
    at_max = [ndimage.binary_dilation(lesion_masks[i], iterations=2).reshape(-1)[int(np.argmax(x[i]))] for i in lesion]
    print(f"    the scan's maximum lies on the lesion in {int(np.sum(at_max))} of {len(lesion)} lesion scans",
          flush=True)
    masks = [foreground_mask(v) for v in x]
    for norm in ("minmax", "robust"):
        p = preprocess_array(x, make_spec(x.shape[1:], normalization=norm))[..., 0]
        level = np.array([np.median(q[m]) for q, m in zip(p, masks)])
        print(f"    {norm}: median head intensity " + ", ".join(
            f"{name} {level[y == k].mean():.3f} (sd {level[y == k].std():.3f})" for k, name in enumerate(CLASS_NAMES)),
            flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="0,1,2", help="training seeds (the data stay the same)")
    ap.add_argument("--n-per-class", type=int, default=200)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--normalization", default=None, help="instead of TrainConfig's (for comparisons)")
    ap.add_argument("--epochs", type=int, default=None, help="default: TrainConfig's (auto)")
    ap.add_argument("--model", default=None, help="default: TrainConfig's")
    ap.add_argument("--augment", default=None, choices=sorted(AUGMENTS),
                    help="augmentation instead of TrainConfig's (for comparisons)")
    ap.add_argument("--pool", default=None, choices=POOLS, help="voxnet-bn's global pool (default: soft4)")
    ap.add_argument("--no-heat", action="store_true", help="skip scoring the heat maps (exploration)")
    ap.add_argument("--verbose", action="store_true", help="a line per epoch while training")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    set_pool(args.pool)

    from voxdesk.engine.datasets import load_dataset
    from voxdesk.engine.inference.explain import METHODS
    from voxdesk.engine.training.config import TrainConfig
    from voxdesk.engine.training.train import train

    t = time.perf_counter()
    x, y, infos = cached_brain_mr(args.n_per_class, args.size)
    path = Path(tempfile.mkdtemp(prefix="voxdesk-bench-brain-")) / "brain_mr.h5"
    rows = write_dataset(path, x, y)
    print(f"brain MR: {len(y)} volumes of {args.size}^3 ({args.n_per_class} per class), splits "
          + ", ".join(f"{k} {len(v)}" for k, v in rows.items())
          + f", made (or loaded) in {time.perf_counter() - t:.0f} s; cores: {os.cpu_count()}", flush=True)
    test = rows["test"]
    print_global_cue(x[test], y[test], [infos[i]["lesion_mask"] for i in test])
    results = []
    for seed in seeds:
        with load_dataset(path) as ds:
            t = time.perf_counter()
            extra = {"normalization": args.normalization} if args.normalization else {}
            extra.update({k: v for k, v in (("epochs", args.epochs), ("model", args.model)) if v})
            if args.augment:
                extra["augment"] = AUGMENTS[args.augment]
            on_epoch = (lambda e: print(f"    epoch {e['epoch']}/{e['epochs']}: train acc {e['accuracy']:.2f}, "
                                        f"val acc {e.get('val_accuracy', float('nan')):.2f}, {e['seconds']:.0f} s",
                                        flush=True)) if args.verbose else None
            result = train(TrainConfig(seed=seed, **extra), ds, on_epoch=on_epoch)
            wall = time.perf_counter() - t
        m = result.test_metrics
        row = {"acc": m["accuracy"], "wall": wall}
        h = result.history
        print("    per epoch (train acc / val acc): " + " ".join(
            f"{a:.2f}/{v:.2f}" for a, v in zip(h.get("accuracy", []), h.get("val_accuracy", []))), flush=True)
        print(f"seed {seed}: test accuracy {m['accuracy']:.3f} (95% CI {m['accuracy_ci'][0]:.3f}-"
              f"{m['accuracy_ci'][1]:.3f}), ROC AUC {m['roc_auc']:.3f}, {result.epochs_run} epochs "
              f"(best {result.best_epoch}), training {wall:.0f} s; {'; '.join(result.notes)}", flush=True)
        bundle = result.to_bundle()
        for method in () if args.no_heat else METHODS:
            hits, eligible, shares, inside = score_heat_maps(
                bundle, x[test], y[test], [infos[i]["lesion_mask"] for i in test], result.class_names, method)
            row[method] = (hits / max(eligible, 1), float(np.mean(shares)))
            print(f"    {method}: pointing game {hits}/{eligible} = {hits / max(eligible, 1):.0%}; heat inside the "
                  f"head {np.mean(shares):.1%}; hottest voxel inside {np.mean(inside):.0%}", flush=True)
        results.append(row)
    print(f"\nmedian of {len(results)} seeds: test accuracy {statistics.median(r['acc'] for r in results):.3f}, "
          f"training {statistics.median(r['wall'] for r in results):.0f} s")
    for method in () if args.no_heat else METHODS:
        print(f"    {method}: pointing game {statistics.median(r[method][0] for r in results):.0%}, heat inside "
              f"the head {statistics.median(r[method][1] for r in results):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
