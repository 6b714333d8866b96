"""Regression tests for the reader guard (issue 16, defects 3, 4, 8 and 10): every damaged or
lying file is one VoxdeskError naming it, refused before its declared sizes are allocated."""
import io
import struct
import zipfile

import h5py
import nibabel as nib
import numpy as np
import pytest

from voxdesk.engine.datasets import detect_layout, load_dataset
from voxdesk.engine.errors import CorruptFile, DatasetError, InvalidVolume, TooLarge, UnsupportedFormat, VoxdeskError
from voxdesk.engine.io import open_volume, probe
from voxdesk.engine.io.guard import reading


def _nii(path, data=None, affine=None, header=None):
    data = np.arange(512, dtype=np.int16).reshape(8, 8, 8) if data is None else data
    img = nib.Nifti1Image(data, np.diag([2.0, 2.0, 2.0, 1.0]) if affine is None else affine)
    nib.save(img, str(path))
    if header:  # overwrite raw header fields: {offset: (format, values)}
        raw = bytearray(path.read_bytes())
        for offset, (fmt, values) in header.items():
            raw[offset: offset + struct.calcsize(fmt)] = struct.pack(fmt, *values)
        path.write_bytes(bytes(raw))
    return path


def _one_line_naming(exc, name):
    text = str(exc)
    assert name in text and "\n" not in text and "object at 0x" not in text, text


# ------------------------------------------------------------------ NIfTI (defects 4 and 8)
@pytest.mark.parametrize("value", [0.0, float("nan"), float("inf")])
def test_nifti_with_a_zero_nan_or_inf_affine_is_one_clear_error(tmp_path, value):
    affine = np.eye(4)
    affine[:3, :3] = value
    path = tmp_path / "bad_affine.nii"
    _nii(path)
    raw = bytearray(path.read_bytes())  # sform code 2 with the given rows, qform code 0
    raw[252:256] = struct.pack("<hh", 0, 2)
    raw[280:328] = struct.pack("<12f", *affine[:3].ravel())
    path.write_bytes(bytes(raw))
    for call in (open_volume, probe):
        with pytest.raises(CorruptFile, match=r"bad_affine\.nii: the header's orientation \(affine\)") as err:
            call(path)
        _one_line_naming(err.value, "bad_affine.nii")


@pytest.mark.parametrize("field,match", [
    ({42: ("<h", (-8,))}, "bad.nii: the"),  # a negative dimension
    ({70: ("<h", (7,))}, r"bad.nii: the NIfTI header names a voxel type .* \(datatype code 7\)"),  # no such code
    ({70: ("<h", (0,))}, r"bad.nii: the NIfTI header names a voxel type .* \(datatype code 0\)"),
    ({344: ("<4s", (b"xyz\0",))}, r"bad.nii: not a NIfTI file \(its header is not a NIfTI-1 or NIfTI-2 header\)"),
])
def test_nifti_bad_header_fields_name_the_file(tmp_path, field, match):
    path = _nii(tmp_path / "bad.nii", header=field)
    with pytest.raises((CorruptFile, InvalidVolume), match=match) as err:
        open_volume(path)
    _one_line_naming(err.value, "bad.nii")


def test_complex_nifti_is_refused_not_read_as_its_real_part(tmp_path):
    data = (np.ones((6, 6, 6)) * (1 + 2j)).astype(np.complex64)
    nib.save(nib.Nifti1Image(data, np.eye(4)), str(tmp_path / "c.nii"))
    with pytest.raises(InvalidVolume, match=r"c\.nii holds complex numbers.*magnitude"):
        open_volume(tmp_path / "c.nii")


def test_rgb_nifti_is_refused(tmp_path):
    rgb = np.zeros((6, 6, 6), dtype=[("R", "u1"), ("G", "u1"), ("B", "u1")])
    nib.save(nib.Nifti1Image(rgb, np.eye(4)), str(tmp_path / "rgb.nii"))
    with pytest.raises(InvalidVolume, match=r"rgb\.nii holds RGB colour voxels"):
        open_volume(tmp_path / "rgb.nii")


def test_float64_beyond_float32_is_refused_not_turned_into_inf(tmp_path):
    data = np.ones((6, 6, 6), np.float64)
    data[2, 3, 4] = 1e300
    nib.save(nib.Nifti1Image(data, np.eye(4)), str(tmp_path / "big.nii"))
    with pytest.raises(InvalidVolume, match=r"big\.nii: values reach 1e\+300, beyond .*float32"):
        open_volume(tmp_path / "big.nii")
    data[2, 3, 4] = 3e38  # still a float32 value: read as it is
    nib.save(nib.Nifti1Image(data, np.eye(4)), str(tmp_path / "ok.nii"))
    v = open_volume(tmp_path / "ok.nii")
    assert np.isfinite(v.data).all() and v.data.max() == np.float32(3e38)


def test_nan_voxels_are_said_in_the_warnings(tmp_path):
    data = np.ones((6, 6, 6), np.float32)
    data[0, 0, :2] = np.nan
    nib.save(nib.Nifti1Image(data, np.eye(4)), str(tmp_path / "nan.nii"))
    v = open_volume(tmp_path / "nan.nii")
    assert v.meta["nan_count"] == 2 and any("2 NaN/Inf voxels" in w for w in v.warnings)


# -------------------------------------------------------------- declared sizes (defect 3)
def test_small_nii_declaring_gigabytes_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setenv("VOXDESK_MAX_BYTES", str(10**15))  # the memory guard would let it through
    path = _nii(tmp_path / "liar.nii", header={40: ("<4h", (3, 2000, 2000, 800))})
    assert path.stat().st_size < 4096
    with pytest.raises(CorruptFile, match=r"liar\.nii: the header declares 6\.0 GB of data but the file holds only"):
        open_volume(path)


def test_small_nii_gz_declaring_more_than_gzip_can_hold_is_refused(tmp_path, monkeypatch):
    import gzip

    monkeypatch.setenv("VOXDESK_MAX_BYTES", str(10**15))
    raw = _nii(tmp_path / "liar.nii", header={40: ("<4h", (3, 2000, 2000, 800))}).read_bytes()
    (tmp_path / "liar.nii.gz").write_bytes(gzip.compress(raw))
    with pytest.raises(CorruptFile, match=r"liar\.nii\.gz: the header declares .* more than .* compressed data"):
        open_volume(tmp_path / "liar.nii.gz")


def test_scaled_nifti_memory_guard_counts_nibabels_peak(tmp_path, monkeypatch):
    """nibabel's scaled reads peak at ~16 bytes a voxel: a limit that 4 bytes a voxel would
    pass refuses the scaled file and still opens the same voxels unscaled."""
    data = np.zeros((32, 32, 32), np.int16)
    _nii(tmp_path / "scaled.nii", data, header={112: ("<2f", (2.0, 1.0))})  # scl_slope, scl_inter
    _nii(tmp_path / "plain.nii", data)
    monkeypatch.setenv("VOXDESK_MAX_BYTES", str(int(32**3 * 10 / 0.8)))
    with pytest.raises(TooLarge, match=r"scaled\.nii: reading \(32, 32, 32\) needs 512\.0 KB"):
        open_volume(tmp_path / "scaled.nii")
    assert open_volume(tmp_path / "plain.nii").shape == (32, 32, 32)


# ---------------------------------------------------------------- NumPy (defects 3, 4, 10)
def _npy_bytes(header: str, body: bytes = b"\0" * 2048) -> bytes:
    head = header.encode("latin1")
    pad = 64 - (10 + len(head) + 1) % 64
    head += b" " * (pad % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(head)) + head + body


@pytest.mark.parametrize("header", [
    "{'descr': '<f4', 'fortran_order': False, 'shape': (1+2, 8, 8), }",  # an expression
    "{'descr': '<f4', 'fortran_order': False, 'shape': (8, 8, 8)",  # unterminated
    "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999, 8, 8), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (-8, 8, 8), }",
])
def test_bad_npy_header_is_one_clear_error(tmp_path, header):
    (tmp_path / "bad.npy").write_bytes(_npy_bytes(header))
    for call in (open_volume, probe):
        with pytest.raises(CorruptFile, match=r"bad\.npy: ") as err:
            call(tmp_path / "bad.npy")
        _one_line_naming(err.value, "bad.npy")
        assert "ast." not in str(err.value)


def test_npy_declaring_more_than_the_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("VOXDESK_MAX_BYTES", str(10**15))
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2000, 2000, 800), }"
    (tmp_path / "liar.npy").write_bytes(_npy_bytes(header))
    with pytest.raises(CorruptFile, match=r"liar\.npy: the header declares 11\.9 GB of data but the file holds only 2"):
        open_volume(tmp_path / "liar.npy")


def _npz_with(member: bytes, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        z.writestr("x.npy", member)
    return out.getvalue()


def test_npz_member_with_a_lying_header_is_refused_before_decompressing(tmp_path, monkeypatch):
    monkeypatch.setenv("VOXDESK_MAX_BYTES", str(10**15))
    lie = _npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2000, 2000, 800), }", b"\0" * 4_000_000)
    (tmp_path / "liar.npz").write_bytes(_npz_with(lie))
    assert (tmp_path / "liar.npz").stat().st_size < 100_000
    with pytest.raises(CorruptFile, match=r"liar\.npz:x: the header declares 11\.9 GB of data but the file holds only"):
        open_volume(tmp_path / "liar.npz")
    with pytest.raises(CorruptFile, match=r"liar\.npz:x: the header declares 11\.9 GB"):
        load_dataset(tmp_path / "liar.npz")


def test_npz_entry_declaring_more_than_its_compressed_data_is_refused(tmp_path):
    raw = bytearray(_npz_with(_npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (8, 8, 8), }")))
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # uncompressed size: 4 GB
        at = raw.find(sig)
        raw[at + off: at + off + 4] = struct.pack("<I", 2**32 - 1)
    (tmp_path / "bomb.npz").write_bytes(bytes(raw))
    with pytest.raises(CorruptFile, match=r"bomb\.npz:x \(zip entry\): the header declares 4\.0 GB of data, more than"):
        open_volume(tmp_path / "bomb.npz")


def test_npz_with_damaged_compressed_data_names_the_file(tmp_path):
    buf = io.BytesIO()
    np.savez_compressed(buf, x=np.random.default_rng(0).random((8, 8, 8)).astype(np.float32))
    raw = bytearray(buf.getvalue())
    raw[200:260] = b"\xff" * 60  # inside the deflate stream of x.npy
    (tmp_path / "z.npz").write_bytes(bytes(raw))
    with pytest.raises(CorruptFile) as err:
        open_volume(tmp_path / "z.npz")
    _one_line_naming(err.value, "z.npz")


# --------------------------------------------------------------------- HDF5 (defects 3, 4)
def test_hdf5_external_link_is_refused_never_followed(tmp_path):
    with h5py.File(tmp_path / "links.h5", "w") as f:
        f["real"] = np.zeros((6, 6, 6), np.float32)
        f["dev"] = h5py.ExternalLink("/dev/zero", "/x")
    with pytest.raises(InvalidVolume, match=r"links\.h5:/dev: '/dev' is a link into another file \(/dev/zero\)"):
        open_volume(str(tmp_path / "links.h5") + ":/dev")
    assert open_volume(tmp_path / "links.h5").shape == (6, 6, 6)  # the link is not a candidate


def test_hdf5_external_storage_is_refused(tmp_path):
    with h5py.File(tmp_path / "ext.h5", "w") as f:
        f.create_dataset("v", shape=(8, 8, 8), dtype="f4", external=[("/dev/zero", 0, h5py.h5f.UNLIMITED)])
    with pytest.raises(InvalidVolume, match=r"ext\.h5:/v: the data is stored outside the file"):
        open_volume(tmp_path / "ext.h5", dataset="v")


def test_hdf5_empty_dataspace_is_described_and_refused(tmp_path):
    with h5py.File(tmp_path / "null.h5", "w") as f:
        f.create_dataset("nothing", data=h5py.Empty("f4"))
        f["v"] = np.zeros((6, 6, 6), np.float32)
    entries = {e.name: e for e in probe(tmp_path / "null.h5").entries}
    assert entries["/nothing"].kind == "not-a-volume" and "empty dataspace" in entries["/nothing"].note
    with pytest.raises(InvalidVolume, match=r"null\.h5:/nothing holds no data \(an empty dataspace\)"):
        open_volume(tmp_path / "null.h5", dataset="nothing")


def test_small_hdf5_of_huge_declared_vectors_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("VOXDESK_MAX_BYTES", str(10**15))
    with h5py.File(tmp_path / "huge.h5", "w") as f:  # a 1024^3 vector: 4 GB declared, nothing stored
        f.create_dataset("X", shape=(1024**3,), dtype="f4", chunks=(1 << 20,))
    assert (tmp_path / "huge.h5").stat().st_size < 100_000
    with pytest.raises(CorruptFile, match=r"huge\.h5:/X: the header declares 4\.0 GB of data, more than"):
        open_volume(tmp_path / "huge.h5")


def test_hdf5_dataset_labels_are_memory_checked_and_links_not_followed(tmp_path, monkeypatch):
    with h5py.File(tmp_path / "ds.h5", "w") as f:
        f["X"] = np.zeros((4, 6, 6, 6), np.float32)
        f["y"] = np.array([0, 1, 0, 1])
        f["x_test"] = h5py.ExternalLink("/dev/zero", "/x")
    assert load_dataset(tmp_path / "ds.h5").class_names
    monkeypatch.setenv("VOXDESK_MAX_BYTES", "16")
    with pytest.raises(TooLarge, match=r"ds\.h5:y: reading \(4,\) needs"):
        load_dataset(tmp_path / "ds.h5")


# ----------------------------------------------------------------- the guard and words
def test_guard_maps_known_errors_and_names_the_file_as_a_last_resort():
    with pytest.raises(CorruptFile, match=r"^scan\.nii: cannot be read \(ZeroDivisionError: boom\)$"):
        with reading("/some/where/scan.nii"):
            raise ZeroDivisionError("boom")
    with pytest.raises(CorruptFile, match=r"^a\.npz: the compressed data is damaged or truncated"):
        with reading("a.npz"):
            import zlib

            zlib.decompress(b"not deflate")
    with pytest.raises(CorruptFile, match=r"^v\.nii: the image's orientation \(affine\) is singular"):
        with reading("v.nii"):
            np.linalg.inv(np.zeros((3, 3)))
    with pytest.raises(TooLarge, match=r"^v\.nii: not enough memory"):
        with reading("v.nii"):
            raise MemoryError()


def test_empty_class_folders_say_so_not_unsupported_file_type(tmp_path):
    for name in ("normal", "tumour"):
        (tmp_path / "ds" / name).mkdir(parents=True)
    assert detect_layout(tmp_path / "ds") == "class-folders"
    with pytest.raises(DatasetError, match=r"^class folder 'normal' has no volumes"):
        load_dataset(tmp_path / "ds")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UnsupportedFormat, match=r"^empty: a folder holding no volumes VoxDesk opens"):
        open_volume(tmp_path / "empty")


def test_a_pipe_or_device_is_named_for_what_it_is_not_an_empty_file(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.nii")
    os.symlink("/dev/zero", tmp_path / "zero.npy")
    os.mkfifo(tmp_path / "noname")  # no suffix: the DICOM sniff must not wait for a writer
    for name in ("pipe.nii", "zero.npy"):
        with pytest.raises(VoxdeskError, match=rf"{name}: not a regular file \(a device, pipe or socket\)"):
            open_volume(tmp_path / name)
    with pytest.raises(UnsupportedFormat, match="noname: unsupported file type"):
        open_volume(tmp_path / "noname")


def test_float64_npy_and_hdf5_beyond_float32_are_refused(tmp_path):
    data = np.ones((6, 6, 6))
    data[1, 1, 1] = -1e200
    np.save(tmp_path / "big.npy", data)
    with h5py.File(tmp_path / "big.h5", "w") as f:
        f["v"] = data
    with pytest.raises(InvalidVolume, match=r"big\.npy: values reach 1e\+200, beyond"):
        open_volume(tmp_path / "big.npy")
    with pytest.raises(InvalidVolume, match=r"big\.h5:/v: values reach 1e\+200, beyond"):
        open_volume(tmp_path / "big.h5")


def test_memory_guard_counts_the_converted_copy_of_big_endian_data(tmp_path, monkeypatch):
    np.save(tmp_path / "be.npy", np.zeros((20, 20, 20), ">f4"))
    np.save(tmp_path / "le.npy", np.zeros((20, 20, 20), "<f4"))
    monkeypatch.setenv("VOXDESK_MAX_BYTES", str(int(8000 * 6 / 0.8)))  # 6 bytes a voxel: one copy fits
    with pytest.raises(TooLarge, match=r"be\.npy: reading \(20, 20, 20\) needs 62\.5 KB"):
        open_volume(tmp_path / "be.npy")
    assert open_volume(tmp_path / "le.npy").shape == (20, 20, 20)


def test_npz_object_array_is_refused_before_np_load(tmp_path):
    np.savez(tmp_path / "obj.npz", x=np.array([{"a": 1}] * 8, dtype=object), v=np.zeros((6, 6, 6)))
    with pytest.raises(InvalidVolume, match=r"obj\.npz:x holds Python objects, not voxel values"):
        open_volume(tmp_path / "obj.npz", dataset="x")
