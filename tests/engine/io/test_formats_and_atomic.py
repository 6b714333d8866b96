"""The format table feeds readers, layouts, dialogs and help alike; the atomic writer never
leaves half a file."""
import h5py
import numpy as np
import pytest

from voxdesk.engine.datasets import load_dataset
from voxdesk.engine.errors import UnsupportedFormat
from voxdesk.engine.io import atomic, formats, open_volume


def test_every_suffix_in_the_table_is_offered_and_read(tmp_path):
    data = np.arange(4 * 5 * 6, dtype=np.float32).reshape(4, 5, 6)
    for suffix in formats.SUPPORTED_SUFFIXES:
        assert f"*{suffix}" in formats.volume_filter()
        assert suffix in formats.describe()
    # .hdf was offered by the dialogs but refused by open_volume: now one table decides both
    with h5py.File(tmp_path / "scan.hdf", "w") as f:
        f["vol"] = data
    assert open_volume(tmp_path / "scan.hdf").shape == (4, 5, 6)
    assert open_volume(f"{tmp_path / 'scan.hdf'}:/vol").shape == (4, 5, 6)
    assert "*.hdf" in formats.dataset_filter() and "*.csv" in formats.dataset_filter()
    assert "*.nii" not in formats.dataset_filter()  # a single NIfTI is not an array dataset


def test_lookup_and_unsupported_message():
    assert formats.lookup("A.NII.GZ").name == "nifti"
    assert formats.volume_suffix("x/scan.nii.gz") == ".nii.gz"
    assert formats.is_nifti("heat.nii") and not formats.is_nifti("heat.png")
    with pytest.raises(UnsupportedFormat, match=r"scan\.mha: unsupported file type; VoxDesk opens \.nii, \.nii\.gz"):
        formats.lookup("scan.mha")


def test_hdf_dataset_is_loaded(tmp_path):
    with h5py.File(tmp_path / "set.hdf", "w") as f:
        f["X_train"] = np.zeros((4, 8, 8, 8), np.float32)
        f["y_train"] = np.array([0, 1, 0, 1])
    with load_dataset(tmp_path / "set.hdf") as ds:
        assert len(ds.splits["train"]) == 4


def test_atomic_write_replaces_whole_or_not_at_all(tmp_path):
    target = tmp_path / "out" / "report.csv"
    atomic.write_csv(target, ["a", "b"], [[1, "é"], [2, "x"]])
    assert target.read_bytes().decode("utf-8") == "a,b\r\n1,é\r\n2,x\r\n"
    with pytest.raises(RuntimeError):
        with atomic.atomic_open(target) as fh:
            fh.write("half a fi")
            raise RuntimeError("the disk filled up")
    assert target.read_text(encoding="utf-8").startswith("a,b")  # the old file is intact
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.csv"]  # no temporary left


def test_replace_dir_swaps_a_folder(tmp_path):
    old = tmp_path / "demo"
    old.mkdir()
    (old / "v1").write_text("old")
    new = tmp_path / ".demo.tmp"
    new.mkdir()
    (new / "v2").write_text("new")
    atomic.replace_dir(new, old)
    assert [p.name for p in old.iterdir()] == ["v2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo"]


def test_hdf5_spacing_attribute_names(tmp_path):
    for key in ("spacing", "spacing_mm", "voxel_size"):
        with h5py.File(tmp_path / f"{key}.h5", "w") as f:
            f["v"] = np.zeros((4, 5, 6), np.float32)
            f["v"].attrs[key] = [8.0, 8.0, 2.5]
        assert open_volume(tmp_path / f"{key}.h5").spacing == (8.0, 8.0, 2.5)
