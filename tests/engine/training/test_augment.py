"""Augmentation in tf.data: seeded, switchable parts, exact flips/turns; index-shuffled and
streaming pipelines."""
import time

import numpy as np
import pytest

from voxdesk.engine.datasets import ArraySamples
from voxdesk.engine.model.preprocessing import make_spec
from voxdesk.engine.training.augment import NO_AUGMENT, AugmentConfig, array_dataset, make_augment_fn, stream_dataset

tf = pytest.importorskip("tensorflow")


def _batch(shape=(4, 6, 6, 6, 1)):
    return tf.constant(np.random.default_rng(0).random(shape).astype(np.float32))


def test_flips_and_turns_only_permute_voxels():
    fn = make_augment_fn(AugmentConfig(flips=True, rot90=True, rotation_deg=0, shift=0, intensity=0, noise=0),
                         (6, 6, 6, 1))
    x = _batch()
    out = fn(x, tf.constant([1, 2], tf.int64)).numpy()
    assert out.shape == x.shape
    for a, b in zip(out, x.numpy()):
        np.testing.assert_array_equal(np.sort(a.ravel()), np.sort(b.ravel()))
    assert not np.array_equal(out, x.numpy())


def test_same_seed_same_result_other_seed_differs():
    fn = make_augment_fn(AugmentConfig(flips=True, rot90=True), (6, 6, 6, 1))
    x = _batch()
    a = fn(x, tf.constant([3, 4], tf.int64)).numpy()
    b = fn(x, tf.constant([3, 4], tf.int64)).numpy()
    c = fn(x, tf.constant([5, 6], tf.int64)).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_each_part_switches_off():
    x = _batch()
    assert not NO_AUGMENT.enabled
    noise_only = make_augment_fn(AugmentConfig(rotation_deg=0, shift=0, intensity=0, noise=0.1), (6, 6, 6, 1))
    diff = noise_only(x, tf.constant([1, 1], tf.int64)).numpy() - x.numpy()
    assert 0.05 < diff.std() < 0.15
    scale_only = make_augment_fn(AugmentConfig(rotation_deg=0, shift=0, intensity=0.2, noise=0), (6, 6, 6, 1))
    out = scale_only(x, tf.constant([1, 1], tf.int64)).numpy()
    corr = np.corrcoef(out[0].ravel(), x.numpy()[0].ravel())[0, 1]
    assert corr > 0.999  # affine intensity change only


def test_small_rotation_and_shift_2d_keep_shape_and_range():
    fn = make_augment_fn(AugmentConfig(rotation_deg=15, shift=0.1, intensity=0, noise=0), (8, 8, 3))
    x = _batch((5, 8, 8, 3))
    out = fn(x, tf.constant([7, 7], tf.int64)).numpy()
    assert out.shape == (5, 8, 8, 3)
    assert out.min() >= x.numpy().min() - 1e-6 and out.max() <= x.numpy().max() + 1e-6


def test_array_dataset_visits_each_sample_once_per_epoch_in_new_orders():
    x = np.arange(10, dtype=np.float32).reshape(10, 1, 1, 1, 1) * np.ones((1, 2, 2, 2, 1), np.float32)
    ds = array_dataset(x, np.arange(10), 4, shuffle=True, seed=1)
    epochs = [np.concatenate([y.numpy() for _, y in ds]) for _ in range(2)]
    assert sorted(epochs[0]) == list(range(10)) and sorted(epochs[1]) == list(range(10))
    assert list(epochs[0]) != list(epochs[1])
    for xb, yb in ds:
        np.testing.assert_array_equal(xb.numpy()[:, 0, 0, 0, 0], yb.numpy())


class CountingSamples(ArraySamples):
    def __init__(self, array):
        super().__init__(array)
        self.batch_sizes = []

    def batch(self, indices):
        self.batch_sizes.append(len(indices))
        return super().batch(indices)


def test_stream_dataset_reads_batch_by_batch():
    raw = np.random.default_rng(0).random((23, 6, 6, 6))
    samples = CountingSamples(raw)
    spec = make_spec((6, 6, 6), input_size=(4, 4, 4))
    ds = stream_dataset(samples, np.arange(23) % 2, spec, 5, shuffle=True, seed=0, augment=AugmentConfig())
    shapes = [tuple(xb.shape) for xb, _ in ds]
    assert shapes[0] == (5, 4, 4, 4, 1) and sum(s[0] for s in shapes) == 23
    assert max(samples.batch_sizes) == 5  # never more than one batch read at a time


def test_rotation_and_shift_geometry():
    from voxdesk.engine.training.augment import _rotate_shift

    x = _batch((2, 6, 6, 6, 1))
    zero = tf.zeros((2, 3))
    np.testing.assert_allclose(_rotate_shift(tf, x, zero, zero).numpy(), x.numpy(), atol=1e-5)
    shifted = _rotate_shift(tf, x, zero, tf.constant([[1.0, 0, 0], [0, 0, 2.0]])).numpy()
    np.testing.assert_allclose(shifted[0, :-1], x.numpy()[0, 1:], atol=1e-5)  # out[i] = in[i + 1]
    np.testing.assert_allclose(shifted[1, :, :, :-2], x.numpy()[1, :, :, 2:], atol=1e-5)
    quarter = tf.constant([[np.pi / 2, 0, 0]] * 2, tf.float32)
    turned = _rotate_shift(tf, x, quarter, zero).numpy()
    options = [np.rot90(x.numpy(), k, axes=(2, 3)) for k in (1, 3)]
    assert any(np.allclose(turned, o, atol=1e-4) for o in options)


def test_left_right_matters_keeps_the_first_axis_unflipped():
    import tensorflow as tf

    x = np.arange(2 * 4 * 4 * 4, dtype=np.float32).reshape(2, 4, 4, 4, 1)
    x = np.repeat(x[:1], 64, axis=0)
    cfg = AugmentConfig(flips=True, left_right_matters=True, rot90=True, rotation_deg=0, shift=0,
                        intensity=0, noise=0)
    assert cfg.flip_axes(3) == (1, 2)
    out = make_augment_fn(cfg, (4, 4, 4, 1))(tf.constant(x), tf.constant([1, 2], tf.int64)).numpy()
    first_axis = out.sum(axis=(2, 3, 4))  # a flip along axis 0 would reverse these sums
    np.testing.assert_array_equal(first_axis, np.broadcast_to(x[:1].sum(axis=(2, 3, 4)), first_axis.shape))
    assert len({o.tobytes() for o in out}) > 1  # the other axes were flipped
    free = make_augment_fn(AugmentConfig(flips=True, rotation_deg=0, shift=0, intensity=0, noise=0),
                           (4, 4, 4, 1))(tf.constant(x), tf.constant([1, 2], tf.int64)).numpy()
    assert any(not np.array_equal(s, first_axis[0]) for s in free.sum(axis=(2, 3, 4)))


def test_auto_augmentation_depends_on_the_dataset_size():
    from voxdesk.engine.training.config import SMALL_DATA, TrainConfig, plan_augment

    aug, note = plan_augment(300, TrainConfig())
    assert not aug.enabled and "auto" in note
    aug, note = plan_augment(SMALL_DATA, TrainConfig())
    assert aug == AugmentConfig() and aug.enabled and not aug.flips
    aug, _ = plan_augment(50, TrainConfig(augment=AugmentConfig(flips=True), left_right_matters=True))
    assert aug.flips and aug.left_right_matters


class SlowCountingSamples(ArraySamples):
    """Samples that record how many batches were read (each read takes a while)."""

    def __init__(self, array):
        super().__init__(array)
        self.batches_read = 0

    def batch(self, indices):
        time.sleep(0.005)
        out = super().batch(indices)
        self.batches_read += 1
        return out


def test_stream_dataset_reads_ahead_but_holds_a_bounded_number_of_batches():
    from voxdesk.engine.training.augment import STREAM_AHEAD, STREAM_PREFETCH

    samples = SlowCountingSamples(np.random.default_rng(0).random((120, 4, 4, 4)))
    spec = make_spec((4, 4, 4))
    ds = stream_dataset(samples, np.arange(120) % 2, spec, 3, shuffle=True, seed=0)
    leads = []
    for taken, _ in enumerate(ds, start=1):
        time.sleep(0.02)  # training is slower than reading: the reader runs as far ahead as allowed
        leads.append(samples.batches_read - taken)
    assert len(leads) == 40 and samples.batches_read == 40
    assert max(leads) >= 1  # the next batches were read while the current one trained
    # whatever the dataset's size, batches read but not yet trained on stay a handful
    assert max(leads) <= STREAM_AHEAD + STREAM_PREFETCH + 2
