"""Training quality and speed: the 3D MNIST tutorial recipe vs VoxDesk's default recipe.

On a 3D-MNIST-layout file (10,000 train / 2,000 test, 16^3, 10 classes; generated with
``voxdesk.engine.demo.digits.make_3dmnist_like`` when missing) this runs, in one process:

  (a) the tutorial recipe: its network (``tutorial-conv3d``), every sample colour-mapped to RGB
      with a ColorBrewer "Oranges" map scaled to the sample's range (as the Kaggle tutorial did
      with matplotlib's ScalarMappable), Adam 1e-3, batch 100, 30 epochs, validation_split 0.2,
      one-hot targets, plain ``model.fit``;
  (b) VoxDesk's default recipe through ``voxdesk.engine.training.train.train``;
  (c) throughput of plain ``model.fit`` vs ``train()`` on the identical model and data
      (preprocessed 1-channel arrays, no augmentation, no validation), median epoch time
      excluding the first (tracing) epoch; the two alternate, several repeats. This VM's speed
      swings by up to ~1.7x for minutes at a time (plain ``model.fit`` alone measured 1338 and
      779 samples/s in consecutive runs), so the figures include the best run of each side.

Test accuracy after each epoch is measured by a callback (for the figures only: never used for
model selection) and its own time is excluded from the wall clocks.

    python benchmarks/bench_training.py [--data FILE] [--quick]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# ColorBrewer "Oranges" (9 classes), the map the tutorial used via matplotlib.
ORANGES = np.array([
    (1.000, 0.961, 0.922), (0.996, 0.902, 0.808), (0.992, 0.816, 0.635), (0.992, 0.682, 0.420),
    (0.992, 0.553, 0.235), (0.945, 0.412, 0.075), (0.851, 0.282, 0.004), (0.651, 0.212, 0.012),
    (0.498, 0.153, 0.016)], np.float32)


def _augments():
    from voxdesk.engine.training.augment import NO_AUGMENT, AugmentConfig

    return {"none": NO_AUGMENT, "default": AugmentConfig(), "flips": AugmentConfig(flips=True),
            "flips-rot90": AugmentConfig(flips=True, rot90=True),
            "no-rotation": AugmentConfig(rotation_deg=0.0), "rot30": AugmentConfig(rotation_deg=30.0)}


AUGMENTS = _augments()


def colormap_rgb(x: np.ndarray) -> np.ndarray:
    """(N, ...) grey -> (N, ..., 3) RGB, each sample scaled to its own min..max (ScalarMappable)."""
    axes = tuple(range(1, x.ndim))
    lo, hi = x.min(axis=axes, keepdims=True), x.max(axis=axes, keepdims=True)
    t = np.where(hi > lo, (x - lo) / np.where(hi > lo, hi - lo, 1), 0) * (len(ORANGES) - 1)
    i = np.clip(np.floor(t).astype(int), 0, len(ORANGES) - 2)
    f = (t - i)[..., None]
    return (ORANGES[i] * (1 - f) + ORANGES[i + 1] * f).astype(np.float32)


def make_callbacks(keras):
    class TestAccuracy(keras.callbacks.Callback):
        """Test accuracy after every epoch; wall time of the run with this callback's time removed."""

        def __init__(self, x, y):
            super().__init__()
            self.x, self.y = x, y
            self.points, self.overhead = [], 0.0

        def on_train_begin(self, logs=None):
            self.t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            t = time.perf_counter()
            elapsed = t - self.t0 - self.overhead
            acc = float((self.model.predict(self.x, batch_size=500, verbose=0).argmax(1) == self.y).mean())
            self.overhead += time.perf_counter() - t
            self.points.append((elapsed, acc))

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self.t)

        def on_train_begin(self, logs=None):
            self.times = []

    return TestAccuracy, EpochTimer


def first_time_reaching(points, target):
    return next((t for t, acc in points if acc >= target), None)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=None, help="3D-MNIST-layout .h5 (generated when missing)")
    ap.add_argument("--quick", action="store_true", help="2,000/500 samples and few epochs (minutes)")
    ap.add_argument("--train-size", type=int, default=None,
                    help="use only the first N training samples of the file (exploration; figures are for 10,000)")
    ap.add_argument("--augment", default=None, choices=sorted(AUGMENTS),
                    help="(b)'s augmentation instead of TrainConfig's auto (for comparisons)")
    ap.add_argument("--lr", type=float, default=None, help="(b)'s peak learning rate; default TrainConfig's")
    ap.add_argument("--tutorial-epochs", type=int, default=None)
    ap.add_argument("--voxdesk-epochs", type=int, default=None)
    ap.add_argument("--model", default="voxnet-bn")
    ap.add_argument("--batch-size", type=int, default=None, help="default: TrainConfig's (auto)")
    ap.add_argument("--patience", type=int, default=None, help="(b)'s early-stopping patience; default TrainConfig's")
    ap.add_argument("--repeats", type=int, default=5, help="throughput repeats (c); medians reported")
    ap.add_argument("--seed", type=int, default=0, help="training seed of (a) and (b); the data stay the same")
    ap.add_argument("--skip", default="", help="comma list of parts to skip: a,b,c")
    args = ap.parse_args(argv)
    n_file, n_test = (2000, 500) if args.quick else (10000, 2000)
    n_train = min(args.train_size or n_file, n_file)
    tut_epochs = args.tutorial_epochs or (5 if args.quick else 30)
    vox_epochs = args.voxdesk_epochs or (5 if args.quick else None)  # None: the recipe's own (auto)
    thr_epochs = 3 if args.quick else 4
    skip = set(args.skip.split(","))

    from voxdesk.engine.demo.digits import make_3dmnist_like

    path = Path(args.data or f"/tmp/voxdesk-bench/3dmnist_like_{n_file}_{n_test}.h5")
    if not path.exists():
        t = time.perf_counter()
        make_3dmnist_like(path, n_train=n_file, n_test=n_test, seed=0)
        print(f"generated {path} in {time.perf_counter() - t:.1f} s")
    import h5py

    with h5py.File(path, "r") as f:
        x_tr = f["X_train"][:n_train].reshape(-1, 16, 16, 16)
        y_tr = f["y_train"][:n_train].astype(np.int64)
        x_te = f["X_test"][:n_test].reshape(-1, 16, 16, 16)
        y_te = f["y_test"][:n_test].astype(np.int64)
    print(f"data: {path} train {len(y_tr)} test {len(y_te)}; cores: {os.cpu_count()}")

    import keras

    from voxdesk.engine.datasets import ArraySamples, LabelledDataset, Split
    from voxdesk.engine.model.consistency import training_data_stats
    from voxdesk.engine.model.networks import build_model
    from voxdesk.engine.model.preprocessing import choose_normalization, make_spec, preprocess_array
    from voxdesk.engine.training.augment import NO_AUGMENT
    from voxdesk.engine.training.config import TrainConfig
    from voxdesk.engine.training.train import train

    TestAccuracy, EpochTimer = make_callbacks(keras)
    names = [str(i) for i in range(10)]
    report = {}

    if "a" not in skip:  # (a) the tutorial recipe
        keras.utils.set_random_seed(args.seed)
        xa_tr, xa_te = colormap_rgb(x_tr), colormap_rgb(x_te)
        model = build_model("tutorial-conv3d", (16, 16, 16, 3), 10)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy",
                      metrics=["accuracy"], jit_compile=False)
        probe = TestAccuracy(xa_te, y_te)
        t = time.perf_counter()
        model.fit(xa_tr, keras.utils.to_categorical(y_tr, 10), batch_size=100, epochs=tut_epochs,
                  validation_split=0.2, callbacks=[probe], verbose=0)
        wall = time.perf_counter() - t - probe.overhead
        acc = float((model.predict(xa_te, batch_size=500, verbose=0).argmax(1) == y_te).mean())
        best = max(a for _, a in probe.points)
        report["a"] = {"acc": acc, "wall": wall, "best_epoch_acc": best}
        print(f"(a) tutorial: test accuracy {acc:.4f} after {tut_epochs} epochs (best epoch {best:.4f}), "
              f"wall {wall:.1f} s")
        print("    per-epoch test accuracy: " + " ".join(f"{a:.3f}" for _, a in probe.points))

    if "b" not in skip:  # (b) VoxDesk's default recipe
        ds = LabelledDataset(names, {"train": Split(ArraySamples(x_tr), y_tr), "test": Split(ArraySamples(x_te), y_te)},
                             str(path), "3dmnist-h5")
        extra = {"batch_size": args.batch_size} if args.batch_size else {}
        if args.augment:
            extra["augment"] = AUGMENTS[args.augment]
        if args.lr:
            extra["learning_rate"] = args.lr
        if args.patience:
            extra["early_stopping_patience"] = args.patience
        config = TrainConfig(model=args.model, epochs=vox_epochs, seed=args.seed, **extra)
        norm, _ = choose_normalization(config.normalization, training_data_stats(ArraySamples(x_tr)))
        spec = make_spec((16, 16, 16), normalization=norm)  # what train() resolves "auto" to
        probe = TestAccuracy(preprocess_array(x_te, spec), y_te)
        t = time.perf_counter()
        result = train(config, ds, callbacks=[probe])
        wall = time.perf_counter() - t - probe.overhead
        acc = result.test_metrics["accuracy"]
        report["b"] = {"acc": acc, "wall": wall, "points": probe.points, "result": result}
        print(f"(b) VoxDesk {args.model}: test accuracy {acc:.4f} (95% CI {result.test_metrics['accuracy_ci']}), "
              f"{result.epochs_run} epochs (best {result.best_epoch}), wall {wall:.1f} s, "
              f"{result.timings['train_samples_per_s']:.0f} samples/s with augmentation")
        print("    per-epoch test accuracy: " + " ".join(f"{a:.3f}" for _, a in probe.points))
        h = result.history
        print("    per epoch (train acc, augmented / val acc): " + " ".join(
            f"{a:.2f}/{v:.2f}" for a, v in zip(h.get("accuracy", []), h.get("val_accuracy", []))))
        print(f"    {'; '.join(result.notes)}", flush=True)
        if "a" in report:
            target = report["a"]["acc"]
            reach = first_time_reaching(probe.points, target)
            prep = result.timings["prepare_s"]
            report["b"]["reach"] = None if reach is None else reach + prep
            print(f"    reaches the tutorial's final accuracy {target:.4f} after "
                  + ("never" if reach is None else f"{reach + prep:.1f} s (incl. {prep:.1f} s data preparation)"))

    if "c" not in skip:  # (c) throughput on the identical model and data
        spec = make_spec((16, 16, 16))
        x_pre = preprocess_array(x_tr, spec)
        bs = args.batch_size or 32  # what TrainConfig's auto batch size is for 10,000 samples
        ds = LabelledDataset(names, {"train": Split(ArraySamples(x_tr), y_tr)}, str(path), "3dmnist-h5")
        config = TrainConfig(model=args.model, epochs=thr_epochs, batch_size=bs, val_fraction=0.0,
                             augment=NO_AUGMENT, early_stopping_patience=100, seed=0, normalization="minmax")
        plains, engines = [], []
        for rep in range(args.repeats):  # alternate, so that a noisy neighbour hits both alike
            keras.utils.set_random_seed(rep)
            model = build_model(args.model, spec.input_shape, 10)
            model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                          metrics=["accuracy"], jit_compile=False)
            timer = EpochTimer()
            model.fit(x_pre, y_tr, batch_size=bs, epochs=thr_epochs, shuffle=True, callbacks=[timer], verbose=0)
            plains.append(len(y_tr) / statistics.median(timer.times[1:]))
            timer = EpochTimer()
            train(config, ds, callbacks=[timer])
            engines.append(len(y_tr) / statistics.median(timer.times[1:]))
            print(f"    repeat {rep + 1}: plain {plains[-1]:.0f}, train() {engines[-1]:.0f} samples/s", flush=True)
        plain, engine = statistics.median(plains), statistics.median(engines)
        ratios = [e / p for p, e in zip(plains, engines)]
        report["c"] = {"plain": plain, "engine": engine}
        print(f"(c) throughput {args.model} batch {bs}, median of {args.repeats}: plain model.fit {plain:.0f} "
              f"samples/s, VoxDesk train() {engine:.0f} samples/s, ratio {engine / plain:.2f}; "
              f"median of the per-repeat ratios {statistics.median(ratios):.2f} "
              f"({', '.join(f'{r:.2f}' for r in ratios)}); "
              f"best runs (least disturbed by this VM's speed swings) {max(plains):.0f} vs {max(engines):.0f}, "
              f"ratio {max(engines) / max(plains):.2f}")

    if "a" in report and "b" in report:
        a, b = report["a"], report["b"]
        print("\nsummary")
        print(f"  test accuracy: tutorial {a['acc']:.4f}, VoxDesk {b['acc']:.4f} "
              f"(+{100 * (b['acc'] - a['acc']):.1f} points)")
        print(f"  wall time: tutorial {a['wall']:.0f} s, VoxDesk {b['wall']:.0f} s")
        if b.get("reach") is not None:
            print(f"  VoxDesk reaches the tutorial's final accuracy in {b['reach']:.0f} s = "
                  f"{b['reach'] / a['wall']:.2f} of the tutorial's wall time")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
