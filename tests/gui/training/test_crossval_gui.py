"""Train > Cross-validate… through the real window: folds run in a worker, Stop works, the
summary comes back."""
from __future__ import annotations

import csv

import pytest
from fixtures.training import wait_trained


def _configure(ctl):
    f = ctl.train_panel.form
    f.epochs.setValue(1)
    f.batch_size.setValue(8)
    f.augment_mode.setCurrentIndex(f.augment_mode.findData("off"))


@pytest.mark.slow
def test_crossval_runs_the_folds_and_shows_the_summary(qtbot, training, tiny_dataset, dialogs, tmp_path):
    win, _state, ctl = training
    ctl.set_dataset(tiny_dataset)
    _configure(ctl)
    shown = []
    ctl.crossval.show_summary = lambda title, text: shown.append((title, text))
    action = ctl.actions["crossval"]
    ctl.crossval.ask_folds = lambda: 2
    with qtbot.waitSignal(ctl.crossval.finished, timeout=240_000) as done:
        action.trigger()
        assert ctl.is_training and not ctl.train_panel.train_button.isEnabled()
    wait_trained(qtbot, ctl)
    cv = done.args[0]
    assert cv is not None and cv.k == 2 and len(cv.folds) == 2 and not cv.cancelled
    assert shown and shown[0][0] == "Cross-validation" and "fold 1/2" in shown[0][1] and "fold 2/2" in shown[0][1]
    assert ctl.train_panel.train_button.isEnabled() and dialogs.errors == []
    path = ctl.crossval.save_csv(str(tmp_path / "folds.csv"))
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["fold"] for r in rows] == ["1", "2"]


@pytest.mark.slow
def test_stop_cancels_crossval_and_keeps_the_window(qtbot, training, tiny_dataset, dialogs):
    win, _state, ctl = training
    ctl.set_dataset(tiny_dataset)
    _configure(ctl)
    ctl.train_panel.form.epochs.setValue(50)
    ctl.crossval.show_summary = lambda title, text: None
    with qtbot.waitSignal(ctl.crossval.finished, timeout=240_000) as done:
        ctl.crossval.start(folds=3)
        qtbot.waitUntil(lambda: ctl.train_panel.progress.value() > 0, timeout=120_000)
        ctl.stop()
    wait_trained(qtbot, ctl)
    cv = done.args[0]
    assert cv is None or cv.cancelled
    assert not ctl.is_training and win.isVisible() and dialogs.errors == []


def test_crossval_needs_a_dataset(training, dialogs):
    _win, _state, ctl = training
    assert ctl.crossval.start(folds=3) is None
    assert dialogs.errors and dialogs.errors[0][0] == "No dataset"


@pytest.mark.slow
def test_refit_on_all_data_leaves_a_trained_model_in_the_window(qtbot, training, tiny_dataset, dialogs,
                                                               unsaved_prompt):
    from voxdesk.gui.training import unsaved
    from voxdesk.gui.training.crossval_gui import CrossvalOptions

    win, _state, ctl = training
    ctl.set_dataset(tiny_dataset)
    _configure(ctl)
    box = CrossvalOptions(win)  # what Train > Cross-validate… asks
    assert box.folds.value() == 5 and not box.refit.isChecked() and "Refit on all data" in box.refit.text()
    ctl.crossval.show_summary = lambda title, text: None
    ctl.crossval.ask_folds = lambda: (2, True)
    ready = []
    ctl.model_ready.connect(ready.append)
    with qtbot.waitSignal(ctl.crossval.finished, timeout=300_000) as done:
        ctl.actions["crossval"].trigger()
    wait_trained(qtbot, ctl)
    cv = done.args[0]
    assert cv is not None and len(cv.folds) == 2 and cv.refit is not None
    assert ctl.result is cv.refit and ctl.bundle is not None and ready == [ctl.bundle]
    assert ctl.has_unsaved_model and dialogs.errors == []
    assert any("refitted on all" in n for n in cv.refit.notes)
    assert "refitted on all data" in ctl.train_panel.status.text()
    # a second refit would replace it: the unsaved-model prompt asks first; Cancel keeps it
    unsaved_prompt.answer = unsaved.CANCEL
    assert ctl.crossval.start(folds=2, refit=True) is None
    assert unsaved_prompt.asked == ["refitting a model on all data"] and ctl.bundle is not None
    # without a refit nothing is replaced, so nothing is asked
    assert ctl.crossval.start(folds=2, refit=False) is not None
    ctl.stop()
    wait_trained(qtbot, ctl)
    assert unsaved_prompt.asked == ["refitting a model on all data"] and ctl.has_unsaved_model
