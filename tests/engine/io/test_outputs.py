"""The one output check (``engine/io/outputs.py``): what it refuses before any work, and what
it lets through."""
import os
import zipfile

import nibabel as nib
import numpy as np
import pytest

from voxdesk.engine.io.outputs import OutputError, check_output


@pytest.fixture
def scan(tmp_path):
    p = tmp_path / "scan.nii.gz"
    nib.save(nib.Nifti1Image(np.zeros((4, 4, 4), np.float32), np.eye(4)), str(p))
    return p


def test_an_input_is_refused_by_name_symlink_and_hard_link_even_with_force(tmp_path, scan):
    before = scan.read_bytes()
    (tmp_path / "link.csv").symlink_to(scan)
    os.link(scan, tmp_path / "hard.csv")
    (tmp_path / "sub").mkdir()
    for out in (scan, tmp_path / "link.csv", tmp_path / "hard.csv", tmp_path / "sub" / ".." / "scan.nii.gz"):
        with pytest.raises(OutputError, match="is an input of this command") as info:
            check_output(out, "csv", inputs=[tmp_path / "other.nii", str(scan)], force=True, flag="--csv")
        assert str(out) in str(info.value) and "\n" not in str(info.value)
    assert scan.read_bytes() == before


def test_an_address_input_is_its_file(tmp_path):
    h5 = tmp_path / "data.h5"
    h5.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(100))
    with pytest.raises(OutputError, match="is an input"):
        check_output(h5, "bundle", inputs=[f"{h5}:/X_train"], force=True)


def test_an_existing_file_of_another_kind_needs_force(tmp_path, scan):
    h5 = tmp_path / "data.h5"
    h5.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(100))
    cases = [(h5, "csv", "an HDF5 file, not a CSV report"), (scan, "json", "a NIfTI file, not a JSON file"),
             (scan, "bundle", "a NIfTI file, not a VoxDesk model bundle"),
             (h5, "nifti", "an HDF5 file, not a NIfTI file")]
    for path, kind, words in cases:
        with pytest.raises(OutputError, match=words + "; pass --force"):
            check_output(path, kind)
        assert check_output(path, kind, force=True) == path
    # the same kind is replaced as before: a CSV over a CSV, a bundle over a bundle
    old_csv = tmp_path / "old.csv"
    old_csv.write_text("path,class\na,b\n")
    assert check_output(old_csv, "csv") == old_csv
    bundle = tmp_path / "m.voxmodel"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("metadata.json", "{}")
    assert check_output(bundle, "bundle") == bundle
    npz = tmp_path / "arrays.voxmodel"  # a zip, but not a bundle
    with open(npz, "wb") as fh:
        np.savez(fh, x=np.zeros(3))
    with pytest.raises(OutputError, match="not a VoxDesk model bundle"):
        check_output(npz, "bundle")


def test_convert_style_outputs_need_force_for_any_existing_file(tmp_path, scan):
    with pytest.raises(OutputError, match="exists; pass --force"):
        check_output(scan, "nifti", replace_needs_force=True)
    assert check_output(scan, "nifti", replace_needs_force=True, force=True) == scan


def test_folders_devices_and_broken_links_are_refused_whatever_the_flags(tmp_path):
    with pytest.raises(OutputError, match="is a folder; give a file name"):
        check_output(tmp_path, "csv", force=True, flag="--csv")
    with pytest.raises(OutputError, match="not a regular file"):
        check_output("/dev/null", "json", force=True)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="not a regular file"):
        check_output(fifo, "csv", force=True)
    (tmp_path / "dangling.csv").symlink_to(tmp_path / "nowhere" / "x.csv")
    with pytest.raises(OutputError, match="broken symbolic link"):
        check_output(tmp_path / "dangling.csv", "csv")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError, match="afile is a file, not a folder"):
        check_output(tmp_path / "afile" / "deeper" / "out.csv", "csv")
    with pytest.raises(OutputError, match="is a file; choose a folder"):
        check_output(tmp_path / "afile", "folder")


def test_missing_folders_are_fine_when_they_can_be_created(tmp_path):
    out = tmp_path / "new" / "deeper" / "out.csv"
    assert check_output(out, "csv") == out
    assert not (tmp_path / "new").exists()  # checked, not created: nothing is left when the work fails
    assert os.listdir(tmp_path) == []  # the write probe left nothing behind


def test_a_read_only_folder_is_refused_before_the_work(readonly_dir):
    for out in (readonly_dir / "out.csv", readonly_dir / "sub" / "out.csv"):
        why = r"\((Read-only file system|Permission denied)\)"
        with pytest.raises(OutputError, match=r"cannot write in .*readonly " + why):
            check_output(out, "csv", flag="--csv")


def test_too_little_free_space_is_refused(full_disk):
    with pytest.raises(OutputError, match=r"free in .*full; about 8\.0 MB are needed"):
        check_output(full_disk / "m.voxmodel", "bundle", flag="--out")
    assert check_output(full_disk / "small.csv", "csv", need_bytes=1024) == full_disk / "small.csv"
