"""Save Model never replaces the training data, even after the file dialog's "replace?": the
window shows why, and the dataset file is intact."""
import pytest


@pytest.mark.slow
def test_saving_the_model_over_the_training_data_is_refused_with_a_dialog(qtbot, training, dialogs, tiny_h5, tiny):
    from voxdesk.engine.datasets import load_dataset

    tiny_h5 = tiny_h5[0]
    win, _state, ctl = training
    ctl.set_dataset(load_dataset(str(tiny_h5)))
    ctl.bundle = tiny.bundle  # a trained model ready to save
    before = tiny_h5.read_bytes()
    assert ctl.save_model(str(tiny_h5)) is not None
    qtbot.waitUntil(lambda: bool(dialogs.errors), timeout=30_000)
    title, text = dialogs.errors[-1]
    assert title == "Cannot save the model" and "is an input of this command" in text
    assert tiny_h5.read_bytes() == before
    assert win.isVisible()
