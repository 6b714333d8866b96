"""Batch classification of a folder of .nii.gz files: volumes/s with reading overlapped with
prediction (``iter_classify``'s read-ahead) against the serial path (``read_ahead=0``), reading
alone (open, hash and preprocess every file with the same reader threads, no model: the upper
bound) and predicting alone (the preprocessed inputs, no files), side by side, alternating; with
the process's CPU time per volume (less sensitive than wall time to a machine shared with others).

``voxnet-bn`` with untrained weights (speed does not depend on them), 2 classes, batch 16; the
files are CT-like int16 scans written to a temporary folder (deleted at the end). Run:

    .venv/bin/python benchmarks/bench_batch_inference.py [--sides 64 128] [--files 48 24] [--repeats 2]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np


def write_scans(folder: Path, n: int, side: int) -> list[str]:
    import nibabel as nib

    rng = np.random.default_rng(side)
    x, y, z = np.ogrid[:side, :side, :side]
    body = ((x - side / 2) ** 2 + (y - side / 2) ** 2) < (0.4 * side) ** 2
    paths = []
    for i in range(n):
        data = np.where(body, 40, -1000).astype(np.int16) + rng.integers(-20, 21, (side,) * 3, dtype=np.int16)
        c = rng.integers(side // 4, 3 * side // 4, 3)
        data[((x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2) < (side / 10) ** 2] += 60 * (i % 2)
        p = folder / f"case{i:03d}.nii.gz"
        nib.save(nib.Nifti1Image(data, np.eye(4)), p)
        paths.append(str(p))
    return paths


def bench_side(tmp: Path, side: int, n: int, args) -> None:
    from voxdesk.engine.inference import classify as cl
    from voxdesk.engine.model.bundle import Bundle
    from voxdesk.engine.model.networks import DEFAULT_MODEL, build_model
    from voxdesk.engine.model.preprocessing import make_spec
    from voxdesk.engine.readahead import ordered_map

    folder = tmp / str(side)
    folder.mkdir()
    paths = write_scans(folder, n, side)
    spec = make_spec((side,) * 3, normalization="ct-window")
    model = build_model(DEFAULT_MODEL, spec.input_shape, 2)
    bundle = Bundle(model=model, metadata={"class_names": ["a", "b"], "input_shape": list(spec.input_shape),
                                           "preprocessing": spec.to_dict(), "model_name": DEFAULT_MODEL})
    runner = cl._runner(bundle)
    runner.predict(np.zeros((args.batch,) + spec.input_shape, np.float32))  # trace once
    x = np.stack([cl._read_row(runner, p, 0, False, {})[1].x for p in paths[: args.batch]])

    def overlapped():
        rows = list(cl.iter_classify(bundle, paths, batch_size=args.batch, read_ahead=args.batch))
        assert all(r.ok for r in rows)

    def serial():
        list(cl.iter_classify(bundle, paths, batch_size=args.batch, read_ahead=0))

    def reading():
        for _ in ordered_map(lambda p: cl._read_row(runner, p, 0, True, {}), paths, ahead=args.batch):
            pass

    def predicting():
        for _ in range(0, n, args.batch):
            runner.predict(x)

    runs: dict[str, list[float]] = {"overlapped": [], "serial": [], "reading alone": [], "predicting alone": []}
    cpu: dict[str, list[float]] = {k: [] for k in runs}
    fns = {"overlapped": overlapped, "serial": serial, "reading alone": reading, "predicting alone": predicting}
    for _ in range(args.repeats):
        for name, fn in fns.items():
            t, c = time.perf_counter(), sum(os.times()[:2])
            fn()
            runs[name].append(n / (time.perf_counter() - t))
            cpu[name].append(1000 * (sum(os.times()[:2]) - c) / n)
    med = {k: statistics.median(v) for k, v in runs.items()}
    size = sum(os.path.getsize(p) for p in paths) / n / 2**20
    print(f"\n{side}^3, {n} .nii.gz files ({size:.1f} MB each), volumes/s (median of {args.repeats}):")
    for k, v in runs.items():
        print(f"  {k:17s} {med[k]:7.1f}  ({', '.join(f'{s:.1f}' for s in v)}); "
              f"CPU {statistics.median(cpu[k]):.0f} ms per volume")
    bound = min(med["reading alone"], med["predicting alone"])
    print(f"  overlapped / serial {med['overlapped'] / med['serial']:.2f}; overlapped / reading alone "
          f"{med['overlapped'] / med['reading alone']:.2f}; overlapped / min(reading, predicting) "
          f"{med['overlapped'] / bound:.2f}")
    shutil.rmtree(folder)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sides", type=int, nargs="+", default=[64, 128])
    ap.add_argument("--files", type=int, nargs="+", default=[48, 24], help="files per side")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args(argv)

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; voxnet-bn, batch {args.batch}")
    tmp = Path(tempfile.mkdtemp(prefix="voxdesk-batch-"))
    try:
        files = args.files + args.files[-1:] * len(args.sides)  # one count per side, the last repeated
        for side, n in zip(args.sides, files):
            bench_side(tmp, side, n, args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
