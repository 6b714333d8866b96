"""Calibrated probabilities and honest intervals: what a clinician reads as a probability."""
import numpy as np
import pytest

from voxdesk.engine.model.calibration import apply_temperature, fit_temperature, temperature_of
from voxdesk.engine.training.evaluation import evaluate_predictions, expected_calibration_error, wilson


def _overconfident(n=2000, k=3, sharpen=3.0, seed=0):
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 1.5, (n, k))
    true = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    y = np.array([rng.choice(k, p=p) for p in true])
    over = np.exp(sharpen * z)
    return y, over / over.sum(1, keepdims=True)


def test_temperature_scaling_undoes_overconfidence_and_keeps_the_class():
    y, probs = _overconfident()
    t = fit_temperature(y, probs)
    assert 2.5 < t < 3.5  # the sharpening it has to undo
    cal = apply_temperature(probs, t)
    assert np.array_equal(cal.argmax(1), probs.argmax(1))
    np.testing.assert_allclose(cal.sum(1), 1.0)
    assert expected_calibration_error(y, cal) <= 0.5 * expected_calibration_error(y, probs)


@pytest.mark.parametrize("sharpen", [0.4, 0.7, 3.0])  # under-confident (the CT demo's T < 1) and over-confident
def test_the_fitted_temperature_is_the_nll_minimum_a_dense_grid_finds(sharpen):
    from voxdesk.engine.model.calibration import T_BOUNDS, nll

    y, probs = _overconfident(n=90, sharpen=sharpen, seed=1)  # as few cases as the demo's validation split
    grid = np.exp(np.linspace(*np.log(T_BOUNDS), 801))
    best = grid[int(np.argmin([nll(y, apply_temperature(probs, t)) for t in grid]))]
    t = fit_temperature(y, probs)
    assert T_BOUNDS[0] < t < T_BOUNDS[1]
    assert abs(np.log(t) - np.log(best)) <= np.log(grid[1] / grid[0])  # within one grid step
    assert nll(y, apply_temperature(probs, t)) <= nll(y, apply_temperature(probs, best)) + 1e-9


def test_a_validation_split_the_model_gets_all_right_leaves_the_probabilities_alone():
    """Every case right: the NLL falls all the way to T -> 0, there is no minimum to fit."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 60)
    conf = rng.uniform(0.6, 0.95, 60)
    probs = np.where(y[:, None] == np.arange(2), conf[:, None], 1 - conf[:, None])
    assert (probs.argmax(1) == y).all() and fit_temperature(y, probs) == 1.0
    probs[0] = probs[0][::-1]  # one wrong case: a real minimum again
    assert fit_temperature(y, probs) < 1.0


def test_too_few_validation_samples_leave_the_probabilities_alone():
    y, probs = _overconfident(n=8)
    assert fit_temperature(y, probs) == 1.0
    assert temperature_of({}) == 1.0 and temperature_of({"calibration": {"temperature": 2.5}}) == 2.5


@pytest.mark.parametrize("k, n, low, high", [(60, 60, 0.940, 1.000), (57, 60, 0.863, 0.983), (19, 20, 0.764, 0.991)])
def test_wilson_intervals_are_honest_on_small_test_sets(k, n, low, high):
    ci = wilson(k, n)
    assert ci == pytest.approx([low, high], abs=0.0015)


def test_metrics_report_wilson_recall_brier_log_loss_and_reliability():
    y = np.array([0, 0, 1, 1, 1])
    probs = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.3, 0.7], [0.55, 0.45]])
    m = evaluate_predictions(y, probs, ["neg", "pos"], n_bootstrap_auc=50)
    assert m["accuracy"] == pytest.approx(0.8) and m["accuracy_ci"] == pytest.approx(wilson(4, 5))
    sens = m["per_class"][1]
    assert sens["recall"] == pytest.approx(2 / 3) and sens["recall_ci"] == pytest.approx(wilson(2, 3))
    onehot = np.eye(2)[y]
    assert m["brier"] == pytest.approx(np.mean(np.sum((probs - onehot) ** 2, 1)))
    assert m["log_loss"] == pytest.approx(-np.mean(np.log(probs[np.arange(5), y])))
    assert sum(b["count"] for b in m["reliability"]) == 5
    assert all(b["low"] <= b["confidence"] <= b["high"] for b in m["reliability"])


def test_the_bundle_applies_its_temperature_everywhere(tiny):
    from voxdesk.engine.inference.classify import classify
    from voxdesk.engine.io import open_volume
    from voxdesk.engine.model.bundle import Bundle
    from voxdesk.engine.model.predict import predict_raw

    meta = dict(tiny.bundle.metadata, calibration={"temperature": 2.0})
    hot = Bundle(tiny.bundle.model, meta)
    vol = open_volume(tiny.heldout[1][0])
    raw = predict_raw(hot.model, hot.spec, [vol.data])
    want = apply_temperature(raw, 2.0)[0]
    np.testing.assert_allclose(hot.predict_proba([vol.data])[0], want, atol=1e-6)
    got = classify(hot, vol)
    np.testing.assert_allclose([got.probabilities[c] for c in hot.class_names], want, atol=1e-5)


def test_training_fits_the_temperature_on_validation_and_the_bundle_keeps_it():
    from voxdesk.engine.datasets import from_arrays
    from voxdesk.engine.training.augment import NO_AUGMENT
    from voxdesk.engine.training.config import TrainConfig
    from voxdesk.engine.training.train import train

    rng = np.random.default_rng(0)
    y = np.arange(60) % 2
    x = rng.normal(0, 1, (60, 8, 8, 8)).astype(np.float32) + 0.8 * y[:, None, None, None]
    r = train(TrainConfig(epochs=3, batch_size=8, augment=NO_AUGMENT, val_fraction=0.25, test_fraction=0.2),
              from_arrays(x, y))
    cal = r.calibration
    assert cal["fitted_on"] == "validation split" and cal["n"] >= 10 and cal["temperature"] > 0
    assert cal["val_nll_after"] <= cal["val_nll_before"] + 1e-9  # fitted to lower the validation NLL
    assert any("temperature scaling" in n for n in r.notes)
    assert r.test_metrics["temperature"] == cal["temperature"] and "brier" in r.test_metrics
    bundle = r.to_bundle()
    assert bundle.temperature == pytest.approx(cal["temperature"]) and "note" not in bundle.metadata["calibration"]


def test_referral_threshold_keeps_the_target_accuracy_on_the_cases_kept():
    from voxdesk.engine.model.calibration import coverage_curve, refer_below, referral_threshold

    rng = np.random.default_rng(1)
    n = 2000
    conf = rng.uniform(0.5, 1.0, n)
    y = np.zeros(n, int)
    pred_right = rng.uniform(0, 1, n) < conf  # calibrated: right with probability = confidence
    probs = np.stack([np.where(pred_right, conf, 1 - conf), np.where(pred_right, 1 - conf, conf)], 1)
    ref = referral_threshold(y, probs, target=0.95)
    kept = probs.max(1) >= ref["threshold"]
    assert (probs.argmax(1)[kept] == 0).mean() >= 0.95 and 0 < ref["coverage"] < 1
    assert ref["coverage"] == pytest.approx(kept.mean())
    curve = coverage_curve(y, probs)
    assert curve[-1]["coverage"] == 1.0 and curve[0]["accuracy"] >= curve[-1]["accuracy"]
    assert refer_below({"calibration": {"referral": ref}}) == ref["threshold"]
    assert refer_below({"calibration": {"referral": {"threshold": None}}}) > 1  # none reached: refer all
    assert refer_below({}) is None


def test_classify_flags_cases_below_the_referral_threshold(tiny):
    from voxdesk.engine.inference.classify import classify
    from voxdesk.engine.io import open_volume
    from voxdesk.engine.model.bundle import Bundle

    vol = open_volume(tiny.heldout[1][0])
    plain = classify(tiny.bundle, vol)
    strict = Bundle(tiny.bundle.model, dict(tiny.bundle.metadata, calibration={
        "temperature": 1.0, "referral": {"threshold": plain.confidence + 1e-3}}))
    lenient = Bundle(tiny.bundle.model, dict(tiny.bundle.metadata, calibration={
        "temperature": 1.0, "referral": {"threshold": plain.confidence - 1e-3}}))
    assert not plain.refer and classify(strict, vol).refer and not classify(lenient, vol).refer


def test_the_referral_threshold_needs_the_lower_bound_of_the_kept_accuracy_to_reach_the_target():
    """Not the luckiest cut point: the kept cases' one-sided 80% exact lower bound must reach the
    target, so a small validation split keeps fewer cases, and one too small keeps none."""
    from scipy.stats import binomtest

    from voxdesk.engine.model.calibration import accuracy_lower_bound, referral_threshold

    # the 60%-two-sided exact interval's low end is the 80% one-sided bound
    assert accuracy_lower_bound(57, 60) == pytest.approx(binomtest(57, 60).proportion_ci(0.6, "exact").low)
    assert accuracy_lower_bound(0, 10) == 0.0
    # 100 cases, the 70 most confident right, then right and wrong alternating: the point estimate
    # alone would keep cases down to where the running accuracy touches 95%
    conf = np.linspace(0.999, 0.5, 100)
    right = np.r_[np.ones(70, bool), np.arange(30) % 2 == 0]
    y = np.where(right, 0, 1)
    probs = np.stack([conf, 1 - conf], 1)
    ref = referral_threshold(y, probs, target=0.95)
    kept = conf >= ref["threshold"]
    hits = int(right[kept].sum())
    assert accuracy_lower_bound(hits, int(kept.sum())) >= 0.95 == ref["target_accuracy"]
    assert ref["lower_bound"] == pytest.approx(accuracy_lower_bound(hits, int(kept.sum())))
    naive = np.flatnonzero(np.cumsum(right) / np.arange(1, 101) >= 0.95).max() + 1
    assert kept.sum() < naive and ref["accuracy"] > 0.95  # keeps fewer than the luckiest cut
    few = referral_threshold(y[:20], probs[:20], target=0.95)  # 20/20 right: bound 0.923 < 0.95
    assert few["threshold"] is None and few["coverage"] == 0.0
    assert referral_threshold(y[:20], probs[:20], target=0.85)["coverage"] == 1.0


def test_the_referral_target_is_a_checked_training_setting():
    from voxdesk.engine.training.config import TrainConfig

    assert TrainConfig().referral_target == 0.95
    assert "referral_target" in TrainConfig(referral_target=1.2).field_errors()
    assert "referral_target" in TrainConfig(referral_target=0.3).field_errors()
    assert TrainConfig.from_dict(TrainConfig(referral_target=0.9).to_dict()).referral_target == 0.9
