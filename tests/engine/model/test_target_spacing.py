"""Millimetres: a target spacing makes one voxel the same size in every scan, is stored in the
bundle's spec (old specs still load), is refused for data without a spacing, and Grad-CAM maps its
heat back onto the scan's own grid."""
import json

import numpy as np
import pytest

from voxdesk.engine.errors import ModelError
from voxdesk.engine.model.preprocessing import PreprocessSpec, PreprocessStats, make_spec, preprocess_batch
from voxdesk.engine.model.resample import to_source_grid
from voxdesk.engine.training.config import TrainConfig, parse_spacing


def _field(n: int, mm: float) -> np.ndarray:
    """A smooth scene 32 mm wide sampled with voxels of ``mm``: a ball of radius 9 mm off centre."""
    c = (np.arange(n) + 0.5) * mm
    z, y, x = np.meshgrid(c, c, c, indexing="ij")
    r2 = (z - 14) ** 2 + (y - 17) ** 2 + (x - 16) ** 2
    return (100.0 * np.exp(-r2 / (2 * 6.0 ** 2))).astype(np.float32)


def test_the_same_scene_at_half_and_one_millimetre_gives_the_same_input():
    spec = make_spec((32, 32, 32), (24, 24, 24), "none", target_spacing=(1.0, 1.0, 1.0))
    fine, coarse = _field(64, 0.5), _field(32, 1.0)
    a = preprocess_batch([fine], spec, spacings=[(0.5, 0.5, 0.5)])[0, ..., 0]
    b = preprocess_batch([coarse], spec, spacings=[(1.0, 1.0, 1.0)])[0, ..., 0]
    assert a.shape == b.shape == (24, 24, 24)
    assert np.abs(a - b).max() < 0.05 * b.max()  # 5% of the peak
    # without millimetres the whole 32 mm scan is squeezed into the input: the ball shrinks
    plain = make_spec((32, 32, 32), (24, 24, 24), "none")
    c = preprocess_batch([fine], plain)[0, ..., 0]
    assert np.abs(c - b).max() > 0.2 * b.max()


def test_smaller_scans_are_padded_with_their_background_larger_ones_cropped_at_the_centre():
    spec = make_spec((8, 8, 8), (8, 8, 8), "none", target_spacing=(2.0, 2.0, 2.0))
    small = np.full((4, 4, 4), 5.0, np.float32)
    small[0, 0, 0] = -3.0  # the background fill is the scan's smallest value
    out = preprocess_batch([small], spec, spacings=[(2.0, 2.0, 2.0)])[0, ..., 0]
    assert out[0, 0, 0] == -3.0 and out[3, 3, 3] == 5.0 and out[7, 7, 7] == -3.0
    big = np.zeros((12, 12, 12), np.float32)
    big[6, 6, 6] = 1.0
    out = preprocess_batch([big], spec, spacings=[(2.0, 2.0, 2.0)])[0, ..., 0]
    assert np.unravel_index(out.argmax(), out.shape) == (4, 4, 4)  # cut from the centre


def test_a_sample_without_spacing_is_taken_as_one_millimetre_and_said_once():
    spec = make_spec((8, 8, 8), (8, 8, 8), "none", target_spacing=(1.0, 1.0, 1.0))
    stats = PreprocessStats()
    x = np.random.default_rng(0).random((8, 8, 8)).astype(np.float32)
    out = preprocess_batch([x, x], spec, stats)
    np.testing.assert_allclose(out[0, ..., 0], x)
    assert stats.unknown_spacing == 2
    [warning] = [w for w in stats.warnings() if "spacing" in w]
    assert "2 sample(s)" in warning and "1 mm" in warning


def test_the_spec_round_trips_and_old_specs_load():
    spec = make_spec((20, 20, 10), (16, 16, 8), "minmax", target_spacing=(0.8, 0.8, 2.0))
    d = spec.to_dict()
    assert d["target_spacing"] == [0.8, 0.8, 2.0]
    assert PreprocessSpec.from_dict(d) == spec
    old = make_spec((16, 16, 16), None, "minmax").to_dict()
    assert "target_spacing" not in old  # what older bundles hold
    assert PreprocessSpec.from_dict(old).target_spacing is None
    with pytest.raises(ModelError, match="target spacing"):
        make_spec((16, 16, 16), None, "minmax", target_spacing=(1.0, 1.0))


def test_the_bundle_schema_checks_the_target_spacing():
    from voxdesk.engine.model.schema import FORMAT, FORMAT_VERSION, check_metadata

    spec = make_spec((16, 16, 16), None, "minmax", target_spacing=(1.5, 1.5, 1.5))
    meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "class_names": ["a", "b"],
            "input_shape": [16, 16, 16, 1], "preprocessing": json.loads(json.dumps(spec.to_dict()))}
    check_metadata(meta, "m.voxmodel")
    meta["preprocessing"]["target_spacing"] = [1.5, 1.5]
    with pytest.raises(ModelError, match="target_spacing"):
        check_metadata(meta, "m.voxmodel")
    meta["preprocessing"]["target_spacing"] = [0.0, 1.5, 1.5]
    with pytest.raises(ModelError, match=r"target_spacing\[0\]"):
        check_metadata(meta, "m.voxmodel")


def test_the_config_parses_and_checks_spacings():
    assert parse_spacing("") is None
    assert parse_spacing("1.5") == (1.5, 1.5, 1.5)
    assert parse_spacing("0.8, 0.8, 2 mm") == (0.8, 0.8, 2.0)
    assert parse_spacing("2", rank=2) == (2.0, 2.0)
    for bad in ("abc", "0", "1,2,3,4", "nan", "200"):
        with pytest.raises(ValueError):
            parse_spacing(bad)
    assert "target_spacing_mm" in TrainConfig(target_spacing_mm=(0.0, 1.0, 1.0)).field_errors()
    config = TrainConfig(target_spacing_mm=(1.5, 1.5, 1.5))
    assert TrainConfig.from_dict(config.to_dict()) == config
    assert config.to_dict()["target_spacing_mm"] == [1.5, 1.5, 1.5]


def test_training_refuses_a_target_spacing_on_data_without_spacing(tiny_dataset):
    from voxdesk.engine.training.train import train

    with pytest.raises(ModelError, match="voxel size is known.*X\\[") as err:
        train(TrainConfig(target_spacing_mm=(1.0, 1.0, 1.0), epochs=1), tiny_dataset)
    assert "without a target spacing" in str(err.value)


def test_an_hdf5_spacing_attribute_reaches_the_samples(tmp_path):
    import h5py

    from voxdesk.engine.datasets import load_dataset
    from voxdesk.engine.datasets.base import sample_spacings

    path = tmp_path / "d.h5"
    with h5py.File(path, "w") as f:
        f["X"] = np.zeros((4, 6, 6, 6), np.float32)
        f["X"].attrs["spacing"] = [2.0, 2.0, 3.0]
        f["y"] = np.array([0, 1, 0, 1])
    with load_dataset(path) as ds:
        samples = ds.splits["all"].samples
        samples.batch([0, 2])
        assert sample_spacings(samples, [0, 2]) == [(2.0, 2.0, 3.0)] * 2


def test_the_inverse_puts_the_window_back_where_it_was_cut():
    spec = make_spec((8, 8, 8), (8, 8, 8), "none", target_spacing=(1.0, 1.0, 1.0))
    scan = np.zeros((20, 12, 6), np.float32)
    scan[11, 5, 3] = 1.0  # a point inside the window (cropped along i, j; padded along k)
    window = preprocess_batch([scan], spec, spacings=[(1.0, 1.0, 1.0)])[0, ..., 0]
    back = to_source_grid(window, scan.shape, (1.0, 1.0, 1.0), spec)
    assert back.shape == scan.shape
    assert np.unravel_index(back.argmax(), back.shape) == (11, 5, 3)
    assert back[:6].max() == 0 and back[14:].max() == 0  # outside the window: no heat


@pytest.mark.slow
def test_grad_cam_of_a_millimetre_model_lands_on_the_scan_grid(tiny, tmp_path):
    """The tiny model (16^3 at 1 mm) given a target spacing of 1 mm: a 0.5 mm scan of twice the
    voxels and a 1 mm scan larger than the input both get a heat map of their own shape that
    peaks at the lesion."""
    from fixtures.classify import make_scan, write_nifti
    from scipy import ndimage

    from voxdesk.engine.inference.classify import classify
    from voxdesk.engine.inference.explain import explain
    from voxdesk.engine.io import open_volume
    from voxdesk.engine.model.bundle import load_bundle

    bundle = load_bundle(tiny.path)
    bundle.metadata["preprocessing"]["target_spacing"] = [1.0, 1.0, 1.0]
    assert bundle.spec.target_spacing == (1.0, 1.0, 1.0)
    rng = np.random.default_rng(21)
    small, centre = make_scan(rng, True)
    fine = write_nifti(tmp_path / "fine.nii.gz", ndimage.zoom(small, 2.0, order=0), np.diag([0.5, 0.5, 0.5, 1]))
    vol = open_volume(fine)
    e = explain(bundle, vol)
    assert e.heat.shape == vol.shape == (32, 32, 32) and e.class_name == "lesion"
    fine_centre = tuple(2 * c + 1 for c in centre)
    assert np.linalg.norm(np.subtract(e.hottest_voxel, fine_centre)) <= 10.0
    assert not any("spacing" in w for w in e.warnings)
    wide = np.clip(rng.normal(20.0, 6.0, (24, 24, 24)), 0, None).astype(np.float32)
    wide[4:20, 4:20, 4:20] = small  # the lesion scan inside a larger field of view
    vol = open_volume(write_nifti(tmp_path / "wide.nii.gz", wide))
    e = explain(bundle, vol)
    assert e.heat.shape == (24, 24, 24)
    wide_centre = tuple(c + 4 for c in centre)
    assert np.linalg.norm(np.subtract(e.hottest_voxel, wide_centre)) <= 5.0
    assert e.heat[:4].max() == 0 and e.heat[20:].max() == 0  # outside the model's window
    assert classify(bundle, vol).class_name == "lesion"
