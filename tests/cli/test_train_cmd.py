"""voxdesk-cli train / evaluate on tiny 3D-MNIST-layout files written here."""
import contextlib
import csv
import io
import json
import re
import zipfile

import h5py
import numpy as np
import pytest

from voxdesk.cli import main

pytest.importorskip("tensorflow")


def write_h5(path, n_train=40, n_test=16, side=16, classes=2, seed=0):
    rng = np.random.default_rng(seed)

    def make(n):
        y = np.arange(n) % classes
        x = rng.random((n, side, side, side)).astype(np.float32) * 0.3
        for i, c in enumerate(y):
            x[i, : side // 2, c * side // classes:(c + 1) * side // classes] += 1
        return x.reshape(n, -1), y

    xtr, ytr = make(n_train)
    xte, yte = make(n_test)
    with h5py.File(path, "w") as f:
        f["X_train"], f["y_train"], f["X_test"], f["y_test"] = xtr, ytr, xte, yte
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    data = write_h5(d / "tiny.h5")
    out = d / "model.voxmodel"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["train", str(data), "--epochs", "2", "--batch-size", "8", "--input-size", "8,8,8",
                     "--out", str(out), "--seed", "1"])
    (d / "train.stdout").write_text(printed.getvalue())  # what the user read in the terminal
    return code, data, out


def test_train_writes_bundle_history_and_summary(trained):
    from voxdesk.engine.model.bundle import load_bundle

    code, data, out = trained
    assert code == 0 and out.is_file()
    # the bundle: a model for 8^3 inputs (resampled from the 16^3 samples) and what training measured
    bundle = load_bundle(out)
    meta = bundle.metadata
    assert meta["class_names"] == ["0", "1"] and meta["input_shape"] == [8, 8, 8, 1]
    assert tuple(bundle.model.input_shape[1:]) == (8, 8, 8, 1)
    training = meta["training"]
    assert training["epochs_run"] == 2 and training["config"]["seed"] == 1 and 1 <= training["best_epoch"] <= 2
    assert training["split_sizes"]["train"] + training["split_sizes"]["val"] == 40
    assert meta["metrics"]["n"] == training["split_sizes"]["test"] == 16
    # the history CSV next to it: epoch, then the bundle's history, value for value
    history_csv = out.with_name(out.name + ".history.csv")
    with open(history_csv, newline="") as f:
        rows = list(csv.reader(f))
    history = meta["history"]
    assert rows[0] == ["epoch", *history] and {"loss", "val_loss", "accuracy", "val_accuracy"} <= set(history)
    assert [r[0] for r in rows[1:]] == ["1", "2"]
    for k, key in enumerate(history, start=1):
        assert [float(r[k]) for r in rows[1:]] == history[key], key
    # the summary printed at the end says what was written and how well the model did
    summary = (out.parent / "train.stdout").read_text().split("\nsummary\n", 1)[1]
    lines = {line.split("  ", 2)[1].strip(): line.split("  ", 2)[2].strip()
             for line in summary.splitlines() if line.strip()}
    assert lines["bundle"] == str(out) and lines["history CSV"] == str(history_csv)
    assert lines["input"] == "8x8x8x1" and lines["classes"] == "0, 1"
    assert lines["samples train/val/test"] == "{train}/{val}/16".format(**training["split_sizes"])
    assert lines["epochs run / best"] == f"2 / {training['best_epoch']}"
    assert lines["best val_loss"] == f"{min(history['val_loss']):.4f}"
    assert lines["test accuracy"].startswith(f"{meta['metrics']['accuracy']:.4f} (95% CI ")
    assert lines["precision"] == "float32 (auto)"  # auto: float32 on a CPU
    assert training["precision"] == "float32" and training["config"]["precision"] == "auto"


def test_train_prints_epoch_lines_and_summary(tmp_path, capsys):
    data = write_h5(tmp_path / "d.h5", n_train=24, n_test=8)
    code = main(["train", str(data), "--epochs", "1", "--batch-size", "8", "--input-size", "8",
                 "--no-augment", "--class-weights", "--out", str(tmp_path / "m.voxmodel")])
    text = capsys.readouterr().out
    assert code == 0
    assert "epoch   1/1 [" in text and "val_acc" in text and "ETA" in text
    assert "summary" in text and "test accuracy" in text and "history CSV" in text


def test_evaluate_prints_metrics_and_confusion_matrix(trained, capsys):
    _, data, out = trained
    capsys.readouterr()
    assert main(["evaluate", str(out), str(data)]) == 0
    text = capsys.readouterr().out
    assert "accuracy:" in text and "confusion matrix" in text and "split 'test'" in text


def _err(capsys):
    err = capsys.readouterr().err.strip()
    assert err.startswith("voxdesk-cli: error:") and "\n" not in err
    return err


def test_bad_input_exit_2_with_one_line(trained, tmp_path, capsys):
    _, data, out = trained
    assert main(["train", str(tmp_path / "missing.h5"), "--out", str(tmp_path / "x.voxmodel")]) == 2
    _err(capsys)
    assert main(["train", str(data), "--epochs", "0", "--out", str(tmp_path / "x.voxmodel")]) == 2
    assert "--epochs" in _err(capsys)
    one = tmp_path / "one.h5"
    with h5py.File(one, "w") as f:
        f["X_train"], f["y_train"] = np.zeros((8, 4096), np.float32), np.zeros(8, np.int64)
        f["X_test"], f["y_test"] = np.zeros((2, 4096), np.float32), np.zeros(2, np.int64)
    assert main(["train", str(one), "--epochs", "1", "--out", str(tmp_path / "x.voxmodel")]) == 2
    assert "class" in _err(capsys)
    assert main(["evaluate", str(tmp_path / "nope.voxmodel"), str(data)]) == 2
    assert "does not exist" in _err(capsys)
    other = write_h5(tmp_path / "three.h5", n_train=12, n_test=6, classes=3)
    assert main(["evaluate", str(out), str(other)]) == 2
    assert "classes" in _err(capsys)


def test_evaluate_says_loudly_when_it_scores_training_data(trained, capsys, tmp_path):
    _, data, out = trained
    capsys.readouterr()
    with h5py.File(data, "r") as f:  # the same file, its training split presented as a test split
        x, y = f["X_train"][()], f["y_train"][()]
    leaky = tmp_path / "leaky.h5"
    with h5py.File(leaky, "w") as f:
        f["X_train"], f["y_train"], f["X_test"], f["y_test"] = x[:4], y[:4], x, y
    assert main(["evaluate", str(out), str(leaky), "--json", str(tmp_path / "m.json")]) == 0
    cap = capsys.readouterr()
    assert "WARNING:" in cap.err and "were used to build this model" in cap.err
    assert "trained on" in cap.out
    import json

    leakage = json.loads((tmp_path / "m.json").read_text())["leakage"]
    assert leakage["train"] + leakage["val"] == len(y) == 40  # every one of them trained or selected on
    assert main(["evaluate", str(out), str(data)]) == 0  # the real test split: no warning
    cap = capsys.readouterr()
    assert "WARNING" not in cap.err + cap.out


def test_train_reports_its_plan(trained, capsys):
    from voxdesk.engine.model.bundle import read_metadata

    _, _, out = trained
    notes = read_metadata(out)["training"]["notes"]
    assert any("augmentation off (auto" in n for n in notes), notes  # 32 training samples: below 1,000
    assert any("2 epochs of" in n and "warm-up and cosine decay" in n for n in notes), notes


def test_cli_refuses_what_the_engine_refuses_before_reading_data(tmp_path, capsys):
    """The CLI validates with TrainConfig and names its own flags; the dataset is not read first
    (a missing dataset would otherwise be reported instead)."""
    missing = tmp_path / "missing.h5"
    assert main(["train", str(missing), "--lr", "2", "--out", str(tmp_path / "x.voxmodel")]) == 2
    err = _err(capsys)
    assert "--lr: a number between 0 and 1" in err and "missing" not in err


def test_a_bad_precision_exits_2_naming_the_flag_before_reading_data(tmp_path, capsys):
    missing = tmp_path / "missing.h5"
    assert main(["train", str(missing), "--precision", "fp8", "--out", str(tmp_path / "x.voxmodel")]) == 2
    err = _err(capsys)
    assert "--precision" in err and "'fp8'" in err and "bfloat16" in err


def test_report_writes_one_self_contained_html_page(trained, tmp_path, capsys):
    import html

    _, data, out = trained
    page_path = tmp_path / "reports" / "model.html"
    capsys.readouterr()
    assert main(["report", str(out), str(data), "--out", str(page_path)]) == 0
    assert f"report written to {page_path}" in capsys.readouterr().out
    page = page_path.read_text()
    meta = __import__("voxdesk.engine.model.bundle", fromlist=["load_bundle"]).load_bundle(out).metadata
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    for words in ("Model card", "Accuracy", "95% CI", "Per class", "Confusion matrix", "Reliability",
                  "Coverage", "Training loss by epoch", "Training data fingerprint", meta["dataset_fingerprint"]):
        assert words in text, words
    assert re.search(r"Precision\s+float32\s", text)  # what the bundle trained in
    assert page.count("<svg") >= 3 and "<script" not in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert main(["report", str(out), str(data), "--out", str(tmp_path / "r.txt")]) == 2
    assert ".html" in _err(capsys)


def test_train_with_a_target_spacing_records_it_and_refuses_data_without_one(tmp_path, capsys):
    data = write_h5(tmp_path / "mm.h5", n_train=24, n_test=8, side=8)
    with h5py.File(data, "r+") as f:  # (N, 8, 8, 8) at 2 mm; the test split keeps no spacing
        x = f["X_train"][()].reshape(-1, 8, 8, 8)
        del f["X_train"]
        f["X_train"] = x
        f["X_train"].attrs["spacing"] = [2.0, 2.0, 2.0]
        xt = f["X_test"][()].reshape(-1, 8, 8, 8)
        del f["X_test"]
        f["X_test"] = xt
    out = tmp_path / "mm.voxmodel"
    assert main(["train", str(data), "--epochs", "1", "--batch-size", "8", "--spacing", "4", "--input-size", "6",
                 "--no-augment", "--out", str(out)]) == 0
    text = capsys.readouterr().out

    assert re.search(r"voxel spacing +4 x 4 x 4 mm", text)
    with zipfile.ZipFile(out) as z:
        meta = json.loads(z.read("metadata.json"))
    assert meta["preprocessing"]["target_spacing"] == [4.0, 4.0, 4.0]
    assert meta["training"]["config"]["target_spacing_mm"] == [4.0, 4.0, 4.0]
    plain = write_h5(tmp_path / "plain.h5", n_train=8, n_test=4, side=8)
    assert main(["train", str(plain), "--spacing", "1.5", "--out", str(tmp_path / "x.voxmodel")]) == 2
    assert "voxel size is known" in _err(capsys)
    with pytest.raises(SystemExit) as stop:  # argparse's own refusal of a bad flag value
        main(["train", str(plain), "--spacing", "abc", "--out", str(tmp_path / "x.voxmodel")])
    assert stop.value.code == 2 and "--spacing: spacing 'abc'" in capsys.readouterr().err


def test_the_refer_target_takes_a_fraction_or_a_percent_and_refuses_the_rest(tmp_path, capsys):
    from voxdesk.cli.train_cmd import _fraction_or_percent

    assert _fraction_or_percent("0.9") == 0.9 and _fraction_or_percent("97.5") == 0.975
    assert _fraction_or_percent("95%") == 0.95
    missing = tmp_path / "missing.h5"
    assert main(["train", str(missing), "--refer-target", "120", "--out", str(tmp_path / "x.voxmodel")]) == 2
    err = _err(capsys)
    assert "--refer-target: an accuracy between 0.5 and 0.999" in err and "missing" not in err
