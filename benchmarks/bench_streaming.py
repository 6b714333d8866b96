"""Training on data larger than memory: peak RSS stays flat while ``train()`` streams an HDF5 file
(or a folder of .nii.gz class folders) several times ``in_memory_limit_mb``, and the speed of
the streamed path against the in-memory one on a subset that fits, side by side in one run.

What it does (nothing asserted; the written data is deleted at the end):

1. writes ``--gb`` of ``--side``^3 float32 volumes (HDF5, uncompressed; ``--format nifti``:
   int16 .nii.gz class folders) into a temporary folder (``--dir``, default the system's);
2. trains one epoch on all of it with ``in_memory_limit_mb = --limit-mb`` (so it streams),
   sampling this process's RSS (``/proc/self/status``) every 0.2 s: prints the peak, the RSS
   curve during the epoch (deciles) and its slope in MB per 100 batches;
3. on a subset of ``--fit`` volumes (in memory under the limit): the second of two epochs in memory, streamed
   with read-ahead, streamed serially (``STREAM_AHEAD = 0``), alternating ``--repeats`` times;
   prints samples/s and the ratios.

Run: ``python benchmarks/bench_streaming.py [--gb 2] [--side 96] [--limit-mb 256] [--format h5]``
(``--gb 8`` for the issue's size: check ``df -h`` first). Data written here stay in the page
cache, so this measures memory and CPU-bound reading, not the disk.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class RssSampler(threading.Thread):
    """(time, RSS MB) every ``period`` s until stopped."""

    def __init__(self, period: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.period, self.samples, self._halt = period, [], threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.samples.append((time.perf_counter(), rss_mb()))
            self._halt.wait(self.period)

    def stop(self) -> list:
        self._halt.set()
        self.join()
        return self.samples


def _volumes(rng, n, side):
    """Smooth-ish random volumes, float32 (a blurred field plus a class-dependent blob)."""
    x = rng.standard_normal((n, side, side, side), dtype=np.float32)
    x += np.roll(x, 1, 1) + np.roll(x, 1, 2) + np.roll(x, 1, 3)
    return x


def write_h5(root: Path, n: int, side: int, seed: int = 0) -> Path:
    import h5py

    rng = np.random.default_rng(seed)
    path = root / "big.h5"
    with h5py.File(path, "w") as f:
        ds = f.create_dataset("X_train", (n, side, side, side), np.float32)
        f["y_train"] = np.arange(n) % 2
        for s in range(0, n, 16):
            ds[s:s + 16] = _volumes(rng, min(16, n - s), side)
    return path


def write_nifti(root: Path, n: int, side: int, seed: int = 0) -> Path:
    import nibabel as nib

    rng = np.random.default_rng(seed)
    folder = root / "big"
    for c in ("a", "b"):
        (folder / c).mkdir(parents=True)
    for i in range(0, n, 16):
        for j, v in enumerate(_volumes(rng, min(16, n - i), side)):
            data = np.clip(v * 100, -1000, 1000).astype(np.int16)
            nib.save(nib.Nifti1Image(data, np.eye(4)), folder / "ab"[(i + j) % 2] / f"s{i + j:05d}.nii.gz")
    return folder


def _fit(dataset, limit_mb, batch, model, on_batch=None, epochs=1):
    """(TrainResult, seconds of the last epoch)."""
    from voxdesk.engine.training.config import TrainConfig
    from voxdesk.engine.training.train import train

    config = TrainConfig(model=model, epochs=epochs, batch_size=batch, val_fraction=0.05, test_fraction=0.0,
                         augment=None, in_memory_limit_mb=limit_mb, seed=0)
    ends = [time.perf_counter()]
    result = train(config, dataset, on_batch=on_batch, on_epoch=lambda _d: ends.append(time.perf_counter()))
    return result, ends[-1] - ends[-2]


def _curve(samples, t0, t1):
    inside = [(t, r) for t, r in samples if t0 <= t <= t1]
    if len(inside) < 3:
        return inside, float("nan")
    t, r = np.array(inside).T
    slope = np.polyfit(t - t0, r, 1)[0]  # MB per second
    return inside, slope


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gb", type=float, default=2.0, help="size of the written dataset (float32 voxels)")
    ap.add_argument("--side", type=int, default=96)
    ap.add_argument("--limit-mb", type=float, default=256.0, help="in_memory_limit_mb of the big run")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--model", default="voxnet-bn")
    ap.add_argument("--format", choices=("h5", "nifti"), default="h5")
    ap.add_argument("--fit", type=int, default=48, help="volumes of the in-memory comparison")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--dir", default=None, help="where to write the data (deleted at the end)")
    ap.add_argument("--skip-big", action="store_true", help="only the in-memory comparison")
    args = ap.parse_args(argv)

    from voxdesk.engine.datasets import load_dataset
    from voxdesk.engine.datasets.base import Split
    from voxdesk.engine.datasets.splits import Subset
    from voxdesk.engine.training import augment

    vol_mb = args.side**3 * 4 / 2**20
    n = max(args.fit, int(args.gb * 1024 / vol_mb))
    root = Path(tempfile.mkdtemp(prefix="voxdesk-stream-", dir=args.dir))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {args.model}, batch {args.batch}, "
          f"{args.side}^3 ({vol_mb:.1f} MB per preprocessed volume), data in {root}")
    try:
        t = time.perf_counter()
        writer = write_h5 if args.format == "h5" else write_nifti
        src = writer(root, n, args.side)
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 2**30
        print(f"wrote {n} volumes ({n * vol_mb / 1024:.2f} GB preprocessed, {size:.2f} GB on disk, "
              f"{args.format}) in {time.perf_counter() - t:.0f} s; RSS now {rss_mb():.0f} MB")

        if not args.skip_big:
            marks: list[float] = []
            sampler = RssSampler()
            sampler.start()
            with load_dataset(src) as data:
                t = time.perf_counter()
                res, _ = _fit(data, args.limit_mb, args.batch, args.model,
                              on_batch=lambda _d: marks.append(time.perf_counter()))
                wall = time.perf_counter() - t
            samples = sampler.stop()
            peak = max(r for _, r in samples)
            print(f"\nstreamed epoch: {res.split_sizes['train']} volumes, in_memory={res.split_sizes['in_memory']}, "
                  f"{res.timings['train_samples_per_s']:.1f} samples/s, train() {wall:.0f} s")
            print(f"peak RSS {peak:.0f} MB over train() (data {n * vol_mb:.0f} MB, "
                  f"{n * vol_mb / args.limit_mb:.1f}x the {args.limit_mb:.0f} MB limit)")
            if marks:
                fit_peak = max((r for t, r in samples if marks[0] <= t <= marks[-1]), default=float("nan"))
                after = max((r for t, r in samples if t > marks[-1]), default=float("nan"))
                print(f"  during the epoch's batches {fit_peak:.0f} MB; after them (validation, calibration) "
                      f"{after:.0f} MB")
            if len(marks) > 8:
                steady0 = marks[len(marks) // 5]  # after the first fifth: model built, pipeline full
                inside, slope = _curve(samples, steady0, marks[-1])
                rs = [r for _, r in inside]
                deciles = [rs[int(i * (len(rs) - 1) / 9)] for i in range(10)]
                per_batch = (marks[-1] - steady0) / max(1, len(marks) - len(marks) // 5)
                print("RSS during the epoch (last 4/5, deciles, MB): " + " ".join(f"{d:.0f}" for d in deciles))
                print(f"RSS slope {slope * per_batch * 100:+.1f} MB per 100 batches "
                      f"(range {min(rs):.0f}-{max(rs):.0f} MB over {len(marks) - len(marks) // 5} batches)")

        print(f"\nin memory vs streamed on {args.fit} volumes ({args.fit * vol_mb:.0f} MB), the second epoch of two "
              f"(the first traces the model), alternating {args.repeats}x:")
        if args.format == "h5":
            import h5py

            sub = root / "fit.h5"
            with h5py.File(src, "r") as f, h5py.File(sub, "w") as g:
                g["X_train"], g["y_train"] = f["X_train"][:args.fit], f["y_train"][:args.fit]
        else:
            sub = src  # the folder: the comparison reads its first files via the streamed/in-memory limit
        speeds: dict[str, list[float]] = {"in memory": [], "streamed, read-ahead": [], "streamed, serial": []}
        default_ahead = augment.STREAM_AHEAD
        for _ in range(args.repeats):
            for name, limit, ahead in (("in memory", 1e6, default_ahead), ("streamed, read-ahead", 1, default_ahead),
                                       ("streamed, serial", 1, 0)):
                augment.STREAM_AHEAD = ahead
                with load_dataset(sub) as data:
                    if args.format == "nifti":  # the first --fit files of the folder
                        split = next(iter(data.splits.values()))
                        keep = np.arange(min(args.fit, len(split)))
                        data.splits = {"train": Split(Subset(split.samples, keep, split.labels), split.labels[keep])}
                    res, last = _fit(data, limit, args.batch, args.model, epochs=2)
                speeds[name].append(res.split_sizes["train"] / last)
        augment.STREAM_AHEAD = default_ahead
        med = {k: statistics.median(v) for k, v in speeds.items()}
        for k, v in speeds.items():
            print(f"  {k:22s} {med[k]:7.1f} samples/s  ({', '.join(f'{s:.1f}' for s in v)})")
        print(f"  ratio streamed (read-ahead) / in memory: {med['streamed, read-ahead'] / med['in memory']:.2f}")
        print(f"  ratio read-ahead / serial stream:        {med['streamed, read-ahead'] / med['streamed, serial']:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
        print(f"deleted {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
