"""Colormaps for the views: names shown in the combo box -> lookup tables."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

# Shown in this order; "grey" first, then perceptually uniform maps.
COLORMAPS: tuple[str, ...] = ("grey", "viridis", "inferno", "magma", "plasma", "cividis", "hot", "turbo")


@lru_cache(maxsize=32)
def lut(name: str, n: int = 256) -> np.ndarray:
    """(n, 3) uint8 RGB lookup table."""
    ramp = np.linspace(0.0, 1.0, n)
    if name in ("grey", "gray"):
        g = (ramp * 255).round().astype(np.uint8)
        return np.stack([g, g, g], axis=1)
    if name == "hot":
        r = np.clip(ramp * 3.0, 0, 1)
        g = np.clip(ramp * 3.0 - 1.0, 0, 1)
        b = np.clip(ramp * 3.0 - 2.0, 0, 1)
        return (np.stack([r, g, b], axis=1) * 255).round().astype(np.uint8)
    import pyqtgraph as pg

    table = pg.colormap.get(name).getLookupTable(0.0, 1.0, nPts=n, alpha=False)
    return np.asarray(table, dtype=np.uint8)[:, :3]


@lru_cache(maxsize=32)
def overlay_lut(name: str, n: int = 256, clear_below: int = 13) -> np.ndarray:
    """(n, 4) RGBA table for heat maps: the lowest ``clear_below`` entries are transparent,
    the rest fade in so weak evidence stays faint."""
    rgb = lut(name, n)
    alpha = np.clip((np.arange(n) - clear_below) / max(n * 0.25, 1), 0, 1) * 255
    alpha[:clear_below] = 0
    return np.concatenate([rgb, alpha.astype(np.uint8)[:, None]], axis=1)
