"""Multi-worker training (``tf.distribute.MultiWorkerMirroredStrategy``, ``TrainConfig.workers``):
2 worker processes on 127.0.0.1 against 1 process, same data, same global batch, side by side.

Each run is fresh processes calling ``train()`` (``voxnet-bn``, random ``--side``^3 samples,
``--epochs`` epochs, no augmentation); the figure is samples/s of the last epoch (the first
traces the model): the total (global batches per second x batch) and per worker. Every worker
computes its share of each global batch and all-reduces the gradients over gRPC on loopback, so
on one machine the workers share its cores: this measures the overhead of the multi-worker path
and that it runs, not the speed-up of two machines. Run:

    .venv/bin/python benchmarks/bench_distribute.py [--samples 1024] [--side 16] [--repeats 2]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def worker(args) -> None:
    """One process: train and print a JSON line with the last epoch's samples/s."""
    import numpy as np

    from voxdesk.engine.datasets import from_arrays
    from voxdesk.engine.training.config import TrainConfig
    from voxdesk.engine.training.train import train

    rng = np.random.default_rng(0)
    y = np.arange(args.samples) % 2
    x = rng.random((args.samples,) + (args.side,) * 3).astype(np.float32) * 0.3
    x[y == 1, : args.side // 2] += 0.5
    workers = args.workers.split(",") if args.workers else None
    config = TrainConfig(model="voxnet-bn", epochs=args.epochs, batch_size=args.batch, augment=None,
                         val_fraction=0.1, test_fraction=0.0, seed=0, workers=workers, worker_index=args.index)
    ends = [time.perf_counter()]
    result = train(config, from_arrays(x, y), on_epoch=lambda _d: ends.append(time.perf_counter()))
    n_train = result.split_sizes["train"]
    steps = -(-n_train // result.split_sizes["batch_size"])
    print("RESULT " + json.dumps({"strategy": result.strategy, "last_epoch_s": ends[-1] - ends[-2],
                                  "samples_per_s": steps * result.split_sizes["batch_size"] / (ends[-1] - ends[-2]),
                                  "accuracy": result.history["accuracy"][-1]}), flush=True)


def run(n_workers: int, args) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
    env["CUDA_VISIBLE_DEVICES"] = ""
    workers = ",".join(f"127.0.0.1:{p}" for p in _free_ports(n_workers)) if n_workers > 1 else ""
    base = [sys.executable, __file__, "--worker", "--samples", str(args.samples), "--side", str(args.side),
            "--epochs", str(args.epochs), "--batch", str(args.batch), "--workers", workers]
    procs = [subprocess.Popen(base + ["--index", str(i)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env=env) for i in range(n_workers)]
    out = []
    try:
        for p in procs:
            log = p.communicate(timeout=900)[0]
            hits = [line for line in log.splitlines() if line.startswith("RESULT ")]
            if p.returncode or not hits:
                raise RuntimeError(f"worker failed (exit {p.returncode}):\n{log[-2000:]}")
            out.append(json.loads(hits[-1][7:]))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=1024)
    ap.add_argument("--side", type=int, default=16)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=32, help="global batch")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--workers", default="", help=argparse.SUPPRESS)
    ap.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; voxnet-bn, {args.samples} samples of "
          f"{args.side}^3, global batch {args.batch}, {args.epochs} epochs; last epoch timed")
    total: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.repeats):
        for n in (1, 2):
            res = run(n, args)
            total[n].append(statistics.median(r["samples_per_s"] for r in res))
            print(f"  {n} worker(s): {res[0]['strategy']}, {total[n][-1]:.0f} samples/s total, "
                  f"{total[n][-1] / n:.0f} per worker, accuracy {res[0]['accuracy']:.2f}")
    one, two = statistics.median(total[1]), statistics.median(total[2])
    print(f"median: 1 worker {one:.0f} samples/s; 2 workers {two:.0f} total ({two / 2:.0f} per worker); "
          f"ratio 2 workers / 1: {two / one:.2f} total, {two / 2 / one:.2f} per worker")
    return 0


if __name__ == "__main__":
    sys.exit(main())
