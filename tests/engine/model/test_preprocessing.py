"""Preprocessing: resample, NaN policy, normalisations, layouts, spec round trip (no TF)."""
import json

import numpy as np
import pytest

from voxdesk.engine.errors import ModelError
from voxdesk.engine.model.preprocessing import (
    PreprocessSpec,
    PreprocessStats,
    make_spec,
    preprocess_array,
    preprocess_batch,
    preprocess_volume,
    split_sample_shape,
)


def test_resamples_to_input_size_channel_last_float32():
    spec = make_spec((10, 12, 7), input_size=(8, 8, 8))
    out = preprocess_volume(np.arange(10 * 12 * 7, dtype=np.int16).reshape(10, 12, 7), spec)
    assert out.shape == (8, 8, 8, 1) and out.dtype == np.float32
    assert out.min() == 0.0 and out.max() == pytest.approx(1.0)


def test_mixed_shapes_are_resampled_with_a_note():
    spec = make_spec((8, 8, 8))
    stats = PreprocessStats()
    out = preprocess_batch([np.ones((8, 8, 8)), np.random.rand(5, 9, 11)], spec, stats)
    assert out.shape == (2, 8, 8, 8, 1)
    assert stats.resampled_samples == 1
    assert any("different shapes" in w for w in stats.warnings())


def test_nan_and_inf_replaced_by_sample_finite_minimum_and_counted():
    x = np.full((4, 4, 4), 5.0, np.float32)
    x[0, 0, 0] = 2.0
    x[1, 1, 1] = np.nan
    x[2, 2, 2] = np.inf
    stats = PreprocessStats()
    out = preprocess_volume(x, make_spec(x.shape, normalization="none"), stats)
    assert np.isfinite(out).all()
    assert out[1, 1, 1, 0] == 2.0 and out[2, 2, 2, 0] == 2.0
    assert stats.nonfinite_voxels == 2 and stats.nonfinite_samples == 1
    assert "NaN/Inf" in stats.warnings()[0]
    all_nan = preprocess_volume(np.full((4, 4, 4), np.nan), make_spec((4, 4, 4)))
    assert (all_nan == 0).all()


@pytest.mark.parametrize("kind", ["minmax", "zscore", "percentile", "robust", "ct-window", "none"])
def test_normalisations(kind):
    rng = np.random.default_rng(0)
    x = rng.normal(100, 300, size=(2, 6, 6, 6)).astype(np.float32)
    spec = make_spec((6, 6, 6), normalization=kind)
    out = preprocess_batch(list(x), spec)
    if kind == "minmax":
        assert out.min() == 0 and out.max() == pytest.approx(1)
    elif kind == "zscore":
        assert abs(out[0].mean()) < 1e-4 and out[0].std() == pytest.approx(1, abs=1e-3)
    elif kind == "percentile":
        assert out.min() == 0 and out.max() == pytest.approx(1)
        assert (out == 0).sum() >= 2  # the lowest 1% clipped together
    elif kind == "robust":  # 1st..99th percentile -> 0..1, nothing clipped inside [-1, 3] spans
        lo, hi = np.percentile(x[0], [1, 99])
        np.testing.assert_allclose(out[0, ..., 0], np.clip((x[0] - lo) / (hi - lo), -1, 3), atol=1e-5)
        assert out.max() > 1 and out.min() < 0
    elif kind == "ct-window":  # level 40, width 400 -> [-160, 240] maps to [0, 1]
        assert out.min() >= 0 and out.max() <= 1
        ref = np.clip((x[0] + 160) / 400, 0, 1)
        np.testing.assert_allclose(out[0, ..., 0], ref, atol=1e-6)
    else:
        np.testing.assert_array_equal(out[..., 0], x)


def test_constant_sample_is_zero_not_nan():
    for kind in ("minmax", "zscore", "percentile", "robust"):
        out = preprocess_volume(np.full((4, 4, 4), 7.0), make_spec((4, 4, 4), normalization=kind))
        assert (out == 0).all()


def test_robust_keeps_a_small_bright_finding_that_percentile_flattens():
    # A "scan": background 0, tissue 100 and 150 (the brightest 10%), a 2-voxel focus at 200.
    x = np.zeros((10, 10, 10), np.float32)
    x[2:8, 2:8, 2:8] = 100.0
    x[2:8, 2:8, 2:5] = 150.0
    x[4, 4, 4:6] = 200.0
    robust = preprocess_volume(x, make_spec(x.shape, normalization="robust"))[..., 0]
    clipped = preprocess_volume(x, make_spec(x.shape, normalization="percentile"))[..., 0]
    assert robust[4, 4, 4] == pytest.approx(200 / 150) and robust[2, 2, 2] == pytest.approx(1.0)
    assert clipped[4, 4, 4] == clipped[2, 2, 2] == pytest.approx(1.0)  # the focus is lost
    x[0, 0, 0] = 1e6  # a hot voxel is bounded, not allowed to dominate
    assert preprocess_volume(x, make_spec(x.shape, normalization="robust")).max() == pytest.approx(3.0)
    flat = np.zeros((10, 10, 10), np.float32)
    flat[0, 0, 0] = 5.0  # percentiles coincide: min-max instead
    out = preprocess_volume(flat, make_spec(flat.shape, normalization="robust"))[..., 0]
    assert out[0, 0, 0] == pytest.approx(1.0) and out[1, 1, 1] == 0


def test_2d_rgb_layout_and_grey_3d_layout():
    assert split_sample_shape((32, 32, 3)) == ((32, 32), 3, True)
    assert split_sample_shape((16, 16, 16)) == ((16, 16, 16), 1, False)
    assert split_sample_shape((8, 8, 8, 2)) == ((8, 8, 8), 2, True)
    spec = make_spec((32, 32, 3), input_size=(16, 16))
    out = preprocess_volume(np.random.rand(32, 32, 3), spec)
    assert out.shape == (16, 16, 3)


def test_spec_json_round_trip_and_validation():
    spec = make_spec((16, 16, 16), input_size=(8, 8, 8), normalization="ct-window", window_level=50, window_width=350)
    again = PreprocessSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again == spec and again.input_shape == (8, 8, 8, 1)
    with pytest.raises(ModelError):
        make_spec((8, 8, 8), normalization="bogus")
    with pytest.raises(ModelError):
        make_spec((8, 8, 8), input_size=(8, 8))
    with pytest.raises(ModelError):
        PreprocessSpec.from_dict({**spec.to_dict(), "version": 99})


def test_preprocess_array_matches_per_volume():
    x = np.random.default_rng(1).random((5, 6, 6, 6))
    spec = make_spec((6, 6, 6), input_size=(4, 4, 4), normalization="zscore")
    batch = preprocess_array(x, spec, chunk=2)
    for i in range(5):
        np.testing.assert_allclose(batch[i], preprocess_volume(x[i], spec), atol=1e-6)
