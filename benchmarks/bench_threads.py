"""TensorFlow's inter-op thread pool on this machine: one inter-op thread
(``TF_NUM_INTEROP_THREADS=1``: one op at a time, each op still using every core) beside
TensorFlow's own default (``TF_NUM_INTEROP_THREADS=0``: as many ops side by side as cores), which
VoxDesk keeps (``benchmarks/README.md``, "Threads": no gain measured).

The pool size is read once, when TensorFlow starts its runtime, so each run is a fresh child
process, the two settings alternating per seed (order swapped on odd seeds) on the same data:
the CT demo's default training (``bench_demo.py --no-explain --seeds N``), its test accuracy and
training time.

Prints each run, the per-seed time ratio (one thread / TensorFlow default) and the medians.
Figures only.

    python benchmarks/bench_threads.py [--seeds 0,1,2] [--epochs N]
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SETTINGS = {"interop-1": "1", "tf-default": "0"}
PATTERNS = {"acc": r"^seed \d+ \(\w+\): test accuracy ([0-9.]+)", "training": r"^seed \d+ .* training (\d+) s \(fit"}


def command(seed: int, out: Path, epochs: int | None) -> list[str]:
    cmd = [sys.executable, str(HERE / "bench_demo.py"), "--no-explain", "--seeds", str(seed), "--out", str(out)]
    return cmd + (["--epochs", str(epochs)] if epochs else [])


def run_one(cmd: list[str], setting: str, patterns: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "TF_NUM_INTEROP_THREADS"}
    env["TF_NUM_INTEROP_THREADS"] = SETTINGS[setting]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    got = {}
    for key, pattern in patterns.items():
        m = re.search(pattern, proc.stdout, re.MULTILINE)
        if m is None:
            raise SystemExit(f"{' '.join(cmd)} failed ({setting}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        got[key] = float(m[1])
    return got


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--epochs", type=int, default=None, help="default: the recipe's own plan")
    args = ap.parse_args(argv)
    out = Path(tempfile.mkdtemp(prefix="voxdesk-bench-threads-"))
    patterns = PATTERNS
    times = [k for k in patterns if k != "acc"]
    rows = {name: [] for name in SETTINGS}
    ratios = {k: [] for k in times}
    print(f"CT demo; cores: {os.cpu_count()}; each run a fresh process on the same data", flush=True)
    for seed in (int(s) for s in args.seeds.split(",")):
        got = {}
        for name in list(SETTINGS) if seed % 2 == 0 else list(SETTINGS)[::-1]:
            got[name] = r = run_one(command(seed, out, args.epochs), name, patterns)
            rows[name].append(r)
            print(f"seed {seed} {name:>10}: " + ", ".join(
                f"test accuracy {v:.3f}" if k == "acc" else f"{k} {v:.0f} s" for k, v in r.items()), flush=True)
        for k in times:
            ratios[k].append(got["interop-1"][k] / got["tf-default"][k])
        print(f"seed {seed}: time ratio interop-1 / tf-default: "
              + ", ".join(f"{k} {ratios[k][-1]:.2f}" for k in times), flush=True)
    for name, rs in rows.items():
        print(f"median {name:>10}: " + ", ".join(
            f"test accuracy {statistics.median(r[k] for r in rs):.3f}" if k == "acc"
            else f"{k} {statistics.median(r[k] for r in rs):.0f} s" for k in patterns))
    print("median time ratio interop-1 / tf-default: "
          + ", ".join(f"{k} {statistics.median(ratios[k]):.2f}" for k in times))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
