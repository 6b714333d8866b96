"""Calibrated probabilities: temperature scaling (Guo et al. 2017), fitted on the validation
split at the end of training, stored in the bundle (``metadata["calibration"]``) and applied
wherever the bundle's probabilities are shown (classify, explain, evaluate, predict_proba).

With probabilities ``p`` from the model's softmax, ``softmax(log p / T)`` equals
``softmax(z / T)`` for its logits ``z`` (the log-sum-exp shift cancels), so the model itself
needs no change: ``T > 1`` softens over-confident outputs, ``T < 1`` sharpens timid ones, and the
predicted class never changes. ``T`` minimises the validation negative log-likelihood
(``scipy.optimize.minimize_scalar`` over log T, bounded to [0.05, 20]; an optimum at a bound
is no minimum, and T stays 1).
"""
from __future__ import annotations

import numpy as np

T_BOUNDS = (0.05, 20.0)
MIN_VALIDATION = 10
"""Below this many validation samples no temperature is fitted (T stays 1): too few to trust."""


def apply_temperature(probs, temperature: float) -> np.ndarray:
    """``softmax(log p / T)`` row by row (float64); ``T == 1`` returns the probabilities as they are."""
    p = np.asarray(probs, dtype=np.float64)
    if temperature == 1.0 or p.size == 0:
        return p
    z = np.log(np.clip(p, 1e-12, 1.0)) / float(temperature)
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def nll(y_true, probs) -> float:
    """Mean negative log-likelihood of the true classes."""
    y = np.asarray(y_true, dtype=np.int64)
    p = np.clip(np.asarray(probs, dtype=np.float64)[np.arange(len(y)), y], 1e-12, 1.0)
    return float(-np.mean(np.log(p)))


def fit_temperature(y_true, probs) -> float:
    """The temperature that minimises the NLL of ``y_true`` under ``apply_temperature(probs, T)``."""
    from scipy.optimize import minimize_scalar

    y = np.asarray(y_true, dtype=np.int64)
    p = np.asarray(probs, dtype=np.float64)
    if len(y) < MIN_VALIDATION or len(np.unique(y)) < 2:
        return 1.0
    lo, hi = np.log(T_BOUNDS)
    res = minimize_scalar(lambda t: nll(y, apply_temperature(p, float(np.exp(t)))), bounds=(lo, hi),
                          method="bounded", options={"xatol": 1e-4})
    if not res.success or min(res.x - lo, hi - res.x) < 0.01:
        # at a bound there is no minimum: e.g. every validation case right, where the NLL only falls as
        # T -> 0 (the brain MR benchmark fitted T = 0.05 and called every test case ~100% sure)
        return 1.0
    return float(np.exp(res.x))


TARGET_ACCURACY = 0.95
"""Default accuracy a clinician wants on the cases the model keeps; the others are referred
(``TrainConfig.referral_target``, the Training form's "Refer below accuracy", ``train --refer-target``)."""
TARGET_RANGE = (0.5, 0.999)
REFERRAL_CONFIDENCE = 0.8
"""How sure the validation split must make us that the kept cases reach the target: the
one-sided exact (Clopper-Pearson) lower bound of their accuracy at this confidence must reach
it (the selective-classification risk bound of Geifman & El-Yaniv, 2017, for one cut point).
Choosing the threshold where the validation accuracy of the kept cases merely touches the
target picks, among many cut points, the luckiest one: on the CT demo (seed 0, 90 validation
scans) the kept test cases were then 94.7% correct for a 95% target. 0.8 rather than 0.9 or
0.95: a 95% target then needs at least 32 validation cases all right (0.9: 45; 0.95: 59), so
a dataset of a few hundred scans still gets a referral threshold."""


def accuracy_lower_bound(correct, n, confidence: float = REFERRAL_CONFIDENCE):
    """One-sided exact (Clopper-Pearson) lower bound of an accuracy of ``correct`` of ``n`` (scalars
    or arrays; 0 where nothing is correct)."""
    from scipy.stats import beta

    k, m = np.asarray(correct, dtype=np.float64), np.asarray(n, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        lb = beta.ppf(1.0 - confidence, np.maximum(k, 1), np.maximum(m - k + 1, 1))
    lb = np.where((k > 0) & (m > 0), lb, 0.0)
    return float(lb) if lb.ndim == 0 else lb


def referral_threshold(y_true, probs, target: float = TARGET_ACCURACY,
                       confidence: float = REFERRAL_CONFIDENCE) -> dict:
    """The lowest confidence ``t`` such that the cases with confidence >= ``t`` on this split (the
    validation split at training) are correct often enough that the lower bound of their accuracy
    (``accuracy_lower_bound`` at ``confidence``) reaches ``target``, with the share they keep.
    ``threshold`` is None when no threshold gets there (too few validation cases for the target,
    or a model not accurate enough): then every case is referred."""
    y = np.asarray(y_true, dtype=np.int64)
    p = np.asarray(probs, dtype=np.float64)
    conf, correct = p.max(1), p.argmax(1) == y
    order = np.argsort(-conf, kind="stable")
    hits = np.cumsum(correct[order])
    kept = np.arange(1, len(y) + 1)
    # only cut between distinct confidences: a threshold keeps every case at or above it
    cut = np.r_[conf[order][1:] < conf[order][:-1], True] if len(y) else np.zeros(0, bool)
    bounds = np.where(cut, accuracy_lower_bound(hits, kept, confidence), 0.0)
    out = {"target_accuracy": float(target), "confidence": float(confidence), "n": len(y)}
    ok = np.flatnonzero(bounds >= target)
    if not len(ok):
        return dict(out, threshold=None, coverage=0.0, accuracy=None, lower_bound=None)
    k = int(ok.max())  # the most cases kept at the target
    return dict(out, threshold=float(conf[order][k]), coverage=(k + 1) / len(y),
                accuracy=float(hits[k] / (k + 1)), lower_bound=float(bounds[k]))


def coverage_curve(y_true, probs, points: int = 21) -> list[dict]:
    """Accuracy against the share of cases kept, most confident first (``evaluate`` and Results)."""
    y = np.asarray(y_true, dtype=np.int64)
    p = np.asarray(probs, dtype=np.float64)
    if not len(y):
        return []
    order = np.argsort(-p.max(1))
    correct = (p.argmax(1) == y)[order]
    out = []
    for frac in np.linspace(1.0 / len(y), 1.0, points):
        k = max(1, int(round(frac * len(y))))
        out.append({"coverage": k / len(y), "accuracy": float(correct[:k].mean()),
                    "threshold": float(p.max(1)[order][k - 1])})
    return out


def refer_below(metadata: dict | None) -> float | None:
    """The confidence below which the bundle's predictions say "refer to a human" (None: never)."""
    cal = (metadata or {}).get("calibration") or {}
    ref = cal.get("referral") or {}
    t = ref.get("threshold")
    if ref and t is None:
        return 1.01  # no threshold reached the target on validation: refer every case
    return None if t is None else float(t)


def temperature_of(metadata: dict | None) -> float:
    """The bundle's fitted temperature (1.0 for bundles without calibration)."""
    cal = (metadata or {}).get("calibration") or {}
    t = cal.get("temperature", 1.0)
    return float(t) if t and np.isfinite(t) and t > 0 else 1.0
