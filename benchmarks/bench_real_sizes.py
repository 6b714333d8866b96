"""Real scan sizes: VoxDesk's ``train()`` against a plain ``model.fit`` of the same model, at 64^3
and 128^3: training samples/s and peak resident memory, one epoch each, alternating.

Each measurement runs in a fresh child process (so that its peak RSS, the kernel's VmHWM, is
its own), the two alternating within this one run. Both use the default network and batch
size (``plan_run``: 16 below 1,000 samples) and the default precision ("auto": float32 on a
CPU; the figures in the README were measured with bfloat16, auto's choice then: ``--precision
bfloat16``), random volumes with a faint class signal, no validation or test split. samples/s is
timed by one callback in both, from the end of the first step (graph tracing) to the end of the
epoch. At 128^3 fewer volumes than 200 are trained by default (``--n128``); the
``in_memory_limit_mb`` is scaled so that train() makes the in-memory/streaming choice 200
volumes would get, and the time of an epoch of 200 volumes is extrapolated from the measured
steps (printed as such). Run:

    .venv/bin/python benchmarks/bench_real_sizes.py [--n64 200] [--n128 48] [--repeats 1]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

EPOCH_VOLUMES = 200


def _peak_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _data(side: int, n: int):
    rng = np.random.default_rng(side)
    y = np.arange(n) % 2
    x = rng.normal(0.0, 1.0, (n, side, side, side)).astype(np.float32)
    x[y == 1, : side // 4, : side // 4, : side // 4] += 0.5
    return x, y


def _step_timer(keras):
    class StepTimer(keras.callbacks.Callback):
        """Seconds from the end of the first step to the end of the last, and the steps between."""

        def __init__(self):
            super().__init__()
            self.ends: list[float] = []

        def on_train_batch_end(self, batch, logs=None):
            self.ends.append(time.perf_counter())

    return StepTimer()


def child(args) -> dict:
    import keras

    from voxdesk.engine.datasets import from_arrays
    from voxdesk.engine.model.networks import DEFAULT_MODEL, build_model
    from voxdesk.engine.training.config import TrainConfig, plan_run
    from voxdesk.engine.training.precision import policy_scope, resolve

    x, y = _data(args.side, args.n)
    config = TrainConfig(epochs=1, val_fraction=0.0, test_fraction=0.0, augment=None, precision=args.precision,
                         in_memory_limit_mb=1024.0 * args.n / max(args.n, EPOCH_VOLUMES))
    _, batch, _ = plan_run(args.n, config, voxels=args.side ** 3)
    timer = _step_timer(keras)
    t0 = time.perf_counter()
    extra = {}
    if args.child == "voxdesk":
        from voxdesk.engine.training.train import train

        result = train(config, from_arrays(x, y, class_names=["a", "b"]), callbacks=[timer])
        precision, extra = result.precision, {"in_memory": result.split_sizes["in_memory"],
                                              "model_params": result.model.count_params()}
    else:
        precision, _ = resolve(args.precision, (args.side,) * 3 + (1,))
        keras.utils.set_random_seed(0)
        with policy_scope(precision):
            model = build_model(DEFAULT_MODEL, (args.side,) * 3 + (1,), 2)
            model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                          metrics=["accuracy"], jit_compile=False)
            model.fit(x[..., None], y, batch_size=batch, epochs=1, callbacks=[timer], verbose=0)
    total = time.perf_counter() - t0
    steps = len(timer.ends) - 1
    timed = timer.ends[-1] - timer.ends[0] if steps > 0 else float("nan")
    # the steps after the first are full batches except perhaps the last one
    samples = args.n - batch if steps > 0 else 0
    return {"kind": args.child, "side": args.side, "n": args.n, "batch": batch, "precision": precision,
            "samples_per_s": samples / timed if steps > 0 else float("nan"), "step_s": timed / max(steps, 1),
            "total_s": total, "peak_rss_mb": _peak_rss_mb(), "data_mb": x.nbytes / 2**20, **extra}


def _run_child(kind: str, side: int, n: int, precision: str) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--side", str(side), "--n", str(n), "--precision", precision]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), os.getcwd()) if p)}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode or not lines:
        tail = (out.stderr or out.stdout).strip().splitlines()[-3:]
        return {"kind": kind, "side": side, "n": n, "error": f"exit {out.returncode}: " + " | ".join(tail)}
    return json.loads(lines[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n64", type=int, default=EPOCH_VOLUMES, help="volumes at 64^3 (default 200)")
    ap.add_argument("--n128", type=int, default=48, help="volumes at 128^3 (default 48; 200 is extrapolated)")
    ap.add_argument("--sizes", type=int, nargs="*", default=[64, 128])
    ap.add_argument("--repeats", type=int, default=1, help="alternations of the two per size")
    ap.add_argument("--precision", default="auto")
    ap.add_argument("--child", choices=["voxdesk", "fit"], help=argparse.SUPPRESS)
    ap.add_argument("--side", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)), flush=True)
        return 0

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; precision {args.precision}")
    rows = []
    for side in args.sizes:
        n = args.n64 if side == 64 else args.n128 if side == 128 else EPOCH_VOLUMES
        for rep in range(args.repeats):
            for kind in (("voxdesk", "fit") if rep % 2 == 0 else ("fit", "voxdesk")):
                r = _run_child(kind, side, n, args.precision)
                rows.append(r)
                print("  " + json.dumps(r), flush=True)

    print("\n| input | volumes | batch | precision | train() samples/s | model.fit samples/s | ratio "
          "| train() peak RSS | model.fit peak RSS | data | epoch of 200 (train()) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for side in args.sizes:
        mine = [r for r in rows if r["side"] == side and r["kind"] == "voxdesk" and "error" not in r]
        ref = [r for r in rows if r["side"] == side and r["kind"] == "fit" and "error" not in r]
        if not mine or not ref:
            print(f"| {side}^3 | failed: {[r.get('error') for r in rows if r['side'] == side and 'error' in r]} |")
            continue
        med = lambda rs, k: float(np.median([r[k] for r in rs]))  # noqa: E731
        a, b = med(mine, "samples_per_s"), med(ref, "samples_per_s")
        m = mine[0]
        epoch = EPOCH_VOLUMES / a
        how = "measured" if m["n"] >= EPOCH_VOLUMES else f"extrapolated from {m['n'] // m['batch'] - 1} steps"
        print(f"| {side}^3 | {m['n']} | {m['batch']} | {m['precision']} | {a:.1f} | {b:.1f} | {a / b:.2f} "
              f"| {med(mine, 'peak_rss_mb'):,.0f} MB | {med(ref, 'peak_rss_mb'):,.0f} MB | {m['data_mb']:,.0f} MB "
              f"| {epoch:.0f} s ({how}; {'in memory' if m.get('in_memory') else 'streamed'}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
