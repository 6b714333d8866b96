"""The model card: what a clinician needs to judge whether a model fits the scan, as HTML.

Formats the engine's bundle metadata (classes, input, preprocessing, training data, test
metrics, calibration, how and when it was made, library versions); computes nothing.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP

from voxdesk.gui.infra.i18n import split_name, translate


def _referral(ref: dict) -> str:
    """The bundle's referral entry in words; any part may be missing (older or hand-made bundles)."""
    target, n = ref.get("target_accuracy"), ref.get("n", "?")
    target = f"{target:.0%}" if isinstance(target, (int, float)) else "?"
    if ref.get("threshold") is None:
        return translate("Card", "every case is referred: on {n} validation scans no share of the cases "
                                 "shows {target} accuracy").format(n=n, target=target)
    text = translate("Card", "below confidence {t}").format(t=f"{ref['threshold']:.3f}")
    if isinstance(ref.get("accuracy"), (int, float)) and isinstance(ref.get("coverage"), (int, float)):
        text += translate("Card", "; on {n} validation scans the {kept} kept were {acc} correct (target "
                                  "{target})").format(n=n, kept=f"{ref['coverage']:.0%}", acc=f"{ref['accuracy']:.1%}",
                                                      target=target)
    if isinstance(ref.get("lower_bound"), (int, float)):
        text += translate("Card", ", at least {lb} with {conf} confidence").format(
            lb=f"{ref['lower_bound']:.1%}", conf=f"{ref.get('confidence', 0.8):.0%}")
    return text


def _versions(libs: dict) -> str:
    names = (("voxdesk", "VoxDesk"), ("keras", "Keras"), ("tensorflow", "TensorFlow"),
             ("tensorflow-cpu", "TensorFlow"), ("python", "Python"))
    return ", ".join(f"{label} {libs[key]}" for key, label in names if key in libs)


FIELD_LABELS = {"intended_use": QT_TRANSLATE_NOOP("Card", "Intended use"),
                "limitations": QT_TRANSLATE_NOOP("Card", "Limitations"),
                "author": QT_TRANSLATE_NOOP("Card", "Author"), "license": QT_TRANSLATE_NOOP("Card", "Licence")}
"""The engine's card FIELDS labels, for translation (tests check they match the engine's)."""


def _t(text: str) -> str:
    return translate("Card", text)


def _preprocessing(p: dict) -> str:
    norm = p.get("normalization", "?")
    low, high = p.get("percentiles", ("?", "?"))
    text = {"minmax": translate("Card", "min-max to 0..1"), "zscore": translate("Card", "z-score"),
            "none": translate("Card", "none"),
            "percentile": translate("Card", "percentiles {low}..{high} to 0..1").format(low=low, high=high),
            "robust": translate("Card", "percentiles {low}..{high} to 0..1, brighter kept").format(low=low, high=high),
            "ct-window": translate("Card", "CT window L {level} / W {width} HU").format(
                level=p.get("window_level"), width=p.get("window_width"))}.get(norm, norm)
    size = "×".join(str(v) for v in p.get("spatial_shape", ()))
    mm = p.get("target_spacing")
    if mm:
        return translate("Card", "resampled to {mm} mm voxels (order {order}), cropped or padded to {size}, "
                                 "normalised {how}").format(mm="×".join(f"{v:g}" for v in mm), size=size,
                                                            order=p.get("resample_order", 1), how=text)
    return translate("Card", "resampled to {size} (order {order}), normalised {how}").format(
        size=size, order=p.get("resample_order", 1), how=text)


def card_html(meta: dict, source: str = "") -> str:
    """The model card: what a clinician needs to judge whether the model fits the scan."""
    from voxdesk.engine.model.card import FIELDS, card_of

    e = html.escape
    card = card_of(meta)
    rows = [(_t(FIELD_LABELS[key]) if FIELD_LABELS.get(key) == label else label, e(card[key]).replace("\n", "<br>"))
            for key, label in FIELDS if key in card]
    names = list(meta.get("class_names", []))
    rows.append((translate("Card", "Classes"), f"{len(names)}: " + ", ".join(e(str(n)) for n in names)))
    rows.append((translate("Card", "Input"), e("×".join(str(v) for v in meta.get("input_shape", [])))))
    if "preprocessing" in meta:
        rows.append((translate("Card", "Preprocessing"), e(_preprocessing(meta["preprocessing"]))))
    training = meta.get("training") or {}
    fp = meta.get("dataset_fingerprint")
    if fp:
        sizes = training.get("split_sizes") or {}
        split = " / ".join(f"{sizes[k]} {split_name(k)}" for k in ("train", "val", "test") if k in sizes)
        digest = f"<code>{e(str(fp)[:23])}…</code>" + (f"<br>{e(split)}" if split else "")
        rows.append((translate("Card", "Training data"), digest))
    m = meta.get("metrics") or {}
    if m.get("accuracy") is not None:
        parts = [translate("Card", "accuracy {value}").format(value=f"{m['accuracy']:.1%}")]
        ci = m.get("accuracy_ci")
        if ci:
            parts[0] += translate("Card", " (95% CI {low}–{high})").format(low=f"{ci[0]:.0%}", high=f"{ci[1]:.0%}")
        for key, label in (("balanced_accuracy",
            translate("Card", "balanced")), ("macro_f1", translate("Card", "macro F1")), ("roc_auc", "ROC AUC")):
            if m.get(key) is not None:
                parts.append(f"{label} {m[key]:.3f}" if key != "balanced_accuracy" else f"{label} {m[key]:.1%}")
        n = translate("Card", " on {n} test scans").format(n=m["n"]) if m.get("n") else ""
        rows.append((translate("Card", "Test metrics"), e(", ".join(parts) + n)))
    else:
        rows.append((translate("Card", "Test metrics"), translate("Card", "none recorded")))
    cal = meta.get("calibration") or {}
    if cal.get("fitted_on"):
        text = translate("Card", "temperature scaling, T = {t} (fitted on {n} validation scans)").format(
            t=f"{cal['temperature']:.2f}", n=cal.get("n", "?"))
        if m.get("ece_uncalibrated") is not None:
            text += translate("Card", "; test ECE {before} before, {after} after").format(
                before=f"{m['ece_uncalibrated']:.3f}", after=f"{m['ece']:.3f}")
        rows.append((translate("Card", "Calibration"), e(text)))
    elif m.get("ece") is not None:
        rows.append((translate("Card", "Calibration"), e(translate("Card", "not recalibrated; test ECE {ece}").format(
            ece=f"{m['ece']:.3f}"))))
    ref = cal.get("referral")
    if ref:
        rows.append((translate("Card", "Referral"), e(_referral(ref))))
    cfg = training.get("config") or {}
    made = (str(meta.get("created", "")).replace("T", " ").replace("+00:00", " UTC")
            or translate("Card", "not saved yet"))
    how = f"{e(str(meta.get('model_name', cfg.get('model', '?'))))}"
    if training.get("epochs_run"):
        how += translate("Card", ", {n} epochs (best {best})").format(n=training["epochs_run"],
                                                                     best=training.get("best_epoch"))
        precision = str(training.get("precision", "float32"))  # bundles before the setting: float32
        how += ", " + e(precision if precision == "float32"
                        else translate("Card", "{p} mixed precision").format(p=precision))
    rows.append((translate("Card", "Made"), f"{e(made)}<br>{how}"))
    if "left_right_matters" in cfg:
        rows.append((translate("Card", "Left/right"), translate("Card", "matters: trained without left-right "
                                                                        "flips") if cfg["left_right_matters"]
                     else translate("Card", "does not matter for the class")))
    libs = _versions(meta.get("libraries") or {})
    if libs:
        rows.append((translate("Card", "With"), e(libs)))
    if source:
        rows.append((translate("Card", "File"), e(source)))
    body = "".join(f"<tr><td style='padding-right:8px'><b>{k}</b></td><td>{v}</td></tr>" for k, v in rows)
    return f"<table cellspacing='0' cellpadding='1'>{body}</table>"
