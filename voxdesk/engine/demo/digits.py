"""A benchmark in the 3D MNIST layout, made without downloading anything.

Made the way Kaggle's 3D MNIST (``full_dataset_vectors.h5``) was made, with drawn digits in
place of MNIST's: digits 0-9 are drawn as pen strokes, distorted like handwriting (smooth
elastic warp, slant, scale, stroke width, gaps) and extruded to a random depth into a point
cloud (zero mean, largest extent 1). Every cloud is stored twice, next to each other: as drawn,
and in a random pose (the published script's Euler angles: z ~ N(0, 180), y and x ~ N(0, 90)
degrees) with uniform coordinate noise of a quarter of the cloud's spread. Each copy is
voxelised over its bounding cube into 16^3 point counts divided by the busiest voxel's count.
Stored like 3D MNIST: HDF5 ``X_train`` (N, 4096) float32 in [0, 1], ``y_train`` int64,
``X_test``, ``y_test``. Vectorised: 12,000 samples take a few seconds.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from voxdesk.engine.io.atomic import atomic_path
from voxdesk.engine.progress import ProgressFn, no_progress

SIDE = 16
POINTS = 192  # points along each digit's strokes
COPIES = 3  # jittered copies of each point (stroke width)
NOISE = 0.25  # coordinate noise of a posed copy: uniform, up to this fraction of the cloud's std per axis


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


def _pose(rng, n: int) -> np.ndarray:
    """(n, 3, 3) random poses as the published 3D MNIST script drew them: for row-vector points,
    ``Rz(a) @ Ry(b) @ Rx(c)`` with a ~ N(0, 180), b, c ~ N(0, 90) degrees."""
    a, b, c = (np.radians(rng.normal(0, s, n)).astype(np.float32) for s in (180.0, 90.0, 90.0))
    o, z = np.ones(n, np.float32), np.zeros(n, np.float32)
    rz = np.stack([np.cos(a), np.sin(a), z, -np.sin(a), np.cos(a), z, z, z, o], 1).reshape(n, 3, 3)
    ry = np.stack([np.cos(b), z, -np.sin(b), z, o, z, np.sin(b), z, np.cos(b)], 1).reshape(n, 3, 3)
    rx = np.stack([o, z, z, z, np.cos(c), np.sin(c), z, -np.sin(c), np.cos(c)], 1).reshape(n, 3, 3)
    return rz @ ry @ rx


def _clouds(labels: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Handwritten 3D digit point clouds (n, P, 3) and a mask of the points that exist (pen gaps),
    centred on their mean with their largest extent scaled to 1, like the 3D MNIST clouds."""
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
    keep = ~((np.abs(cut) < u(0.0, 0.15)[:, None]) & (rng.random(n) < 0.5)[:, None])
    w = keep[..., None].astype(np.float32)
    p -= (p * w).sum(1, keepdims=True) / w.sum(1, keepdims=True)
    extent = np.where(keep[..., None], p, -np.inf).max(1) - np.where(keep[..., None], p, np.inf).min(1)
    return p / extent.max(1)[:, None, None], keep


def _voxelise(p: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Points per voxel of a 16^3 grid over each cloud's bounding cube, divided by the busiest
    voxel's count (the 3D MNIST vectors' ``voxelgrid.vector / max``). (n, 4096) float32."""
    n = len(p)
    lo = np.where(keep[..., None], p, np.inf).min(1)
    hi = np.where(keep[..., None], p, -np.inf).max(1)
    side = (hi - lo).max(1, keepdims=True)
    lo -= (side - (hi - lo)) / 2  # a cube around the cloud, as a regular bounding box does
    v = np.clip(np.floor((p - lo[:, None]) / side[:, None] * SIDE), 0, SIDE - 1).astype(np.int64)
    flat = (np.arange(n)[:, None] * SIDE**3 + (v[..., 0] * SIDE + v[..., 1]) * SIDE + v[..., 2])[keep]
    counts = np.bincount(flat, minlength=n * SIDE**3).reshape(n, SIDE**3).astype(np.float32)
    return counts / counts.max(1, keepdims=True)


def digits(labels: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One handwritten digit cloud per label, stored twice as 3D MNIST stores its clouds: as
    drawn, then randomly posed with coordinate noise. Returns (x (2n, 4096) float32 in [0, 1],
    y (2n,)), each cloud's two samples next to each other."""
    p, keep = _clouds(labels, rng)
    posed = np.einsum("npj,nji->npi", p, _pose(rng, len(p)))
    w = keep[..., None].astype(np.float32)
    mean = (posed * w).sum(1, keepdims=True) / w.sum(1, keepdims=True)
    std = np.sqrt(((posed - mean) ** 2 * w).sum(1) / w.sum(1))
    posed += rng.uniform(-1, 1, posed.shape).astype(np.float32) * (NOISE * std)[:, None, :]
    x = np.stack([_voxelise(p, keep), _voxelise(posed, keep)], axis=1).reshape(-1, SIDE**3)
    return x.astype(np.float32), np.repeat(labels, 2)


def make_3dmnist_like(path, n_train: int = 10000, n_test: int = 2000, seed: int = 0, *,
                      progress: ProgressFn = no_progress) -> Path:
    """Write a 3D MNIST-layout HDF5 benchmark (10 digit classes, flat 16^3 vectors) to ``path``
    atomically; deterministic per seed. Returns the path."""
    import h5py

    path = Path(path).expanduser()
    rng = np.random.default_rng([seed, 3])
    with atomic_path(path, suffix=".h5") as tmp:
        with h5py.File(tmp, "w") as f:
            for i, (split, n) in enumerate((("train", n_train), ("test", n_test))):
                clouds = rng.integers(0, 10, (n + 1) // 2)
                parts = [digits(clouds[s:s + 1000], rng) for s in range(0, len(clouds), 1000)]
                x = np.concatenate([xp for xp, _ in parts])[:n] if parts else np.zeros((0, SIDE**3), np.float32)
                y = np.concatenate([yp for _, yp in parts])[:n] if parts else np.zeros(0, np.int64)
                f.create_dataset(f"X_{split}", data=x, chunks=(min(max(n, 1), 256), SIDE**3),
                                 compression="gzip", compression_opts=1, shuffle=True)
                f.create_dataset(f"y_{split}", data=y.astype(np.int64))
                progress(0.5 * (i + 1), f"{split}: {n} samples")
            f.attrs["description"] = "VoxDesk synthetic 3D digits in the 3D MNIST layout"
    return path
