"""Turn raw samples into model input: resample, clean, normalise. Pure numpy/scipy (no TF).

Training and inference call the same :func:`preprocess_volume` / :func:`preprocess_batch`
with the same :class:`PreprocessSpec` (stored in the model bundle), so a volume is prepared
identically in both.

Layout: the model input is ``spatial_shape + (channels,)``, float32, channel-last. A sample is
either ``spatial`` (grey) or ``spatial + (channels,)``. ``spatial_shape`` has 3 axes for
volumes, 2 for image stacks (CIFAR-style ``(32, 32, 3)`` samples are 2D with 3 channels).

Resampling: each sample is resized to ``spatial_shape`` with ``scipy.ndimage.zoom`` (linear,
``order=1``); the channel axis is never resampled.

Millimetres (``spec.target_spacing``, None by default = the resize above): each sample is first
resampled from its own voxel spacing to ``target_spacing`` mm (``scipy.ndimage.zoom``, the
spec's order), then centre-cropped or padded (with the sample's smallest value: air, background)
to ``spatial_shape``, so one voxel is the same size in every scan and the input covers
``spatial_shape * target_spacing`` mm. Callers pass each sample's spacing (``spacings=``): the
file's (NIfTI, DICOM, an HDF5 ``spacing`` attribute). A sample whose spacing is unknown (bare
NPY/HDF5 arrays) is treated as 1 mm and counted in :class:`PreprocessStats`, which warns once;
training refuses such data when a target spacing is asked for (``train.py``), inference warns.
:mod:`voxdesk.engine.model.resample` computes the resampled size and the crop/pad offsets in one
place (``spacing_geometry``); Grad-CAM maps its heat back through ``resample.to_source_grid``.

NaN policy (documented, tested): NaN and +-Inf voxels are replaced by the sample's smallest
finite value (0 when the sample has none); the number of replaced voxels is counted in
:class:`PreprocessStats` so that callers can warn. Nothing is rejected.

Normalisation (per sample, after NaN cleaning), ``spec.normalization``:
  * ``"minmax"``     (x - min) / (max - min) -> [0, 1]; a constant sample becomes 0;
  * ``"zscore"``     (x - mean) / std; a constant sample becomes 0;
  * ``"percentile"`` clip to the sample's [p_low, p_high] percentiles, then min-max -> [0, 1];
  * ``"robust"``     (x - p_low) / (p_high - p_low) with the sample's percentiles, NOT clipped at
    p_high: only bounded to [-1, 3] (``ROBUST_BOUNDS``) against hot or dead voxels; a sample
    whose percentiles coincide falls back to min-max;
  * ``"ct-window"``  clip to [level - width/2, level + width/2] (e.g. HU), then scale to [0, 1];
  * ``"none"``       cast to float32 only.

``"auto"`` is a training-time choice, never stored in a spec: :func:`choose_normalization`
turns it into ``"ct-window"`` (soft-tissue window, level 40 / width 400 HU) when the training
data looks like CT in Hounsfield units, else ``"robust"`` for scan-sized inputs and ``"minmax"``
for small ones (16^3 digits, where it was measured).

``"robust"`` is for MR-like scans in arbitrary units. Measured
on the brain MR benchmark (``demo.brain``, issue 11; ``benchmarks/bench_small_data.py`` prints
it): a scan's maximum is a few noise voxels or the finding itself, so per-scan min-max scales each
scan by it; the lesion holds the maximum in 37 of the 40 test lesion scans and darkens the whole
head (median normalised head intensity 0.489, sd 0.070, in lesion scans; 0.597, sd 0.055, in
normal ones), a global cue that has nothing to do with where the lesion is. With ``"robust"`` the
two are 0.682 and 0.671: the cue is gone. Clipping at the 99th percentile (``"percentile"``) would
flatten every lesion brighter than grey matter into it, so ``"robust"`` keeps that tail. With
``"robust"`` and the 600-step recipe the default ``voxnet-bn`` scored 95.0 / 50.0 / 65.0% there
(seeds 0-2; it left chance at epoch 16, never, 32 of 36), while min-max fitted the global cue
within 5 epochs; with the 1,200 steps scan-sized inputs now get (``config.MIN_STEPS_SCAN``) it
learns the lesion itself (``README.md``, issue 11).

Why a CT window: min-max over a CT volume maps
-1000 (air) .. +1000 (bone) to 0..1, so the 10-50 HU contrast of a liver lesion becomes 0.5-2.5%
of the range, below the noise a small CNN can learn through; the window spreads soft tissue
over the whole range (``benchmarks/README.md``). The bundle stores the concrete normalisation, so inference repeats it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterable, Sequence

import numpy as np

from voxdesk.engine.errors import DatasetError, ModelError

NORMALIZATIONS = ("auto", "minmax", "zscore", "percentile", "robust", "ct-window", "none")
"""What a user may choose (GUI, CLI, ``TrainConfig``); a spec holds one of ``SPEC_NORMALIZATIONS``."""
SPEC_NORMALIZATIONS = NORMALIZATIONS[1:]
CT_LOW_HU = (-3100.0, -500.0)
"""Robust low intensity of CT data in HU: air (-1000) or scanner padding (-1024, -2048, -3024)."""
CT_HIGH_HU = (100.0, 4000.0)
ROBUST_BOUNDS = (-1.0, 3.0)
"""``"robust"`` output range, in units of the sample's p_low..p_high span."""
SPEC_VERSION = 1
SPACING_RANGE = (0.01, 100.0)
"""Target spacings (mm) a spec may hold."""
RESAMPLE_ORDERS = range(6)
"""Spline orders ``scipy.ndimage.zoom`` supports (0 nearest, 1 linear, 3 cubic...)."""


@dataclass(frozen=True)
class PreprocessSpec:
    """Everything needed to turn a raw sample into model input; JSON-serialisable."""

    spatial_shape: tuple[int, ...]
    channels: int = 1
    normalization: str = "minmax"
    percentiles: tuple[float, float] = (1.0, 99.0)
    window_level: float = 40.0
    window_width: float = 400.0
    source_has_channels: bool = False
    """True when raw samples carry a trailing channel axis (e.g. (32, 32, 3))."""
    resample_order: int = 1
    target_spacing: tuple[float, ...] | None = None
    """Voxel size (mm, one per spatial axis) samples are resampled to before being cropped or
    padded to ``spatial_shape``; None = resize each sample to ``spatial_shape`` (no millimetres)."""

    def __post_init__(self) -> None:
        if self.normalization == "auto":
            raise ModelError('normalisation "auto" must be resolved from the data first (choose_normalization)')
        if self.normalization not in SPEC_NORMALIZATIONS:
            raise ModelError(
                f"unknown normalisation {self.normalization!r}; choose one of {', '.join(NORMALIZATIONS)}"
            )
        if len(self.spatial_shape) not in (2, 3) or min(self.spatial_shape) < 1:
            raise ModelError(f"input size must have 2 or 3 positive axes, got {self.spatial_shape}")
        if self.normalization == "ct-window" and self.window_width <= 0:
            raise ModelError("CT window width must be positive")
        if isinstance(self.resample_order, bool) or self.resample_order not in RESAMPLE_ORDERS:
            raise ModelError(f"resample order must be an integer from 0 to 5, got {self.resample_order!r}")
        if self.target_spacing is not None:
            ts = self.target_spacing
            lo_mm, hi_mm = SPACING_RANGE
            if len(ts) != len(self.spatial_shape) or not all(
                    isinstance(v, (int, float)) and lo_mm <= v <= hi_mm for v in ts):
                raise ModelError(f"target spacing must be {len(self.spatial_shape)} sizes from {lo_mm:g} to "
                                 f"{hi_mm:g} mm, got {ts}")
        lo, hi = self.percentiles
        if not 0 <= lo < hi <= 100:
            raise ModelError(f"percentiles must satisfy 0 <= low < high <= 100, got {self.percentiles}")

    @property
    def input_shape(self) -> tuple[int, ...]:
        """The model's input shape (without the batch axis)."""
        return tuple(self.spatial_shape) + (self.channels,)

    @property
    def spatial_rank(self) -> int:
        return len(self.spatial_shape)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["version"] = SPEC_VERSION
        if self.target_spacing is None:
            d.pop("target_spacing")  # a spec without millimetres reads as before (older VoxDesk too)
        else:
            d["target_spacing"] = [float(v) for v in self.target_spacing]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "PreprocessSpec":
        d = dict(d)
        version = d.pop("version", SPEC_VERSION)
        if version != SPEC_VERSION:
            raise ModelError(f"preprocessing spec version {version} is not supported (expected {SPEC_VERSION})")
        try:
            d["spatial_shape"] = tuple(int(v) for v in d["spatial_shape"])
            d["percentiles"] = tuple(float(v) for v in d.get("percentiles", (1.0, 99.0)))
            if d.get("target_spacing") is not None:
                d["target_spacing"] = tuple(float(v) for v in d["target_spacing"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"the preprocessing spec is damaged ({exc})") from None
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class PreprocessStats:
    """What preprocessing had to fix; callers turn it into user warnings."""

    nonfinite_voxels: int = 0
    nonfinite_samples: int = 0
    resampled_samples: int = 0
    unknown_spacing: int = 0
    """Samples resampled to the target spacing whose own spacing was unknown (treated as 1 mm)."""
    shapes_seen: set = field(default_factory=set)

    def warnings(self) -> list[str]:
        out = []
        if self.nonfinite_voxels:
            out.append(
                f"{self.nonfinite_voxels} NaN/Inf voxels in {self.nonfinite_samples} samples were "
                "replaced by each sample's smallest finite value"
            )
        if self.unknown_spacing:
            out.append(f"{self.unknown_spacing} sample(s) have no known voxel spacing (bare arrays); the model "
                       "resamples to millimetres, so they were treated as 1 mm voxels")
        if len(self.shapes_seen) > 1:
            shapes = ", ".join(str(s) for s in sorted(self.shapes_seen)[:5])
            out.append(f"samples have different shapes ({shapes}...); each was resampled to the input size")
        return out


def split_sample_shape(shape: Sequence[int]) -> tuple[tuple[int, ...], int, bool]:
    """Guess (spatial_shape, channels, has_channel_axis) from one raw sample's shape.

    4 axes -> 3D + channels; 3 axes with a last axis of 1, 3 or 4 that is much smaller than the
    others -> 2D + channels (RGB images); otherwise 3 axes -> grey 3D, 2 axes -> grey 2D.
    """
    shape = tuple(int(s) for s in shape)
    if len(shape) == 4:
        return shape[:3], shape[3], True
    if len(shape) == 3 and shape[2] in (1, 3, 4) and min(shape[:2]) >= 4 * shape[2]:
        return shape[:2], shape[2], True
    if len(shape) in (2, 3):
        return shape, 1, False
    raise DatasetError(f"samples of shape {shape} are neither 2D nor 3D images")


def looks_like_ct(data_stats: dict | None) -> bool:
    """True when training data looks like CT in Hounsfield units: its robust low intensity is
    air or scanner padding (-3100..-500) and its robust high is soft tissue to bone (100..4000).
    ``data_stats``: ``consistency.training_data_stats`` (0.5th..99.5th percentiles per sample)."""
    if not data_stats or data_stats.get("intensity_low") is None:
        return False
    lo, hi = float(data_stats["intensity_low"]), float(data_stats["intensity_high"])
    return CT_LOW_HU[0] <= lo <= CT_LOW_HU[1] and CT_HIGH_HU[0] <= hi <= CT_HIGH_HU[1]


def choose_normalization(requested: str, data_stats: dict | None,
                         spatial_shape: Sequence[int] | None = None) -> tuple[str, str]:
    """(concrete normalisation, a sentence saying why) for a user's choice; resolves "auto":
    a CT window for Hounsfield units; else ``"robust"`` for scan-sized inputs (every axis of
    ``spatial_shape``, the model's input, at least ``networks.STRIDED_STEM_SIDE``), where per-scan
    min-max is hostage to the brightest voxel (on the brain MR benchmark the lesion itself), and
    ``"minmax"`` for small inputs such as 16^3 digits (measured there; ``"robust"`` would rescale
    them to a peak of ~2.5)."""
    from voxdesk.engine.model.networks import STRIDED_STEM_SIDE

    if requested != "auto":
        if requested not in SPEC_NORMALIZATIONS:
            raise ModelError(f"unknown normalisation {requested!r}; choose one of {', '.join(NORMALIZATIONS)}")
        return requested, f"normalisation {requested} (chosen by the user)"
    if looks_like_ct(data_stats):
        return "ct-window", (
            f"normalisation auto -> ct-window (level 40, width 400 HU): the training data looks like CT "
            f"(intensities {data_stats['intensity_low']:.0f}..{data_stats['intensity_high']:.0f})")
    if spatial_shape is not None and len(spatial_shape) and min(spatial_shape) >= STRIDED_STEM_SIDE:
        return "robust", ("normalisation auto -> robust (percentiles, brighter kept): scan-sized data that "
                          "does not look like CT in Hounsfield units")
    return "minmax", "normalisation auto -> minmax (the data does not look like CT in Hounsfield units)"


def make_spec(
    sample_shape: Sequence[int],
    input_size: Sequence[int] | None = None,
    normalization: str = "minmax",
    **options,
) -> PreprocessSpec:
    """A spec for samples of ``sample_shape`` (one raw sample), resized to ``input_size``."""
    spatial, channels, has_channels = split_sample_shape(sample_shape)
    if input_size is not None:
        input_size = tuple(int(s) for s in input_size)
        if len(input_size) != len(spatial):
            raise ModelError(
                f"input size {input_size} has {len(input_size)} axes but the samples have "
                f"{len(spatial)} spatial axes {spatial}"
            )
        spatial = input_size
    return PreprocessSpec(
        spatial_shape=spatial,
        channels=channels,
        normalization=normalization,
        source_has_channels=has_channels,
        **options,
    )


def _expects(spec: PreprocessSpec) -> str:
    """'2D images of 32x32 with 3 channels (input shape (32, 32, 3))' - what the model takes."""
    kind = "3D volumes" if spec.spatial_rank == 3 else "2D images"
    return (f"{kind} of {'x'.join(map(str, spec.spatial_shape))} with {spec.channels} channel(s) "
            f"(input shape {spec.input_shape})")


def _as_channel_last(x: np.ndarray, spec: PreprocessSpec) -> np.ndarray:
    rank = spec.spatial_rank
    if x.ndim == rank:
        x = x[..., None]
    elif x.ndim != rank + 1:
        raise DatasetError(f"the model expects {_expects(spec)}; this sample of shape {x.shape} is "
                           f"{x.ndim}D data")
    if x.shape[-1] != spec.channels:
        if x.shape[-1] == 1:
            x = np.repeat(x, spec.channels, axis=-1)
        elif not spec.source_has_channels and spec.channels == 1:
            # A grey model's samples have no channel axis: the last axis is spatial, the sample has
            # one more spatial axis than the model (e.g. a 3D scan given to a 2D model).
            raise DatasetError(f"the model expects {_expects(spec)}; this sample of shape {x.shape} is "
                               f"{x.ndim}D data")
        else:
            raise DatasetError(f"the model expects {_expects(spec)}; this sample of shape {x.shape} has "
                               f"{x.shape[-1]} channels")
    return x


def _clean_nonfinite(x: np.ndarray, stats: PreprocessStats | None) -> np.ndarray:
    finite = np.isfinite(x)
    if finite.all():
        return x
    bad = int(x.size - np.count_nonzero(finite))
    fill = x[finite].min() if finite.any() else 0.0
    x = np.where(finite, x, fill).astype(np.float32, copy=False)
    if stats is not None:
        stats.nonfinite_voxels += bad
        stats.nonfinite_samples += 1
    return x


def _resample(x: np.ndarray, spec: PreprocessSpec) -> np.ndarray:
    from voxdesk.engine.model.resample import zoom_to

    return zoom_to(x, spec.spatial_shape, spec.resample_order)


def _normalise(x: np.ndarray, spec: PreprocessSpec) -> np.ndarray:
    """Normalise a batch ``(N, ...)`` per sample, vectorised over the batch."""
    axes = tuple(range(1, x.ndim))
    kind = spec.normalization
    if kind == "none":
        return x
    if kind == "ct-window":
        lo = spec.window_level - spec.window_width / 2
        return ((np.clip(x, lo, lo + spec.window_width) - lo) / spec.window_width).astype(np.float32)
    if kind == "zscore":
        mean = x.mean(axis=axes, keepdims=True)
        std = x.std(axis=axes, keepdims=True)
        return np.where(std > 0, (x - mean) / np.where(std > 0, std, 1), 0).astype(np.float32)
    if kind in ("percentile", "robust"):
        flat = x.reshape(len(x), -1)
        lo = np.percentile(flat, spec.percentiles[0], axis=1).reshape((-1,) + (1,) * (x.ndim - 1))
        hi = np.percentile(flat, spec.percentiles[1], axis=1).reshape((-1,) + (1,) * (x.ndim - 1))
        if kind == "robust":
            span = hi - lo
            ok = span > 0
            scaled = np.clip((x - lo) / np.where(ok, span, 1), *ROBUST_BOUNDS)
            mn = x.min(axis=axes, keepdims=True)
            full = x.max(axis=axes, keepdims=True) - mn
            fallback = np.where(full > 0, (x - mn) / np.where(full > 0, full, 1), 0)
            return np.where(ok, scaled, fallback).astype(np.float32)
        x = np.clip(x, lo, hi)
    lo = x.min(axis=axes, keepdims=True)
    span = x.max(axis=axes, keepdims=True) - lo
    return np.where(span > 0, (x - lo) / np.where(span > 0, span, 1), 0).astype(np.float32)


def preprocess_batch(
    samples: Iterable[np.ndarray], spec: PreprocessSpec, stats: PreprocessStats | None = None,
    spacings: Sequence[Sequence[float] | None] | None = None,
) -> np.ndarray:
    """Raw samples (any shapes, any dtypes) -> one float32 array ``(N,) + spec.input_shape``.

    ``spacings``: per sample its voxel size in mm (None where unknown); read only when the spec
    has a ``target_spacing``."""
    out = np.empty((0,) + spec.input_shape, dtype=np.float32)
    prepared = []
    for i, raw in enumerate(samples):
        x = np.asarray(raw, dtype=np.float32)
        x = _as_channel_last(x, spec)
        if stats is not None and spec.target_spacing is None:  # in millimetres, shapes may differ
            stats.shapes_seen.add(tuple(x.shape[:-1]))
        x = _clean_nonfinite(x, stats)
        if spec.target_spacing is not None:
            from voxdesk.engine.model.resample import to_spacing

            sp = spacings[i] if spacings is not None else None
            if sp is None and stats is not None:
                stats.unknown_spacing += 1
            x = to_spacing(x, None if sp is None else tuple(sp)[:spec.spatial_rank], spec)
            if stats is not None:
                stats.resampled_samples += 1
        elif x.shape[:-1] != tuple(spec.spatial_shape):
            x = _resample(x, spec)
            if stats is not None:
                stats.resampled_samples += 1
        prepared.append(x)
    if not prepared:
        return out
    return _normalise(np.stack(prepared), spec)


def preprocess_volume(array: np.ndarray, spec: PreprocessSpec, stats: PreprocessStats | None = None,
                      spacing: Sequence[float] | None = None) -> np.ndarray:
    """One raw sample -> model input ``spec.input_shape`` (no batch axis). Used by inference."""
    return preprocess_batch([array], spec, stats, [spacing])[0]


def preprocess_array(x: np.ndarray, spec: PreprocessSpec, stats: PreprocessStats | None = None,
                     chunk: int = 1024) -> np.ndarray:
    """Fast path for a stacked ``(N, ...)`` array: preprocess in chunks, bounded temporaries."""
    parts = [preprocess_batch(x[i:i + chunk], spec, stats) for i in range(0, len(x), chunk)]
    if not parts:
        return np.empty((0,) + spec.input_shape, dtype=np.float32)
    return np.concatenate(parts)
