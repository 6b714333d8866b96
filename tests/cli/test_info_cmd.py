"""voxdesk-cli info: what a user reads about a file, and one-line errors with exit code 2."""
import json
import os
import subprocess
import sys

import h5py
import nibabel as nib
import numpy as np
import pytest

from voxdesk.cli import main

NIB_DATA = os.path.join(os.path.dirname(nib.__file__), "tests", "data")


def run_cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_info_nifti_prints_geometry_and_values(capsys):
    code, out, err = run_cli(capsys, "info", os.path.join(NIB_DATA, "anatomical.nii"))
    assert code == 0, err
    assert "33 x 41 x 25" in out
    assert "int16 (on disk >i2)" in out
    assert "2 x 2 x 2 mm" in out
    assert "RAS (on disk LAS)" in out
    assert "-610 .. 30393" in out


def test_info_4d_nifti_says_there_are_more_volumes(capsys):
    code, out, _ = run_cli(capsys, "info", os.path.join(NIB_DATA, "example4d.nii.gz"), "--volume", "1")
    assert code == 0
    assert "2 (showing 1)" in out


def test_info_npy_with_nan_counts_them(tmp_path, capsys):
    data = np.ones((4, 5, 6), np.float32)
    data[0, 0, :3] = np.nan
    np.save(tmp_path / "v.npy", data)
    code, out, _ = run_cli(capsys, "info", str(tmp_path / "v.npy"), "--json")
    assert code == 0
    vol = json.loads(out)["volume"]
    assert vol["shape"] == [4, 5, 6] and vol["nan_count"] == 3 and vol["value_range"] == [1.0, 1.0]
    assert vol["orientation"] == "RAS (assumed)"


def test_info_hdf5_lists_the_dataset_tree(tmp_path, capsys):
    with h5py.File(tmp_path / "f.h5", "w") as f:
        f["a/vol"] = np.zeros((8, 8, 8), np.int16)
        f["b/vol"] = np.zeros((3, 8, 8, 8), np.float32)
    code, out, _ = run_cli(capsys, "info", str(tmp_path / "f.h5"))
    assert code == 0
    assert "/a/vol" in out and "8 x 8 x 8" in out and "int16" in out
    assert "/b/vol" in out and "stack of 3 volumes" in out
    code, out, _ = run_cli(capsys, "info", f"{tmp_path / 'f.h5'}:/b/vol", "--index", "2")
    assert code == 0 and "3 (showing 2)" in out


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("missing.nii.gz", None, "no such file"),
        ("scan.txt", b"hello", "unsupported file type"),
        ("noise.h5", os.urandom(2048), "not an HDF5 file"),
    ],
)
def test_info_bad_input_is_one_line_and_exit_2(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = run_cli(capsys, "info", str(path))
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_info_in_a_fresh_process_never_imports_tensorflow_or_qt(tmp_path):
    np.save(tmp_path / "v.npy", np.zeros((4, 4, 4)))
    code = (
        "import sys; from voxdesk.cli import main; rc = main(['info', sys.argv[1]]);"
        "bad = [m for m in ('tensorflow', 'keras', 'PySide6') if m in sys.modules];"
        "print('HEAVY', bad); sys.exit(rc)"
    )
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "v.npy")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "HEAVY []" in r.stdout


def test_info_on_a_3dmnist_file_prints_splits_and_counts_per_class(tmp_path, capsys):
    rng = np.random.default_rng(0)
    with h5py.File(tmp_path / "full_dataset_vectors.h5", "w") as f:
        f["X_train"] = rng.random((6, 4096))
        f["y_train"] = np.array([0, 1, 1, 2, 2, 2])
        f["X_test"] = rng.random((3, 4096))
        f["y_test"] = np.array([0, 1, 2])
    code, out, err = run_cli(capsys, "info", str(tmp_path / "full_dataset_vectors.h5"))
    assert code == 0, err
    assert "labelled dataset (3dmnist-h5)" in out
    assert "16 x 16 x 16" in out
    assert "train        6 samples (0=1, 1=2, 2=3)" in out
    assert "test         3 samples (0=1, 1=1, 2=1)" in out
