"""The accuracy target of the cases a model keeps ("refer to a human" below it): set in the
Training form, checked by the engine, kept in a project, and explained on the model card."""
from __future__ import annotations


def test_the_kept_case_accuracy_is_a_form_field_that_ends_up_in_the_config(qtbot):
    from voxdesk.gui.project import apply_config
    from voxdesk.gui.training.form import TrainForm

    form = TrainForm()
    qtbot.addWidget(form)
    spin = form.refer_target
    assert spin.value() == 95.0 and form.config().referral_target == 0.95
    assert "refer to a human" in spin.toolTip() and "80%" in spin.toolTip()
    spin.setValue(98.5)
    saved = form.config()
    assert saved.referral_target == 0.985 and saved.to_dict()["referral_target"] == 0.985
    spin.setValue(10)  # the spin box holds to the engine's range
    assert form.config().referral_target == 0.5

    other = TrainForm()  # a project reopened shows the stored target
    qtbot.addWidget(other)
    apply_config(other, type(saved).from_dict(saved.to_dict()))
    assert other.refer_target.value() == 98.5


def test_the_model_card_says_what_the_referral_keeps_or_that_it_refers_everything():
    from voxdesk.gui.classify.card import card_html

    meta = {"class_names": ["a", "b"], "input_shape": [48, 48, 48, 1],
            "calibration": {"temperature": 0.7, "fitted_on": "validation split", "n": 90,
                            "referral": {"threshold": 0.8123, "coverage": 0.7, "accuracy": 0.984,
                                         "lower_bound": 0.953, "target_accuracy": 0.95, "confidence": 0.9,
                                         "n": 90}}}
    html = card_html(meta)
    assert "below confidence 0.812; on 90 validation scans the 70% kept were 98.4% correct (target 95%)" in html
    assert "at least 95.3% with 90% confidence" in html
    none = {**meta, "calibration": {**meta["calibration"], "referral": {"threshold": None, "coverage": 0.0,
                                                                        "target_accuracy": 0.99, "n": 12}}}
    assert "every case is referred: on 12 validation scans no share of the cases shows 99% accuracy" in card_html(none)
