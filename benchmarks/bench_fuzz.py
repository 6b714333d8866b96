"""The readers' long fuzz run: mutations of small valid .nii, .nii.gz, .npy, .npz and .h5 files
(byte flips, truncations, header-field overwrites; tests/fixtures/fuzz.py, the same generator as
the test), each probed and opened as a user would. Prints cases per second, the slowest case,
the peak memory, and every distinct finding signature with its count and one example: an
exception that is not a VoxdeskError, or a VoxdeskError whose message does not name the file
on one line (``BadWords``). Asserts nothing; tests/engine/io/test_fuzz.py holds a short run to
"no findings".

    python benchmarks/bench_fuzz.py [--cases 20000] [--seed 0] [--formats nii,npz] [--max-bytes 1e9]
"""
from __future__ import annotations

import argparse
import collections
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fixtures import fuzz


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--formats", default=",".join(fuzz.FORMATS), help="comma-separated: " + ", ".join(fuzz.FORMATS))
    ap.add_argument("--max-bytes", type=float, default=1e9,
                    help="VOXDESK_MAX_BYTES for the run: what the memory guard lets a read allocate")
    args = ap.parse_args(argv)
    os.environ["VOXDESK_MAX_BYTES"] = str(int(args.max_bytes))
    formats = [f for f in args.formats.split(",") if f]
    unknown = set(formats) - set(fuzz.FORMATS)
    if unknown:
        ap.error(f"unknown formats: {', '.join(sorted(unknown))}")

    rng = fuzz.random.Random(args.seed)
    base = fuzz.seeds()
    counts: collections.Counter = collections.Counter()
    example: dict[str, str] = {}
    per_format = {f: [0, 0.0] for f in formats}
    slowest = (0.0, "")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        for i in range(args.cases):
            fmt = formats[i % len(formats)]
            kind, data = fuzz.mutate(rng, fmt, base[fmt])
            path = Path(tmp) / f"case{i}.{fmt}"
            path.write_bytes(data)
            t0 = time.perf_counter()
            found = fuzz.escapes(path)
            dt = time.perf_counter() - t0
            per_format[fmt][0] += 1
            per_format[fmt][1] += dt
            if dt > slowest[0]:
                slowest = (dt, f"case {i} ({fmt}, {kind})")
            for step, exc in found:
                sig = f"{fmt:<6} {step:<8} {fuzz.signature(exc)}"
                counts[sig] += 1
                example.setdefault(sig, f"case {i} ({kind}): {str(exc)[:140]}")
            path.unlink()
        total = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.cases} cases in {total:.1f} s: {args.cases / total:.0f} cases/s (seed {args.seed})")
    for fmt, (n, t) in per_format.items():
        print(f"  {fmt:<7} {n:>7} cases  {n / t if t else 0:>6.0f} cases/s")
    print(f"slowest case: {slowest[0] * 1000:.0f} ms, {slowest[1]}; peak memory {peak_mb:.0f} MB")
    print(f"findings: {sum(counts.values())} in {len(counts)} distinct signatures")
    for sig, n in counts.most_common():
        print(f"  {n:>6}  {sig}\n          e.g. {example[sig]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
