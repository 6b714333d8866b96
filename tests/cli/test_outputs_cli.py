"""Every command that writes checks its output before the work (``engine/io/outputs.py``): an
input is never overwritten, another kind of file only with --force, an unwritable folder is one
line and exit code 2; a write that fails half-way leaves no partial file."""
import os
import resource
import signal
import subprocess
import sys

import h5py
import nibabel as nib
import numpy as np
import pytest

from voxdesk.cli import main


def run_cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path):
    scan = tmp_path / "scan.nii.gz"
    nib.save(nib.Nifti1Image(np.random.default_rng(0).random((8, 8, 8)).astype(np.float32), np.eye(4)), str(scan))
    data = tmp_path / "data.h5"
    with h5py.File(data, "w") as f:
        f["X_train"] = np.zeros((4, 512), np.float32)
        f["y_train"] = np.array([0, 1, 0, 1])
    bundle = tmp_path / "model.voxmodel"
    bundle.write_bytes(b"PK\x05\x06" + bytes(18))  # an (empty) zip: never read, the check comes first
    return {"scan": scan, "data": data, "bundle": bundle, "dir": tmp_path}


INPUT_AS_OUTPUT = {
    "train --out DATA": lambda f: ["train", f["data"], "--out", f["data"], "--epochs", "1"],
    "explain --out SCAN": lambda f: ["explain", f["bundle"], f["scan"], "--out", f["scan"]],
    "classify --csv SCAN": lambda f: ["classify", f["bundle"], f["scan"], "--csv", f["scan"]],
    "classify --csv BUNDLE": lambda f: ["classify", f["bundle"], f["scan"], "--csv", f["bundle"]],
    "evaluate --json BUNDLE": lambda f: ["evaluate", f["bundle"], f["data"], "--json", f["bundle"]],
    "convert SCAN SCAN": lambda f: ["convert", f["scan"], f["scan"], "--force"],
    "screenshot SCAN SCAN": lambda f: ["screenshot", f["scan"], f["scan"]],
}


@pytest.mark.parametrize("case", list(INPUT_AS_OUTPUT))
def test_an_input_given_as_the_output_is_refused_and_kept(files, capsys, case):
    before = {k: files[k].read_bytes() for k in ("scan", "data", "bundle")}
    code, out, err = run_cli(capsys, *INPUT_AS_OUTPUT[case](files), "--force")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("voxdesk-cli: error: ") and "is an input of this command" in err
    assert {k: files[k].read_bytes() for k in before} == before
    assert "training" not in out


def test_an_input_reached_through_a_link_or_a_folder_is_refused(files, capsys):
    d = files["dir"]
    (d / "results.csv").symlink_to(files["scan"])
    os.link(files["scan"], d / "hard.json")
    code, _, err = run_cli(capsys, "classify", files["bundle"], files["scan"], "--csv", d / "results.csv")
    assert code == 2 and f"(the same file as {files['scan']})" in err
    code, _, err = run_cli(capsys, "evaluate", files["bundle"], files["scan"], "--json", d / "hard.json")
    assert code == 2 and "is an input" in err
    # a file found in a folder being classified is an input too
    code, _, err = run_cli(capsys, "classify", files["bundle"], d, "--csv", d / "results.csv", "--force")
    assert code == 2 and "is an input" in err
    assert nib.load(str(files["scan"])).shape == (8, 8, 8)


def test_another_kind_of_file_needs_force(files, capsys):
    code, _, err = run_cli(capsys, "classify", files["bundle"], files["scan"], "--csv", files["data"])
    assert code == 2
    assert f"--csv {files['data']} exists and is an HDF5 file, not a CSV report; pass --force" in err
    scan2 = files["dir"] / "other.nii.gz"
    scan2.write_bytes(files["scan"].read_bytes())
    code, _, err = run_cli(capsys, "evaluate", files["bundle"], files["data"], "--json", scan2)
    assert code == 2 and "is a NIfTI file, not a JSON file" in err
    code, _, err = run_cli(capsys, "evaluate", files["bundle"], files["data"], "--json", scan2, "--force")
    assert code == 2 and "model bundle" in err  # past the output check: now the (fake) bundle is the problem
    code, _, err = run_cli(capsys, "train", files["data"], "--out", scan2)
    assert code == 2 and "is a NIfTI file, not a VoxDesk model bundle" in err


@pytest.mark.parametrize("flag", ["train --out", "classify --csv", "evaluate --json", "explain --out"])
def test_a_folder_a_read_only_folder_and_a_file_in_the_way_are_one_line(files, capsys, readonly_dir, flag):
    command, option = flag.split()
    name = {"--csv": "out.csv", "--json": "out.json"}.get(option, "out.voxmodel" if command == "train" else "h.nii")
    head = {"train": [files["data"]], "classify": [files["bundle"], files["scan"]],
            "evaluate": [files["bundle"], files["data"]], "explain": [files["bundle"], files["scan"]]}[command]
    folder = files["dir"] / "made.nii"  # a folder named like the file
    folder.mkdir()
    expected = {folder: "is a folder; give a file name",
                readonly_dir / name: "cannot write in",
                files["scan"].parent / "scan.nii.gz" / name: "is a file, not a folder"}
    for out, words in expected.items():
        code, stdout, err = run_cli(capsys, command, *head, option, out)
        assert code == 2, err
        assert err.count("\n") == 1 and words in err and option in err
        assert stdout == ""  # refused before any work: nothing trained, loaded or classified


def test_info_json_is_json_and_pipes_are_not_empty_files(tmp_path, capsys):
    import json

    nan = tmp_path / "nan.npy"
    np.save(nan, np.full((4, 4, 4), np.nan, np.float32))
    code, out, _ = run_cli(capsys, "info", nan, "--json")
    assert code == 0
    summary = json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))["volume"]
    assert summary["value_range"] == [None, None] and summary["nan_count"] == 64
    fifo = tmp_path / "pipe.nii"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path / "pipe", "/dev/zero"):
        if path == tmp_path / "pipe":
            os.mkfifo(path)
        code, _, err = run_cli(capsys, "info", path)
        assert code == 2 and err.count("\n") == 1
        assert f"{path}: not a regular file (a device, pipe or socket)" in err and "empty" not in err


def _limit_file_size():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_a_write_that_fails_half_way_is_one_line_and_leaves_no_file(tmp_path):
    src = tmp_path / "big.npy"
    np.save(src, np.random.default_rng(1).random((24, 24, 24)).astype(np.float32))  # 55 KB
    out = tmp_path / "out" / "big.nii"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), PYTHONDONTWRITEBYTECODE="1")
    r = subprocess.run([sys.executable, "-m", "voxdesk.cli", "convert", str(src), str(out)],
                       capture_output=True, text=True, env=env, preexec_fn=_limit_file_size, timeout=120)
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("voxdesk-cli: error: could not write the NIfTI file")
    assert "File too large" in r.stderr
    assert not out.exists() and os.listdir(out.parent) == []  # no partial file, no temporary file
