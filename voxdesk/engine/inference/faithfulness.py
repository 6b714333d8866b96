"""Where a heat map lies: the body mask, and the pointing game that scores a map against the
finding's mask. Used by ``explain`` (never jump to a hottest voxel in the air without saying
so), the benchmarks and the tests.
"""
from __future__ import annotations

import numpy as np

MIN_BACKGROUND = 0.05


def foreground_mask(data: np.ndarray) -> np.ndarray:
    """Voxels of the body (or object) rather than the air or background around it.

    CT in Hounsfield units (the volume reaches air, below -500 HU): every voxel above -500 HU.
    Other data: voxels above 10% of the way from the 1st to the 99th percentile. Holes (lungs,
    bowel gas) are filled with ``scipy.ndimage.binary_fill_holes``, so they count as inside. A
    volume without a real background (less than ``MIN_BACKGROUND`` of it outside: a crop inside
    the body, a noise phantom) is all foreground.
    """
    from scipy import ndimage

    a = np.asarray(data, np.float32)
    finite = a[np.isfinite(a)]
    if not finite.size:
        return np.zeros(a.shape, bool)
    lo, hi = np.percentile(finite, [1, 99])
    threshold = -500.0 if lo < -500 <= hi else lo + 0.1 * (hi - lo)
    mask = np.nan_to_num(a, nan=float(lo)) > threshold
    mask = ndimage.binary_fill_holes(mask) if mask.any() else mask
    if (~mask).mean() < MIN_BACKGROUND:
        return np.ones(a.shape, bool)
    return mask


def pointing_hit(heat: np.ndarray, target: np.ndarray, dilate: int = 1) -> bool:
    """Pointing game: does the hottest voxel of ``heat`` lie in ``target`` (a bool mask of the
    finding, on the same grid) dilated by ``dilate`` voxels? False for an empty map."""
    from scipy import ndimage

    target = np.asarray(target, bool)
    if not heat.any() or not target.any():
        return False
    if dilate:
        target = ndimage.binary_dilation(target, iterations=int(dilate))
    return bool(target[np.unravel_index(int(np.argmax(heat)), heat.shape)])


def heat_share(heat: np.ndarray, region: np.ndarray) -> float:
    """The share of the map's total heat that lies in ``region`` (a bool mask); 0 for an empty map."""
    total = float(np.sum(heat))
    return float(np.sum(heat[np.asarray(region, bool)]) / total) if total > 0 else 0.0
