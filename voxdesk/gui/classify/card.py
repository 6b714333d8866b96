"""The model card: what a clinician needs to judge whether a model fits the scan, as HTML.

Formats the engine's bundle metadata (classes, input, preprocessing, training data, test
metrics, calibration, how and when it was made, library versions); computes nothing.
"""
from __future__ import annotations

import html


def _versions(libs: dict) -> str:
    names = (("voxdesk", "VoxDesk"), ("keras", "Keras"), ("tensorflow", "TensorFlow"),
             ("tensorflow-cpu", "TensorFlow"), ("python", "Python"))
    return ", ".join(f"{label} {libs[key]}" for key, label in names if key in libs)


def _preprocessing(p: dict) -> str:
    norm = p.get("normalization", "?")
    text = {"minmax": "min-max to 0..1", "zscore": "z-score", "none": "none",
            "percentile": "percentiles {0}..{1} to 0..1".format(*p.get("percentiles", ("?", "?"))),
            "robust": "percentiles {0}..{1} to 0..1, brighter kept".format(*p.get("percentiles", ("?", "?"))),
            "ct-window": f"CT window L {p.get('window_level')} / W {p.get('window_width')} HU"}.get(norm, norm)
    size = "×".join(str(v) for v in p.get("spatial_shape", ()))
    mm = p.get("target_spacing")
    if mm:
        return (f"resampled to {'×'.join(f'{v:g}' for v in mm)} mm voxels (order {p.get('resample_order', 1)}), "
                f"cropped or padded to {size}, normalised {text}")
    return f"resampled to {size} (order {p.get('resample_order', 1)}), normalised {text}"


def card_html(meta: dict, source: str = "") -> str:
    """The model card: what a clinician needs to judge whether the model fits the scan."""
    from voxdesk.engine.model.card import FIELDS, card_of

    e = html.escape
    card = card_of(meta)
    rows = [(label, e(card[key]).replace("\n", "<br>")) for key, label in FIELDS if key in card]
    names = list(meta.get("class_names", []))
    rows.append(("Classes", f"{len(names)}: " + ", ".join(e(str(n)) for n in names)))
    rows.append(("Input", e("×".join(str(v) for v in meta.get("input_shape", [])))))
    if "preprocessing" in meta:
        rows.append(("Preprocessing", e(_preprocessing(meta["preprocessing"]))))
    training = meta.get("training") or {}
    fp = meta.get("dataset_fingerprint")
    if fp:
        sizes = training.get("split_sizes") or {}
        split = " / ".join(f"{sizes[k]} {k}" for k in ("train", "val", "test") if k in sizes)
        rows.append(("Training data", f"<code>{e(str(fp)[:23])}…</code>" + (f"<br>{e(split)}" if split else "")))
    m = meta.get("metrics") or {}
    if m.get("accuracy") is not None:
        parts = [f"accuracy {m['accuracy']:.1%}"]
        ci = m.get("accuracy_ci")
        if ci:
            parts[0] += f" (95% CI {ci[0]:.0%}–{ci[1]:.0%})"
        for key, label in (("balanced_accuracy", "balanced"), ("macro_f1", "macro F1"), ("roc_auc", "ROC AUC")):
            if m.get(key) is not None:
                parts.append(f"{label} {m[key]:.3f}" if key != "balanced_accuracy" else f"{label} {m[key]:.1%}")
        n = f" on {m['n']} test scans" if m.get("n") else ""
        rows.append(("Test metrics", e(", ".join(parts) + n)))
    else:
        rows.append(("Test metrics", "none recorded"))
    cal = meta.get("calibration") or {}
    if cal.get("fitted_on"):
        text = f"temperature scaling, T = {cal['temperature']:.2f} (fitted on {cal.get('n', '?')} validation scans)"
        if m.get("ece_uncalibrated") is not None:
            text += f"; test ECE {m['ece_uncalibrated']:.3f} before, {m['ece']:.3f} after"
        rows.append(("Calibration", e(text)))
    elif m.get("ece") is not None:
        rows.append(("Calibration", e(f"not recalibrated; test ECE {m['ece']:.3f}")))
    cfg = training.get("config") or {}
    made = str(meta.get("created", "")).replace("T", " ").replace("+00:00", " UTC") or "not saved yet"
    how = f"{e(str(meta.get('model_name', cfg.get('model', '?'))))}"
    if training.get("epochs_run"):
        how += f", {training['epochs_run']} epochs (best {training.get('best_epoch')})"
        precision = str(training.get("precision", "float32"))  # bundles before the setting: float32
        how += ", " + e(precision if precision == "float32" else f"{precision} mixed precision")
    rows.append(("Made", f"{e(made)}<br>{how}"))
    if "left_right_matters" in cfg:
        rows.append(("Left/right", "matters: trained without left-right flips" if cfg["left_right_matters"]
                     else "does not matter for the class"))
    libs = _versions(meta.get("libraries") or {})
    if libs:
        rows.append(("With", e(libs)))
    if source:
        rows.append(("File", e(source)))
    body = "".join(f"<tr><td style='padding-right:8px'><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows)
    return f"<table cellspacing='0' cellpadding='1'>{body}</table>"
