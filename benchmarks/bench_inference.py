"""Inference speed: classify one 64^3 volume warm (target <= 50 ms, preprocessing included),
batch throughput (volumes/s), and Grad-CAM for one 64^3 volume (target <= 1 s).

Default model (``voxnet-bn``) at a 64^3 x 1 input, 2 classes, untrained weights (speed does not
depend on them); ``--also`` times other registry models for one volume (the registry recommends
``resnet3d-small`` for 64^3 and up). Figures are medians of several runs after a warm-up; the
load average is printed because the machine may be shared. Run:

    .venv/bin/python benchmarks/bench_inference.py [--runs 10] [--batch 32] [--also resnet3d-small]
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


def _median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=32, help="volumes in the throughput run")
    ap.add_argument("--side", type=int, default=64)
    ap.add_argument("--also", nargs="*", default=["resnet3d-small"], help="other models to time")
    args = ap.parse_args(argv)

    import nibabel as nib

    from voxdesk.engine.inference.classify import classify, classify_many
    from voxdesk.engine.inference.explain import explain
    from voxdesk.engine.model.bundle import Bundle
    from voxdesk.engine.model.networks import DEFAULT_MODEL, build_model
    from voxdesk.engine.model.preprocessing import make_spec
    from voxdesk.engine.volume import Volume

    side = args.side
    spec = make_spec((side,) * 3)

    def make_bundle(name):
        model = build_model(name, spec.input_shape, 2)
        return model, Bundle(model=model, metadata={"class_names": ["a", "b"], "input_shape": list(spec.input_shape),
                                                    "preprocessing": spec.to_dict(), "model_name": name})

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    t0 = time.perf_counter()
    model, bundle = make_bundle(DEFAULT_MODEL)
    rng = np.random.default_rng(0)
    vol = Volume(rng.random((side,) * 3, dtype=np.float32) * 255)
    odd = Volume(rng.random((side + side // 2, side, side - 8), dtype=np.float32) * 255)
    t = time.perf_counter()
    classify(bundle, vol)
    first = time.perf_counter() - t
    print(f"model {DEFAULT_MODEL} {spec.input_shape}, {model.count_params():,} parameters; "
          f"build {t - t0:.1f} s, first classify (trace) {first * 1e3:.0f} ms")

    warm = _median_time(lambda: classify(bundle, vol), args.runs)
    print(f"classify one {side}^3 volume, warm, incl. preprocessing:   {warm * 1e3:7.1f} ms  (target <= 50 ms)")
    warm_odd = _median_time(lambda: classify(bundle, odd), args.runs)
    print(f"  same, {'x'.join(map(str, odd.shape))} volume resampled to {side}^3:     {warm_odd * 1e3:7.1f} ms")
    x = np.asarray(vol.data, np.float32)[None, ..., None] / 255
    predict = _median_time(lambda: model.predict(x, verbose=0), max(3, args.runs // 3))
    print(f"  for reference, keras model.predict per call (no prep.): {predict * 1e3:7.1f} ms")

    vols = [Volume(rng.random((side,) * 3, dtype=np.float32) * 255) for _ in range(args.batch)]
    for bs in (1, 16):
        classify_many(bundle, vols[:bs], batch_size=bs)  # warm this batch size
        secs = _median_time(lambda bs=bs: classify_many(bundle, vols, batch_size=bs), 3)
        print(f"batch throughput, in-memory volumes, batch size {bs:>2}:     {len(vols) / secs:7.1f} volumes/s")
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, v in enumerate(vols[:16]):
            p = Path(tmp) / f"v{i:03d}.nii.gz"
            nib.save(nib.Nifti1Image(v.data, np.eye(4)), str(p))
            paths.append(str(p))
        secs = _median_time(lambda: classify_many(bundle, paths, batch_size=16), 3)
        print(f"batch throughput, .nii.gz files (read + sha256 + prep.): {len(paths) / secs:7.1f} volumes/s")

    explain(bundle, vol)  # trace the Grad-CAM function once
    cam = _median_time(lambda: explain(bundle, vol), max(3, args.runs // 3))
    print(f"Grad-CAM one {side}^3 volume, warm, on the volume grid:   {cam * 1e3:7.1f} ms  (target <= 1000 ms)")
    cam_odd = _median_time(lambda: explain(bundle, odd), max(3, args.runs // 3))
    print(f"  same, {'x'.join(map(str, odd.shape))} volume (resample both ways):      {cam_odd * 1e3:7.1f} ms")

    for name in args.also:
        _, other = make_bundle(name)
        classify(other, vol)
        explain(other, vol)
        warm = _median_time(lambda other=other: classify(other, vol), args.runs)
        cam = _median_time(lambda other=other: explain(other, vol), max(3, args.runs // 3))
        print(f"{name}: classify one {side}^3 volume warm {warm * 1e3:7.1f} ms; Grad-CAM {cam * 1e3:7.1f} ms")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
