"""The batch panel driven for real: a folder with an unreadable file, a dataset's test split,
cancel, double-click to open a case with its heat map, CSV export with the CLI's columns."""
from __future__ import annotations

import csv
import shutil
import threading

import numpy as np
import pytest
from fixtures.classify import make_scan
from fixtures.classify_gui import load_model
from PySide6.QtCore import Qt


@pytest.fixture
def folder(tiny, tmp_path):
    """The held-out NIfTI files plus one unreadable 'scan'."""
    d = tmp_path / "scans"
    d.mkdir()
    for path, _cls, _c in tiny.heldout:
        shutil.copy(path, d / path.name)
    (d / "broken.nii.gz").write_bytes(b"\x1f\x8b not really gzip")
    return d


def run_batch(qtbot, ctl, kind, paths, timeout=60_000):
    with qtbot.waitSignal(ctl.batch_finished, timeout=timeout) as done:
        ctl.batch_panel.ask_source = lambda _kind: [str(p) for p in paths]
        button = {"folder": ctl.batch_panel.folder_button, "files": ctl.batch_panel.files_button,
                  "dataset": ctl.batch_panel.dataset_button}[kind]
        assert button.isEnabled()
        qtbot.mouseClick(button, Qt.LeftButton)
    return done.args[0]


def test_batch_on_a_folder_lists_rows_least_confident_first(qtbot, classify_app, tiny, folder, errors):
    from voxdesk.engine.inference.classify import classify_many

    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    rows = run_batch(qtbot, ctl, "folder", [folder])
    assert errors == []
    panel = ctl.batch_panel
    table = window.findChild(type(panel.table), "batchTable")
    assert table.model().rowCount() == len(rows) == len(tiny.heldout) + 1
    engine = {r.source: r for r in classify_many(ctl.bundle, [str(folder)], hash_files=False)}
    bad = [r for r in rows if r.error]
    assert len(bad) == 1 and bad[0].source.endswith("broken.nii.gz")
    assert bad[0].error == engine[bad[0].source].error
    for r in rows:
        if r.ok:
            assert r.prediction.class_name == engine[r.source].prediction.class_name
            assert r.prediction.confidence == pytest.approx(engine[r.source].prediction.confidence, abs=1e-6)
    # least confident first, the row that failed at the top; the error text is in its row
    shown = panel.rows_in_view_order()
    assert shown[0] is bad[0]
    conf = [r.prediction.confidence for r in shown[1:]]
    assert conf == sorted(conf)
    model = table.model()
    assert [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())] == [
        "File", "Predicted class", "Confidence", "Refer", "True label", "Warnings", "Error"]
    assert model.index(0, 6).data() == bad[0].error
    assert model.index(1, 2).data() == f"{conf[0]:.1%}"
    assert table.isColumnHidden(4)  # a folder has no true labels
    # sortable: by confidence, most confident first
    table.sortByColumn(2, Qt.DescendingOrder)
    assert panel.rows_in_view_order()[0].prediction.confidence == max(conf)
    assert "1 could not be read" in panel.summary.text()
    assert panel.export_button.isEnabled()


def test_export_csv_has_the_clis_columns(qtbot, classify_app, tiny, folder, errors, tmp_path):
    from voxdesk.engine.inference.report import csv_header

    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    rows = run_batch(qtbot, ctl, "folder", [folder])
    out = tmp_path / "out" / "predictions"
    out.parent.mkdir()
    ctl.batch_panel.ask_csv_path = lambda: str(out)
    qtbot.mouseClick(window.findChild(type(ctl.batch_panel.export_button), "exportCsvButton"), Qt.LeftButton)
    written = out.with_suffix(".csv")
    assert errors == []
    with open(written, newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == csv_header(["clear", "lesion"]) == [
        "path", "sha256", "predicted_class", "confidence", "uncertainty", "refer", "true_label", "p_clear", "p_lesion",
        "model_id", "timestamp", "warnings", "error"]
    body = {r[0]: dict(zip(table[0], r)) for r in table[1:]}
    assert len(body) == len(rows)
    for r in rows:
        line = body[r.source]
        assert line["model_id"] == ctl.model_id and line["sha256"] == r.sha256
        if r.ok:
            assert line["predicted_class"] == r.prediction.class_name
            assert float(line["p_lesion"]) == pytest.approx(r.prediction.probabilities["lesion"], abs=1e-6)
            assert line["error"] == ""
        else:
            assert line["error"] == r.error and line["predicted_class"] == ""
    assert errors == []


@pytest.fixture
def labelled_h5(tmp_path):
    """X_train/y_train, X_test/y_test of 16^3 scans (3 test scans per class)."""
    import h5py

    rng = np.random.default_rng(11)
    path = tmp_path / "labelled.h5"
    with h5py.File(path, "w") as f:
        for split, n in (("train", 4), ("test", 6)):
            y = np.array([i % 2 for i in range(n)])
            f[f"X_{split}"] = np.stack([make_scan(rng, bool(v))[0] for v in y])
            f[f"y_{split}"] = y
    return path


def test_dataset_test_split_shows_true_labels_and_opens_a_case_with_its_heat_map(
        qtbot, classify_app, tiny, labelled_h5, errors):
    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    rows = run_batch(qtbot, ctl, "dataset", [labelled_h5])
    assert errors == [] and len(rows) == 6 and all(r.ok for r in rows)
    panel = ctl.batch_panel
    assert not panel.table.isColumnHidden(3)
    assert sorted(r.label for r in rows) == ["0", "0", "0", "1", "1", "1"]  # the file's own labels
    assert {panel.model.index(i, 4).data() for i in range(6)} == {"0", "1"}
    # double-click the least confident row: its volume, prediction and heat map are shown
    first = panel.rows_in_view_order()[0]
    index = panel.proxy.index(0, 0)
    rect = panel.table.visualRect(index)
    assert panel.table.isVisible() and rect.isValid()
    with qtbot.waitSignal(ctl.case_opened, timeout=60_000) as opened:
        qtbot.mouseClick(panel.table.viewport(), Qt.LeftButton, pos=rect.center())
        qtbot.mouseDClick(panel.table.viewport(), Qt.LeftButton, pos=rect.center())
    assert opened.args[0] is first
    qtbot.waitUntil(lambda: not ctl.busy, timeout=10_000)
    state = window.state
    assert state.volume is not None and state.volume.shape == (16, 16, 16)
    assert state.overlay is not None and state.overlay.data.shape == state.volume.shape
    assert np.allclose(ctl.classify_panel.chart.heights(), list(first.prediction.probabilities.values()))
    assert window.ortho.views["axial"].overlay_image.isVisible()
    assert errors == []


def test_double_clicking_a_failed_row_explains_why(qtbot, classify_app, tiny, folder, errors):
    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    rows = run_batch(qtbot, ctl, "folder", [folder])
    bad = next(r for r in rows if r.error)
    ctl.batch_panel.case_requested.emit(bad)
    assert errors == [("Cannot open this case", bad.error)]


def test_cancel_stops_the_batch_and_keeps_the_app_usable(qtbot, classify_app, tiny, folder, errors, monkeypatch):
    from voxdesk.gui.classify import jobs as classify_jobs

    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    gate = threading.Event()
    real_guard = classify_jobs.tf_guard

    def held_guard():  # the worker waits here until the test has pressed Cancel
        assert gate.wait(30)
        real_guard()

    monkeypatch.setattr(classify_jobs, "tf_guard", held_guard)
    panel = ctl.batch_panel
    panel.ask_source = lambda _k: [str(folder)]
    with qtbot.waitSignal(ctl.batch_finished, timeout=60_000) as done:
        qtbot.mouseClick(panel.folder_button, Qt.LeftButton)
        assert panel.cancel_button.isEnabled() and not panel.folder_button.isEnabled()
        qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)
        gate.set()
    assert done.args[0] == [] and "Cancelled" in panel.summary.text()
    assert panel.folder_button.isEnabled() and not panel.cancel_button.isEnabled()
    monkeypatch.setattr(classify_jobs, "tf_guard", real_guard)
    assert len(run_batch(qtbot, ctl, "folder", [folder])) == len(tiny.heldout) + 1
    assert errors == []


def test_a_folder_without_volumes_is_reported(qtbot, classify_app, tiny, errors, tmp_path):
    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    empty = tmp_path / "empty"
    empty.mkdir()
    run_batch(qtbot, ctl, "folder", [empty])
    assert errors and errors[0][0] == "Batch failed" and "no volume files found" in errors[0][1]
    assert ctl.batch_panel.progress.text() == "Failed"  # not left on "finding the volumes..."


def test_a_class_folder_batch_shows_true_labels_and_the_accuracy(qtbot, classify_app, tiny, errors, tmp_path):
    from pathlib import Path

    from voxdesk.gui.classify.batch_panel import LABEL

    root = tmp_path / "by-class"
    for path, truth, _ in tiny.heldout:
        (root / truth).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, root / truth / path.name)
    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    rows = run_batch(qtbot, ctl, "folder", [root])
    panel = ctl.batch_panel
    assert not panel.table.isColumnHidden(LABEL)
    shown = {panel.proxy.index(r, LABEL).data() for r in range(panel.proxy.rowCount())}
    assert shown == {"clear", "lesion"} and all(r.label == Path(r.source).parent.name for r in rows)
    right = sum(r.prediction.class_name == r.label for r in rows)
    assert f"{right} of {len(rows)} cases with a known class predicted correctly" in panel.summary.text()
    assert panel.progress.text() == "Done" and errors == []


def test_cases_below_the_referral_threshold_say_refer(qtbot, classify_app, tiny, folder, errors):
    import copy

    from voxdesk.engine.model.bundle import load_bundle
    from voxdesk.gui.classify.batch_panel import REFER

    window, ctl = classify_app
    ctl.set_bundle(load_bundle(tiny.path))
    confidences = sorted(r.prediction.confidence for r in run_batch(qtbot, ctl, "folder", [folder]) if r.ok)
    threshold = confidences[len(confidences) // 2]  # about half the cases fall below it
    bundle = load_bundle(tiny.path)
    bundle.metadata = copy.deepcopy(bundle.metadata)
    bundle.metadata["calibration"] = {**(bundle.metadata.get("calibration") or {}),
                                      "referral": {"threshold": threshold, "target": 0.95}}
    ctl.set_bundle(bundle)
    rows = run_batch(qtbot, ctl, "folder", [folder])
    panel = ctl.batch_panel
    shown = {panel.proxy.index(r, 0).data(): panel.proxy.index(r, REFER).data() for r in range(panel.proxy.rowCount())}
    for r in rows:
        if r.ok:
            assert shown[r.source] == ("refer" if r.prediction.confidence < threshold else "")
    assert "refer" in shown.values() and "" in shown.values() and errors == []
