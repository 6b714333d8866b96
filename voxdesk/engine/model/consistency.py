"""Input-consistency checks: does this volume look like the data the model was trained on?

Training-data statistics live in the bundle metadata under ``"data_stats"`` (written by
:func:`training_data_stats`, JSON-serialisable)::

    {"version": 1, "n_samples": 120,
     "shape_min": [16, 16, 16], "shape_max": [16, 16, 16],      # raw sample shapes (spatial)
     "spacing_min": [1, 1, 1] | null, "spacing_max": [...] | null,  # mm, NIfTI files only
     "axcodes": ["RAS"] | [], "orientation_known": true | false | null,
     "intensity_low": 0.0, "intensity_high": 255.0,   # robust range over the training samples
     "intensity_span": 250.0}                         # median per-sample robust span

Robust ranges: each sample's intensity range is its 0.5th..99.5th percentile (a few hot or
dead voxels do not count); the training range is the 5th percentile of the samples' lows to
the 95th percentile of their highs (a few odd samples, up to 5%, do not widen it).

When a bundle has no ``data_stats`` the checks fall back to what the metadata always holds:
the model's input size (shape) and, for a CT-window normalisation, the window (intensity).

:func:`check_volume` returns plain sentences a clinician can act on; it never raises.
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np

__all__ = ["training_data_stats", "check_volume", "robust_range", "STATS_KEY"]

STATS_KEY = "data_stats"
STATS_VERSION = 1
PERCENTILES = (0.5, 99.5)
SHAPE_FACTOR = 2.0
"""An axis more than 2x smaller or larger than any training sample's is 'very different'."""
SPACING_FACTOR = 1.5
INTENSITY_SPAN_FACTOR = 4.0
_MAX_VOXELS = 1 << 15
"""Percentiles are taken over at most this many voxels (a strided subsample): ~1 ms, and the
0.5th/99.5th percentiles still rest on ~160 voxels each."""


def robust_range(data: np.ndarray) -> tuple[float, float]:
    """(0.5th, 99.5th) percentile of the finite voxels (a strided subsample for big volumes)."""
    flat = np.asarray(data).reshape(-1)
    if flat.size > _MAX_VOXELS:
        flat = flat[:: flat.size // _MAX_VOXELS]
    if np.issubdtype(flat.dtype, np.floating):
        flat = flat[np.isfinite(flat)]
    if flat.size == 0:
        return (math.nan, math.nan)
    lo, hi = np.percentile(flat.astype(np.float64), PERCENTILES)
    return float(lo), float(hi)


def _spatial(shape: Sequence[int], has_channels: bool) -> tuple[int, ...]:
    shape = tuple(int(s) for s in shape)
    return shape[:-1] if has_channels else shape


def training_data_stats(
    samples,
    *,
    has_channels: bool = False,
    spacings: Iterable[Sequence[float]] | None = None,
    axcodes: Iterable[str] | None = None,
    orientation_known: bool | None = None,
    max_samples: int = 256,
    seed: int = 0,
) -> dict:
    """Statistics of the training samples for :func:`check_volume` (store as ``metadata["data_stats"]``).

    ``samples``: a ``datasets.Samples`` (or any sequence of arrays); at most ``max_samples``
    evenly chosen ones are read. ``has_channels``: samples carry a trailing channel axis
    (``PreprocessSpec.source_has_channels``). For file-backed samples (``samples.path(i)``)
    NIfTI spacing and orientation are read from the headers unless given.
    """
    n = len(samples)
    if n == 0:
        return {"version": STATS_VERSION, "n_samples": 0}
    idx = np.unique(np.linspace(0, n - 1, min(n, max_samples)).astype(int))
    shapes, lows, highs = [], [], []
    for i in idx:
        x = np.asarray(samples[int(i)])
        shapes.append(_spatial(x.shape, has_channels))
        lo, hi = robust_range(x)
        if math.isfinite(lo):
            lows.append(lo)
            highs.append(hi)
    if spacings is None and hasattr(samples, "path"):
        spacings, found_codes = _file_geometry(samples, idx)
        if axcodes is None and found_codes:
            axcodes, orientation_known = found_codes, True
    spacing = np.asarray(list(spacings), float) if spacings is not None else None
    rank = len(shapes[0])
    same_rank = [s for s in shapes if len(s) == rank]
    out = {
        "version": STATS_VERSION,
        "n_samples": int(n),
        "n_examined": int(len(idx)),
        "shape_min": [int(v) for v in np.min(same_rank, axis=0)],
        "shape_max": [int(v) for v in np.max(same_rank, axis=0)],
        "spacing_min": None, "spacing_max": None,
        "axcodes": sorted(set(axcodes or [])),
        "orientation_known": orientation_known,
        "intensity_low": None, "intensity_high": None, "intensity_span": None,
    }
    if spacing is not None and spacing.ndim == 2 and len(spacing):
        out["spacing_min"] = [float(v) for v in spacing.min(axis=0)]
        out["spacing_max"] = [float(v) for v in spacing.max(axis=0)]
    if lows:
        out["intensity_low"] = float(np.percentile(lows, 5))
        out["intensity_high"] = float(np.percentile(highs, 95))
        out["intensity_span"] = float(np.median(np.subtract(highs, lows)))
    return out


def _file_geometry(samples, idx) -> tuple[list | None, list[str]]:
    """Spacings and axis codes from NIfTI headers of file-backed samples (no voxel data read)."""
    from voxdesk.engine.io import format_of, probe

    spacings, codes = [], set()
    for i in idx:
        try:
            path = samples.path(int(i))
            if format_of(path) != "nifti":
                return None, []
            header = probe(path).header
        except Exception:  # a header we cannot read simply gives no geometry
            return None, []
        spacings.append(tuple(float(z) for z in header["zooms"]))
        codes.add("RAS")  # open_volume reorients every NIfTI to RAS before training sees it
    return spacings, sorted(codes)


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def _dims(shape) -> str:
    return "x".join(str(int(s)) for s in shape)


def _check_shape(vol_shape, stats: dict | None, spec, out: list[str]) -> None:
    if stats and stats.get("shape_min") and len(stats["shape_min"]) == len(vol_shape):
        lo, hi = np.asarray(stats["shape_min"]), np.asarray(stats["shape_max"])
        ref = _dims(lo) if (lo == hi).all() else f"{_dims(lo)} to {_dims(hi)}"
        what = "the training data's"
    else:
        lo = hi = np.asarray(spec.spatial_shape)
        if len(lo) != len(vol_shape):
            return
        ref, what = _dims(lo), "the model's input size"
    v = np.asarray(vol_shape)
    if (v * SHAPE_FACTOR < lo).any() or (v > hi * SHAPE_FACTOR).any():
        out.append(
            f"size {_dims(v)} voxels is very different from {what} {ref}: it is resampled to "
            f"{_dims(spec.spatial_shape)} for the model, so structures appear "
            f"{'smaller' if (v > hi).any() else 'larger'} than in training; is this the same kind of scan?"
        )


def _check_spacing(volume, stats: dict | None, out: list[str]) -> None:
    if not stats or not stats.get("spacing_min") or not getattr(volume, "orientation_known", True):
        return
    lo, hi = np.asarray(stats["spacing_min"]), np.asarray(stats["spacing_max"])
    sp = np.asarray(volume.spacing, float)
    if len(sp) != len(lo):
        return
    if (sp * SPACING_FACTOR < lo).any() or (sp > hi * SPACING_FACTOR).any():
        ref = " x ".join(_fmt(v) for v in lo) + " mm"
        if not np.allclose(lo, hi):
            ref = f"{ref} to " + " x ".join(_fmt(v) for v in hi) + " mm"
        out.append(
            f"voxel spacing {' x '.join(_fmt(s) for s in sp)} mm is outside the training data's "
            f"{ref}: the model sees voxels, not millimetres, so anatomy appears at a different scale"
        )


def _check_orientation(volume, stats: dict | None, out: list[str]) -> None:
    if not stats:
        return
    codes = "".join(getattr(volume, "axcodes", ()) or ())
    trained = stats.get("axcodes") or []
    if stats.get("orientation_known") and not getattr(volume, "orientation_known", True):
        out.append(
            f"this file carries no orientation (array data), while the model was trained on scans "
            f"oriented {'/'.join(trained) or 'RAS'}: check that its axes are in the same order"
        )
    elif trained and getattr(volume, "orientation_known", True) and codes and codes not in trained:
        out.append(f"orientation {codes} differs from the training data's {'/'.join(trained)}")


def _check_intensity(data, stats: dict | None, spec, out: list[str]) -> None:
    lo, hi = robust_range(data)
    if not math.isfinite(lo):
        out.append("the volume has no finite voxel values")
        return
    if stats and stats.get("intensity_low") is not None:
        t_lo, t_hi = float(stats["intensity_low"]), float(stats["intensity_high"])
        t_span = max(float(stats.get("intensity_span") or (t_hi - t_lo)), 1e-12)
        margin = 0.5 * max(t_hi - t_lo, t_span)
        span = hi - lo
        outside = lo < t_lo - margin or hi > t_hi + margin
        scale = span > t_span * INTENSITY_SPAN_FACTOR or span * INTENSITY_SPAN_FACTOR < t_span
        if outside or scale:
            out.append(
                f"intensity range {_fmt(lo)}..{_fmt(hi)} is far outside the training data's "
                f"{_fmt(t_lo)}..{_fmt(t_hi)}: was this scan normalised differently "
                "(or is it another modality)?"
            )
        return
    if spec is not None and spec.normalization == "ct-window":
        w_lo = spec.window_level - spec.window_width / 2
        w_hi = w_lo + spec.window_width
        if hi < w_lo or lo > w_hi:
            out.append(
                f"intensity range {_fmt(lo)}..{_fmt(hi)} misses the model's CT window "
                f"{_fmt(w_lo)}..{_fmt(w_hi)} (HU): is this a CT scan in Hounsfield units?"
            )


def check_volume(volume, metadata: dict) -> list[str]:
    """Warnings (possibly none) about ``volume`` against a bundle's ``metadata``."""
    from voxdesk.engine.model.preprocessing import PreprocessSpec

    try:
        spec = PreprocessSpec.from_dict(metadata["preprocessing"])
    except Exception:  # unreadable spec: loading the bundle reports that, not this check
        return []
    stats = metadata.get(STATS_KEY) or None
    if stats and stats.get("version", STATS_VERSION) != STATS_VERSION:
        stats = None
    out: list[str] = []
    shape = _spatial(volume.data.shape, spec.source_has_channels)
    _check_shape(shape, stats, spec, out)
    if spec.target_spacing is None:  # a model that resamples to millimetres is told the scale
        _check_spacing(volume, stats, out)
    _check_orientation(volume, stats, out)
    _check_intensity(volume.data, stats, spec, out)
    return out
