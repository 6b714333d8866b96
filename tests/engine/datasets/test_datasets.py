"""load_dataset / detect_layout: every layout, lazy HDF5, and clear errors for bad input."""
import h5py
import nibabel as nib
import numpy as np
import pytest

from voxdesk.engine.datasets import detect_layout, load_dataset
from voxdesk.engine.errors import CorruptFile, DatasetError, FileNotFound, UnsupportedFormat


def _vols(n, shape=(4, 5, 6), start=0):
    return np.arange(start, start + n * np.prod(shape), dtype=np.float32).reshape((n,) + shape)


def _nii(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    nib.save(nib.Nifti1Image(data, np.eye(4)), path)


@pytest.fixture
def ds_3dmnist(tmp_path):
    p = tmp_path / "full_dataset_vectors.h5"
    rng = np.random.default_rng(0)
    with h5py.File(p, "w") as f:
        f["X_train"] = rng.random((12, 4096), dtype=np.float32)
        f["y_train"] = np.array([0, 1, 2] * 4)
        f["X_test"] = rng.random((6, 4096), dtype=np.float32)
        f["y_test"] = np.array([2, 1, 0, 0, 1, 2])
    return p


def test_3dmnist_h5_splits_cubes_and_lazy_reads(ds_3dmnist):
    assert detect_layout(ds_3dmnist) == "3dmnist-h5"
    with load_dataset(ds_3dmnist) as ds:
        assert ds.layout == "3dmnist-h5"
        assert ds.class_names == ["0", "1", "2"]
        assert set(ds.splits) == {"train", "test"}
        assert ds.splits["train"].counts(3).tolist() == [4, 4, 4]
        assert ds.sample_shape == (16, 16, 16)
        samples = ds.splits["test"].samples
        assert isinstance(samples._array, h5py.Dataset)  # stays on disk
        with h5py.File(ds_3dmnist, "r") as f:
            expected = f["X_test"][3].reshape(16, 16, 16)
        np.testing.assert_array_equal(samples[3], expected)
        np.testing.assert_array_equal(samples.batch([3, 1])[0], expected)
        assert ds.splits["test"].labels.tolist() == [2, 1, 0, 0, 1, 2]
    assert not samples._array.id.valid  # close() released the file


def test_medmnist_npz(tmp_path):
    p = tmp_path / "organmnist3d.npz"
    imgs = lambda n: np.random.default_rng(n).integers(0, 255, (n, 28, 28, 28), dtype=np.uint8)  # noqa: E731
    np.savez_compressed(p, train_images=imgs(6), train_labels=np.array([[0], [1], [2], [0], [1], [2]]),
                        val_images=imgs(3), val_labels=np.array([[0], [1], [2]]),
                        test_images=imgs(4), test_labels=np.array([[2], [2], [1], [0]]))
    assert detect_layout(p) == "medmnist-npz"
    ds = load_dataset(p)
    assert (ds.layout, ds.class_names, list(ds.splits)) == ("medmnist-npz", ["0", "1", "2"], ["train", "val", "test"])
    assert [len(s) for s in ds.splits.values()] == [6, 3, 4]
    assert ds.sample_shape == (28, 28, 28)
    np.testing.assert_array_equal(ds.splits["test"].samples[1], imgs(4)[1])
    assert ds.splits["test"].labels.tolist() == [2, 2, 1, 0]


def test_class_folders_of_mixed_formats_read_lazily(tmp_path):
    root = tmp_path / "scans"
    _nii(root / "normal" / "a.nii.gz", _vols(1)[0])
    (root / "normal" / "sub").mkdir()
    np.save(root / "normal" / "sub" / "b.npy", _vols(1, start=7)[0])
    (root / "tumour").mkdir()
    with h5py.File(root / "tumour" / "c.h5", "w") as f:
        f["scan"] = _vols(1, (6, 6, 6))[0]
    np.save(root / "tumour" / "d.npy", _vols(1, start=3)[0])
    (root / "tumour" / "notes.txt").write_text("not a volume")
    assert detect_layout(root) == "class-folders"
    ds = load_dataset(root)
    assert (ds.layout, ds.class_names, list(ds.splits)) == ("class-folders", ["normal", "tumour"], ["all"])
    split = ds.splits["all"]
    assert [split.samples.describe(i) for i in range(4)] == [
        "normal/a.nii.gz", "normal/sub/b.npy", "tumour/c.h5", "tumour/d.npy"]
    assert split.labels.tolist() == [0, 0, 1, 1]
    assert split.samples.sample_shape is None  # 4x5x6 and 6x6x6
    assert any("different shapes" in w for w in ds.warnings)
    assert any("not volumes" in w and "notes.txt" in w for w in ds.warnings)
    np.testing.assert_array_equal(split.samples[0], _vols(1)[0])
    np.testing.assert_array_equal(split.samples[3], _vols(1, start=3)[0])


def test_split_folders(tmp_path):
    for split, n in (("train", 3), ("test", 1)):
        for cls in ("cyst", "normal"):
            for i in range(n):
                _nii(tmp_path / split / cls / f"{i}.nii", _vols(1, start=i)[0])
    ds = load_dataset(tmp_path)
    assert ds.class_names == ["cyst", "normal"]
    assert {k: len(v) for k, v in ds.splits.items()} == {"train": 6, "test": 2}
    assert ds.sample_shape == (4, 5, 6)


@pytest.mark.parametrize("sep, header", [(",", "path,label,split\n"), (";", ""), ("\t", "file\tclass\tsplit\n")])
def test_csv_manifest_relative_paths_and_splits(tmp_path, sep, header):
    (tmp_path / "v").mkdir()
    for i in range(4):
        np.save(tmp_path / "v" / f"{i}.npy", _vols(1, start=i)[0])
    rows = [f"v/{i}.npy{sep}{lab}{sep}{sp}" for i, (lab, sp) in enumerate(
        [("benign", "train"), ("malignant", "train"), ("benign", "test"), ("malignant", "Validation")])]
    p = tmp_path / "labels.csv"
    p.write_text(header + "\n".join(rows) + "\n")
    assert detect_layout(p) == "csv"
    ds = load_dataset(p)
    assert ds.class_names == ["benign", "malignant"]
    assert {k: v.labels.tolist() for k, v in ds.splits.items()} == {"train": [0, 1], "test": [0], "val": [1]}
    assert ds.splits["test"].samples.describe(0) == "v/2.npy"
    np.testing.assert_array_equal(ds.splits["val"].samples[0], _vols(1, start=3)[0])


def test_h5_xy_pair_with_string_labels(tmp_path):
    p = tmp_path / "xy.h5"
    with h5py.File(p, "w") as f:
        f["X"] = _vols(5)
        f["y"] = np.array([b"tumour", b"normal", b"cyst", b"normal", b"tumour"])
    assert detect_layout(p) == "xy-arrays"
    ds = load_dataset(p)
    assert ds.class_names == ["cyst", "normal", "tumour"]
    assert ds.splits["all"].labels.tolist() == [2, 1, 0, 1, 2]
    np.testing.assert_array_equal(ds.splits["all"].samples[4], _vols(5)[4])


def test_h5_int_labels_named_by_attribute(tmp_path):
    p = tmp_path / "named.h5"
    with h5py.File(p, "w") as f:
        f["X"] = _vols(4)
        f["y"] = np.array([1, 0, 1, 0])
        f["y"].attrs["class_names"] = ["normal", "lesion"]
    assert load_dataset(p).class_names == ["normal", "lesion"]


@pytest.mark.parametrize("open_as", ["folder", "x_file"])
def test_npy_pair_memory_mapped(tmp_path, open_as):
    np.save(tmp_path / "X.npy", _vols(4))
    np.save(tmp_path / "y.npy", np.array(["b", "a", "b", "a"]))
    ds = load_dataset(tmp_path if open_as == "folder" else tmp_path / "X.npy")
    assert ds.class_names == ["a", "b"] and ds.splits["all"].labels.tolist() == [1, 0, 1, 0]
    assert isinstance(ds.splits["all"].samples._array, np.memmap)
    np.testing.assert_array_equal(ds.splits["all"].samples[2], _vols(4)[2])


def test_prefixed_npy_pair_and_npz_pair_and_numeric_class_order(tmp_path):
    np.save(tmp_path / "scans_x.npy", _vols(4))
    np.save(tmp_path / "scans_y.npy", np.array([10, 2, 10, 2]))
    ds = load_dataset(tmp_path / "scans_x.npy")
    assert ds.class_names == ["2", "10"] and ds.splits["all"].labels.tolist() == [1, 0, 1, 0]
    np.savez(tmp_path / "pair.npz", x=_vols(3), y=np.array([0, 1, 1]))
    assert load_dataset(tmp_path / "pair.npz").splits["all"].labels.tolist() == [0, 1, 1]


def test_detect_layout_says_none_for_single_volumes_and_junk(tmp_path):
    np.save(tmp_path / "vol.npy", _vols(1)[0])
    with h5py.File(tmp_path / "vol.h5", "w") as f:
        f["data"] = _vols(1)[0]
    (tmp_path / "junk.h5").write_bytes(np.random.default_rng(1).bytes(2048))
    for name in ("vol.npy", "vol.h5", "junk.h5", "missing.h5"):
        assert detect_layout(tmp_path / name) is None, name


def test_imbalance_is_warned(tmp_path):
    p = tmp_path / "imb.h5"
    with h5py.File(p, "w") as f:
        f["X"], f["y"] = _vols(20), np.array([0] * 17 + [1] * 3)
    ds = load_dataset(p)
    assert any("imbalanced" in w for w in ds.warnings)
    assert any("only 3 samples" in w for w in ds.warnings)


# ---------------------------------------------------------------------------- bad input
def _h5(path, **arrays):
    with h5py.File(path, "w") as f:
        for k, v in arrays.items():
            f[k] = v
    return path


def test_missing_path(tmp_path):
    with pytest.raises(FileNotFound, match="does not exist"):
        load_dataset(tmp_path / "nope.h5")


def test_label_count_mismatch(tmp_path):
    p = _h5(tmp_path / "m.h5", X_train=np.zeros((5, 4096)), y_train=np.array([0, 1, 0, 1]))
    with pytest.raises(DatasetError, match="5 samples but 'y_train' holds 4 labels"):
        load_dataset(p)


def test_single_class(tmp_path):
    p = _h5(tmp_path / "one.h5", X=_vols(3), y=np.array([1, 1, 1]))
    with pytest.raises(DatasetError, match=r"one class \('1'\).*at least two"):
        load_dataset(p)


def test_empty_class_folder_and_folder_without_classes(tmp_path):
    _nii(tmp_path / "ds" / "normal" / "a.nii", _vols(1)[0])
    (tmp_path / "ds" / "cyst").mkdir()
    with pytest.raises(DatasetError, match="class folder 'cyst' has no volumes"):
        load_dataset(tmp_path / "ds")
    (tmp_path / "flat").mkdir()
    with pytest.raises(DatasetError, match="no class folders"):
        load_dataset(tmp_path / "flat")


def test_random_bytes_named_h5(tmp_path):
    p = tmp_path / "scan.h5"
    p.write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(CorruptFile, match="cannot be read as HDF5"):
        load_dataset(p)


def test_csv_bad_row_is_named(tmp_path):
    np.save(tmp_path / "a.npy", _vols(1)[0])
    p = tmp_path / "m.csv"
    p.write_text("path,label\na.npy,x\na.npy\n")
    with pytest.raises(DatasetError, match="row 3"):
        load_dataset(p)
    p.write_text("path,label\na.npy,x\nb.npy,y\n")
    with pytest.raises(FileNotFound, match="row 3: 'b.npy'"):
        load_dataset(p)


def test_object_dtype_npy_is_refused_without_unpickling(tmp_path):
    np.save(tmp_path / "X.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    np.save(tmp_path / "y.npy", np.array([0, 1]))
    with pytest.raises(UnsupportedFormat, match="Python objects"):
        load_dataset(tmp_path)


@pytest.mark.parametrize("arrays, message", [
    ({"data": np.zeros((2, 3, 3, 3))}, "not a labelled dataset"),
    ({"X": np.zeros((2, 100)), "y": np.array([0, 1])}, "not a cube"),
    ({"X": np.zeros((2, 3, 3, 3)), "y": np.array([0.5, 1.0])}, "not a class number"),
    ({"X_train": np.zeros((2, 8)), "y_test": np.array([0, 1])}, "no matching 'y_train'"),
])
def test_h5_that_is_not_a_usable_dataset(tmp_path, arrays, message):
    with pytest.raises(DatasetError, match=message):
        load_dataset(_h5(tmp_path / "d.h5", **arrays))


def test_single_volume_and_unknown_suffix(tmp_path):
    _nii(tmp_path / "a.nii.gz", _vols(1)[0])
    with pytest.raises(DatasetError, match="single volume"):
        load_dataset(tmp_path / "a.nii.gz")
    (tmp_path / "a.txt").write_text("hello")
    with pytest.raises(UnsupportedFormat):
        load_dataset(tmp_path / "a.txt")


def test_empty_csv_and_object_npz(tmp_path):
    (tmp_path / "e.csv").write_text("path,label\n")
    with pytest.raises(DatasetError, match="no rows"):
        load_dataset(tmp_path / "e.csv")
    np.savez(tmp_path / "o.npz", x=np.array([None, 1], dtype=object), y=np.array([0, 1]))
    with pytest.raises(UnsupportedFormat, match="Python objects"):
        load_dataset(tmp_path / "o.npz")
