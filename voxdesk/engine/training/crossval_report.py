"""What a cross-validation says, as numbers, rows and lines: shared by the CLI (and a GUI).

* ``summarise(fold_metrics)``: per metric (``METRICS``) the mean over the folds where it is
  defined, the sample standard deviation and a 95% Student t interval,
  ``mean +- t(0.975, n-1) * sd / sqrt(n)`` (``scipy.stats.t``), clipped to the metric's range;
  None with a single fold. The folds share training data, so the interval is optimistic
  (``crossval`` module docstring).
* ``pooled_figures(fold_metrics)``: the folds' confusion matrices summed (each sample tested
  once): accuracy with its Wilson interval, balanced accuracy (mean per-class recall).
* ``FOLD_COLUMNS`` / ``fold_rows``: the CSV of folds (one row per fold); ``to_dict``: the JSON.
* ``fold_line`` / ``summary_lines``: what a terminal prints.
"""
from __future__ import annotations

import math

import numpy as np

METRICS = ("accuracy", "balanced_accuracy", "roc_auc", "macro_f1", "ece", "brier", "log_loss")
"""Per-fold metrics summarised across folds (keys of ``evaluation.evaluate_predictions``)."""
RANGES = {"accuracy": (0.0, 1.0), "balanced_accuracy": (0.0, 1.0), "roc_auc": (0.0, 1.0), "macro_f1": (0.0, 1.0),
          "ece": (0.0, 1.0), "brier": (0.0, 2.0), "log_loss": (0.0, math.inf)}
LABELS = {"accuracy": "accuracy", "balanced_accuracy": "balanced accuracy", "roc_auc": "ROC AUC",
          "macro_f1": "macro F1", "ece": "ECE", "brier": "Brier score", "log_loss": "log loss"}
INTERVAL = ("95% Student t interval across folds (scipy.stats.t, K-1 degrees of freedom); the folds share "
            "training data, so it is if anything too narrow")
FOLD_COLUMNS = ["fold", "n_train", "n_val", "n_test", "accuracy", "accuracy_ci_low", "accuracy_ci_high",
                "balanced_accuracy", "roc_auc", "macro_f1", "ece", "brier", "log_loss", "epochs_run", "best_epoch",
                "fit_s", "wall_s"]


def t_interval(values, confidence: float = 0.95, bounds=(-math.inf, math.inf)) -> dict:
    """``{"mean", "sd", "ci", "n"}`` of the defined (not None/NaN) ``values``."""
    vals = np.asarray([float(v) for v in values if v is not None and math.isfinite(float(v))], float)
    n = len(vals)
    if n == 0:
        return {"mean": None, "sd": None, "ci": None, "n": 0}
    mean = float(vals.mean())
    if n < 2:
        return {"mean": mean, "sd": None, "ci": None, "n": 1}
    from scipy.stats import t

    sd = float(vals.std(ddof=1))
    half = float(t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    lo, hi = bounds
    return {"mean": mean, "sd": sd, "ci": [max(lo, mean - half), min(hi, mean + half)], "n": n}


def summarise(fold_metrics: list[dict]) -> dict:
    """Per metric of ``METRICS``: ``t_interval`` over the folds."""
    return {k: t_interval([m.get(k) for m in fold_metrics], bounds=RANGES[k]) for k in METRICS}


def pooled_figures(fold_metrics: list[dict]) -> dict:
    """Out-of-fold figures from the summed confusion matrices (empty when no fold finished)."""
    from voxdesk.engine.training.evaluation import wilson

    cms = [np.asarray(m["confusion_matrix"], np.int64) for m in fold_metrics if m.get("confusion_matrix")]
    if not cms:
        return {}
    cm = sum(cms)
    n, right = int(cm.sum()), int(np.trace(cm))
    support = cm.sum(axis=1)
    recalls = [cm[i, i] / support[i] for i in range(len(cm)) if support[i]]
    return {"n": n, "accuracy": right / n if n else None, "accuracy_ci": wilson(right, n),
            "balanced_accuracy": float(np.mean(recalls)) if len(recalls) > 1 else None,
            "confusion_matrix": cm.tolist()}


def _num(v):
    """A JSON/CSV-safe number: None for missing or NaN."""
    if v is None:
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def fold_rows(cv) -> list[list]:
    """One row per finished fold, in ``FOLD_COLUMNS`` order (empty cells for undefined metrics)."""
    rows = []
    for f in cv.folds:
        m, s = f.metrics, f.split_sizes
        ci = m.get("accuracy_ci") or [None, None]
        row = [f.fold, s.get("train"), s.get("val"), s.get("test"), m.get("accuracy"), ci[0], ci[1],
               m.get("balanced_accuracy"), m.get("roc_auc"), m.get("macro_f1"), m.get("ece"), m.get("brier"),
               m.get("log_loss"), f.epochs_run, f.best_epoch, f.timings.get("fit_s"), f.timings.get("wall_s")]
        rows.append(["" if v is None else (round(v, 6) if isinstance(v, float) else v) for v in row])
    return rows


def _clean(obj):
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return _num(obj)
    return obj


def to_dict(cv) -> dict:
    """The JSON of a cross-validation: settings, one entry per fold, the summary, the refit."""
    keep = ("n", "accuracy", "accuracy_ci", "balanced_accuracy", "roc_auc", "roc_auc_ci", "macro_f1", "ece",
            "ece_uncalibrated", "brier", "log_loss", "per_class", "confusion_matrix", "temperature", "notes")
    refit = None
    if cv.refit is not None:
        r = cv.refit
        refit = {"split_sizes": r.split_sizes, "epochs_run": r.epochs_run, "best_epoch": r.best_epoch,
                 "test_metrics": None if r.test_metrics is None else {k: r.test_metrics.get(k) for k in keep},
                 "timings": r.timings}
    return _clean({
        "folds": cv.k, "folds_finished": len(cv.folds), "cancelled": cv.cancelled, "n": cv.n,
        "class_names": cv.class_names, "pooled_from": cv.pooled_from, "by_group": cv.by_group,
        "test_untouched": cv.test_untouched, "config": cv.config.to_dict(), "interval": INTERVAL,
        "per_fold": [{"fold": f.fold, "n_held_out": len(f.held_out), "split_sizes": f.split_sizes,
                      "epochs_run": f.epochs_run, "best_epoch": f.best_epoch, "timings": f.timings,
                      "groups": f.groups, "metrics": {k: f.metrics.get(k) for k in keep}} for f in cv.folds],
        "summary": cv.summary, "pooled": cv.pooled, "timings": cv.timings, "refit": refit,
        "warnings": cv.warnings, "notes": cv.notes,
    })


def _f(v, digits=3) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}"


def fold_line(f, k: int) -> str:
    """``fold 2/5: accuracy 0.917 (95% CI 0.82-0.96), balanced 0.915, AUC 0.981, ECE 0.041; ...``."""
    m, s = f.metrics, f.split_sizes
    ci = m.get("accuracy_ci")
    acc = _f(m.get("accuracy")) + (f" (95% CI {ci[0]:.2f}-{ci[1]:.2f})" if ci else "")
    return (f"fold {f.fold}/{k}: accuracy {acc}, balanced {_f(m.get('balanced_accuracy'))}, "
            f"AUC {_f(m.get('roc_auc'))}, ECE {_f(m.get('ece'))}; train/val/test "
            f"{s.get('train')}/{s.get('val')}/{s.get('test')}; {f.epochs_run} epochs (best {f.best_epoch}); "
            f"{f.timings.get('wall_s', 0):.1f} s")


def summary_lines(cv) -> list[str]:
    """The summary a terminal prints after the folds."""
    lines = [f"mean of {len(cv.folds)} folds (95% t interval across folds, scipy.stats.t with "
             f"{max(len(cv.folds) - 1, 0)} degrees of freedom):"]
    width = max(len(v) for v in LABELS.values())
    for key in METRICS:
        s = cv.summary.get(key) or {}
        if s.get("mean") is None:
            lines.append(f"  {LABELS[key]:<{width}}  n/a")
            continue
        text = f"{s['mean']:.3f}"
        if s.get("ci"):
            text += f" ({s['ci'][0]:.3f}-{s['ci'][1]:.3f}), sd {s['sd']:.3f}"
        if s["n"] < len(cv.folds):
            text += f" (defined in {s['n']} of {len(cv.folds)} folds)"
        lines.append(f"  {LABELS[key]:<{width}}  {text}")
    p = cv.pooled
    if p.get("n"):
        ci = p.get("accuracy_ci")
        lines.append(f"out of fold ({p['n']} samples, each tested once): accuracy {p['accuracy']:.3f}"
                     + (f" (Wilson 95% CI {ci[0]:.3f}-{ci[1]:.3f})" if ci else "")
                     + (f", balanced accuracy {p['balanced_accuracy']:.3f}" if p.get("balanced_accuracy") is not None
                        else ""))
    t = cv.timings
    if t.get("fold_s"):
        lines.append(f"time: {t['folds_s']:.1f} s for {len(cv.folds)} folds "
                     f"({np.mean(t['fold_s']):.1f} s per fold)"
                     + (f", refit {t['refit_s']:.1f} s" if t.get("refit_s") is not None else ""))
    return lines
