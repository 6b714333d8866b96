"""voxdesk-cli classify: table, CSV columns and values, folders, error rows, exit codes."""
import csv
import datetime as dt
import hashlib

import numpy as np
import pytest
from fixtures.classify import make_scan, write_nifti

from voxdesk.cli import main
from voxdesk.engine.inference.classify import model_id

pytestmark = pytest.mark.slow


def run_cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_classify_folder_writes_csv_with_every_column(tiny, tmp_path, capsys):
    folder = tiny.heldout[0][0].parent
    out_csv = tmp_path / "results" / "pred.csv"
    code, out, err = run_cli(capsys, "classify", tiny.path, folder, "--csv", out_csv)
    assert code == 0, err
    with open(out_csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["path", "sha256", "predicted_class", "confidence", "uncertainty", "refer", "true_label",
                             "p_clear", "p_lesion", "model_id", "timestamp", "warnings", "error"]
    assert len(rows) == len(tiny.heldout)
    mid = model_id(tiny.bundle)
    for row, (path, truth, _) in zip(rows, tiny.heldout):
        assert row["path"] == str(path)
        assert row["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert row["predicted_class"] == truth
        probs = {c: float(row[f"p_{c}"]) for c in ("clear", "lesion")}
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-5)
        assert float(row["confidence"]) == pytest.approx(probs[truth]) and probs[truth] > 0.5
        assert row["model_id"] == mid and row["error"] == "" and row["warnings"] == ""
        assert dt.datetime.fromisoformat(row["timestamp"]).tzinfo is not None
    # the table: header, one line per volume, summary
    assert f"model {mid}: clear, lesion" in out
    assert "8 classified, 0 failed" in out
    for path, truth, _ in tiny.heldout:
        assert any(str(path)[-20:] in line and truth in line for line in out.splitlines())
    assert not list(out_csv.parent.glob(".*tmp*"))  # atomic write left nothing behind


def test_unreadable_files_get_error_rows_and_exit_code_2(tiny, tmp_path, capsys):
    bad = tmp_path / "broken.nii.gz"
    bad.write_bytes(b"\x1f\x8b garbage")
    hu = write_nifti(tmp_path / "hu.nii", make_scan(np.random.default_rng(9), True)[0] * 16 - 1000)
    good = tiny.heldout[0][0]
    out_csv = tmp_path / "pred.csv"
    code, out, err = run_cli(capsys, "classify", tiny.path, good, bad, tmp_path / "missing.nii", hu,
                             "--csv", out_csv)
    assert code == 2
    assert err == f"voxdesk-cli: 2 of 4 volumes could not be classified; see the error column of {out_csv}\n"
    with open(out_csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["path"] for r in rows] == [str(good), str(bad), str(tmp_path / "missing.nii"), str(hu)]
    assert rows[0]["error"] == "" and rows[0]["predicted_class"]
    assert "broken.nii.gz" in rows[1]["error"] and rows[1]["predicted_class"] == "" and rows[1]["p_clear"] == ""
    assert rows[1]["sha256"] == hashlib.sha256(bad.read_bytes()).hexdigest()
    assert rows[2]["error"] and rows[2]["sha256"] == ""
    assert "intensity range" in rows[3]["warnings"] and rows[3]["error"] == ""
    assert "2 classified, 2 failed" in out
    assert "error:" in out and "! intensity range" in out


@pytest.mark.parametrize("problem", ["bundle", "empty-folder", "batch-size"])
def test_bad_arguments_or_bundle_exit_2_with_one_line(tiny, tmp_path, capsys, problem):
    args = {"bundle": ["classify", tmp_path / "nope.voxmodel", tiny.heldout[0][0]],
            "empty-folder": ["classify", tiny.path, tmp_path],
            "batch-size": ["classify", tiny.path, tiny.heldout[0][0], "--batch-size", "0"]}[problem]
    code, out, err = run_cli(capsys, *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("voxdesk-cli: error:")


def test_not_a_bundle_is_refused(tmp_path, capsys):
    fake = tmp_path / "model.voxmodel"
    fake.write_text("not a zip")
    vol = tmp_path / "v.npy"
    np.save(vol, np.zeros((8, 8, 8), np.float32))
    code, _, err = run_cli(capsys, "classify", fake, vol)
    assert code == 2 and "not a VoxDesk model bundle" in err


def test_a_stack_file_gives_one_row_per_volume(tiny, tmp_path, capsys):
    rng = np.random.default_rng(12)
    stack = tmp_path / "stack.npy"
    np.save(stack, np.stack([make_scan(rng, bool(i % 2))[0] for i in range(4)]))
    out_csv = tmp_path / "pred.csv"
    code, out, err = run_cli(capsys, "classify", tiny.path, stack, "--csv", out_csv)
    assert code == 0, err
    with open(out_csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["path"] for r in rows] == [f"{stack}[{i}]" for i in range(4)]
    assert [r["predicted_class"] for r in rows] == ["clear", "lesion"] * 2
    assert {r["sha256"] for r in rows} == {hashlib.sha256(stack.read_bytes()).hexdigest()}


def _zero_affine_nifti(path, data):
    """A NIfTI whose sform is all zeros (qform unset): nibabel cannot orient it."""
    import struct

    write_nifti(path, data)
    raw = bytearray(path.read_bytes())
    raw[252:254], raw[254:256], raw[280:328] = struct.pack("<h", 0), struct.pack("<h", 1), bytes(48)
    path.write_bytes(bytes(raw))
    return path


def test_one_bad_file_among_good_ones_is_a_row_and_the_rest_are_classified(tiny, tmp_path, capsys):
    folder = tmp_path / "scans"
    folder.mkdir()
    goods = []
    for path, truth, _ in tiny.heldout[:3]:
        goods.append((folder / path.name, truth))
        (folder / path.name).write_bytes(path.read_bytes())
    bad = _zero_affine_nifti(folder / "zero_affine.nii", make_scan(np.random.default_rng(3), False)[0])
    out_csv = tmp_path / "rows.csv"
    code, out, err = run_cli(capsys, "classify", tiny.path, folder, "--csv", out_csv)
    assert code == 2
    assert err.count("\n") == 1 and "1 of 4 volumes could not be classified" in err
    with open(out_csv, newline="") as fh:
        rows = {r["path"]: r for r in csv.DictReader(fh)}
    assert len(rows) == 4
    assert rows[str(bad)]["error"] and "zero_affine.nii" in rows[str(bad)]["error"]
    assert rows[str(bad)]["predicted_class"] == ""
    for path, truth in goods:
        assert rows[str(path)]["predicted_class"] == truth and rows[str(path)]["error"] == ""
    assert "3 classified, 1 failed" in out


def test_classify_with_an_uncertainty_method_prints_and_writes_the_spread(tiny, tmp_path, capsys):
    from voxdesk.engine.inference.classify import classify
    from voxdesk.engine.io import open_volume

    path = tiny.heldout[1][0]
    single = classify(tiny.bundle, open_volume(path))
    for method in ("tta", "mc"):
        p = classify(tiny.bundle, open_volume(path), uncertainty=method)
        assert p.uncertainty_method == method and 0 <= p.uncertainty < 0.5
        assert p.class_name == single.class_name and p.confidence == pytest.approx(single.confidence)
    assert single.uncertainty is None and single.uncertainty_method == "none"
    out_csv = tmp_path / "u.csv"
    code, out, err = run_cli(capsys, "classify", tiny.path, path, "--uncertainty", "mc", "--csv", out_csv)
    assert code == 0, err
    assert "CONF+-SPREAD" in out and "+-0." in out
    with open(out_csv, newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert 0 <= float(row["uncertainty"]) < 0.5
