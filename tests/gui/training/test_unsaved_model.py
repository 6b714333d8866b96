"""A trained, unsaved model is never dropped without asking: Save / Discard / Cancel."""
from __future__ import annotations

from pathlib import Path

import pytest

from voxdesk.engine.model.bundle import load_bundle
from voxdesk.gui.training import unsaved


@pytest.fixture
def unsaved_model(training, tiny):
    """The window with a trained model that is not saved (a copy of the tiny bundle)."""
    win, _state, ctl = training
    bundle = load_bundle(tiny.path)
    bundle.path = None
    ctl.bundle = bundle
    assert ctl.has_unsaved_model
    return win, ctl


def test_cancel_keeps_the_window_and_the_model(unsaved_model, unsaved_prompt):
    win, ctl = unsaved_model
    unsaved_prompt.answer = unsaved.CANCEL
    assert not win.close()
    assert unsaved_prompt.asked == ["closing VoxDesk"]
    assert win.isVisible() and ctl.has_unsaved_model


def test_discard_closes_without_saving(unsaved_model, unsaved_prompt, tmp_path):
    win, ctl = unsaved_model
    assert win.close()
    assert unsaved_prompt.asked == ["closing VoxDesk"] and not win.isVisible()
    assert list(tmp_path.glob("*.voxmodel")) == []


def test_save_writes_the_bundle_then_closes(qtbot, unsaved_model, unsaved_prompt, dialogs, tmp_path):
    win, ctl = unsaved_model
    unsaved_prompt.answer = unsaved.SAVE
    dialogs.save_path = str(tmp_path / "kept")
    assert not win.close()  # not yet: the bundle is written first, in a worker
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=60_000)
    saved = tmp_path / "kept.voxmodel"
    assert saved.is_file() and load_bundle(saved).class_names == ctl.bundle.class_names
    assert Path(ctl.bundle.path) == saved and unsaved_prompt.asked == ["closing VoxDesk"]
    assert dialogs.errors == []


def test_a_failed_save_keeps_the_window_open(qtbot, unsaved_model, unsaved_prompt, dialogs, tmp_path):
    win, ctl = unsaved_model
    (tmp_path / "a-file").write_text("x")
    unsaved_prompt.answer = unsaved.SAVE
    dialogs.save_path = str(tmp_path / "a-file" / "model.voxmodel")  # its parent is a file
    win.close()
    qtbot.waitUntil(lambda: bool(dialogs.errors), timeout=60_000)
    qtbot.waitUntil(lambda: not ctl.runner.busy, timeout=10_000)
    assert dialogs.errors[0][0] == "Cannot save the model"
    assert win.isVisible() and ctl.has_unsaved_model
    unsaved_prompt.answer = unsaved.DISCARD  # the fixture's closing of the window


def test_opening_another_dataset_asks_first(qtbot, unsaved_model, unsaved_prompt, tiny_h5):
    win, ctl = unsaved_model
    unsaved_prompt.answer = unsaved.CANCEL
    ctl.open_dataset(str(tiny_h5[0]))
    assert unsaved_prompt.asked == ["opening another dataset"] and ctl.dataset is None
    assert not ctl.runner.busy  # nothing was started
    unsaved_prompt.answer = unsaved.DISCARD
    with qtbot.waitSignal(ctl.dataset_changed, timeout=30_000):
        ctl.open_dataset(str(tiny_h5[0]))
    assert ctl.dataset is not None and not ctl.has_unsaved_model
    assert win.close() and unsaved_prompt.asked == ["opening another dataset"] * 2  # discarded: not asked again


def test_a_saved_model_is_not_asked_about(training, tiny, unsaved_prompt):
    win, _state, ctl = training
    ctl.bundle = load_bundle(tiny.path)  # has a path: saved
    assert not ctl.has_unsaved_model
    assert win.close() and unsaved_prompt.asked == []
