"""voxdesk-cli crossval on a tiny 3D-MNIST-layout file: fold lines, summary, CSV/JSON, refit, bad input."""
import csv
import json

import pytest

from voxdesk.cli import main


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


@pytest.mark.slow
def test_crossval_prints_folds_and_summary_and_writes_csv_json_and_the_refit(tiny_h5, tmp_path, capsys):
    pytest.importorskip("tensorflow")
    from voxdesk.engine.model.bundle import load_bundle
    from voxdesk.engine.training.crossval_report import FOLD_COLUMNS

    path, counts = tiny_h5  # train 30 (20/10), test 12 (6/6)
    out_csv, out_json, bundle = tmp_path / "f" / "folds.csv", tmp_path / "folds.json", tmp_path / "all.voxmodel"
    code = main(["crossval", str(path), "--folds", "2", "--epochs", "1", "--batch-size", "8", "--seed", "1",
                 "--out-csv", str(out_csv), "--json", str(out_json), "--refit", str(bundle)])
    out = capsys.readouterr().out
    assert code == 0, out
    lines = out.splitlines()
    fold_lines = [line for line in lines if line.startswith("fold ")]
    assert [line.split(":")[0] for line in fold_lines] == ["fold 1/2", "fold 2/2"]
    assert all("accuracy " in line and "AUC " in line and "ECE " in line for line in fold_lines)
    assert any(line.startswith("mean of 2 folds (95% t interval") for line in lines)
    assert any(line.strip().startswith("accuracy ") for line in lines)
    assert any("30 samples (train), stratified by class; the 12-sample test split stays untouched" in line
               for line in lines)
    assert any(line.startswith("refit on all data") and "untouched test split (12 samples)" in line for line in lines)
    # the CSV: one row per fold, the held-out folds covering the 30 pooled samples
    with open(out_csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == FOLD_COLUMNS and [r["fold"] for r in rows] == ["1", "2"]
    assert sum(int(r["n_test"]) for r in rows) == 30
    assert all(0 <= float(r["accuracy"]) <= 1 and r["epochs_run"] == "1" for r in rows)
    # the JSON: the same folds, the summary and where the data came from
    d = json.loads(out_json.read_text())
    assert d["folds"] == 2 and [f["fold"] for f in d["per_fold"]] == [1, 2] and d["test_untouched"] == 12
    assert d["n"] == 30 and d["pooled_from"] == ["train"] and d["config"]["epochs"] == 1
    mean = sum(float(r["accuracy"]) for r in rows) / 2
    assert d["summary"]["accuracy"]["mean"] == pytest.approx(mean, abs=1e-5)
    assert f"wrote the fold CSV: {out_csv}" in out and f"wrote the refitted model bundle: {bundle}" in out
    # the refitted bundle: trained on the pooled 30, scored on the untouched test split
    meta = load_bundle(bundle).metadata
    sizes = meta["training"]["split_sizes"]
    assert sizes["train"] + sizes["val"] == 30 and meta["metrics"]["n"] == 12
    assert any("after 2-fold cross-validation" in n for n in meta["training"]["notes"])


def test_fewer_than_two_folds_is_one_line_and_exit_2_before_reading_data(tmp_path, capsys):
    assert main(["crossval", str(tmp_path / "not-read.h5"), "--folds", "1"]) == 2
    assert _one_error_line(capsys) == "voxdesk-cli: error: cross-validation needs at least 2 folds (got 1)"


def test_more_folds_than_the_smallest_class_is_refused(tiny_h5, capsys):
    path, _ = tiny_h5
    assert main(["crossval", str(path), "--folds", "11", "--epochs", "1"]) == 2
    err = _one_error_line(capsys)
    assert "cannot make 11 folds: class '1' has only 10 samples" in err and "use at most 10 folds" in err


@pytest.mark.parametrize("args, message", [
    (["--epochs", "0"], "--epochs: between 1 and"),
    (["--out-csv", "{tmp}"], "--out-csv {tmp} is a folder"),
    (["--refit", "{tmp}"], "--refit {tmp} is a folder"),
])
def test_bad_settings_are_one_line_and_exit_2(tiny_h5, tmp_path, capsys, args, message):
    path, _ = tiny_h5
    args = [a.format(tmp=tmp_path) for a in args]
    assert main(["crossval", str(path), "--folds", "2", *args]) == 2
    assert message.format(tmp=tmp_path) in _one_error_line(capsys)


def test_a_missing_dataset_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["crossval", str(tmp_path / "nope.h5"), "--folds", "3"]) == 2
    assert "nope.h5 does not exist" in _one_error_line(capsys)


def test_crossval_is_listed_with_the_training_flags(capsys):
    with pytest.raises(SystemExit):
        main(["crossval", "--help"])
    text = capsys.readouterr().out
    for flag in ("--folds", "--out-csv", "--json", "--refit", "--model", "--epochs", "--input-size", "--patience"):
        assert flag in text
    assert "--workers" not in text and "--backup-dir" not in text and "--out " not in text
