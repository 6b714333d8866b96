"""File > Save Project / Open Project through the real window: everything comes back."""
from __future__ import annotations

import json

import numpy as np
import pytest
from fixtures.classify_gui import load_model
from fixtures.gui import open_and_wait
from PySide6.QtWidgets import QMessageBox

from voxdesk.engine.model.bundle import load_bundle


@pytest.fixture
def warnings(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text, *a, **k: shown.append(
        (title, text))))
    return shown


def _second_window(qtbot):
    from voxdesk.gui.main_window import MainWindow

    win = MainWindow()
    win.persist_settings = False
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    return win


def test_a_project_reopens_scan_dataset_settings_model_and_view(qtbot, classify_app, tiny, tiny_h5, tmp_path,
                                                                  warnings):
    window, ctl = classify_app
    scan = tmp_path / "scans" / "scan.npy"
    scan.parent.mkdir()
    np.save(scan, np.arange(10 * 12 * 14, dtype=np.float32).reshape(10, 12, 14))
    open_and_wait(qtbot, window, scan)
    with qtbot.waitSignal(window.training.dataset_changed, timeout=30_000):
        window.training.open_dataset(str(tiny_h5[0]))
    load_model(qtbot, ctl, tiny.path)
    form = window.training.train_panel.form
    form.epochs.setValue(7)
    form.learning_rate.setText("0.0005")
    form.seed.setValue(11)
    window.set_layout("axial")
    window.state.set_cursor((2, 3, 4))
    window.state.set_levels(100.0, 900.0)
    written = window.project.save(str(tmp_path / "study"))
    assert written == str(tmp_path / "study.voxproj")
    doc = json.loads((tmp_path / "study.voxproj").read_text())
    assert doc["volume"]["path"] == "scans/scan.npy" and doc["training"]["epochs"] == 7

    again = _second_window(qtbot)
    with qtbot.waitSignal(again.opener.finished, timeout=30_000), \
            qtbot.waitSignal(again.training.dataset_changed, timeout=30_000), \
            qtbot.waitSignal(again.classify.idle, timeout=60_000):
        again.project.open(written)
    qtbot.waitUntil(lambda: again.state.volume is not None and again.classify.bundle is not None, timeout=30_000)
    assert again.state.volume.shape == (10, 12, 14)
    assert again.state.cursor == (2, 3, 4) and again.state.levels == (100.0, 900.0)
    assert again.ortho.current_layout == "axial"
    assert again.training.dataset.source == window.training.dataset.source
    config = again.training.train_panel.form.config()
    assert (config.epochs, config.learning_rate, config.seed) == (7, 5e-4, 11)
    assert str(again.classify.bundle.path) == str(tiny.path)
    assert warnings == []
    again.runner.shutdown()


def test_missing_files_are_named_in_one_dialog(qtbot, window, tmp_path, warnings):
    path = tmp_path / "old.voxproj"
    path.write_text(json.dumps({"format": "voxdesk-project", "format_version": 1, "dataset": "moved/data.h5",
                                "volume": {"path": "gone.nii.gz"}}))
    window.project.open(str(path))
    assert len(warnings) == 1 and warnings[0][0] == "Files not found"
    assert str(tmp_path / "moved" / "data.h5") in warnings[0][1] and str(tmp_path / "gone.nii.gz") in warnings[0][1]
    assert window.isVisible() and window.training.dataset is None


def test_a_damaged_project_is_a_dialog(qtbot, classify_app, errors, tmp_path):
    window, _ctl = classify_app
    path = tmp_path / "bad.voxproj"
    path.write_text("{ not json")
    assert window.project.open(str(path)) is None
    assert errors and errors[0][0] == "Cannot open the project" and "bad.voxproj" in errors[0][1]


def test_saving_a_project_with_an_unsaved_trained_model_asks_first(qtbot, classify_app, tiny, tmp_path,
                                                                     unsaved_prompt):
    from voxdesk.gui.training import unsaved

    window, ctl = classify_app
    bundle = load_bundle(tiny.path)
    bundle.path = None
    window.training.bundle = bundle
    ctl.set_bundle(bundle)
    unsaved_prompt.answer = unsaved.CANCEL
    assert window.project.save(str(tmp_path / "p.voxproj")) is None
    assert unsaved_prompt.asked == ["saving the project"] and not (tmp_path / "p.voxproj").exists()
    unsaved_prompt.answer = unsaved.DISCARD
    assert window.project.save(str(tmp_path / "p.voxproj")) == str(tmp_path / "p.voxproj")
    assert json.loads((tmp_path / "p.voxproj").read_text())["model"] is None


def test_voxproj_opens_from_the_command_line_path(qtbot, window, tmp_path, warnings):
    path = tmp_path / "empty.voxproj"
    path.write_text(json.dumps({"format": "voxdesk-project", "format_version": 1, "view": {"layout": "sagittal"}}))
    window.open_anything(str(path))
    assert window.ortho.current_layout == "sagittal" and warnings == []


def test_the_heat_map_shown_is_computed_again_on_open(qtbot, classify_app, tiny, tmp_path, warnings):
    from fixtures.classify_gui import wait_idle

    window, ctl = classify_app
    path, _truth, _centre = tiny.heldout[1]
    open_and_wait(qtbot, window, path)
    load_model(qtbot, ctl, tiny.path)
    wait_idle(qtbot, ctl, lambda: ctl.explain("lesion"))
    assert window.state.overlay.kind == "heat-map"
    written = window.project.save(str(tmp_path / "heat.voxproj"))
    assert json.loads(open(written).read())["view"]["heat_map"] == "lesion"
    again = _second_window(qtbot)
    with qtbot.waitSignal(again.classify.explanation_ready, timeout=120_000) as shown:
        again.project.open(written)
    assert shown.args[0].class_name == "lesion"
    assert again.state.overlay is not None and again.state.overlay.kind == "heat-map"
    assert again.state.overlay.data.shape == again.state.volume.shape and warnings == []
    qtbot.waitUntil(lambda: not again.classify.busy, timeout=30_000)
    again.runner.shutdown()
