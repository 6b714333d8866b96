"""A benchmark in the 3D MNIST layout, made without downloading anything.

Digits 0-9 are drawn as pen strokes, distorted like handwriting (smooth elastic warp, slant,
scale, stroke width, gaps), extruded to a random depth, rotated in 3D, shifted, voxelised as
occupancy in a 16^3 grid and salted with stray voxels. Stored like 3D MNIST: HDF5 ``X_train``
(N, 4096) float32 in [0, 1], ``y_train`` int64, ``X_test``, ``y_test``. Vectorised: 12,000
samples take a few seconds.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from voxdesk.engine.progress import ProgressFn, no_progress

SIDE = 16
POINTS = 192  # points along each digit's strokes
COPIES = 3  # jittered copies of each point (stroke width)


def _arc(cx, cy, rx, ry, a0, a1, n=24):
    t = np.radians(np.linspace(a0, a1, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _line(*pts):
    return np.array(pts, dtype=float)


# Strokes of each digit in a unit box (x right, y up).
STROKES = {
    0: [_arc(0.5, 0.5, 0.28, 0.42, 0, 360, 40)],
    1: [_line((0.35, 0.72), (0.55, 0.92), (0.55, 0.08))],
    2: [np.vstack([_arc(0.5, 0.68, 0.27, 0.22, 160, -40), _line((0.25, 0.1), (0.8, 0.1))])],
    3: [_arc(0.48, 0.7, 0.26, 0.2, 150, -90), _arc(0.48, 0.3, 0.3, 0.2, 90, -160)],
    4: [_line((0.66, 0.08), (0.66, 0.92), (0.18, 0.36), (0.82, 0.36))],
    5: [_line((0.78, 0.9), (0.32, 0.9), (0.28, 0.56)), _arc(0.5, 0.33, 0.28, 0.23, 130, -160)],
    6: [np.vstack([_line((0.72, 0.88), (0.45, 0.78), (0.3, 0.55)), _arc(0.5, 0.3, 0.22, 0.21, 180, 540)])],
    7: [_line((0.2, 0.9), (0.8, 0.9), (0.42, 0.08))],
    8: [_arc(0.5, 0.72, 0.2, 0.18, -90, 270), _arc(0.5, 0.3, 0.26, 0.21, 90, 450)],
    9: [_arc(0.5, 0.68, 0.22, 0.21, 0, 360), _line((0.72, 0.68), (0.66, 0.08))],
}


def _resample(strokes, n: int) -> np.ndarray:
    """``n`` points spread evenly along the strokes' total length, centred on the origin."""
    segs = [(p[:-1], p[1:]) for p in strokes]
    a = np.vstack([s[0] for s in segs])
    b = np.vstack([s[1] for s in segs])
    length = np.linalg.norm(b - a, axis=1)
    pos = (np.arange(n) + 0.5) / n * length.sum()
    edges = np.concatenate([[0], np.cumsum(length)])
    k = np.clip(np.searchsorted(edges, pos, side="right") - 1, 0, len(a) - 1)
    t = ((pos - edges[k]) / np.maximum(length[k], 1e-9))[:, None]
    return (a[k] + t * (b[k] - a[k])) - 0.5


TEMPLATES = np.stack([_resample(STROKES[d], POINTS) for d in range(10)]).astype(np.float32)


def _rotations(rng, n: int, spread_deg: float) -> np.ndarray:
    """(n, 3, 3) rotations about random axes by angles ~ N(0, spread)."""
    axis = rng.normal(size=(n, 3)).astype(np.float32)
    axis /= np.linalg.norm(axis, axis=1, keepdims=True)
    ang = np.radians(rng.normal(0, spread_deg, n)).astype(np.float32)
    k = np.zeros((n, 3, 3), np.float32)
    k[:, 0, 1], k[:, 0, 2], k[:, 1, 2] = -axis[:, 2], axis[:, 1], -axis[:, 0]
    k -= k.transpose(0, 2, 1)
    s, c = np.sin(ang)[:, None, None], np.cos(ang)[:, None, None]
    return np.eye(3, dtype=np.float32) + s * k + (1 - c) * (k @ k)


def digits(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Flat (N, 4096) float32 occupancy vectors of the digits ``labels``."""
    n = len(labels)
    u = lambda lo, hi, shape=(n,): rng.uniform(lo, hi, shape).astype(np.float32)  # noqa: E731
    p = TEMPLATES[labels].copy()  # (n, P, 2)
    # Handwriting: smooth elastic warp, slant, anisotropic scale.
    for _ in range(2):
        f = u(1.5, 4.0, (n, 1, 2))
        ph = u(0, 2 * np.pi, (n, 1, 2))
        amp = u(0.0, 0.06, (n, 1, 2))
        p += amp * np.sin(2 * np.pi * f * p[..., ::-1] + ph)
    p[..., 0] += u(-0.25, 0.25)[:, None] * p[..., 1]
    p *= np.stack([u(0.7, 1.1), u(0.8, 1.15)], axis=1)[:, None, :]
    # Stroke width and depth: jittered copies, extruded along z.
    p = np.repeat(p, COPIES, axis=1)
    p += rng.normal(0, 1, p.shape).astype(np.float32) * u(0.015, 0.04)[:, None, None]
    depth = u(0.08, 0.35)[:, None]
    z = (rng.uniform(-1, 1, p.shape[:2]).astype(np.float32) * depth)[..., None]
    p = np.concatenate([p, z], axis=2)
    # Pen gaps: drop the points of a random slab in half of the samples.
    normal = rng.normal(size=(n, 1, 3)).astype(np.float32)
    cut = (p * normal).sum(-1) / np.linalg.norm(normal, axis=-1) - u(-0.2, 0.2)[:, None]
    drop = (np.abs(cut) < u(0.0, 0.15)[:, None]) & (rng.random(n) < 0.5)[:, None]
    # Pose: 3D rotation, shift; then voxelise occupancy in a 1.3-wide box.
    p = np.einsum("nij,npj->npi", _rotations(rng, n, 45.0), p)
    p += rng.normal(0, 0.05, (n, 1, 3)).astype(np.float32)
    v = np.floor((p / 1.3 + 0.5) * SIDE).astype(np.int64)
    ok = ((v >= 0) & (v < SIDE)).all(-1) & ~drop
    flat = (np.arange(n)[:, None] * SIDE**3 + (v[..., 0] * SIDE + v[..., 1]) * SIDE + v[..., 2])[ok]
    counts = np.bincount(flat, minlength=n * SIDE**3).reshape(n, SIDE**3).astype(np.float32)
    x = np.minimum(counts / 3.0, 1.0)
    # Stray voxels (sensor noise) and a little value noise on the digit.
    stray = rng.random(x.shape, dtype=np.float32) < u(0.0, 0.03)[:, None]
    x = np.where(stray, np.maximum(x, rng.random(x.shape, dtype=np.float32) * 0.6), x)
    x *= u(0.8, 1.0)[:, None]
    return x.astype(np.float32)


def make_3dmnist_like(path, n_train: int = 10000, n_test: int = 2000, seed: int = 0, *,
                      progress: ProgressFn = no_progress) -> Path:
    """Write a 3D MNIST-layout HDF5 benchmark (10 digit classes, flat 16^3 vectors) to ``path``
    atomically; deterministic per seed. Returns the path."""
    import h5py

    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    rng = np.random.default_rng([seed, 3])
    try:
        with h5py.File(tmp, "w") as f:
            for i, (split, n) in enumerate((("train", n_train), ("test", n_test))):
                y = rng.integers(0, 10, n)
                parts = [digits(y[s:s + 2000], rng) for s in range(0, n, 2000)]
                x = np.concatenate(parts) if parts else np.zeros((0, SIDE**3), np.float32)
                f.create_dataset(f"X_{split}", data=x, chunks=(min(max(n, 1), 256), SIDE**3),
                                 compression="gzip", compression_opts=1, shuffle=True)
                f.create_dataset(f"y_{split}", data=y.astype(np.int64))
                progress(0.5 * (i + 1), f"{split}: {n} samples")
            f.attrs["description"] = "VoxDesk synthetic 3D digits in the 3D MNIST layout"
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
