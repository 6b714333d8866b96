"""The whole path of issue 6 on the demo data, through the GUI: open the sample -> train one
short run in the Training panel -> classify it with the model just trained -> overlay visible."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt


@pytest.mark.slow
def test_open_sample_train_classify_explain(qtbot, window, errors, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from voxdesk.engine.demo.store import ensure_demo_data

    dialogs = []
    monkeypatch.setattr(QMessageBox, "critical",
                        staticmethod(lambda _p, title, text, *a, **k: dialogs.append((title, text))))
    training, ctl = window.training, window.classify
    try:
        demo = ensure_demo_data(tmp_path / "demo", n_per_class=6, size=24)

        # open the sample (a tumour case)
        with qtbot.waitSignal(window.opener.finished, timeout=30_000):
            window.open_path(str(demo.sample_volume))
        volume = window.state.volume
        assert volume is not None and volume.shape == (24, 24, 24)

        # train one short run through the Training panel
        with qtbot.waitSignal(training.dataset_changed, timeout=30_000):
            training.open_dataset(str(demo.h5))
        form = training.train_panel.form
        form.epochs.setValue(1)
        form.batch_size.setValue(6)
        form.augment_mode.setCurrentIndex(form.augment_mode.findData("off"))
        assert not ctl.classify_panel.trained_button.isEnabled()
        with qtbot.waitSignal(ctl.bundle_changed, timeout=180_000) as changed:  # model_ready -> used at once
            qtbot.mouseClick(training.train_panel.train_button, Qt.LeftButton)
        assert changed.args[0] is training.bundle is not None
        assert ctl.classify_panel.trained_button.isEnabled()
        assert "cyst, normal, tumour" in ctl.classify_panel.card.text()
        assert "not saved" in ctl.classify_panel.card.text()
        if training.runner.busy:
            with qtbot.waitSignal(training.runner.all_done, timeout=60_000):
                pass

        # classify the sample with the model just trained
        predictions = []
        ctl.prediction_ready.connect(predictions.append)
        with qtbot.waitSignals([ctl.prediction_ready, ctl.idle], timeout=60_000):
            qtbot.mouseClick(ctl.classify_panel.classify_button, Qt.LeftButton)
        prediction = predictions[0]
        assert ctl.classify_panel.chart.names() == ["cyst", "normal", "tumour"]
        assert np.allclose(ctl.classify_panel.chart.heights(), list(prediction.probabilities.values()))
        assert prediction.class_name in ctl.classify_panel.top.text()

        # explain: the heat map lies over the slice views
        with qtbot.waitSignal(ctl.explanation_ready, timeout=60_000):
            qtbot.mouseClick(ctl.classify_panel.explain_button, Qt.LeftButton)
        assert window.state.volume is volume
        assert window.state.overlay is not None and window.state.overlay.data.shape == volume.shape
        for name in ("axial", "coronal", "sagittal"):
            assert window.ortho.views[name].overlay_image.isVisible()
        assert errors == [] and dialogs == []
    finally:
        ctl.shutdown()
        training.shutdown()
