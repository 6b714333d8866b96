"""Demo data: deterministic per seed, written once and atomically, loadable in every form,
plausible CT values, and not separable by a trivial feature."""
import json

import h5py
import nibabel as nib
import numpy as np
import pytest

from voxdesk.engine.datasets import detect_layout, load_dataset
from voxdesk.engine.demo import phantoms as demo
from voxdesk.engine.demo import store
from voxdesk.engine.demo.digits import make_3dmnist_like
from voxdesk.engine.errors import VoxdeskError


def test_data_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("VOXDESK_DATA_DIR", str(tmp_path / "vd"))
    assert store.data_dir() == tmp_path / "vd"
    monkeypatch.delenv("VOXDESK_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert store.data_dir() == tmp_path / "xdg" / "voxdesk"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert store.data_dir() == tmp_path / "home" / ".local" / "share" / "voxdesk"


def test_generation_is_deterministic_per_seed():
    a, ya, _ = demo.generate(2, 24, seed=3)
    b, yb, _ = demo.generate(2, 24, seed=3)
    c, yc, _ = demo.generate(2, 24, seed=4)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(a, c)


def test_phantoms_look_like_ct_and_are_not_trivially_separable():
    x, y, infos = demo.generate(12, 32, seed=0)
    assert x.dtype == np.int16 and x.shape == (36, 32, 32, 32)
    assert np.bincount(y).tolist() == [12, 12, 12]
    assert (x[:, 0, 0, 0] < -900).all()  # air in the corner
    assert (x.max(axis=(1, 2, 3)) > 300).all()  # bone (spine)
    body = [np.median(v[v > -300]) for v in x]
    assert all(-110 < m < 120 for m in body)  # fat and soft tissue, not air or bone
    # A crude baseline (mean HU per volume) must not separate the classes.
    means = x.reshape(len(x), -1).mean(axis=1)
    ranges = [(means[y == k].min(), means[y == k].max()) for k in range(3)]
    assert max(lo for lo, _ in ranges) < min(hi for _, hi in ranges)
    # The finding is there: cysts darker than the liver, tumours brighter.
    for v, info in zip(x, infos):
        assert demo.NOISE_HU[0] <= info["noise_hu"] <= demo.NOISE_HU[1]
        if info["label"] == "cyst":
            i, j, k = info["centre_voxel"]
            assert info["contrast_hu"] < 0 and v[i - 1:i + 2, j - 1:j + 2, k - 1:k + 2].mean() < 45
        elif info["label"] == "tumour":  # hypervascular: well above the liver, within the set range
            lo, hi = demo.TUMOUR_CONTRAST_HU
            assert lo - 1e-6 <= info["contrast_hu"] <= hi + 1e-6
            assert lo <= 50  # some low-contrast tumours, so the demo is not solved perfectly
        else:
            assert "contrast_hu" not in info


@pytest.fixture
def ds_demo(tmp_path):
    return store.ensure_demo_data(tmp_path / "demo", seed=1, n_per_class=3, size=24)


def test_ensure_demo_data_writes_three_forms_with_fixed_splits(ds_demo):
    forms = {ds_demo.h5: "xy-arrays", ds_demo.nifti_dir: "class-folders", ds_demo.npy_dir: "xy-arrays"}
    loaded = {}
    for path, layout in forms.items():
        assert detect_layout(path) == layout
        with load_dataset(path) as ds:
            assert ds.class_names == list(demo.CLASS_NAMES) == ["cyst", "normal", "tumour"]
            assert sorted(ds.splits) == ["test", "train", "val"]
            for name in ("train", "val", "test"):  # 3 per class: one of each in every split
                assert ds.splits[name].counts(3).tolist() == [1, 1, 1], (path, name)
            assert ds.sample_shape == (24, 24, 24)
            test = ds.splits["test"]
            loaded[layout if path != ds_demo.npy_dir else "npy"] = sorted(
                (int(lbl), test.samples[i].tobytes()) for i, lbl in enumerate(test.labels))
    assert loaded["xy-arrays"] == loaded["class-folders"] == loaded["npy"]  # the same test cases everywhere
    with h5py.File(ds_demo.h5, "r") as f:
        assert f["X_train"].dtype == np.int16
        x, y, _ = demo.generate(3, 24, seed=1, workers=1)
        rows = f["X_test"].attrs["case_numbers"]
        np.testing.assert_array_equal(f["X_test"][()], x[rows])  # case numbers name the generated cases
        assert (demo.split_of(y)[rows] == "test").all()


def test_demo_hdf5_spacing_is_read_back(ds_demo):
    from voxdesk.engine.io import open_volume

    vol = open_volume(f"{ds_demo.h5}:/X_test", index=0)
    assert vol.spacing == (16.0, 16.0, 16.0)  # 384 mm field of view / 24 voxels


def test_lesion_masks_and_parallel_generation_change_nothing():
    plain, y, plain_infos = demo.generate(7, 24, seed=7, workers=1)  # 21 cases: several jobs of 8
    with_masks, y2, infos = demo.generate(7, 24, seed=7, masks=True, workers=2)
    assert all(info is not None for info in plain_infos + infos)
    one, _ = demo.phantom(demo.CLASS_NAMES[y[20]], np.random.default_rng([7, 2, 20]), 24)
    np.testing.assert_array_equal(plain[20], one)  # the last case too, made from its own seed
    np.testing.assert_array_equal(plain, with_masks)
    np.testing.assert_array_equal(y, y2)
    for v, info in zip(with_masks, infos):
        m = info["lesion_mask"]
        assert m.shape == v.shape and m.dtype == bool
        if info["label"] == "normal":
            assert not m.any()
        else:
            assert m.sum() >= 20
            if info["label"] == "cyst":  # round; a tumour's lobes may leave its nominal centre out
                assert m[tuple(info["centre_voxel"])]


def test_nifti_has_mm_geometry_and_sample_is_an_unseen_tumour(ds_demo):
    img = nib.load(ds_demo.sample_volume)
    assert ds_demo.sample_volume.parent.name == "tumour"
    assert ds_demo.sample_volume.parent.parent.name == "test"  # never a case a demo model trained on
    assert img.header.get_zooms() == (16.0, 16.0, 16.0)  # 384 mm field of view / 24 voxels
    assert nib.aff2axcodes(img.affine) == ("R", "A", "S")
    assert img.header.get_xyzt_units()[0] == "mm"


def test_ensure_demo_data_skips_when_complete_and_regenerates_when_not(ds_demo, tmp_path):
    stamp = ds_demo.h5.stat().st_mtime_ns
    again = store.ensure_demo_data(tmp_path / "demo", seed=1, n_per_class=3, size=24)
    assert again == ds_demo and ds_demo.h5.stat().st_mtime_ns == stamp
    ds_demo.h5.write_bytes(b"truncated")  # damaged: made again
    store.ensure_demo_data(tmp_path / "demo", seed=1, n_per_class=3, size=24)
    assert h5py.is_hdf5(ds_demo.h5)
    other = store.ensure_demo_data(tmp_path / "demo", seed=2, n_per_class=3, size=24)
    assert json.loads((other.root / "manifest.json").read_text())["seed"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]  # no temporary folders left


def test_default_folder_and_foreign_folder(tmp_path):
    paths = store.ensure_demo_data(n_per_class=1, size=16)
    assert paths.root == store.data_dir() / "demo"
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("precious")
    with pytest.raises(VoxdeskError, match="already holds other files"):
        store.ensure_demo_data(tmp_path / "mine", n_per_class=1, size=16)
    assert (tmp_path / "mine" / "thesis.docx").read_text() == "precious"


def test_3dmnist_like_benchmark(tmp_path):
    p = make_3dmnist_like(tmp_path / "bench.h5", n_train=300, n_test=100, seed=0)
    with h5py.File(p, "r") as f:
        assert {k: f[k].shape for k in f} == {
            "X_train": (300, 4096), "y_train": (300,), "X_test": (100, 4096), "y_test": (100,)}
        x, y = f["X_train"][()], f["y_train"][()]
    assert x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert set(y.tolist()) == set(range(10))
    again = make_3dmnist_like(tmp_path / "again.h5", n_train=300, n_test=100, seed=0)
    with h5py.File(again, "r") as f:
        np.testing.assert_array_equal(f["X_train"][()], x)
    with load_dataset(p) as ds:
        assert ds.layout == "3dmnist-h5" and ds.sample_shape == (16, 16, 16) and ds.n_classes == 10


def test_3dmnist_like_is_learnable_but_not_trivial():
    from voxdesk.engine.demo.digits import digits

    rng = np.random.default_rng(5)
    xtr, ytr = digits(rng.integers(0, 10, 1000), rng)
    xte, yte = digits(rng.integers(0, 10, 250), rng)
    assert xtr.shape == (2000, 4096) and ytr.shape == (2000,)
    np.testing.assert_array_equal(ytr[0::2], ytr[1::2])  # each cloud as drawn, then posed
    assert np.allclose(xtr.max(axis=1), 1.0)  # counts divided by the busiest voxel's
    centroids = np.stack([xtr[ytr == k].mean(axis=0) for k in range(10)])
    hit = np.argmin(((xte[:, None, :] - centroids[None]) ** 2).sum(-1), axis=1) == yte
    assert 0.3 < hit.mean() < 0.9, hit.mean()  # well above chance (0.1), far from perfect
    assert hit[1::2].mean() < hit[0::2].mean() - 0.2  # the random poses are what makes it hard
