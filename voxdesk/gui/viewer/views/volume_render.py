"""Turn voxels into the RGBA arrays the 3D view uploads (pure numpy, no Qt, no GL)."""
from __future__ import annotations

import math

import numpy as np

MAX_VOLUME = 128
"""Longest side of the volume-rendered texture: a 256^3 scan is drawn from 128^3."""
MAX_PLANE = 256
"""Longest side of the slice-plane textures."""
MAX_SURFACE = 96
"""Longest side of the grid the isosurface is extracted from."""


def downsample(data: np.ndarray, max_side: int) -> tuple[np.ndarray, int]:
    """Strided subsample so that no axis exceeds ``max_side``; (array, integer factor)."""
    factor = max(1, math.ceil(max(data.shape) / max_side))
    if factor == 1:
        return data, 1
    return data[(slice(None, None, factor),) * data.ndim], factor


def normalise(data: np.ndarray, levels: tuple[float, float]) -> np.ndarray:
    """Data mapped through the window to float32 in [0, 1] (NaN -> 0)."""
    lo, hi = float(levels[0]), float(levels[1])
    scale = 1.0 / (hi - lo) if hi > lo else 1.0
    t = (data.astype(np.float32, copy=False) - np.float32(lo)) * np.float32(scale)
    np.clip(t, 0.0, 1.0, out=t)
    if data.dtype.kind == "f":
        t[~np.isfinite(t)] = 0.0
    return t


def _indices(t: np.ndarray, n: int) -> np.ndarray:
    return (t * (n - 1) + 0.5).astype(np.intp)


def volume_rgba(data: np.ndarray, levels, lut: np.ndarray, *, opacity: float = 0.16,
                floor: float = 0.06) -> np.ndarray:
    """(x, y, z, 4) uint8 for GLVolumeItem: colour from the LUT; alpha grows with the
    windowed intensity, so that what is dark in the slices is see-through in 3D."""
    t = normalise(data, levels)
    rgba = np.empty(t.shape + (4,), dtype=np.uint8)
    rgba[..., :3] = lut[_indices(t, len(lut))]
    alpha = np.clip((t - floor) / (1.0 - floor), 0.0, 1.0)
    rgba[..., 3] = (alpha ** 1.5 * (opacity * 255.0)).astype(np.uint8)
    return rgba


def plane_rgba(data: np.ndarray, levels, lut: np.ndarray, alpha: int = 245, floor: float = 0.04) -> np.ndarray:
    """(w, h, 4) uint8 texture of one slice for GLImageItem; what is black in the slice
    (air, background) is see-through so the planes do not hide each other."""
    t = normalise(data, levels)
    rgba = np.empty(t.shape + (4,), dtype=np.uint8)
    rgba[..., :3] = lut[_indices(t, len(lut))]
    rgba[..., 3] = (np.clip(t / floor, 0.0, 1.0) * alpha).astype(np.uint8)
    return rgba


