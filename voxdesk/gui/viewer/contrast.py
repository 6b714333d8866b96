"""Window/level presets: pure numpy, no Qt, so they are easy to test and reuse.

Levels are ``(low, high)`` in data units. CT presets use the usual radiology windows
(width, level) in Hounsfield units; they are meaningful for CT data only.
"""
from __future__ import annotations

import numpy as np

# name -> (width, level) in HU
CT_WINDOWS: dict[str, tuple[float, float]] = {
    "CT brain": (80.0, 40.0),
    "CT soft tissue": (400.0, 40.0),
    "CT lung": (1500.0, -600.0),
    "CT bone": (1800.0, 400.0),
}

PRESETS: tuple[str, ...] = ("auto (1-99%)", "full range", *CT_WINDOWS)
DEFAULT_PRESET = PRESETS[0]
FILE_WINDOW = "file's window"
"""The window the scan itself carries (DICOM WindowCenter/WindowWidth): first, and the default."""


def file_window(volume) -> tuple[float, float] | None:
    """(center, width) the volume's file suggests, or None."""
    w = getattr(volume, "meta", {}).get("window") if volume is not None else None
    if not w or len(w) != 2 or not float(w[1]) > 0:
        return None
    return float(w[0]), float(w[1])


def presets_for(volume) -> tuple[str, ...]:
    """The presets to offer for ``volume``: the file's own window first when it has one."""
    return ((FILE_WINDOW,) if file_window(volume) else ()) + PRESETS


def default_preset(volume) -> str:
    return presets_for(volume)[0]


MODALITIES = ("CT", "MR", "other")
"""What a window preset is remembered for: a CT window makes no sense on an MR scan."""


def modality(volume) -> str:
    """"CT", "MR" or "other": the file's DICOM Modality when it has one, else CT when the values
    look like Hounsfield units (air near -1000, nothing above bone), else "other"."""
    meta = getattr(volume, "meta", None) or {}
    tag = str(meta.get("modality") or "").upper()
    if tag in ("CT", "MR"):
        return tag
    if tag or volume is None:
        return "other"
    if str(meta.get("units") or "").upper() == "HU":
        return "CT"
    values = sample_values(getattr(volume, "data", volume), 200_000)
    if values.size == 0 or values.dtype.kind not in "iuf":
        return "other"
    lo, hi = float(values.min()), float(values.max())
    return "CT" if -3100.0 <= lo <= -500.0 and 0.0 < hi <= 5000.0 else "other"


def preset_for(volume, remembered: dict[str, str] | None = None) -> str:
    """The preset a newly shown ``volume`` starts with: the one last chosen for its modality
    (when this volume offers it), else the default (the file's own window, else auto)."""
    name = (remembered or {}).get(modality(volume))
    return name if name in presets_for(volume) else default_preset(volume)

_MAX_SAMPLE = 1_000_000


def sample_values(data: np.ndarray, max_values: int = _MAX_SAMPLE) -> np.ndarray:
    """A strided subsample of the finite voxel values (fast on large volumes)."""
    step = max(1, int(round((data.size / max_values) ** (1.0 / 3.0))))
    sub = np.asarray(data[::step, ::step, ::step]).ravel()
    if np.issubdtype(sub.dtype, np.floating):
        sub = sub[np.isfinite(sub)]
    return sub


def _nonflat(lo: float, hi: float) -> tuple[float, float]:
    if not np.isfinite(lo) or not np.isfinite(hi):
        return (0.0, 1.0)
    if hi <= lo:
        return (lo - 0.5, lo + 0.5)
    return (float(lo), float(hi))


def percentile_levels(data: np.ndarray, low: float = 1.0, high: float = 99.0) -> tuple[float, float]:
    values = sample_values(data)
    if values.size == 0:
        return (0.0, 1.0)
    lo, hi = np.percentile(values, [low, high])
    if hi <= lo:  # e.g. mostly-zero background: fall back to the full range
        lo, hi = float(values.min()), float(values.max())
    return _nonflat(float(lo), float(hi))


def full_range(data: np.ndarray) -> tuple[float, float]:
    if np.issubdtype(data.dtype, np.floating):
        finite = data[np.isfinite(data)]
        if finite.size == 0:
            return (0.0, 1.0)
        return _nonflat(float(finite.min()), float(finite.max()))
    return _nonflat(float(data.min()), float(data.max()))


def preset_levels(name: str, volume) -> tuple[float, float]:
    """Levels for preset ``name`` on ``volume`` (a Volume or an array)."""
    data = getattr(volume, "data", volume)
    window = file_window(volume) if name == FILE_WINDOW else None
    if window:
        center, width = window
        return (center - width / 2.0, center + width / 2.0)
    if name == "full range":
        return full_range(data)
    if name in CT_WINDOWS:
        width, level = CT_WINDOWS[name]
        return (level - width / 2.0, level + width / 2.0)
    return percentile_levels(data)


def histogram(data: np.ndarray, bins: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """(counts, edges) of a subsample; counts are log-scaled for display."""
    values = sample_values(data, 400_000)
    if values.size == 0:
        return np.zeros(1), np.array([0.0, 1.0])
    lo, hi = _nonflat(float(values.min()), float(values.max()))
    integral = values.dtype.kind in "biu" or bool(np.all(values == np.round(values)))
    if integral and hi - lo + 1 <= 4 * bins:
        # whole-number data: bins a whole number of values wide, or empty bins look like gaps
        width = max(1, int(np.ceil((hi - lo + 1) / bins)))
        edges = np.arange(lo - 0.5, hi + 0.5 + width, width)
        counts, edges = np.histogram(values, bins=edges)
    else:
        counts, edges = np.histogram(values, bins=bins, range=(lo, hi))
    return np.log1p(counts.astype(np.float64)), edges
