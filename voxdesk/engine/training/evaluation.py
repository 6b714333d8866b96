"""Classification metrics with uncertainty, as plain JSON-ready dicts (sklearn.metrics).

:func:`evaluate_predictions` works on labels and predicted probabilities (no TF);
:func:`evaluate_model` runs a model over a split with the bundle's preprocessing first.

The metrics dict holds: ``n``, ``accuracy`` and ``accuracy_ci`` (Wilson 95% interval: honest on
small test sets, where a bootstrap of 60/60 correct says [1, 1]), ``balanced_accuracy``,
``per_class`` (precision, recall with its Wilson ``recall_ci`` (for two classes: specificity and
sensitivity), F1, support), ``macro_f1``, ``confusion_matrix`` (rows = true class, columns =
predicted), ``roc_auc`` (binary: positive = class 1; otherwise macro one-vs-rest) with
``roc_auc_ci`` (percentile bootstrap, 1,000 resamples), ``roc_curve`` (binary only: fpr/tpr
lists), ``ece`` (expected calibration error, 15 equal-width confidence bins), ``reliability``
(per bin: mean confidence, accuracy, count), ``brier`` (multi-class Brier score), ``log_loss``
and ``notes``. When the split
holds a single class (or a class never appears), AUC is ``None`` and a note says why.
"""
from __future__ import annotations

import numpy as np

ECE_BINS = 15


def expected_calibration_error(y_true: np.ndarray, probs: np.ndarray, n_bins: int = ECE_BINS) -> float:
    """Weighted mean |accuracy - confidence| over equal-width confidence bins."""
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y_true
    bins = np.minimum((conf * n_bins).astype(int), n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        mask = bins == b
        if mask.any():
            ece += mask.mean() * abs(correct[mask].mean() - conf[mask].mean())
    return float(ece)


def _auc(y_true, probs, n_classes):
    from sklearn.metrics import roc_auc_score

    present = np.unique(y_true)
    if len(present) < 2:
        return None
    if n_classes == 2:
        return float(roc_auc_score(y_true, probs[:, 1]))
    if len(present) < n_classes:
        # macro one-vs-rest over the classes that occur (renormalised probabilities)
        sub = probs[:, present]
        sub = sub / np.clip(sub.sum(axis=1, keepdims=True), 1e-12, None)
        if len(present) == 2:
            return float(roc_auc_score(y_true == present[1], sub[:, 1]))
        return float(roc_auc_score(y_true, sub, multi_class="ovr", average="macro", labels=present))
    return float(roc_auc_score(y_true, probs, multi_class="ovr", average="macro", labels=np.arange(n_classes)))


def _normalised(probs: np.ndarray) -> np.ndarray:
    p = np.clip(probs, 1e-12, 1.0)
    return p / p.sum(axis=1, keepdims=True)


def wilson(k: int, n: int, confidence: float = 0.95) -> list[float] | None:
    """Wilson score interval for ``k`` successes in ``n`` trials (``scipy.stats.binomtest``)."""
    if n <= 0:
        return None
    from scipy.stats import binomtest

    ci = binomtest(int(k), int(n)).proportion_ci(confidence_level=confidence, method="wilson")
    return [float(ci.low), float(ci.high)]


def reliability(y_true: np.ndarray, probs: np.ndarray, n_bins: int = ECE_BINS) -> list[dict]:
    """The reliability diagram's points: per non-empty confidence bin, its range, mean
    confidence, accuracy and count (what ``ece`` averages)."""
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y_true
    bins = np.minimum((conf * n_bins).astype(int), n_bins - 1)
    return [{"low": b / n_bins, "high": (b + 1) / n_bins, "confidence": float(conf[bins == b].mean()),
             "accuracy": float(correct[bins == b].mean()), "count": int((bins == b).sum())}
            for b in range(n_bins) if (bins == b).any()]


def _ci(values) -> list[float] | None:
    values = [v for v in values if v is not None]
    if len(values) < 10:
        return None
    return [float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))]


def evaluate_predictions(
    y_true,
    probs,
    class_names: list[str],
    *,
    n_bootstrap_auc: int = 1000,
    seed: int = 0,
) -> dict:
    """Metrics for integer labels ``y_true`` (N,) and class probabilities ``probs`` (N, K)."""
    from sklearn.metrics import (
        balanced_accuracy_score,
        confusion_matrix,
        log_loss,
        precision_recall_fscore_support,
        roc_curve,
    )

    y_true = np.asarray(y_true, dtype=np.int64).reshape(-1)
    probs = np.asarray(probs, dtype=np.float64)
    k = len(class_names)
    if probs.ndim != 2 or probs.shape != (len(y_true), k):
        raise ValueError(f"probabilities of shape {probs.shape} do not match {len(y_true)} labels x {k} classes")
    notes: list[str] = []
    n = len(y_true)
    if n == 0:
        return {"n": 0, "accuracy": None, "notes": ["no samples to evaluate"], "class_names": list(class_names)}
    pred = probs.argmax(axis=1)
    labels = np.arange(k)
    p, r, f, s = precision_recall_fscore_support(y_true, pred, labels=labels, zero_division=0)
    cm = confusion_matrix(y_true, pred, labels=labels)
    rng = np.random.default_rng(seed)

    correct = (pred == y_true).astype(np.float64)
    acc_ci = wilson(int(correct.sum()), n)
    boot = rng.integers(0, n, size=(n_bootstrap_auc, n))

    auc = _auc(y_true, probs, k)
    auc_ci = None
    curve = None
    present = np.unique(y_true)
    if auc is None:
        notes.append(f"ROC AUC undefined: the split holds only class {class_names[present[0]]!r}")
    else:
        if len(present) < k:
            missing = [class_names[i] for i in labels if i not in present]
            notes.append(f"classes absent from this split ({', '.join(missing)}): AUC over the others")
        auc_ci = _ci(_auc(y_true[idx], probs[idx], k) for idx in boot)
        if k == 2:
            fpr, tpr, _ = roc_curve(y_true, probs[:, 1])
            curve = {"fpr": fpr.tolist(), "tpr": tpr.tolist()}
    return {
        "n": n,
        "class_names": list(class_names),
        "accuracy": float(correct.mean()),
        "accuracy_ci": acc_ci,
        "balanced_accuracy": float(balanced_accuracy_score(y_true, pred)) if len(present) > 1 else None,
        "per_class": [
            {"class": class_names[i], "precision": float(p[i]), "recall": float(r[i]),
             "recall_ci": wilson(int(cm[i, i]), int(s[i])), "f1": float(f[i]), "support": int(s[i])}
            for i in labels
        ],
        "macro_f1": float(np.mean(f[s > 0])) if (s > 0).any() else None,
        "confusion_matrix": cm.tolist(),
        "roc_auc": auc,
        "roc_auc_ci": auc_ci,
        "roc_curve": curve,
        "ece": expected_calibration_error(y_true, probs),
        "reliability": reliability(y_true, probs),
        "brier": float(np.mean(np.sum((probs - np.eye(k)[y_true]) ** 2, axis=1))),
        "log_loss": float(log_loss(y_true, _normalised(probs), labels=labels)),
        "notes": notes,
    }


def predict_split(model, samples, spec, batch_size: int = 64, progress=None, stats=None, digests=None):
    """Class probabilities for every sample in ``samples`` (batched, preprocessed like training);
    appends each raw sample's ``splits.sample_digest`` to ``digests`` when given."""
    from voxdesk.engine.datasets.base import sample_spacings
    from voxdesk.engine.datasets.splits import sample_digest
    from voxdesk.engine.model.predict import predict_raw

    on_raw = (lambda raw: digests.extend(sample_digest(r) for r in raw)) if digests is not None else None
    return predict_raw(model, spec, samples.batch, len(samples), stats=stats, batch_size=batch_size,
                       progress=progress, on_raw=on_raw, spacings=lambda idx: sample_spacings(samples, list(idx)))


def evaluate_model(model, split, spec, class_names, *, batch_size: int = 64, seed: int = 0, progress=None,
                   stats=None, trained_digests: dict | None = None, temperature: float = 1.0,
                   refer_below: float | None = None) -> dict:
    """Predict a ``Split`` with ``spec`` preprocessing and return :func:`evaluate_predictions`.

    ``temperature``: the bundle's calibration (``model.calibration``); the metrics are those of the
    calibrated probabilities a user sees, and ``ece_uncalibrated`` keeps the model's own ECE.
    ``refer_below``: the bundle's referral threshold; ``metrics["referral"]`` then gives the
    accuracy on the cases kept (with its Wilson interval) and how many were referred.

    ``trained_digests``: the bundle's ``sample_digests`` (what the model trained and was selected
    on). Then ``metrics["leakage"]`` counts the evaluated samples among them and, when any are,
    ``metrics["leakage_warning"]`` says loudly that the figures overstate the model (also in the
    notes); None/absent when the bundle recorded nothing to compare with."""
    from voxdesk.engine.datasets.splits import describe_overlap, overlap_with_training

    digests: list[str] | None = [] if trained_digests else None
    from voxdesk.engine.model.calibration import apply_temperature

    raw = predict_split(model, split.samples, spec, batch_size, progress, stats, digests)
    probs = apply_temperature(raw, temperature)
    metrics = evaluate_predictions(split.labels, probs, class_names, seed=seed)
    metrics["temperature"] = float(temperature)
    from voxdesk.engine.model.calibration import coverage_curve

    metrics["coverage_curve"] = coverage_curve(split.labels, probs)
    if refer_below is not None and len(probs):
        kept = probs.max(1) >= refer_below
        right = int((probs.argmax(1)[kept] == np.asarray(split.labels)[kept]).sum())
        metrics["referral"] = {"threshold": float(refer_below), "referred": int((~kept).sum()), "kept": int(kept.sum()),
                               "accuracy_kept": right / int(kept.sum()) if kept.any() else None,
                               "accuracy_kept_ci": wilson(right, int(kept.sum()))}
    if temperature != 1.0 and len(raw):
        metrics["ece_uncalibrated"] = expected_calibration_error(np.asarray(split.labels), raw)
    overlap = overlap_with_training(digests or [], trained_digests)
    metrics["leakage"] = overlap
    text = describe_overlap(overlap, len(probs))
    if text:
        metrics["leakage_warning"] = text
        metrics["notes"] = [text] + list(metrics.get("notes", []))
    return metrics


def format_metrics(m: dict) -> str:
    """A plain-text report: headline metrics, per-class table and confusion matrix."""
    if not m.get("n"):
        return "no samples evaluated"

    def ci(v):
        return f" (95% CI {v[0]:.3f}-{v[1]:.3f})" if v else ""

    lines = [f"samples: {m['n']}", f"accuracy: {m['accuracy']:.4f}{ci(m.get('accuracy_ci'))}"]
    if m.get("roc_auc") is not None:
        lines.append(f"ROC AUC: {m['roc_auc']:.4f}{ci(m.get('roc_auc_ci'))}")
    else:
        lines.append("ROC AUC: n/a")
    ece = f"expected calibration error: {m['ece']:.4f}"
    if m.get("ece_uncalibrated") is not None:
        ece += f" (before temperature scaling, T = {m['temperature']:.2f}: {m['ece_uncalibrated']:.4f})"
    lines.append(ece)
    if m.get("brier") is not None:
        lines.append(f"Brier score: {m['brier']:.4f}; log loss: {m['log_loss']:.4f}")
    ref = m.get("referral")
    if ref:
        acc = "n/a" if ref["accuracy_kept"] is None else f"{ref['accuracy_kept']:.4f}{ci(ref.get('accuracy_kept_ci'))}"
        lines.append(f"referral below confidence {ref['threshold']:.3f}: {ref['referred']} referred to a human, "
                     f"{ref['kept']} kept, accuracy on the kept {acc}")
    if m.get("macro_f1") is not None:
        lines.append(f"macro F1: {m['macro_f1']:.4f}")
    names = m["class_names"]
    width = max(8, *(len(n) for n in names))
    lines.append("")
    lines.append(f"{'class':<{width}}  precision  recall (95% CI)      f1  support")
    for row in m["per_class"]:
        rc = row.get("recall_ci")
        rtxt = f"{row['recall']:6.3f} ({rc[0]:.2f}-{rc[1]:.2f})" if rc else f"{row['recall']:6.3f}            "
        lines.append(f"{row['class']:<{width}}  {row['precision']:9.3f}  {rtxt}  {row['f1']:5.3f}  {row['support']:7d}")
    lines.append("")
    lines.append("confusion matrix (rows: true, columns: predicted)")
    cw = max(5, width)
    lines.append(" " * cw + "".join(f"{n[:cw]:>{cw + 1}}" for n in names))
    for name, row in zip(names, m["confusion_matrix"]):
        lines.append(f"{name[:cw]:<{cw}}" + "".join(f"{v:>{cw + 1}d}" for v in row))
    lines.extend(f"note: {note}" for note in m.get("notes", []))
    return "\n".join(lines)


def evaluate_bundle(bundle, dataset, split: str | None = None, *, batch_size: int = 64,
                    progress=None) -> tuple[dict, str, list[str]]:
    """(metrics, split name, preprocessing warnings) of ``bundle`` on ``dataset``'s ``split``
    (default: test, else all), with the bundle's calibration, referral threshold and
    training-sample digests (so evaluating training data says so)."""
    from voxdesk.engine.errors import DatasetError
    from voxdesk.engine.model.calibration import refer_below
    from voxdesk.engine.model.preprocessing import PreprocessStats

    name = split or next((s for s in ("test", "all") if s in dataset.splits), None)
    if name not in dataset.splits:
        raise DatasetError(f"split {name!r} not in {dataset.source} (splits: {', '.join(dataset.splits)})")
    if list(dataset.class_names) != list(bundle.class_names):
        raise DatasetError(f"the dataset's classes {dataset.class_names} differ from the model's {bundle.class_names}")
    samples = dataset.splits[name]
    if len(samples) == 0:
        raise DatasetError(f"split {name!r} of {dataset.source} is empty")
    stats = PreprocessStats()
    metrics = evaluate_model(bundle.model, samples, bundle.spec, bundle.class_names, batch_size=batch_size,
                             stats=stats, progress=progress, trained_digests=bundle.metadata.get("sample_digests"),
                             temperature=bundle.temperature, refer_below=refer_below(bundle.metadata))
    return metrics, name, list(stats.warnings())
