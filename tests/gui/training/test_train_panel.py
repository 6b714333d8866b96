"""The training panel driven for real: tiny dataset, real engine train(), real QThread."""
from __future__ import annotations

import csv
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from fixtures.training import wait_trained

from voxdesk.engine.training.augment import AugmentConfig


def _configure(ctl, epochs=2, batch=8):
    f = ctl.train_panel.form
    f.epochs.setValue(epochs)
    f.batch_size.setValue(batch)
    f.augment_mode.setCurrentIndex(f.augment_mode.findData("off"))


def test_building_the_panels_does_not_import_tensorflow():
    code = textwrap.dedent("""
        import sys, numpy as np
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from voxdesk.gui.main_window import MainWindow
        from voxdesk.engine.datasets import from_arrays
        w = MainWindow(); w.persist_settings = False
        ctl = w.training
        ctl.set_dataset(from_arrays(np.zeros((6, 8, 8, 8)), [0, 1] * 3))
        w.show(); app.processEvents()
        heavy = sorted(m for m in ("tensorflow", "keras") if m in sys.modules)
        print("HEAVY", heavy)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "HEAVY []" in out.stdout, out.stdout


@pytest.mark.slow
def test_train_to_the_end_shows_curves_results_and_saves(qtbot, training, tiny_dataset, dialogs, tmp_path):
    win, state, ctl = training
    ctl.set_dataset(tiny_dataset)
    _configure(ctl, epochs=3)
    panel = ctl.train_panel
    assert panel.train_button.isEnabled() and not panel.stop_button.isEnabled()
    ready = []
    ctl.model_ready.connect(ready.append)
    epochs_seen = []
    ctl.epoch_ended.connect(lambda info: epochs_seen.append(panel.curves.epoch_points()))
    with qtbot.waitSignal(ctl.training_started, timeout=5_000):
        qtbot.mouseClick(panel.train_button, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.LeftButton)
    assert panel.stop_button.isEnabled() and not panel.train_button.isEnabled()
    result = wait_trained(qtbot, ctl)
    assert dialogs.errors == []
    assert result is not None and not result.cancelled
    n = result.epochs_run
    assert n == len(result.history["loss"]) >= 1
    # curves gained one point per epoch as the epochs ended, and show exactly the epochs run
    assert epochs_seen == list(range(1, n + 1))
    assert panel.curves.epoch_points("loss") == panel.curves.epoch_points("accuracy") == n
    assert panel.curves.batch_points() >= n  # throttled, but the last batch of each epoch is kept
    assert panel.log.document().blockCount() == n
    assert panel.progress.value() == panel.progress.maximum()
    # results: what the engine computed, shown
    m = result.test_metrics
    cm = panel.results.confusion.matrix()
    assert cm.sum() == m["n"] == result.split_sizes["test"] > 0
    assert cm.tolist() == m["confusion_matrix"]
    assert panel.results.table.rowCount() == 2
    assert panel.results.roc.isVisibleTo(panel.results)  # binary task: ROC curve shown
    assert f"{m['accuracy']:.1%}" in panel.results.summary.text()
    # the model is handed on (classify panel) and can be saved, exported
    assert len(ready) == 1 and ready[0] is ctl.bundle
    dialogs.save_path = str(tmp_path / "tiny")
    with qtbot.waitSignal(ctl.model_saved, timeout=60_000) as saved:
        qtbot.mouseClick(panel.save_button, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.LeftButton)
    assert saved.args[0].endswith("tiny.voxmodel")
    from voxdesk.engine.model.bundle import read_metadata

    assert read_metadata(saved.args[0])["class_names"] == ["empty", "blob"]
    rows = list(csv.reader(open(ctl.export_history_csv(str(tmp_path / "h.csv")))))
    # `epoch`, then the engine's history keys in the engine's order, one row per epoch run
    keys = list(result.history)
    assert set(keys) == {"loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"}
    assert rows[0] == ["epoch", *keys]
    assert [row[0] for row in rows[1:]] == [str(e) for e in range(1, n + 1)]
    for k, key in enumerate(keys, start=1):
        assert [float(row[k]) for row in rows[1:]] == result.history[key], key  # exact: repr round-trips
    png = ctl.export_curves_png(str(tmp_path / "curves.png"))
    from PySide6.QtGui import QImage

    image = QImage(png)  # the plots as shown: the widget's size, and drawn, not one blank colour
    assert (image.width(), image.height()) == (panel.curves.width(), panel.curves.height())
    assert image.width() > 100 and image.height() > 50
    assert len({image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)}) > 5
    assert panel.train_button.isEnabled()


@pytest.mark.slow
def test_stop_midway_keeps_a_usable_model(qtbot, training, tiny_dataset, dialogs):
    win, state, ctl = training
    ctl.set_dataset(tiny_dataset)
    _configure(ctl, epochs=200, batch=4)
    ctl.train_panel.form.findChild(type(ctl.train_panel.form.seed), "seedSpin").setValue(3)
    ctl.start()
    with qtbot.waitSignal(ctl.epoch_ended, timeout=120_000, check_params_cb=lambda info: info["epoch"] >= 2):
        pass
    from PySide6.QtCore import Qt

    qtbot.mouseClick(ctl.train_panel.stop_button, Qt.LeftButton)
    assert not ctl.train_panel.stop_button.isEnabled()  # one click is enough
    result = wait_trained(qtbot, ctl)
    assert dialogs.errors == []
    assert result.cancelled and 2 <= result.epochs_run < 200
    assert result.best_epoch is not None and 1 <= result.best_epoch <= result.epochs_run
    assert ctl.train_panel.curves.epoch_points() == result.epochs_run
    assert "Stopped" in ctl.train_panel.progress.format()
    x, _y = tiny_dataset.splits["all"].samples, None
    probs = ctl.bundle.predict_proba([x[0], x[1]])
    assert probs.shape == (2, 2) and np.allclose(probs.sum(axis=1), 1, atol=1e-4)
    assert ctl.train_panel.save_button.isEnabled() and ctl.train_panel.train_button.isEnabled()


def test_engine_error_arrives_as_a_dialog_and_the_app_stays_usable(qtbot, training, dialogs):
    from voxdesk.engine.datasets import from_arrays

    win, state, ctl = training
    # one class only: the real engine refuses it (before TensorFlow is even needed)
    ctl.set_dataset(from_arrays(np.zeros((12, 8, 8, 8), np.float32), np.zeros(12, int)))
    _configure(ctl)
    ctl.start()
    wait_trained(qtbot, ctl)
    assert len(dialogs.errors) == 1
    title, text = dialogs.errors[0]
    assert title == "Training failed" and "at least 2 classes" in text
    assert "at least 2 classes" in ctl.train_panel.status.text()
    assert ctl.train_panel.train_button.isEnabled() and not ctl.train_panel.stop_button.isEnabled()
    assert ctl.result is None and not ctl.is_training


def test_a_crash_inside_train_is_reported_not_fatal(qtbot, training, tiny_dataset, dialogs):
    from voxdesk.engine.errors import ModelError

    win, state, ctl = training
    ctl.set_dataset(tiny_dataset)

    def boom(config, dataset, *, progress, on_epoch, on_batch, cancel):
        on_batch({"epoch": 1, "epochs": 2, "batch": 1, "steps": 1, "loss": 1.0, "accuracy": 0.5})
        raise ModelError("out of memory while training; try a smaller batch size")

    ctl.train_fn = boom
    ctl.start()
    wait_trained(qtbot, ctl)
    assert dialogs.errors == [("Training failed", "out of memory while training; try a smaller batch size")]
    assert ctl.train_panel.progress.format() == "Failed"
    ctl.train_fn = lambda *a, **k: (_ for _ in ()).throw(ValueError("bad data"))
    ctl.start()
    wait_trained(qtbot, ctl)
    assert dialogs.errors[-1] == ("Training failed", "unexpected error (ValueError: bad data)")
    from voxdesk.gui.infra.errors import user_message

    assert user_message(MemoryError()).startswith("out of memory")


@pytest.mark.slow
def test_closing_during_training_asks_then_cancels_and_waits(qtbot, training, tiny_dataset, dialogs):
    win, state, ctl = training
    ctl.set_dataset(tiny_dataset)
    _configure(ctl, epochs=200, batch=4)
    ctl.start()
    with qtbot.waitSignal(ctl.batch_ended, timeout=120_000):
        pass
    dialogs.answer_yes = False
    assert not win.close()  # "No": the window stays, training goes on
    assert len(dialogs.questions) == 1 and win.isVisible() and ctl.is_training
    dialogs.answer_yes = True
    win.close()
    assert len(dialogs.questions) == 2
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=120_000)
    assert not ctl.is_training and not ctl.runner.busy  # thread ended and was waited on
    assert dialogs.errors == []
    assert ctl.result is None or ctl.result.cancelled


def test_fields_refuse_invalid_values_with_a_message(qtbot, training, tiny_dataset):
    win, state, ctl = training
    form, panel = ctl.train_panel.form, ctl.train_panel
    assert not panel.train_button.isEnabled()  # no dataset yet
    ctl.set_dataset(tiny_dataset)
    assert panel.train_button.isEnabled()
    assert form.model_combo.currentText() == "voxnet-bn"
    assert form.epochs.text() == "auto" and form.batch_size.text() == "auto"  # the engine plans them
    assert (form.config().epochs, form.config().batch_size) == (None, None)
    msg = form._messages["input_size"]
    form.input_size.setText("abc")
    assert msg.isVisibleTo(form) and "32x32x32" in msg.text() and not panel.train_button.isEnabled()
    form.input_size.setText("16x16")
    assert "3 spatial axes" in msg.text()
    form.input_size.setText("12")
    assert not msg.isVisibleTo(form) and panel.train_button.isEnabled()
    assert form.config().input_size == (12, 12, 12)
    form.learning_rate.setText("0")
    assert "between 0 and 1" in form._messages["learning_rate"].text() and not panel.train_button.isEnabled()
    with pytest.raises(ValueError, match="learning rate"):
        form.config()
    form.learning_rate.setText("3e-4")
    form.batch_size.setValue(500)  # allowed, with a note
    assert "40 training samples" in form._messages["batch_size"].text() and panel.train_button.isEnabled()
    form.epochs.setValue(-3)
    assert form.epochs.value() == 0 and form.epochs.text() == "auto"  # a spin box refuses out-of-range values
    form.epochs.setValue(12)
    form.left_right.setChecked(True)
    cfg = form.config()
    assert (cfg.learning_rate, cfg.batch_size, cfg.epochs) == (3e-4, 500, 12)
    assert cfg.augment == "auto" and cfg.left_right_matters and not form.rotation.isEnabled()
    form.augment_mode.setCurrentIndex(form.augment_mode.findData("on"))
    assert form.rotation.isEnabled()
    assert form.config().augment == AugmentConfig()
    form.augment_mode.setCurrentIndex(form.augment_mode.findData("off"))
    assert form.config().augment is None


def test_the_voxel_spacing_field_checks_its_millimetres(qtbot, training, tiny_dataset):
    win, state, ctl = training
    form, panel = ctl.train_panel.form, ctl.train_panel
    ctl.set_dataset(tiny_dataset)
    msg = form._messages["target_spacing_mm"]
    assert form.config().target_spacing_mm is None  # empty: no millimetres, as before
    form.spacing.setText("abc")
    assert msg.isVisibleTo(form) and "mm" in msg.text() and not panel.train_button.isEnabled()
    form.spacing.setText("1,1")
    assert "3 spatial axes" in msg.text()
    form.spacing.setText("1.5")
    assert not msg.isVisibleTo(form) and panel.train_button.isEnabled()
    assert form.config().target_spacing_mm == (1.5, 1.5, 1.5)
    from voxdesk.engine.training.config import TrainConfig
    from voxdesk.gui.project import apply_config

    apply_config(form, TrainConfig(target_spacing_mm=(0.8, 0.8, 2.0)))
    assert form.spacing.text() == "0.8,0.8,2" and form.config().target_spacing_mm == (0.8, 0.8, 2.0)
