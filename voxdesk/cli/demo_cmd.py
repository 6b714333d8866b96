"""voxdesk-cli demo: write the built-in demo datasets (and optionally a 3D MNIST-like benchmark)."""
from __future__ import annotations

import argparse
import sys
import time

from voxdesk.cli import add_force


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="folder for the demo data (default: the VoxDesk data folder's 'demo')")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    from voxdesk.engine.demo.phantoms import DEFAULT_N_PER_CLASS, DEFAULT_SIZE

    parser.add_argument("--n-per-class", type=int, default=DEFAULT_N_PER_CLASS, metavar="N",
                        help=f"phantom volumes per class (default {DEFAULT_N_PER_CLASS})")
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, metavar="S",
                        help=f"phantom volumes are S^3 voxels (default {DEFAULT_SIZE})")
    parser.add_argument("--benchmark-3dmnist", metavar="FILE", default=None,
                        help="also write a synthetic benchmark in the 3D MNIST layout to FILE (.h5)")
    parser.add_argument("--n-train", type=int, default=10000, help="benchmark training samples")
    parser.add_argument("--n-test", type=int, default=2000, help="benchmark test samples")
    add_force(parser)


def run(args: argparse.Namespace) -> int:
    from voxdesk.engine.demo import phantoms as demo
    from voxdesk.engine.demo import store
    from voxdesk.engine.demo.digits import make_3dmnist_like
    from voxdesk.engine.errors import VoxdeskError

    if args.n_per_class < 1 or args.size < 16 or args.n_train < 0 or args.n_test < 0:
        raise VoxdeskError("--n-per-class must be at least 1, --size at least 16, and sample counts not negative.")
    from voxdesk.engine.io.outputs import check_output

    if args.out is not None:
        check_output(args.out, "folder", flag="--out")
    if args.benchmark_3dmnist:
        n = args.n_train + args.n_test
        check_output(args.benchmark_3dmnist, "hdf5", force=args.force, flag="--benchmark-3dmnist",
                     need_bytes=n * 4096)  # 16^3 float32 cubes, gzip about 4:1
    start = time.perf_counter()
    paths = store.ensure_demo_data(args.out, seed=args.seed, n_per_class=args.n_per_class, size=args.size)
    n = args.n_per_class * len(demo.CLASS_NAMES)
    print(f"Demo data ({n} CT-like phantoms, {args.size}^3 voxels, classes "
          f"{', '.join(demo.CLASS_NAMES)}) in {paths.root} ({time.perf_counter() - start:.1f} s):")
    counts = store.split_counts(paths)
    print("  fixed splits:      " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"  HDF5 X/y_<split>:  {paths.h5}")
    print(f"  NIfTI folders:     {paths.nifti_dir} (<split>/<class>/case_NNNN.nii.gz)")
    print(f"  NumPy X/y_<split>: {paths.npy_dir}")
    print(f"  sample volume:     {paths.sample_volume}")
    if args.benchmark_3dmnist:
        start = time.perf_counter()
        try:
            out = make_3dmnist_like(args.benchmark_3dmnist, args.n_train, args.n_test, args.seed)
        except OSError as exc:
            raise VoxdeskError(f"Cannot write {args.benchmark_3dmnist}: {exc.strerror or exc}") from None
        print(f"3D MNIST-like benchmark ({args.n_train} train, {args.n_test} test, 10 classes) "
              f"in {out} ({time.perf_counter() - start:.1f} s)")
    sys.stdout.flush()
    return 0
