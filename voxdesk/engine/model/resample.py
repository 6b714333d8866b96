"""Resampling geometry shared by preprocessing and its inverse (Grad-CAM back on the scan's grid).

``zoom_to`` resizes corner-aligned (``scipy.ndimage.zoom``, ``grid_mode=False``) to an exact
shape. With a target spacing (``PreprocessSpec.target_spacing``) a sample is zoomed to
``spacing_geometry``'s resampled shape, then the input window is cut from its centre (padding with
the sample's smallest value where the scan is smaller): ``to_spacing``; ``to_source_grid`` undoes
either resampling for a map on the input grid. Pure numpy/scipy.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def spacing_geometry(src_shape: Sequence[int], spacing: Sequence[float] | None,
                     spec) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(shape after resampling to ``spec.target_spacing``, per-axis offset of the input window in
    it): the input is ``resampled[off : off + spatial_shape]``, a negative offset meaning padding."""
    src = tuple(int(v) for v in src_shape)
    sp = tuple(float(v) for v in (spacing if spacing is not None else (1.0,) * len(src)))
    mid = tuple(max(1, int(round(n * s / t))) for n, s, t in zip(src, sp, spec.target_spacing))
    off = tuple((m - t) // 2 for m, t in zip(mid, spec.spatial_shape))
    return mid, off


def _window(a: np.ndarray, off: Sequence[int], size: Sequence[int], fill) -> np.ndarray:
    """``a[off : off + size]`` over the leading axes, padded with ``fill`` where it leaves ``a``."""
    out = np.full(tuple(size) + a.shape[len(size):], fill, dtype=a.dtype)
    src, dst = [], []
    for o, n, t in zip(off, a.shape, size):
        lo, hi = max(o, 0), min(o + t, n)
        src.append(slice(lo, max(lo, hi)))
        dst.append(slice(lo - o, lo - o + max(0, hi - lo)))
    out[tuple(dst)] = a[tuple(src)]
    return out


def zoom_to(x: np.ndarray, shape: Sequence[int], order: int) -> np.ndarray:
    """``x`` (spatial + trailing axes) zoomed corner-aligned to exactly ``shape`` on the leading axes."""
    from scipy import ndimage

    shape = tuple(int(v) for v in shape)
    src = x.shape[:len(shape)]
    if src == shape:
        return x
    factors = [t / s for t, s in zip(shape, src)] + [1.0] * (x.ndim - len(shape))
    out = ndimage.zoom(x, factors, order=order, mode="nearest", grid_mode=False)
    if out.shape[:len(shape)] != shape:  # rounding safety net: crop / edge-pad to the exact size
        out = out[tuple(slice(0, t) for t in shape)]
        pad = [(0, t - s) for t, s in zip(shape, out.shape)] + [(0, 0)] * (x.ndim - len(shape))
        out = np.pad(out, pad, mode="edge")
    return out


def to_spacing(x: np.ndarray, spacing, spec) -> np.ndarray:
    """Channel-last ``x`` resampled to ``spec.target_spacing`` and cropped/padded to the input size."""
    mid, off = spacing_geometry(x.shape[:-1], spacing, spec)
    fill = x.min() if x.size else 0.0
    return _window(zoom_to(x, mid, spec.resample_order), off, spec.spatial_shape, fill)


def to_source_grid(a: np.ndarray, src_shape: Sequence[int], spacing: Sequence[float] | None,
                   spec) -> np.ndarray:
    """A map on the model-input grid (``spec.spatial_shape``) back on a raw sample's grid of
    ``src_shape`` (spatial axes): the inverse of the resampling :func:`preprocess_batch` did
    (with a target spacing: the window put back in the resampled grid, 0 outside it, then zoomed
    back; without one: the resize undone). Linear, corner-aligned like the forward zoom."""
    src = tuple(int(v) for v in src_shape)
    if spec.target_spacing is None:
        return zoom_to(a.astype(np.float32), src, 1)
    mid, off = spacing_geometry(src, spacing, spec)
    back = _window(a.astype(np.float32), tuple(-o for o in off), mid, 0.0)
    return zoom_to(back, src, 1)
