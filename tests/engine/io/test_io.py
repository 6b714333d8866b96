"""Volume readers on real files the tests write (and the NIfTI files nibabel's wheel ships)."""
import mmap
import os

import h5py
import nibabel as nib
import numpy as np
import pytest

from voxdesk.engine.errors import (
    CorruptFile,
    FileNotFound,
    InvalidVolume,
    NeedsChoice,
    TooLarge,
    UnsupportedFormat,
    VoxdeskError,
)
from voxdesk.engine.io import open_volume, probe, split_address

NIB_DATA = os.path.join(os.path.dirname(nib.__file__), "tests", "data")


def ramp(shape=(6, 7, 8), dtype=np.int16):
    return np.arange(np.prod(shape)).reshape(shape).astype(dtype)


def write_nifti(path, data, affine=None, slope=None, inter=None):
    img = nib.Nifti1Image(data, np.eye(4) if affine is None else affine)
    if slope is not None:
        img.header.set_slope_inter(slope, inter)
    nib.save(img, str(path))
    return path


# ---------------------------------------------------------------- NIfTI
def test_nifti_ras_file_keeps_values_and_spacing(tmp_path):
    affine = np.diag([0.5, 0.8, 3.0, 1.0])
    data = ramp()
    v = open_volume(write_nifti(tmp_path / "a.nii.gz", data, affine))
    assert v.shape == (6, 7, 8)
    assert v.spacing == pytest.approx((0.5, 0.8, 3.0))
    assert v.axcodes == ("R", "A", "S")
    assert v.data[1, 2, 3] == data[1, 2, 3]
    assert v.world(1, 2, 3) == pytest.approx((0.5, 1.6, 9.0))


def test_nifti_lps_is_reoriented_to_ras_and_world_positions_kept(tmp_path):
    affine = np.diag([-2.0, -1.0, 1.5, 1.0])  # LPS on disk
    affine[:3, 3] = [10, 20, 30]
    data = ramp()
    disk = nib.Nifti1Image(data, affine)
    v = open_volume(write_nifti(tmp_path / "lps.nii", data, affine))
    assert v.axcodes == ("R", "A", "S")
    assert v.meta["axcodes_on_disk"] == "LPS"
    # voxel (1,2,3) on disk is now at (6-1-1, 7-1-2, 3) and keeps its world position
    i, j, k = 4, 4, 3
    assert v.data[i, j, k] == data[1, 2, 3]
    assert v.world(i, j, k) == pytest.approx(tuple(disk.affine @ [1, 2, 3, 1])[:3])
    assert v.spacing == pytest.approx((2.0, 1.0, 1.5))


def test_nifti_scaling_is_applied_as_float32(tmp_path):
    v = open_volume(write_nifti(tmp_path / "s.nii", ramp(), slope=2.0, inter=-10.0))
    assert v.dtype == np.float32
    assert v.data[0, 0, 1] == pytest.approx(2.0 * 1 - 10.0)


@pytest.mark.parametrize("slope", [0.0, np.nan])
def test_nifti_slope_zero_or_nan_means_no_scaling(tmp_path, slope):
    path = write_nifti(tmp_path / "z.nii", ramp())
    blob = bytearray(path.read_bytes())  # patch the header as a scanner would have written it
    blob[112:120] = np.array([slope, 5.0], dtype="<f4").tobytes()
    path.write_bytes(bytes(blob))
    v = open_volume(path)
    assert v.data[0, 0, 1] == 1
    assert v.dtype == np.int16


def test_nifti_4d_picks_volume_and_says_there_are_more(tmp_path):
    data = np.stack([ramp(), ramp() + 1000], axis=-1)
    path = write_nifti(tmp_path / "f.nii.gz", data)
    v0 = open_volume(path)
    assert v0.data[1, 1, 1] == data[1, 1, 1, 0]
    assert any("2 volumes" in w for w in v0.warnings)
    v1 = open_volume(path, volume=1)
    assert v1.data[1, 1, 1] == data[1, 1, 1, 1]
    with pytest.raises(InvalidVolume, match="volume 5 does not exist"):
        open_volume(path, volume=5)


def test_nifti_trailing_singleton_axes_are_squeezed(tmp_path):
    v = open_volume(write_nifti(tmp_path / "t.nii", ramp()[..., None, None]))
    assert v.shape == (6, 7, 8)
    assert not any("volumes" in w for w in v.warnings)


def test_nifti_oblique_affine_warns(tmp_path):
    theta = np.radians(15)
    affine = np.eye(4)
    affine[:2, :2] = [[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]]
    v = open_volume(write_nifti(tmp_path / "o.nii", ramp(), affine))
    assert any("oblique" in w and "15.0" in w for w in v.warnings)
    assert v.world(1, 0, 0) == pytest.approx((np.cos(theta), np.sin(theta), 0.0))


def test_nibabel_big_endian_anatomical_opens_correctly():
    path = os.path.join(NIB_DATA, "anatomical.nii")
    raw = nib.load(path)
    v = open_volume(path)
    assert v.dtype == np.int16 and v.dtype.isnative
    assert v.shape == (33, 41, 25)
    assert v.meta["axcodes_on_disk"] == "LAS"
    # LAS -> RAS flips the first axis
    assert v.data[0, 5, 7] == np.asarray(raw.dataobj)[32, 5, 7]
    assert v.value_range == (float(np.min(raw.dataobj)), float(np.max(raw.dataobj)))


def test_nibabel_4d_example_opens_first_volume():
    v = open_volume(os.path.join(NIB_DATA, "example4d.nii.gz"))
    assert v.shape == (128, 96, 24)
    assert v.meta["n_volumes"] == 2
    assert v.spacing[2] == pytest.approx(2.2, abs=1e-3)
    assert any("oblique" in w for w in v.warnings)


def test_truncated_nii_gz_is_a_clear_error(tmp_path):
    path = write_nifti(tmp_path / "big.nii.gz", np.random.default_rng(0).random((20, 20, 20)).astype(np.float32))
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(CorruptFile, match="truncated or damaged"):
        open_volume(path)


def test_nii_gz_that_is_not_gzip(tmp_path):
    src = write_nifti(tmp_path / "plain.nii", ramp())
    fake = tmp_path / "fake.nii.gz"
    fake.write_bytes(src.read_bytes())
    with pytest.raises(CorruptFile, match="not gzip"):
        open_volume(fake)


def test_2d_nifti_is_refused(tmp_path):
    with pytest.raises(InvalidVolume, match="2D"):
        open_volume(write_nifti(tmp_path / "slice.nii", ramp((6, 7, 1))))


# ---------------------------------------------------------------- NumPy
def test_npy_big_endian_and_fortran_order_load_with_correct_values(tmp_path):
    data = ramp(dtype=np.float32)
    np.save(tmp_path / "be.npy", data.astype(">f4"))
    np.save(tmp_path / "f.npy", np.asfortranarray(data))
    for name in ("be.npy", "f.npy"):
        v = open_volume(tmp_path / name)
        assert v.dtype.isnative
        np.testing.assert_array_equal(v.data, data)


def test_npy_is_memory_mapped(tmp_path):
    np.save(tmp_path / "m.npy", ramp())
    v = open_volume(tmp_path / "m.npy")
    base = v.data
    while base is not None and not isinstance(base, (np.memmap, mmap.mmap)):
        base = getattr(base, "base", None)
    assert base is not None, "a .npy volume should stay memory-mapped"


def test_npy_stack_picks_a_sample(tmp_path):
    stack = np.stack([ramp() + 100 * n for n in range(4)])[..., None]  # (N, D, H, W, 1)
    np.save(tmp_path / "stack.npy", stack)
    v = open_volume(tmp_path / "stack.npy", index=2)
    assert v.shape == (6, 7, 8)
    assert v.data[0, 0, 0] == 200
    assert v.meta["n_samples"] == 4
    assert any("4 samples" in w for w in open_volume(tmp_path / "stack.npy").warnings)
    with pytest.raises(InvalidVolume, match="sample 9 does not exist"):
        open_volume(tmp_path / "stack.npy", index=9)


def test_npy_object_dtype_is_refused_without_unpickling(tmp_path):
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(InvalidVolume, match="Python objects"):
        open_volume(tmp_path / "obj.npy")


@pytest.mark.parametrize("shape,match", [((5, 6), "needs a 3D volume"), ((4, 0, 5), "empty axis")])
def test_npy_2d_or_empty_axis_refused(tmp_path, shape, match):
    np.save(tmp_path / "bad.npy", np.zeros(shape, np.float32))
    with pytest.raises(InvalidVolume, match=match):
        open_volume(tmp_path / "bad.npy")


def test_nan_and_inf_voxels_load_and_are_reported(tmp_path):
    data = ramp(dtype=np.float32)
    data[0, 0, 0] = np.nan
    data[1, 1, 1] = np.inf
    np.save(tmp_path / "nan.npy", data)
    v = open_volume(tmp_path / "nan.npy")
    assert v.nan_count == 2
    assert any("2 NaN/Inf" in w for w in v.warnings)
    assert v.value_range == (1.0, float(data.size - 1))


def test_npz_names_an_array_or_asks(tmp_path):
    np.savez(tmp_path / "two.npz", a=ramp(), b=ramp() * 2)
    with pytest.raises(NeedsChoice) as err:
        open_volume(tmp_path / "two.npz")
    assert err.value.choices == ["a", "b"]
    assert open_volume(tmp_path / "two.npz", dataset="b").data[0, 0, 1] == 2
    assert open_volume(f"{tmp_path / 'two.npz'}:b").data[0, 0, 1] == 2
    with pytest.raises(InvalidVolume, match="no array 'c'"):
        open_volume(tmp_path / "two.npz", dataset="c")


def test_truncated_npy(tmp_path):
    np.save(tmp_path / "t.npy", np.zeros((20, 20, 20), np.float32))
    blob = (tmp_path / "t.npy").read_bytes()
    (tmp_path / "t.npy").write_bytes(blob[:5000])
    with pytest.raises(CorruptFile):
        open_volume(tmp_path / "t.npy")


# ---------------------------------------------------------------- HDF5
@pytest.fixture
def h5file(tmp_path):
    path = tmp_path / "scan.h5"
    with h5py.File(path, "w") as f:
        ds = f.create_dataset("images/ct", data=ramp(dtype=np.float32))
        ds.attrs["spacing"] = [0.7, 0.7, 2.5]
        f.create_dataset("X_train", data=np.random.default_rng(0).random((5, 4096)))
        f.create_dataset("y_train", data=np.arange(5))
        f.create_dataset("notes", data=np.array([b"hello", b"world"]))
        f.create_dataset("records", data=np.zeros(3, dtype=[("a", "i4"), ("b", "f4")]))
    return path


def test_hdf5_lists_every_dataset_with_shape_and_dtype(h5file):
    info = probe(h5file)
    by_name = {e.name: e for e in info.entries}
    assert by_name["/images/ct"].shape == (6, 7, 8) and by_name["/images/ct"].kind == "volume"
    assert by_name["/X_train"].kind == "cube-vectors" and by_name["/X_train"].n_samples == 5
    assert by_name["/notes"].kind == "not-a-volume"
    assert "/images" in info.groups


def test_hdf5_address_reads_dataset_with_spacing(h5file):
    v = open_volume(f"{h5file}:/images/ct")
    assert v.data[1, 2, 3] == ramp()[1, 2, 3]
    assert v.spacing == pytest.approx((0.7, 0.7, 2.5))


def test_hdf5_flat_cube_vectors_reshape(h5file):
    with h5py.File(h5file) as f:
        expected = f["X_train"][3].reshape(16, 16, 16)
    v = open_volume(h5file, dataset="X_train", index=3)
    np.testing.assert_array_equal(v.data, expected)


def test_hdf5_several_datasets_ask_for_a_choice(h5file):
    with pytest.raises(NeedsChoice) as err:
        open_volume(h5file)
    assert set(err.value.choices) == {"/images/ct", "/X_train"}


@pytest.mark.parametrize("name,match", [("/images", "is a group"), ("/notes", "bytes/text"), ("/records", "compound")])
def test_hdf5_group_or_non_numeric_dataset_refused(h5file, name, match):
    with pytest.raises(InvalidVolume, match=match):
        open_volume(h5file, dataset=name)


def test_hdf5_reads_lazily_from_a_huge_file(tmp_path):
    path = tmp_path / "huge.h5"
    with h5py.File(path, "w") as f:  # 100,000 x 32^3 float32 = 13 GB, nothing written
        ds = f.create_dataset("X", shape=(100_000, 32, 32, 32), dtype="f4", chunks=(1, 32, 32, 32))
        ds[77] = 1.5
    assert path.stat().st_size < 10_000_000
    v = open_volume(path, index=77)
    assert v.shape == (32, 32, 32) and v.data.max() == 1.5


def test_random_bytes_named_h5(tmp_path):
    (tmp_path / "x.h5").write_bytes(os.urandom(4096))
    with pytest.raises(CorruptFile, match="not an HDF5 file"):
        open_volume(tmp_path / "x.h5")


def test_truncated_hdf5(tmp_path):
    path = tmp_path / "t.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("v", data=np.random.default_rng(1).random((40, 40, 40)))
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(CorruptFile):
        open_volume(path, dataset="v")


# ---------------------------------------------------------------- generic
def test_missing_file_and_unknown_suffix(tmp_path):
    with pytest.raises(FileNotFound, match="no such file"):
        open_volume(tmp_path / "nope.nii.gz")
    (tmp_path / "scan.mha").write_bytes(b"x")
    with pytest.raises(UnsupportedFormat, match=r"\.nii\.gz"):
        open_volume(tmp_path / "scan.mha")


def test_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    np.save(tmp_path / "v.npy", np.zeros((50, 50, 50), np.float32))
    monkeypatch.setenv("VOXDESK_MAX_BYTES", "100000")
    with pytest.raises(TooLarge, match="needs 488.3 KB"):
        open_volume(tmp_path / "v.npy")


def _bad_file(tmp_path, case):
    """A file that fails to open in the way ``case`` names."""
    if case == "missing":
        return tmp_path / "nope.nii.gz"
    if case == "folder":
        (tmp_path / "dir.nii").mkdir()
        return tmp_path / "dir.nii"
    if case == "empty":
        (tmp_path / "empty.npy").write_bytes(b"")
        return tmp_path / "empty.npy"
    if case == "unsupported":
        (tmp_path / "scan.mha").write_bytes(b"DICM")
        return tmp_path / "scan.mha"
    if case == "corrupt":
        (tmp_path / "x.h5").write_bytes(os.urandom(4096))
        return tmp_path / "x.h5"
    if case == "invalid":
        np.save(tmp_path / "flat.npy", np.zeros((5, 6), np.float32))
        return tmp_path / "flat.npy"
    if case == "choice":
        np.savez(tmp_path / "two.npz", a=ramp(), b=ramp())
        return tmp_path / "two.npz"
    np.save(tmp_path / "big.npy", np.zeros((50, 50, 50), np.float32))  # "too-large", with the limit below
    return tmp_path / "big.npy"


@pytest.mark.parametrize("case,cls,message", [
    ("missing", FileNotFound, "nope.nii.gz: no such file"),
    ("folder", FileNotFound, "dir.nii: is a folder, not a volume file"),
    ("empty", CorruptFile, "empty.npy: the file is empty (0 bytes)"),
    ("unsupported", UnsupportedFormat, "scan.mha: unsupported file type; VoxDesk opens .nii, .nii.gz, .npy"),
    ("corrupt", CorruptFile, "x.h5: not an HDF5 file"),
    ("invalid", InvalidVolume, "flat.npy is 2D (5, 6); VoxDesk needs a 3D volume"),
    ("choice", NeedsChoice, "two.npz holds several arrays; choose one of: a, b"),
    ("too-large", TooLarge, "big.npy: reading (50, 50, 50) needs 488.3 KB of memory"),
])
def test_every_reader_failure_is_one_catchable_voxdesk_error_naming_the_file(tmp_path, monkeypatch, case, cls,
                                                                               message):
    """The GUI and CLI catch ``VoxdeskError`` alone and show ``str(exc)``: every way a file can
    fail to open must arrive as that family (never an OSError, h5py or numpy error), on one line
    that names the file and says what is wrong."""
    monkeypatch.setenv("VOXDESK_MAX_BYTES", "100000")
    path = _bad_file(tmp_path, case)
    for call in (open_volume, probe):
        if call is probe and case in ("choice", "too-large", "invalid"):
            continue  # probing reads headers only: these files are described, not refused
        with pytest.raises(VoxdeskError) as err:
            call(path)
        assert type(err.value) is cls
        text = str(err.value)
        assert message in text and "\n" not in text and "Traceback" not in text


def test_split_address():
    assert split_address("/d/scan.h5:/g/x") == ("/d/scan.h5", "/g/x")
    assert split_address("C:/d/scan.nii") == ("C:/d/scan.nii", None)
    assert split_address("a.npz:arr") == ("a.npz", "arr")


@pytest.mark.parametrize("shape,match", [((6, 7, 1), "flat.nii: the image is 2D"),
                                         ((4, 0, 5), "flat.nii: the image has an empty axis")])
def test_nifti_that_is_not_3d_names_the_file(tmp_path, shape, match):
    import nibabel as nib

    nib.save(nib.Nifti1Image(np.zeros(shape, np.float32), np.eye(4)), str(tmp_path / "flat.nii"))
    with pytest.raises(InvalidVolume, match=match):
        open_volume(tmp_path / "flat.nii")
