"""Per-case uncertainty and calibration on the CT demo (or the 3D-MNIST-like benchmark).

For each trained bundle (one per seed; trained here with ``TrainConfig()`` defaults when
``--bundles`` does not hold it yet) the validation and test splits it was trained with are
preprocessed once with its spec, then, side by side in one process:

  * uncertainty methods (``model.uncertainty.METHODS``): the single pass ("none"), test-time
    augmentation ("tta": the trained flips + one-voxel shifts) and Monte-Carlo dropout ("mc"),
    each averaged over its passes with the bundle's temperature. Per method on the test split:
    accuracy, ECE (15 bins), Brier, AUROC of the uncertainty for the errors (does a high
    uncertainty flag the wrong cases? for 1 - mean confidence, and for the spread across passes),
    accuracy and coverage at the referral threshold chosen on the validation split with the same
    method (target 95%), and the cost: predict time over the single pass's (median of
    ``--repeats`` alternating runs);
  * calibration (issue 14's target: ECE after temperature scaling <= half of before): test ECE
    before (T = 1), with the bundle's temperature (NLL on the validation split, bounded
    scalar search), with T fitted by a dense grid over log T (the same NLL, no local search), with
    T fitted on the validation split's TTA views as extra samples, and the ECE a perfectly
    calibrated model with these very confidences would show on this many test cases (labels
    drawn from its own probabilities: the noise floor of a 15-bin ECE on n cases);
  * the same calibration figures on a larger held-out set made only for measuring calibration
    (``--heldout``, default 600 cases): the demo's generator (or the 3D-MNIST-like one) with
    another seed (``HELDOUT_SEED``), so none of its cases is in any split the bundle was trained,
    selected or calibrated on. On the 120 test scans the floor is ~0.05, about what the
    calibrated ECE reaches, so the ratio there is floor-limited; on 600 cases the floor is
    ~sqrt(5) lower. Also the ECE with the temperature that is best on the held-out set itself
    (an optimistic bound: what temperature scaling could reach with a perfect fit), and where the
    bundle's temperature lies among those fitted on 200 random held-out subsets as large as the
    validation split (is the validation split a typical sample for calibration?).

Prints one block per seed and the medians. Figures only; nothing is asserted.

    python benchmarks/bench_uncertainty.py --bundles DIR [--seeds 0,1,2] [--data demo|mnist] [--heldout 600]
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np


def _data(kind: str, root: Path) -> Path:
    if kind == "demo":
        from voxdesk.engine.demo import store

        return store.ensure_demo_data(root / "demo").h5
    from voxdesk.engine.demo.digits import make_3dmnist_like

    path = root / "mnist-like.h5"
    if not path.exists():
        make_3dmnist_like(path, n_train=2000, n_test=500)
    return path


HELDOUT_SEED = 1001
"""Generator seed of the held-out calibration set (the benchmarks' own data use seed 0)."""


def _heldout_data(kind: str, n: int, root: Path) -> Path:
    """An HDF5 file of ``n`` more cases from the benchmark's generator (seed ``HELDOUT_SEED``)."""
    if kind == "demo":
        from voxdesk.engine.demo import store

        return store.ensure_demo_data(root / f"demo-heldout{n}", seed=HELDOUT_SEED, n_per_class=max(1, n // 3)).h5
    from voxdesk.engine.demo.digits import make_3dmnist_like

    path = root / f"mnist-like-heldout{n}.h5"
    if not path.exists():
        make_3dmnist_like(path, n_train=2, n_test=n, seed=HELDOUT_SEED)
    return path


def _heldout_inputs(bundle, path: Path):
    """(x, y): every case of the held-out file (all its splits), preprocessed with the bundle's spec."""
    from voxdesk.engine.datasets import load_dataset
    from voxdesk.engine.datasets.base import sample_spacings
    from voxdesk.engine.model.preprocessing import preprocess_batch

    xs, ys = [], []
    with load_dataset(path) as ds:
        assert list(ds.class_names) == list(bundle.class_names), (ds.class_names, bundle.class_names)
        for name, part in ds.splits.items():
            if path.name.startswith("mnist") and name != "test":
                continue  # the 2 placeholder training digits
            idx = list(range(len(part)))
            xs.append(preprocess_batch(part.samples.batch(idx), bundle.spec, None, sample_spacings(part.samples, idx)))
            ys.append(np.asarray(part.labels))
    return np.concatenate(xs), np.concatenate(ys)


def _bundle(kind: str, seed: int, data: Path, root: Path):
    from voxdesk.engine.datasets import load_dataset
    from voxdesk.engine.model.bundle import load_bundle
    from voxdesk.engine.training.config import TrainConfig
    from voxdesk.engine.training.train import train

    path = root / f"{kind}-seed{seed}.voxmodel"
    if not path.exists():
        t = time.perf_counter()
        with load_dataset(data) as ds:
            train(TrainConfig(seed=seed), ds).save(path)
        print(f"trained {path.name} in {time.perf_counter() - t:.0f} s", flush=True)
    return load_bundle(path)


def _inputs(bundle, data: Path):
    """(x_val, y_val, x_test, y_test): the splits the bundle was trained with, preprocessed."""
    from voxdesk.engine.datasets import load_dataset
    from voxdesk.engine.datasets.base import sample_spacings
    from voxdesk.engine.datasets.splits import choose_splits
    from voxdesk.engine.model.preprocessing import preprocess_batch
    from voxdesk.engine.training.config import TrainConfig

    config = TrainConfig.from_dict(bundle.metadata["training"]["config"])
    with load_dataset(data) as ds:
        parts = choose_splits(ds, config.val_fraction, config.test_fraction, config.seed)
        out = []
        for part in (parts.val, parts.test):
            idx = list(range(len(part)))
            raw = part.batch(idx)
            out += [preprocess_batch(raw, bundle.spec, None, sample_spacings(part, idx)), np.asarray(part.labels)]
    return out


def _auroc(flag, score) -> float:
    from sklearn.metrics import roc_auc_score

    flag = np.asarray(flag, bool)
    return float(roc_auc_score(flag, score)) if 0 < flag.sum() < len(flag) else float("nan")


def _figures(y, mean, spread, threshold) -> dict:
    from voxdesk.engine.training.evaluation import expected_calibration_error

    wrong = mean.argmax(1) != y
    conf = mean.max(1)
    kept = conf >= threshold if threshold is not None else np.zeros(len(y), bool)
    return {"acc": float(1 - wrong.mean()), "ece": expected_calibration_error(y, mean),
            "brier": float(np.mean(np.sum((mean - np.eye(mean.shape[1])[y]) ** 2, axis=1))),
            "auroc_conf": _auroc(wrong, 1 - conf), "auroc_spread": _auroc(wrong, spread),
            "acc_kept": float(1 - wrong[kept].mean()) if kept.any() else float("nan"),
            "coverage": float(kept.mean())}


def _grid_temperature(y, probs) -> float:
    from voxdesk.engine.model.calibration import apply_temperature, nll

    grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 801))
    return float(grid[int(np.argmin([nll(y, apply_temperature(probs, t)) for t in grid]))])


def _ece_floor(probs, n_draws: int = 400, seed: int = 0) -> float:
    """Median ECE of a perfectly calibrated model with these probabilities on len(probs) cases."""
    from voxdesk.engine.training.evaluation import expected_calibration_error

    rng = np.random.default_rng(seed)
    cum = probs.cumsum(1)
    draws = [(rng.random((len(probs), 1)) > cum).sum(1).clip(0, probs.shape[1] - 1) for _ in range(n_draws)]
    return float(np.median([expected_calibration_error(d, probs) for d in draws]))


def _timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _heldout_figures(bundle, path: Path, n_val: int, draws: int = 200) -> dict:
    """Calibration on the held-out set: ECE before, with the bundle's T, with the T best on it, the
    floor; and where the bundle's T (fitted on ``n_val`` validation cases) lies among the T of
    ``draws`` random held-out subsets of that size (the share below it, and their 10/50/90th percentiles)."""
    from voxdesk.engine.model.calibration import apply_temperature, fit_temperature
    from voxdesk.engine.model.uncertainty import sample
    from voxdesk.engine.training.evaluation import expected_calibration_error

    x, y = _heldout_inputs(bundle, path)
    raw = sample(bundle.model, x, "none")[0]
    t_best = fit_temperature(y, raw)
    cal = apply_temperature(raw, bundle.temperature)
    rng = np.random.default_rng(0)
    subs = [fit_temperature(y[i], raw[i]) for i in (rng.choice(len(y), min(n_val, len(y)), replace=False)
                                                   for _ in range(draws))]
    return {"n": len(y), "acc": float((raw.argmax(1) == y).mean()), "before": expected_calibration_error(y, raw),
            "bundle": expected_calibration_error(y, cal), "floor": _ece_floor(cal),
            "best_t": t_best, "best": expected_calibration_error(y, apply_temperature(raw, t_best)),
            "sub_below": float(np.mean(np.array(subs) < bundle.temperature)),
            "sub_t": [float(v) for v in np.percentile(subs, [10, 50, 90])]}


def run_seed(bundle, data: Path, repeats: int, heldout: Path | None = None) -> dict:
    from voxdesk.engine.model.calibration import apply_temperature, fit_temperature, referral_threshold
    from voxdesk.engine.model.uncertainty import METHODS, sample, summarise
    from voxdesk.engine.training.evaluation import expected_calibration_error

    x_val, y_val, x_test, y_test = _inputs(bundle, data)
    model, meta, temp = bundle.model, bundle.metadata, bundle.temperature
    out = {"n_test": len(y_test), "methods": {}}
    passes = {}
    for method in METHODS:  # warm: trace every function once before timing
        sample(model, x_test[:2], method, meta)
    times = {m: [] for m in METHODS}
    for _ in range(repeats):  # alternate the methods, so a slow minute hits them alike
        for method in METHODS:
            t = time.perf_counter()
            passes[method] = sample(model, x_test, method, meta)
            times[method].append(time.perf_counter() - t)
    base = statistics.median(times["none"])
    for method in METHODS:
        val_mean, _ = summarise(sample(model, x_val, method, meta), temp)
        threshold = referral_threshold(y_val, val_mean)["threshold"]
        mean, spread = summarise(passes[method], temp)
        row = _figures(y_test, mean, spread, threshold)
        row["cost"] = statistics.median(times[method]) / base
        row["passes"] = passes[method].shape[0]
        out["methods"][method] = row
    single_test, single_val = passes["none"][0], sample(model, x_val, "none")[0]
    t_grid = _grid_temperature(y_val, single_val)
    tta_val = sample(model, x_val, "tta", meta)
    t_tta = fit_temperature(np.tile(y_val, len(tta_val)), tta_val.reshape(-1, tta_val.shape[-1]))
    out["ece"] = {
        "before": expected_calibration_error(y_test, single_test),
        "bundle": expected_calibration_error(y_test, apply_temperature(single_test, temp)),
        "grid": expected_calibration_error(y_test, apply_temperature(single_test, t_grid)),
        "tta_views": expected_calibration_error(y_test, apply_temperature(single_test, t_tta)),
        "floor": _ece_floor(apply_temperature(single_test, temp)),
        "val_before": expected_calibration_error(y_val, single_val),
        "val_after": expected_calibration_error(y_val, apply_temperature(single_val, temp)),
    }
    out["temperatures"] = {"bundle": temp, "grid": t_grid, "tta_views": t_tta}
    if heldout is not None:
        out["heldout"] = _heldout_figures(bundle, heldout, len(y_val))
    return out


def _print_seed(seed, r):
    print(f"seed {seed}: {r['n_test']} test cases; T bundle {r['temperatures']['bundle']:.2f}, "
          f"grid {r['temperatures']['grid']:.2f}, on TTA views {r['temperatures']['tta_views']:.2f}")
    for method, m in r["methods"].items():
        print(f"    {method:<4} ({m['passes']:>2} passes, cost {m['cost']:4.1f}x): acc {m['acc']:.3f}  "
              f"ECE {m['ece']:.3f}  Brier {m['brier']:.3f}  AUROC errors: 1-conf {m['auroc_conf']:.3f}, "
              f"spread {m['auroc_spread']:.3f}  at referral: acc {m['acc_kept']:.3f} on {m['coverage']:.0%} kept")
    e = r["ece"]
    print(f"    test ECE: before {e['before']:.3f}, bundle T {e['bundle']:.3f} ({e['bundle'] / e['before']:.2f}x), "
          f"grid T {e['grid']:.3f}, T on TTA views {e['tta_views']:.3f}; floor of a calibrated model "
          f"{e['floor']:.3f}; validation {e['val_before']:.3f} -> {e['val_after']:.3f}", flush=True)
    h = r.get("heldout")
    if h:
        print(f"    held-out ({h['n']} cases, acc {h['acc']:.3f}): ECE before {h['before']:.3f}, bundle T "
              f"{h['bundle']:.3f} ({h['bundle'] / h['before']:.2f}x); floor {h['floor']:.3f}; best T on it "
              f"{h['best_t']:.2f}: {h['best']:.3f} ({h['best'] / h['before']:.2f}x); bundle T above the T of "
              f"{h['sub_below']:.0%} of held-out subsets as large as the validation split (their 10/50/90%: "
              + " / ".join(f"{t:.2f}" for t in h["sub_t"]) + ")", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundles", required=True, metavar="DIR",
                    help="folder of <data>-seed<N>.voxmodel (trained when missing)")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--data", default="demo", choices=["demo", "mnist"])
    ap.add_argument("--repeats", type=int, default=3, help="timing repeats per method (medians)")
    ap.add_argument("--heldout", type=int, default=600,
                    help="cases in the held-out calibration set (made once into DIR; 0: none)")
    args = ap.parse_args(argv)
    root = Path(args.bundles)
    root.mkdir(parents=True, exist_ok=True)
    data = _data(args.data, root)
    heldout = _heldout_data(args.data, args.heldout, root) if args.heldout > 0 else None
    results = []
    for seed in (int(s) for s in args.seeds.split(",")):
        r = run_seed(_bundle(args.data, seed, data, root), data, args.repeats, heldout)
        _print_seed(seed, r)
        results.append(r)

    def med(values):
        return statistics.median(values)

    print(f"\nmedians over {len(results)} seed(s), {args.data}:")
    for method in results[0]["methods"]:
        rows = [r["methods"][method] for r in results]
        print(f"    {method:<4}: cost {med(m['cost'] for m in rows):.1f}x, acc {med(m['acc'] for m in rows):.3f}, "
              f"ECE {med(m['ece'] for m in rows):.3f}, Brier {med(m['brier'] for m in rows):.3f}, AUROC errors "
              f"1-conf {med(m['auroc_conf'] for m in rows):.3f} / spread {med(m['auroc_spread'] for m in rows):.3f}, "
              f"at referral acc {med(m['acc_kept'] for m in rows):.3f} on {med(m['coverage'] for m in rows):.0%}")
    e = [r["ece"] for r in results]
    print(f"    test ECE before {med(x['before'] for x in e):.3f} -> bundle T {med(x['bundle'] for x in e):.3f} "
          f"(ratio {med(x['bundle'] / x['before'] for x in e):.2f}; target <= 0.50), grid T "
          f"{med(x['grid'] for x in e):.3f}, T on TTA views {med(x['tta_views'] for x in e):.3f}; "
          f"calibrated-model floor {med(x['floor'] for x in e):.3f}")
    h = [r["heldout"] for r in results if "heldout" in r]
    if h:
        print(f"    held-out ({h[0]['n']} cases): ECE before {med(x['before'] for x in h):.3f} -> bundle T "
              f"{med(x['bundle'] for x in h):.3f} (ratio {med(x['bundle'] / x['before'] for x in h):.2f}; "
              f"per seed " + ", ".join(f"{x['bundle'] / x['before']:.2f}" for x in h) + "), floor "
              f"{med(x['floor'] for x in h):.3f}; best T on it {med(x['best'] for x in h):.3f} "
              f"(ratio {med(x['best'] / x['before'] for x in h):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
