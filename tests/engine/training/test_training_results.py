"""What train() hands to inference: the training-data statistics in the bundle (and inference's
warning when a volume's intensities fall outside them), NIfTI spacing and orientation in those
statistics, and the normalisation "auto" resolved from the data (a CT window for Hounsfield
units, min-max otherwise). Whether the default recipe learns the built-in CT demo is measured by
benchmarks/bench_demo.py (minutes of training, too slow for a test); the recipe learning a small
lesion task is tested in test_recipe.py."""
import numpy as np
import pytest

from voxdesk.engine.datasets import from_arrays, load_dataset
from voxdesk.engine.demo import store
from voxdesk.engine.errors import ModelError
from voxdesk.engine.model.bundle import load_bundle, save_bundle
from voxdesk.engine.model.preprocessing import choose_normalization, make_spec
from voxdesk.engine.training.augment import NO_AUGMENT
from voxdesk.engine.volume import Volume

pytest.importorskip("tensorflow")

from voxdesk.engine.training.config import TrainConfig
from voxdesk.engine.training.train import train


def blobs(n=32, side=8, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = rng.normal(0, 0.3, size=(n, side, side, side)).astype(np.float32)
    x[y == 1, :4, :4, :4] += 2.0
    return x, y


def test_bundle_carries_training_data_stats_and_inference_warns_on_scale(tmp_path):
    from voxdesk.engine.inference.classify import classify

    x, y = blobs()
    r = train(TrainConfig(epochs=1, batch_size=8, augment=NO_AUGMENT), from_arrays(x, y, class_names=["a", "b"]))
    stats = r.data_stats
    assert stats["n_samples"] == r.split_sizes["train"] and stats["shape_min"] == [8, 8, 8]
    assert stats["intensity_low"] < 0 < 2 < stats["intensity_high"] < 4
    assert r.spec.normalization == "minmax" and "auto -> minmax" in r.notes[0]  # not CT
    bundle = load_bundle(save_bundle(r, tmp_path / "m.voxmodel"))
    assert bundle.metadata["data_stats"] == stats
    assert bundle.metadata["training"]["notes"] == r.notes
    same = classify(bundle, Volume(x[1]))
    assert not any("intensity" in w for w in same.warnings), same.warnings
    scaled = classify(bundle, Volume(x[1] * 10))  # e.g. another scanner's units
    assert any(w.startswith("intensity range") and "normalised differently" in w for w in scaled.warnings)


def test_nifti_spacing_reaches_the_stats_and_ct_gets_a_window(tmp_path):
    paths = store.ensure_demo_data(tmp_path / "demo", n_per_class=3, size=16)
    with load_dataset(paths.nifti_dir) as ds:
        r = train(TrainConfig(epochs=1, batch_size=4, augment=NO_AUGMENT, val_fraction=0.0), ds)
    assert r.data_stats["spacing_min"] == r.data_stats["spacing_max"] == [24.0, 24.0, 24.0]  # 384 mm / 16
    assert r.data_stats["axcodes"] == ["RAS"] and r.data_stats["orientation_known"] is True
    assert r.spec.normalization == "ct-window" and r.config.normalization == "auto"
    assert "looks like CT" in r.notes[0]


def test_choose_normalization():
    ct = {"intensity_low": -1010.0, "intensity_high": 850.0}
    assert choose_normalization("auto", ct)[0] == "ct-window"
    assert choose_normalization("auto", {"intensity_low": 0.0, "intensity_high": 255.0})[0] == "minmax"
    assert choose_normalization("auto", {"intensity_low": -3.0, "intensity_high": 4.0})[0] == "minmax"  # z-scored
    assert choose_normalization("auto", {})[0] == "minmax"
    mr = {"intensity_low": 0.0, "intensity_high": 1200.0}  # arbitrary units: min-max for small inputs,
    assert choose_normalization("auto", mr, (16, 16, 16))[0] == "minmax"  # robust for scans, where the
    assert choose_normalization("auto", mr, (64, 64, 64))[0] == "robust"  # brightest voxel may be the finding
    assert "scan-sized" in choose_normalization("auto", mr, (48, 48, 48))[1]
    assert choose_normalization("auto", ct, (64, 64, 64))[0] == "ct-window"
    assert choose_normalization("robust", {"intensity_low": 0.0, "intensity_high": 1200.0})[0] == "robust"
    assert choose_normalization("zscore", ct)[0] == "zscore"  # the user's choice wins
    with pytest.raises(ModelError, match="unknown normalisation"):
        choose_normalization("bogus", ct)
    with pytest.raises(ModelError, match="resolved"):
        make_spec((8, 8, 8), normalization="auto")
