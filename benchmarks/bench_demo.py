"""The first hour on the built-in CT demo: the default recipe's test accuracy and training time,
and whether its Grad-CAM heat maps point at the lesion.

The demo is written exactly as ``voxdesk-cli demo`` writes it (its fixed train/val/test splits),
loaded from its HDF5 file and trained with ``TrainConfig()`` defaults through
``training.train``, the function behind the GUI's Train button and ``voxdesk-cli train``; one
training per seed, on the same data. The phantom generator knows every lesion's voxels
(``demo.generate(masks=True)``), so each test case's heat map is scored:

  * pointing game: on the correctly classified lesion cases (cyst, tumour), the hottest voxel
    of the map for the predicted class lies inside the lesion dilated by one voxel
    (``faithfulness.pointing_hit``);
  * heat inside the body: the share of the map's mass on body voxels (above -500 HU, holes
    filled: ``faithfulness.foreground_mask``), over all test cases (``faithfulness.heat_share``).

Prints one line per seed and the medians. Figures only; nothing is asserted.

    python benchmarks/bench_demo.py [--seeds 0,1,2] [--n-per-class 100]
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

import numpy as np


def _augments():
    from voxdesk.engine.training.augment import NO_AUGMENT, AugmentConfig

    flips = AugmentConfig(flips=True, rotation_deg=0.0, shift=0.0, intensity=0.0, noise=0.0)
    return {"none": NO_AUGMENT, "flips": flips, "flips-noise": AugmentConfig(flips=True, rotation_deg=0.0, shift=0.0,
                                                                             intensity=0.0),
            "flips-shift": AugmentConfig(flips=True, rotation_deg=0.0, intensity=0.0, noise=0.0),
            "flips-rot90": AugmentConfig(flips=True, rot90=True, rotation_deg=0.0, shift=0.0, intensity=0.0, noise=0.0),
            "old-default": AugmentConfig(flips=False)}


AUGMENTS = _augments()


POOLS = ("soft4", "soft16", "max")


def set_pool(name: str | None) -> None:
    """voxnet-bn's scan-form global pool for this run (``networks.SCAN_POOL``): soft-maximum of
    sharpness 4 (the default) or 16, or a global max; None keeps the default."""
    from voxdesk.engine.model import networks

    if name:
        networks.SCAN_POOL, networks.SOFT_SHARPNESS = ("max", 4.0) if name == "max" else ("soft", float(name[4:]))


def score_heat_maps(bundle, x_test, y_test, masks, class_names, method):
    """(pointing hits, lesion cases correctly classified, heat-in-body shares, hottest-in-body flags)."""
    from voxdesk.engine.inference.explain import explain
    from voxdesk.engine.inference.faithfulness import foreground_mask, heat_share, pointing_hit
    from voxdesk.engine.volume import Volume

    hits, eligible, shares, inside = 0, 0, [], []
    for vol, label, mask in zip(x_test, y_test, masks):
        e = explain(bundle, Volume(vol), method=method)
        body = foreground_mask(vol)
        shares.append(heat_share(e.heat, body))
        inside.append(bool(body[e.hottest_voxel]))
        if class_names[label] != "normal" and e.class_index == label:
            eligible += 1
            hits += pointing_hit(e.heat, mask, dilate=1)
    return hits, eligible, shares, inside


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="0,1,2", help="training seeds (the data stay the same)")
    ap.add_argument("--n-per-class", type=int, default=None, help="default: the demo's own")
    ap.add_argument("--model", default=None, help="default: TrainConfig's")
    ap.add_argument("--augment", default=None, choices=sorted(AUGMENTS),
                    help="augmentation instead of TrainConfig's (for comparisons)")
    ap.add_argument("--lr", type=float, default=None, help="default: TrainConfig's")
    ap.add_argument("--epochs", type=int, default=None, help="default: TrainConfig's (auto)")
    ap.add_argument("--pool", default=None, choices=POOLS, help="voxnet-bn's global pool (default: soft4)")
    ap.add_argument("--precision", default=None,
                    help="default: TrainConfig's (auto); a list (float32,bfloat16) trains each seed in each, "
                         "alternating, and prints the medians per precision")
    ap.add_argument("--no-explain", action="store_true", help="skip the heat-map scores (accuracy and time only)")
    ap.add_argument("--save", default=None, metavar="DIR",
                    help="also save each seed's bundle there (demo-seed<N>.voxmodel, as bench_uncertainty.py "
                         "--bundles reads them; with a list of precisions, other than float32: a -<precision> tail)")
    ap.add_argument("--out", default=None, help="folder for the demo data (default: a temporary one)")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    set_pool(args.pool)

    from voxdesk.engine.datasets import load_dataset
    from voxdesk.engine.demo import phantoms as demo
    from voxdesk.engine.demo import store
    from voxdesk.engine.inference.explain import METHODS
    from voxdesk.engine.training.config import TrainConfig
    from voxdesk.engine.training.train import train

    n_per_class = args.n_per_class or demo.DEFAULT_N_PER_CLASS
    root = Path(args.out or tempfile.mkdtemp(prefix="voxdesk-bench-demo-")) / "demo"
    t = time.perf_counter()
    paths = store.ensure_demo_data(root, n_per_class=n_per_class)
    written = time.perf_counter() - t
    x_all, y_all, infos = demo.generate(n_per_class, demo.DEFAULT_SIZE, 0, masks=True)
    test_rows = np.flatnonzero(demo.split_of(y_all) == "test")
    print(f"demo: {len(y_all)} phantoms ({n_per_class} per class) written in {written:.1f} s to {paths.root}; "
          f"{len(test_rows)} test cases; cores: {os.cpu_count()}", flush=True)

    rows = []
    precisions = args.precision.split(",") if args.precision else [None]
    for seed, precision in ((s, p) for s in seeds for p in (precisions if s % 2 == 0 else precisions[::-1])):
        extra = {"model": args.model} if args.model else {}
        if precision:
            extra["precision"] = precision
        if args.augment:
            extra["augment"] = AUGMENTS[args.augment]
        if args.epochs:
            extra["epochs"] = args.epochs
        if args.lr:
            extra["learning_rate"] = args.lr
        config = TrainConfig(seed=seed, **extra)
        with load_dataset(paths.h5) as ds:
            t = time.perf_counter()
            result = train(config, ds)
            wall = time.perf_counter() - t
        m = result.test_metrics
        bundle = result.to_bundle()
        if args.save:
            Path(args.save).mkdir(parents=True, exist_ok=True)
            tag = "" if len(precisions) == 1 or result.precision == "float32" else f"-{result.precision}"
            result.save(Path(args.save) / f"demo-seed{seed}{tag}.voxmodel")  # bench_uncertainty's names
        row = {"seed": seed, "precision": result.precision, "acc": m["accuracy"], "ci": m["accuracy_ci"], "wall": wall,
               "fit": result.timings["fit_s"], "epochs": result.epochs_run, "best": result.best_epoch,
               "ece_before": m.get("ece_uncalibrated", m["ece"]), "ece_after": m["ece"]}
        h = result.history
        print("    per epoch (train acc / val acc): " + " ".join(
            f"{a:.2f}/{v:.2f}" for a, v in zip(h.get("accuracy", []), h.get("val_accuracy", []))), flush=True)
        print(f"seed {seed} ({result.precision}): test accuracy {row['acc']:.3f} "
              f"(95% CI {row['ci'][0]:.3f}-{row['ci'][1]:.3f}), "
              f"{row['epochs']} epochs (best {row['best']}), training {row['wall']:.0f} s (fit {row['fit']:.0f} s); "
              f"test ECE {m.get('ece_uncalibrated', m['ece']):.3f} -> {m['ece']:.3f} after temperature scaling "
              f"(T = {m.get('temperature', 1.0):.2f})", flush=True)
        ref = m.get("referral")
        if ref:
            acc = "n/a" if ref["accuracy_kept"] is None else f"{ref['accuracy_kept']:.3f}"
            print(f"    referral (threshold {ref['threshold']:.3f}, chosen on validation for 95% accuracy): "
                  f"{ref['referred']} of {m['n']} test cases referred, accuracy on the {ref['kept']} kept {acc}",
                  flush=True)
        for method in () if args.no_explain else METHODS:
            t = time.perf_counter()
            hits, eligible, shares, inside = score_heat_maps(
                bundle, x_all[test_rows], y_all[test_rows], [infos[i]["lesion_mask"] for i in test_rows],
                result.class_names, method)
            cam_s = (time.perf_counter() - t) / len(test_rows)
            row[method] = {"point": hits / max(eligible, 1), "body": float(np.mean(shares)),
                           "hottest_in_body": float(np.mean(inside))}
            print(f"    {method}: pointing game {hits}/{eligible} = {hits / max(eligible, 1):.0%}; heat inside "
                  f"the body {np.mean(shares):.1%} (mean share; median {np.median(shares):.1%}); hottest voxel "
                  f"inside the body {np.mean(inside):.0%}; {1000 * cam_s:.0f} ms per case", flush=True)
        rows.append(row)
        print("    confusion matrix (rows true " + ", ".join(result.class_names) + "): "
              + str(m["confusion_matrix"]), flush=True)

    if len(precisions) > 1:
        for p in sorted({r["precision"] for r in rows}):
            mine = [r for r in rows if r["precision"] == p]
            print(f"{p}: test accuracy " + ", ".join(f"{r['acc']:.3f}" for r in mine)
                  + f" (mean {statistics.mean(r['acc'] for r in mine):.3f}); fit "
                  + ", ".join(f"{r['fit']:.0f}" for r in mine) + " s")
        return 0

    def med(key):
        return statistics.median(r[key] for r in rows)

    print(f"\nmedian of {len(rows)} seeds: test accuracy {med('acc'):.3f}, training {med('wall'):.0f} s, "
          f"test ECE {med('ece_before'):.3f} before / {med('ece_after'):.3f} after temperature scaling "
          f"(target: after <= half of before)")
    for method in () if args.no_explain else METHODS:
        print(f"    {method}: pointing game {statistics.median(r[method]['point'] for r in rows):.0%}, heat inside "
              f"the body {statistics.median(r[method]['body'] for r in rows):.1%}, hottest voxel inside the body "
              f"{statistics.median(r[method]['hottest_in_body'] for r in rows):.0%}")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
