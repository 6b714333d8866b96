"""Classify > Edit Model Card and Export Report through the real window."""
from __future__ import annotations

import html
import re
import shutil

import nibabel as nib
import numpy as np
from fixtures.classify import CLASSES
from fixtures.classify_gui import load_model
from PySide6.QtCore import Qt

from voxdesk.engine.datasets import from_arrays
from voxdesk.engine.model.bundle import read_metadata


def test_editing_the_card_rewrites_the_bundle_and_shows_it(qtbot, classify_app, tiny, errors, tmp_path):
    window, ctl = classify_app
    path = shutil.copy(tiny.path, tmp_path / "m.voxmodel")
    load_model(qtbot, ctl, path)
    panel = ctl.classify_panel
    assert panel.edit_card_button.isEnabled()
    ctl.card_actions.ask_card = lambda card: {"intended_use": "Liver phantoms <research only>", "author": "J. Park",
                                              "limitations": "", "license": "MIT"}
    with qtbot.waitSignal(ctl.card_actions.card_saved, timeout=30_000):
        qtbot.mouseClick(panel.edit_card_button, Qt.MouseButton.LeftButton)
    assert read_metadata(path)["card"] == {"intended_use": "Liver phantoms <research only>", "author": "J. Park",
                                           "license": "MIT"}
    shown = html.unescape(re.sub(r"<[^>]+>", " ", panel.card.text()))
    assert "Intended use" in shown and "Liver phantoms <research only>" in shown and "J. Park" in shown
    assert errors == []


def test_export_report_of_the_model_on_the_open_dataset(qtbot, classify_app, tiny, errors, tmp_path):
    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    x = np.stack([np.asarray(nib.load(str(p)).dataobj, dtype=np.float32) for p, _, _ in tiny.heldout])
    y = [CLASSES.index(truth) for _, truth, _ in tiny.heldout]
    ctl.set_training_dataset(from_arrays(x, y, class_names=list(CLASSES), source=str(tmp_path / "held.h5")))
    out = tmp_path / "report.html"
    ctl.card_actions.ask_report_path = lambda: str(out)
    with qtbot.waitSignal(ctl.card_actions.report_written, timeout=60_000):
        qtbot.mouseClick(ctl.classify_panel.report_button, Qt.MouseButton.LeftButton)
    page = out.read_text()
    assert "Confusion matrix" in page and f"<td>{len(y) // 2}</td>" in page.replace("'", "") or "Accuracy" in page
    assert "held.h5" in page and errors == []
    assert "Report written to" in window.statusBar().currentMessage()
