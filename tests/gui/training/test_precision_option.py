"""The training form's precision choice: present, checked by the engine, kept in a project, and
the model card saying what a bundle trained in."""
from __future__ import annotations


def test_the_precision_choice_is_offered_and_ends_up_in_the_config(qtbot):
    from voxdesk.gui.project import apply_config
    from voxdesk.gui.training.form import TrainForm

    form = TrainForm()
    qtbot.addWidget(form)
    combo = form.precision
    assert [combo.itemData(i) for i in range(combo.count())] == ["auto", "float32", "bfloat16"]
    assert combo.currentData() == "auto" and form.config().precision == "auto"
    assert "bfloat16" in combo.toolTip() and "float32 either way" in combo.toolTip()
    combo.setCurrentIndex(combo.findData("bfloat16"))
    saved = form.config()
    assert saved.precision == "bfloat16" and saved.to_dict()["precision"] == "bfloat16"  # project and bundle

    other = TrainForm()  # a project reopened: the form shows the stored choice
    qtbot.addWidget(other)
    apply_config(other, type(saved).from_dict(saved.to_dict()))
    assert other.precision.currentData() == "bfloat16"


def test_the_model_card_names_the_precision():
    from voxdesk.gui.classify.card import card_html

    meta = {"class_names": ["a", "b"], "input_shape": [48, 48, 48, 1], "model_name": "voxnet-bn",
            "training": {"epochs_run": 30, "best_epoch": 29, "precision": "bfloat16",
                         "config": {"precision": "auto"}}}
    assert "30 epochs (best 29), bfloat16 mixed precision" in card_html(meta)
    old = {**meta, "training": {"epochs_run": 30, "best_epoch": 29, "config": {}}}  # before the setting
    assert "30 epochs (best 29), float32" in card_html(old)
