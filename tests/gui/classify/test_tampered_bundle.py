"""A tampered bundle opened through the real window (issue 16, defect 5): one error dialog naming
the field, the window alive, the model already loaded kept and still classifying."""
from __future__ import annotations

import json
import zipfile

import pytest
from fixtures.classify_gui import lesion_case, load_model, show
from PySide6.QtCore import Qt


def _tamper(src, dest, **preprocessing):
    with zipfile.ZipFile(src) as zf:
        meta, model = json.loads(zf.read("metadata.json")), zf.read("model.keras")
    meta["preprocessing"].update(preprocessing)
    with zipfile.ZipFile(dest, "w") as zf:
        zf.writestr("metadata.json", json.dumps(meta))
        zf.writestr("model.keras", model)
    return dest


@pytest.mark.parametrize("change,field", [({"resample_order": 7}, "preprocessing.resample_order"),
                                          ({"spatial_shape": ["16", 16, 16]}, "preprocessing.spatial_shape[0]")])
def test_loading_a_tampered_bundle_shows_a_dialog_and_keeps_the_loaded_model(
        qtbot, classify_app, tiny, errors, tmp_path, monkeypatch, change, field):
    window, ctl = classify_app
    good = load_model(qtbot, ctl, tiny.path)
    bad = _tamper(tiny.path, tmp_path / "tampered.voxmodel", **change)
    panel = ctl.classify_panel
    monkeypatch.setattr(panel, "ask_model_path", lambda: str(bad))
    with qtbot.waitSignal(ctl.failed, timeout=30_000):
        qtbot.mouseClick(panel.load_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not ctl.busy, timeout=10_000)
    assert len(errors) == 1 and errors[0][0] == "Cannot load the model"
    assert f"model bundle {bad}: metadata field {field} must be" in errors[0][1]
    assert window.isVisible() and panel.load_button.isEnabled()
    assert ctl.bundle is good  # nothing lost: the model loaded before is still in use
    show(window, lesion_case(tiny)[0])
    with qtbot.waitSignal(ctl.prediction_ready, timeout=60_000) as got:
        qtbot.mouseClick(panel.classify_button, Qt.LeftButton)
    assert list(got.args[0].probabilities) == good.class_names == ["clear", "lesion"]
    assert got.args[0].class_name == "lesion" and len(errors) == 1


def test_the_model_card_renders_whatever_the_schema_accepts(tiny):
    """The card (built in the GUI thread, where an exception is no dialog) reads metrics,
    calibration and training fields: every metadata the schema lets through must render."""
    from fixtures.bundles import full_metadata, mutations

    from voxdesk.engine.errors import ModelError
    from voxdesk.engine.model.schema import check_metadata
    from voxdesk.gui.classify.panel import card_html

    shown = 0
    for meta in mutations(full_metadata(tiny.bundle.metadata), 1000, seed=61):
        try:
            check_metadata(meta, "b.voxmodel")
        except ModelError:
            continue
        html = card_html(meta, "b.voxmodel")
        assert "<table" in html and "b.voxmodel" in html
        shown += 1
    assert shown > 50  # (most mutations are refused)
