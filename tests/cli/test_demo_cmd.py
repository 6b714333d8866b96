"""voxdesk-cli demo: writes the demo data (and a benchmark on request) and says where."""
import h5py

from voxdesk.cli import main


def test_demo_writes_and_reports_paths(tmp_path, capsys):
    out = tmp_path / "demo"
    code = main(["demo", "--out", str(out), "--seed", "2", "--n-per-class", "5", "--size", "16",
                 "--benchmark-3dmnist", str(tmp_path / "b.h5"), "--n-train", "40", "--n-test", "10"])
    text, err = capsys.readouterr()
    assert code == 0, err
    for shown in (out / "demo.h5", out / "nifti", out / "npy", tmp_path / "b.h5"):
        assert str(shown) in text and shown.exists()
    assert "sample volume" in text and "fixed splits:      train 9, val 3, test 3" in text
    with h5py.File(tmp_path / "b.h5", "r") as f:
        assert f["X_train"].shape == (40, 4096) and f["y_test"].shape == (10,)


def test_demo_refuses_a_folder_with_other_files(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    code = main(["demo", "--out", str(tmp_path), "--n-per-class", "1", "--size", "16"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and "already holds other files" in err


def test_demo_rejects_silly_sizes(tmp_path, capsys):
    code = main(["demo", "--out", str(tmp_path / "d"), "--size", "4"])
    _, err = capsys.readouterr()
    assert code == 2 and "--size" in err
