"""On-the-fly augmentation and the tf.data input pipelines that apply it.

Augmentation runs on whole batches inside ``tf.data`` with vectorised TF ops. Flips and
90-degree turns (in the plane of the first two spatial axes, square planes only) are folded into
one exact voxel permutation per sample (a single gather). Small rotations and shifts use TF's
bilinear ``ImageProjectiveTransformV3`` kernel, one pass per plane (3 in 3D, 1 in 2D; edge
values fill the border). Intensity jitter (scale and offset) and Gaussian noise follow.
Randomness is stateless and seeded: a seeded
``tf.data.Dataset.random`` stream gives each batch its own seed, re-drawn every epoch, so the
same seed gives the same run.

Small rotations/shifts, intensity jitter and noise are on by default. Flips keep a finding a
finding (a lesion mirrored is still a lesion) but orientation can carry the class (laterality,
digits like 6 and 9): :class:`AugmentConfig` has ``flips`` and ``left_right_matters`` (no flip
along the left-right axis), and training's default recipe decides them per dataset
(``training.TrainConfig``). Flips alone are exact and cheap (a reversed copy per axis, picked per
sample); 90-degree turns go through one voxel permutation (a gather) with the flips folded in.

Pipelines (TensorFlow imported lazily):
  * :func:`array_dataset` - preprocessed in-memory arrays: shuffles *indices* (not a big
    element buffer), gathers batches, augments, prefetches;
  * :func:`stream_dataset` - a ``Samples`` collection read from disk in sorted batch reads by
    a generator and preprocessed per batch. The next ``STREAM_AHEAD`` batches are read and
    preprocessed on reader threads (``readahead.ordered_map``) while the model trains on the
    current one, and the pipeline after the generator buffers ``STREAM_PREFETCH`` batch (not
    ``AUTOTUNE``, whose buffer may grow with the free memory): memory is bounded by a few
    batches, however large the dataset (``benchmarks/bench_streaming.py``).
"""
from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass

import numpy as np

from voxdesk.engine.model.preprocessing import PreprocessSpec, PreprocessStats, preprocess_batch
from voxdesk.engine.readahead import ordered_map

STREAM_AHEAD = 2
"""Batches a streamed pipeline reads ahead of the one being trained on."""
STREAM_PREFETCH = 1
"""Batches buffered after the reader (a fixed number: the read-ahead already overlaps reading)."""


@dataclass(frozen=True)
class AugmentConfig:
    flips: bool = False
    """Random flips along every spatial axis (but the first when ``left_right_matters``): a
    finding mirrored is still the finding. Off by default: orientation can carry the class."""
    rot90: bool = False
    """Random multiples of 90 degrees in the plane of the first two spatial axes (square only;
    never when ``left_right_matters``, since such a turn swaps left-right with front-back)."""
    left_right_matters: bool = False
    """The class depends on the side (laterality): no flip along the first spatial axis, which is
    left-right in VoxDesk's RAS convention (NIfTI volumes are reoriented to RAS on loading)."""
    rotation_deg: float = 10.0
    """Small random rotation, up to this many degrees about each axis (0 = off)."""
    shift: float = 0.1
    """Random shift up to this fraction of each axis (0 = off)."""
    intensity: float = 0.1
    """Random scale in [1-a, 1+a] and offset in [-a, a] (0 = off)."""
    noise: float = 0.02
    """Std of additive Gaussian noise (0 = off)."""

    def flip_axes(self, rank: int) -> tuple[int, ...]:
        """The spatial axes (0-based) that random flips may reverse."""
        if not self.flips:
            return ()
        return tuple(range(1 if self.left_right_matters else 0, rank))

    @property
    def enabled(self) -> bool:
        return bool(self.flips or self.rot90 or self.rotation_deg or self.shift or self.intensity or self.noise)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict | None) -> "AugmentConfig":
        return cls(**{k: v for k, v in (d or {}).items() if k in cls.__dataclass_fields__})


NO_AUGMENT = AugmentConfig(flips=False, rot90=False, rotation_deg=0.0, shift=0.0, intensity=0.0, noise=0.0)


def _resample_affine(tf, x, mats, shifts):
    """out[b, p] = x[b, M_b (p - c) + c + t_b], nearest voxel, edge clamped (90-degree turns and
    flips land exactly on voxels, so nearest is exact there)."""
    shape = x.shape[1:-1]
    rank, channels = len(shape), x.shape[-1]
    n_points = int(np.prod(shape))
    grid = np.stack(np.meshgrid(*[np.arange(n) for n in shape], indexing="ij"), -1).reshape(-1, rank)
    centre = (np.asarray(shape, np.float32) - 1) / 2
    grid = tf.constant(grid.astype(np.float32) - centre)
    src = tf.einsum("pj,bij->bpi", grid, mats) + centre + shifts[:, None, :]
    flat = tf.reshape(x, (-1, n_points, channels))
    strides = np.cumprod((list(shape[1:]) + [1])[::-1])[::-1].astype(np.int32)
    upper = tf.constant(np.asarray(shape, np.float32) - 1)
    idx = tf.cast(tf.clip_by_value(tf.round(src), 0.0, upper), tf.int32)
    return tf.reshape(tf.gather(flat, tf.reduce_sum(idx * strides, -1), batch_dims=1), tf.shape(x))


def _plane_transform(tf, x, angle, shift_row, shift_col):
    """Rotate/shift every (row, col) plane of ``x`` (N, H, W, C) by per-image parameters,
    bilinear with edge values (TF's ImageProjectiveTransformV3 kernel)."""
    h, w = x.shape[1], x.shape[2]
    cr, cc = (h - 1) / 2, (w - 1) / 2
    c, s = tf.cos(angle), tf.sin(angle)
    # output (row, col) samples input M (p - centre) + centre + shift, M = [[c, -s], [s, c]]
    a0, a1, b0, b1 = c, s, -s, c
    a2 = cc - a0 * cc - a1 * cr + shift_col
    b2 = cr - b0 * cc - b1 * cr + shift_row
    zero = tf.zeros_like(c)
    transforms = tf.stack([a0, a1, a2, b0, b1, b2, zero, zero], axis=1)
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=x, transforms=transforms, output_shape=tf.constant([h, w]), fill_value=0.0,
        interpolation="BILINEAR", fill_mode="NEAREST")


def _rotate_shift(tf, x, angles, shifts):
    """Small rotations (one angle per plane) and shifts, one bilinear pass per plane."""
    shape = x.shape[1:-1]
    channels = x.shape[-1]
    b = tf.shape(x)[0]
    if len(shape) == 2:
        return _plane_transform(tf, x, angles[:, 0], shifts[:, 0], shifts[:, 1])
    d, h, w = shape
    zero = tf.zeros_like(angles[:, 0])
    # pass 1: planes (H, W) with shifts along H and W; pass 2: planes (D, W) with the D shift;
    # pass 3: planes (D, H). Rotations about the three axes compose into a 3D rotation.
    plans = [((0, 1, 2, 3, 4), 0, 1, 2), ((0, 2, 1, 3, 4), 1, 0, None), ((0, 3, 1, 2, 4), 2, None, None)]
    for perm, ax, row_shift, col_shift in plans:
        y = tf.transpose(x, perm) if perm != (0, 1, 2, 3, 4) else x
        n_outer = y.shape[1]
        rep = functools.partial(tf.repeat, repeats=n_outer, axis=0)  # one parameter per image
        sr = shifts[:, row_shift] if row_shift is not None else zero
        sc = shifts[:, col_shift] if col_shift is not None else zero
        flat = tf.reshape(y, (-1, y.shape[2], y.shape[3], channels))
        flat = _plane_transform(tf, flat, rep(angles[:, ax]), rep(sr), rep(sc))
        y = tf.reshape(flat, tf.concat([[b], y.shape[1:]], 0))
        inverse = [perm.index(i) for i in range(5)]
        x = tf.transpose(y, inverse) if perm != (0, 1, 2, 3, 4) else y
    return tf.ensure_shape(x, [None, d, h, w, channels])


def make_augment_fn(config: AugmentConfig, input_shape):
    """A TF function ``(x_batch, seed[2]) -> x_batch`` for batches of ``(B,) + input_shape``."""
    import tensorflow as tf

    rank = len(input_shape) - 1
    shape = tuple(input_shape[:-1])
    square = rank >= 2 and shape[0] == shape[1]

    def augment(x, seed):
        seeds = tf.random.experimental.stateless_split(tf.cast(seed, tf.int64), 6)
        b = tf.shape(x)[0]
        turns = config.rot90 and square and not config.left_right_matters
        flip_axes = config.flip_axes(rank)
        if turns:  # exact: turns and flips folded into one permutation of voxels (one gather)
            k = tf.random.stateless_uniform((b,), seeds[1], 0, 4, dtype=tf.int32)
            cos = tf.gather(tf.constant([1.0, 0.0, -1.0, 0.0]), k)[:, None, None]
            sin = tf.gather(tf.constant([0.0, 1.0, 0.0, -1.0]), k)[:, None, None]
            eye = np.eye(rank, dtype=np.float32)
            e00, e01, e10, e11 = [tf.constant(np.outer(eye[i], eye[j])) for i, j in [(0, 0), (0, 1), (1, 0), (1, 1)]]
            rest = tf.constant(eye - np.outer(eye[0], eye[0]) - np.outer(eye[1], eye[1]))
            mats = cos * (e00 + e11) - sin * e01 + sin * e10 + rest
            if flip_axes:
                allowed = tf.constant([1.0 if a in flip_axes else 0.0 for a in range(rank)])
                draw = tf.random.stateless_uniform((b, rank), seeds[2]) < 0.5
                signs = tf.where(draw & (allowed > 0), -1.0, 1.0)
                mats = tf.linalg.diag(signs) @ mats
            x = _resample_affine(tf, x, mats, tf.zeros((b, rank)))
        elif flip_axes:  # flips alone: a reversed copy per axis, chosen per sample (no gather)
            draw = tf.random.stateless_uniform((b, rank), seeds[2]) < 0.5
            pick = tf.concat([[b], tf.ones([rank + 1], tf.int32)], 0)
            for axis in flip_axes:
                x = tf.where(tf.reshape(draw[:, axis], pick), tf.reverse(x, [axis + 1]), x)
        if config.rotation_deg or config.shift:
            lim = math.radians(config.rotation_deg)
            angles = tf.random.stateless_uniform((b, 1 if rank == 2 else 3), seeds[0], -lim, lim)
            limits = tf.constant(np.asarray(shape, np.float32) * config.shift)
            shifts = tf.random.stateless_uniform((b, rank), seeds[3], -1.0, 1.0) * limits
            x = _rotate_shift(tf, x, angles, shifts)
        bshape = tf.concat([[b], tf.ones([rank + 1], tf.int32)], 0)
        if config.intensity:
            a = float(config.intensity)
            scale = 1.0 + tf.random.stateless_uniform((b,), seeds[4], -a, a)
            offset = tf.random.stateless_uniform((b,), tf.reverse(seeds[4], [0]), -a, a)
            x = x * tf.reshape(scale, bshape) + tf.reshape(offset, bshape)
        if config.noise:
            x = x + tf.random.stateless_normal(tf.shape(x), seeds[5], stddev=float(config.noise))
        return x

    return augment


def _finish(tf, ds, augment: AugmentConfig | None, input_shape, seed: int, prefetch=None):
    if augment is not None and augment.enabled:
        fn = make_augment_fn(augment, input_shape)
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        ds = tf.data.Dataset.zip((ds, seeds)).map(
            lambda xy, s: (fn(xy[0], s), xy[1]), num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
        )
    return ds.prefetch(tf.data.AUTOTUNE if prefetch is None else prefetch)


def array_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, *, shuffle: bool = False, seed: int = 0,
                  augment: AugmentConfig | None = None):
    """Batches from preprocessed in-memory arrays; shuffling permutes indices, not volumes."""
    import tensorflow as tf

    x_t, y_t = tf.constant(x), tf.constant(np.asarray(y, np.int64))
    ds = tf.data.Dataset.range(len(x))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size).map(lambda i: (tf.gather(x_t, i), tf.gather(y_t, i)),
                                  num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return _finish(tf, ds, augment, x.shape[1:], seed)


def stream_dataset(samples, labels: np.ndarray, spec: PreprocessSpec, batch_size: int, *,
                   shuffle: bool = False, seed: int = 0, augment: AugmentConfig | None = None,
                   stats: PreprocessStats | None = None, ahead: int | None = None):
    """Batches read lazily from ``samples`` (``Samples.batch``: sorted chunked reads).

    Each epoch draws a fresh permutation (seeded) and reads and preprocesses one batch of
    indices per item of ``readahead.ordered_map``: ``ahead`` (default ``STREAM_AHEAD``, read when
    each epoch starts) batches are read in advance (0: serially, in tf.data's thread); at most
    ``ahead + STREAM_PREFETCH + 1`` batches are in memory besides the model's own.
    """
    import tensorflow as tf

    from voxdesk.engine.datasets.base import sample_spacings

    labels = np.asarray(labels, np.int64)
    n = len(labels)
    epoch = [0]

    def generate():
        order = np.arange(n)
        if shuffle:
            order = np.random.default_rng([seed, epoch[0]]).permutation(n)
        epoch[0] += 1

        def read(idx):
            spacings = sample_spacings(samples, idx) if spec.target_spacing is not None else None
            return preprocess_batch(samples.batch(idx), spec, stats, spacings), labels[idx]

        batches = (order[s:s + batch_size] for s in range(0, n, batch_size))
        yield from ordered_map(read, batches, ahead=STREAM_AHEAD if ahead is None else ahead)

    sig = (tf.TensorSpec((None,) + spec.input_shape, tf.float32), tf.TensorSpec((None,), tf.int64))
    ds = tf.data.Dataset.from_generator(generate, output_signature=sig)
    ds = ds.apply(tf.data.experimental.assert_cardinality(-(-n // batch_size)))
    return _finish(tf, ds, augment, spec.input_shape, seed, prefetch=STREAM_PREFETCH)
