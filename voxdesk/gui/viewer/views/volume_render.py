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


def _rgba(t: np.ndarray, lut: np.ndarray, alpha_of) -> np.ndarray:
    """``t`` (in [0, 1]) through one (n, 4) table: colour from the LUT, alpha ``alpha_of(t)`` at
    the table's n levels. One gather per voxel: the 3D part of a window/level change on a
    512x512x300 scan (its 128x128x75 and 64x64x38 textures) took 215 ms with a colour gather and
    an alpha power per voxel, 31 ms with the table (3 changes each, two runs minutes apart;
    ``benchmarks/bench_viewer_scale.py`` prints the rebuild time at 512x512x600)."""
    n = len(lut)
    table = np.empty((n, 4), dtype=np.uint8)
    table[:, :3] = lut
    table[:, 3] = alpha_of(np.linspace(0.0, 1.0, n, dtype=np.float32))
    return np.take(table, _indices(t, n), axis=0)


def volume_rgba(data: np.ndarray, levels, lut: np.ndarray, *, opacity: float = 0.16,
                floor: float = 0.06) -> np.ndarray:
    """(x, y, z, 4) uint8 for GLVolumeItem: colour from the LUT; alpha grows with the
    windowed intensity, so that what is dark in the slices is see-through in 3D."""
    return _rgba(normalise(data, levels), lut,
                 lambda t: (np.clip((t - floor) / (1.0 - floor), 0.0, 1.0) ** 1.5 * (opacity * 255.0)).astype(np.uint8))


def plane_rgba(data: np.ndarray, levels, lut: np.ndarray, alpha: int = 245, floor: float = 0.04) -> np.ndarray:
    """(w, h, 4) uint8 texture of one slice for GLImageItem; what is black in the slice
    (air, background) is see-through so the planes do not hide each other."""
    return _rgba(normalise(data, levels), lut, lambda t: (np.clip(t / floor, 0.0, 1.0) * alpha).astype(np.uint8))




# -- scene geometry (world millimetres, the volume centred on the origin) ---------------------
def _extent(shape, spacing) -> tuple[np.ndarray, np.ndarray]:
    sp = np.asarray(spacing, dtype=float)
    size = np.asarray(shape[:3], dtype=float) * sp
    return sp, size


def plane_matrix(shape, spacing, axis: int, index: int, factor: int = 1) -> np.ndarray:
    """4x4 transform placing a GLImageItem (its own x/y plane, ``factor``-downsampled) as the
    slice ``index`` across ``axis``: its x runs along the first other axis, y along the second."""
    sp, size = _extent(shape, spacing)
    origin = -size / 2.0
    rest = [a for a in range(3) if a != axis]
    m = np.zeros((4, 4))
    m[rest[0], 0] = sp[rest[0]] * factor
    m[rest[1], 1] = sp[rest[1]] * factor
    m[axis, 2] = 1.0
    m[:3, 3] = origin
    m[axis, 3] = origin[axis] + (index + 0.5) * sp[axis]
    m[3, 3] = 1.0
    return m


def frame_points(shape, spacing, axis: int, index: int) -> np.ndarray:
    """The closed outline (5 points) of slice ``index`` across ``axis``."""
    sp, size = _extent(shape, spacing)
    origin = -size / 2.0
    rest = [a for a in range(3) if a != axis]
    pts = []
    for u, v in ((0, 0), (1, 0), (1, 1), (0, 1), (0, 0)):
        p = origin.copy()
        p[axis] += (index + 0.5) * sp[axis]
        p[rest[0]] += u * size[rest[0]]
        p[rest[1]] += v * size[rest[1]]
        pts.append(p)
    return np.array(pts)


def letter_positions(shape, spacing, axcodes) -> list[tuple[str, np.ndarray]]:
    """(letter, position) just outside each face: the axis code at the + end, its opposite at -."""
    from voxdesk.gui.viewer.views.orientation import OPPOSITE

    _sp, size = _extent(shape, spacing)
    half = size / 2.0
    out = []
    for axis, code in enumerate(axcodes):
        for sign, letter in ((1, code), (-1, OPPOSITE.get(code, "?"))):
            pos = np.zeros(3)
            pos[axis] = sign * (half[axis] + 0.08 * half.max())
            out.append((letter, pos))
    return out
