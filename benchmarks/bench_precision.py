"""float32 against mixed bfloat16: training and predict samples/s of the default network at
16^3, 32^3, 48^3, 64^3 and 96^3, the two policies alternating in one process (the machine's
speed swings; a ratio is only fair side by side), random data, batch 32.

For each size and repeat, each policy builds a fresh ``voxnet-bn`` (the default; ``--model``
for another) under ``precision.policy_scope``, fits one warm-up step, then times one epoch over
``--samples`` samples and a predict over them. Prints a table per size (median samples/s of the
repeats) and the bfloat16/float32 ratios beside what "auto" picks (float32 on a CPU since
bfloat16 missed accuracy parity on the CT demo; ``bench_demo.py --precision float32,bfloat16``). Run:

    .venv/bin/python benchmarks/bench_precision.py [--sizes 16 32 48 64 96] [--repeats 2]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

SAMPLES = {16: 2048, 32: 512, 48: 256, 64: 256, 96: 160}
"""Samples a timed epoch has at each side (a few hundred; more where a step is fast)."""


def _measure(keras, model_name: str, side: int, n: int, batch: int, precision: str) -> tuple[float, float]:
    from voxdesk.engine.model.networks import build_model
    from voxdesk.engine.training.precision import policy_scope

    rng = np.random.default_rng(side)
    x = rng.random((n, side, side, side, 1), dtype=np.float32)
    y = rng.integers(0, 2, n)
    with policy_scope(precision):
        model = build_model(model_name, x.shape[1:], 2)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"], jit_compile=False)
        model.fit(x[:batch * 2], y[:batch * 2], batch_size=batch, epochs=1, verbose=0)  # trace + warm-up
        t = time.perf_counter()
        model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=False)
        train = n / (time.perf_counter() - t)
        model.predict(x[:batch], batch_size=batch, verbose=0)
        t = time.perf_counter()
        model.predict(x, batch_size=batch, verbose=0)
        predict = n / (time.perf_counter() - t)
    return train, predict


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[16, 32, 48, 64, 96])
    ap.add_argument("--repeats", type=int, default=2, help="alternations of the two policies per size")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--model", default="voxnet-bn")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply the sample counts (0.25: a quick look)")
    args = ap.parse_args(argv)

    import keras

    from voxdesk.engine.training.precision import cpu_has_bf16, resolve

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; CPU bfloat16: {cpu_has_bf16()}; "
          f"model {args.model}, batch {args.batch}")
    rows = []
    for side in args.sizes:
        n = max(2, round(SAMPLES.get(side, 128) * args.scale / args.batch)) * args.batch  # no partial batch
        got: dict[str, list[tuple[float, float]]] = {"float32": [], "bfloat16": []}
        for rep in range(args.repeats):
            order = ("float32", "bfloat16") if rep % 2 == 0 else ("bfloat16", "float32")
            for precision in order:
                got[precision].append(_measure(keras, args.model, side, n, args.batch, precision))
                print(f"  {side}^3 #{rep + 1} {precision:<8} train {got[precision][-1][0]:7.1f}  "
                      f"predict {got[precision][-1][1]:7.1f} samples/s", flush=True)
        med = {p: (statistics.median(t for t, _ in v), statistics.median(q for _, q in v)) for p, v in got.items()}
        rows.append((side, n, med, resolve("auto", (side, side, side, 1), gpu=False)[0]))

    print("\n| input | samples | float32 train / predict | bfloat16 train / predict | ratio train / predict "
          "| auto |")
    print("| --- | --- | --- | --- | --- | --- |")
    for side, n, med, auto in rows:
        f, b = med["float32"], med["bfloat16"]
        print(f"| {side}^3 | {n} | {f[0]:.1f} / {f[1]:.1f} | {b[0]:.1f} / {b[1]:.1f} "
              f"| {b[0] / f[0]:.2f} / {b[1] / f[1]:.2f} | {auto} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
