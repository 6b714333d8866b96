"""The classify panel driven for real: a tiny trained bundle, real workers, the real MainWindow."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from fixtures.classify_gui import lesion_case, load_model, odd_volume, show, wait_idle
from PySide6.QtCore import Qt


def test_installing_the_classify_docks_does_not_import_tensorflow():
    code = textwrap.dedent("""
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from voxdesk.gui.main_window import MainWindow
        w = MainWindow(); w.persist_settings = False
        ctl = w.classify
        w.show(); app.processEvents()
        print("HEAVY", sorted(m for m in ("tensorflow", "keras") if m in sys.modules))
        print("OBJECTS", all(w.findChild(object, n) is not None for n in (
            "modelCard", "loadModelButton", "classifyButton", "probabilityChart", "explainButton",
            "overlayOpacity", "batchTable", "exportCsvButton")))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "HEAVY []" in out.stdout and "OBJECTS True" in out.stdout, out.stdout


def test_loading_a_bundle_shows_its_card(qtbot, classify_app, tiny, errors):
    window, ctl = classify_app
    panel = ctl.classify_panel
    assert not panel.classify_button.isEnabled()
    with qtbot.waitSignal(ctl.bundle_changed, timeout=60_000):
        panel.ask_model_path = lambda: str(tiny.path)
        qtbot.mouseClick(panel.load_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not ctl.busy, timeout=10_000)
    assert errors == []
    card = window.findChild(type(panel.card), "modelCard").text()
    meta = tiny.bundle.metadata
    for text in ("clear", "lesion", "16×16×16×1", "min-max", meta["dataset_fingerprint"][:20],
                 f"accuracy {meta['metrics']['accuracy']:.1%}", meta["created"][:10], "Keras", str(tiny.path)):
        assert text in card, text
    assert [panel.class_choice.itemText(i) for i in range(panel.class_choice.count())] == [
        "Predicted class", "clear", "lesion"]
    assert panel.classify_button.isEnabled() and panel.explain_button.isEnabled()
    assert ctl.model_id.startswith("voxnet-bn-")


def test_classify_shows_the_engines_probabilities(qtbot, classify_app, tiny, errors):
    from voxdesk.engine.inference.classify import classify

    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    path, _centre = lesion_case(tiny)
    volume = show(window, path)
    with qtbot.waitSignal(ctl.prediction_ready, timeout=60_000) as got:
        qtbot.mouseClick(ctl.classify_panel.classify_button, Qt.LeftButton)
    expected = classify(ctl.bundle, volume)
    shown = got.args[0]
    assert shown.class_name == expected.class_name == "lesion"
    chart = window.findChild(type(ctl.classify_panel.chart), "probabilityChart")
    assert chart.names() == list(expected.probabilities) == ["clear", "lesion"]
    assert np.allclose(chart.heights(), list(expected.probabilities.values()), atol=1e-6)
    top = ctl.classify_panel.top.text()
    assert "lesion" in top and f"{expected.confidence:.1%}" in top
    assert not ctl.classify_panel.warnings.isVisibleTo(ctl.classify_panel)  # a scan like the training data
    assert errors == []
    # a new volume clears the prediction: it belonged to the old one
    show(window, tiny.heldout[0][0])
    assert chart.heights() == [] and ctl.classify_panel.top.text() == "—"


def test_inconsistent_input_is_flagged_next_to_the_prediction(qtbot, classify_app, tiny, errors):
    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    volume = show(window, odd_volume())
    with qtbot.waitSignal(ctl.prediction_ready, timeout=60_000) as got:
        ctl.classify()
    warnings = got.args[0].warnings
    assert warnings  # the engine's consistency checks fired
    label = ctl.classify_panel.warnings
    assert label.isVisibleTo(ctl.classify_panel)
    for w in warnings:
        assert w[:40].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in label.text()
    assert volume is window.state.volume and errors == []


def test_explain_overlays_the_heat_map_and_jumps_to_its_hottest_voxel(qtbot, classify_app, tiny, errors):
    from voxdesk.engine.inference.explain import explain

    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    path, centre = lesion_case(tiny)
    volume = show(window, path)
    panel = ctl.classify_panel
    assert not panel.hottest_button.isEnabled() and not panel.opacity.isEnabled()
    with qtbot.waitSignal(ctl.explanation_ready, timeout=60_000) as got:
        qtbot.mouseClick(panel.explain_button, Qt.LeftButton)
    e = got.args[0]
    assert e.class_name == "lesion"
    assert ctl.prediction is not None and panel.chart.heights()  # explaining first also classifies
    ov = window.state.overlay
    assert ov is not None and ov.data.shape == volume.shape
    assert np.array_equal(ov.data, explain(ctl.bundle, volume).heat)
    for name in ("axial", "coronal", "sagittal"):
        assert window.ortho.views[name].overlay_image.isVisible()
    assert panel.hottest_button.isEnabled()
    window.state.set_cursor((0, 0, 0))
    with qtbot.waitSignal(window.state.cursor_changed, timeout=1_000) as moved:
        qtbot.mouseClick(panel.hottest_button, Qt.LeftButton)
    assert moved.args[0] == tuple(e.hottest_voxel) == window.state.cursor
    assert np.linalg.norm(np.subtract(window.state.cursor, centre)) <= 5.0  # near the blob (engine tests' margin)
    # opacity and colormap act on the shared overlay
    panel.opacity.setValue(20)
    assert window.state.overlay.opacity == pytest.approx(0.2)
    panel.colormap.setCurrentText("viridis")
    assert window.state.overlay.colormap == "viridis" and window.state.overlay.opacity == pytest.approx(0.2)
    assert errors == []


def test_explain_a_chosen_class(qtbot, classify_app, tiny, errors):
    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    show(window, lesion_case(tiny)[0])
    panel = ctl.classify_panel
    panel.class_choice.setCurrentText("clear")
    with qtbot.waitSignal(ctl.explanation_ready, timeout=60_000) as got:
        qtbot.mouseClick(panel.explain_button, Qt.LeftButton)
    assert got.args[0].class_name == "clear"
    assert "clear" in window.state.overlay.name and errors == []


def test_a_bad_bundle_gives_the_engines_message_and_the_app_stays_usable(qtbot, classify_app, tiny, errors, tmp_path):
    from voxdesk.engine.errors import ModelError
    from voxdesk.engine.model.bundle import read_metadata

    window, ctl = classify_app
    bad = tmp_path / "broken.voxmodel"
    bad.write_bytes(b"this is not a zip file")
    with pytest.raises(ModelError) as engine:
        read_metadata(bad)
    with qtbot.waitSignal(ctl.failed, timeout=30_000):
        ctl.load_model(str(bad))
    assert errors == [("Cannot load the model", str(engine.value))]
    qtbot.waitUntil(lambda: not ctl.busy, timeout=10_000)
    assert ctl.bundle is None and panel_enabled(ctl)
    load_model(qtbot, ctl, tiny.path)  # still usable
    assert ctl.bundle is not None and len(errors) == 1


def panel_enabled(ctl) -> bool:
    return ctl.classify_panel.load_button.isEnabled()


def test_classify_without_a_volume_says_so(qtbot, classify_app, tiny, errors):
    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    assert window.state.volume is None
    with qtbot.waitSignal(ctl.failed, timeout=1_000):
        qtbot.mouseClick(ctl.classify_panel.classify_button, Qt.LeftButton)
    assert errors and errors[0][0] == "No volume" and "Open a volume" in errors[0][1]
    assert not ctl.busy


def test_an_engine_error_while_classifying_becomes_a_dialog(qtbot, classify_app, tiny, errors, monkeypatch):
    from voxdesk.engine.errors import ModelError
    from voxdesk.gui.classify import jobs as classify_jobs

    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    show(window, tiny.heldout[0][0])

    def refuse(bundle, volume, uncertainty=None):
        raise ModelError("the model classifies 2D images of 28x28 with 1 channel(s); this input is 16x16x16")

    monkeypatch.setattr(classify_jobs, "classify_volume", refuse)
    wait_idle(qtbot, ctl, ctl.classify)
    assert errors == [("Cannot classify this volume",
                       "the model classifies 2D images of 28x28 with 1 channel(s); this input is 16x16x16")]
    assert ctl.classify_panel.classify_button.isEnabled()


def test_the_uncertainty_choice_adds_the_spread_to_the_result(qtbot, classify_app, tiny, errors):
    window, ctl = classify_app
    load_model(qtbot, ctl, tiny.path)
    path, _centre = lesion_case(tiny)
    show(window, path)
    combo = window.findChild(type(ctl.classify_panel.uncertainty), "uncertaintyCombo")
    assert ctl.classify_panel.uncertainty_method == "none" and "Monte-Carlo dropout" in combo.toolTip()
    combo.setCurrentIndex(combo.findData("mc"))
    with qtbot.waitSignal(ctl.prediction_ready, timeout=60_000) as got:
        qtbot.mouseClick(ctl.classify_panel.classify_button, Qt.LeftButton)
    shown = got.args[0]
    assert shown.uncertainty_method == "mc" and shown.uncertainty is not None
    assert f"± {shown.uncertainty:.1%}" in ctl.classify_panel.top.text()
    assert errors == []
