"""Metrics: accuracy/CI, per-class, confusion matrix, AUC (binary, OvR), ECE, guards."""
import numpy as np
import pytest

from voxdesk.engine.training.evaluation import evaluate_predictions, expected_calibration_error, format_metrics


def _onehot(y, k, conf=0.9):
    p = np.full((len(y), k), (1 - conf) / (k - 1))
    p[np.arange(len(y)), y] = conf
    return p


def test_perfect_multiclass():
    y = np.repeat(np.arange(3), 20)
    m = evaluate_predictions(y, _onehot(y, 3), ["a", "b", "c"])
    assert m["accuracy"] == 1.0 and m["roc_auc"] == 1.0
    assert m["confusion_matrix"] == [[20, 0, 0], [0, 20, 0], [0, 0, 20]]
    assert [r["f1"] for r in m["per_class"]] == [1.0, 1.0, 1.0]
    assert m["ece"] == pytest.approx(0.1)
    assert m["roc_curve"] is None


def test_binary_with_confidence_intervals_and_curve():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    score = np.clip(y * 0.3 + rng.random(200) * 0.7, 0, 1)
    probs = np.stack([1 - score, score], 1)
    m = evaluate_predictions(y, probs, ["neg", "pos"])
    lo, hi = m["accuracy_ci"]
    assert lo <= m["accuracy"] <= hi
    lo, hi = m["roc_auc_ci"]
    assert 0.5 < lo <= m["roc_auc"] <= hi <= 1
    assert m["roc_curve"]["fpr"][0] == 0.0 and m["roc_curve"]["tpr"][-1] == 1.0
    text = format_metrics(m)
    assert "confusion matrix" in text and "ROC AUC" in text


def test_single_class_split_has_no_auc_and_a_note():
    y = np.zeros(10, int)
    m = evaluate_predictions(y, _onehot(y, 2), ["neg", "pos"])
    assert m["roc_auc"] is None and m["roc_auc_ci"] is None
    assert "only class 'neg'" in m["notes"][0]
    assert m["accuracy"] == 1.0
    assert "n/a" in format_metrics(m)


def test_missing_class_still_gives_auc_over_present_ones():
    y = np.array([0, 1, 0, 1, 0, 1] * 3)
    m = evaluate_predictions(y, _onehot(y, 3), ["a", "b", "c"])
    assert m["roc_auc"] == 1.0 and "absent" in m["notes"][0]


def test_ece_of_overconfident_wrong_model():
    y = np.zeros(50, int)
    probs = _onehot(np.ones(50, int), 2, conf=0.99)
    assert expected_calibration_error(y, probs) == pytest.approx(0.99)


def test_empty_and_shape_mismatch():
    assert evaluate_predictions([], np.empty((0, 2)), ["a", "b"])["n"] == 0
    with pytest.raises(ValueError):
        evaluate_predictions([0, 1], np.ones((2, 3)), ["a", "b"])
