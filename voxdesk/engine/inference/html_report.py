"""A one-page HTML report of a model on a labelled split: what a clinician files or sends.

``render_report(metrics, metadata, ...)`` returns one self-contained HTML page (inline CSS and
SVG, no script, nothing fetched): the model card (intended use, limitations, author, licence,
when given), the data it was evaluated on and the model's training fingerprint, headline
metrics with their 95% intervals, the per-class table, the confusion matrix, the training
curves, the reliability diagram (before/after temperature scaling as ECE) and the
coverage/accuracy curve with the referral threshold. ``write_report_html`` writes it
atomically. ``voxdesk-cli report`` and the GUI's Export Report both use it.

Every text that comes from a file (class names, paths, card fields) is escaped.
"""
from __future__ import annotations

import datetime as _dt
import html
from pathlib import Path

from voxdesk.engine.io.atomic import atomic_open, write_error
from voxdesk.engine.model.card import FIELDS as CARD_FIELDS
from voxdesk.engine.model.card import card_of

W, H, PAD = 360, 220, 36
COLOURS = ("#2b7bb9", "#e07b00", "#3a9d23", "#b03060")

CSS = """
body { font: 14px/1.45 "DejaVu Sans", "Noto Sans", "Noto Sans CJK KR", sans-serif; color: #1d2230;
       max-width: 1000px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 2px; }
h2 { font-size: 16px; margin: 22px 0 6px; border-bottom: 1px solid #ccd; }
.sub { color: #5a6070; margin-top: 0; } .warn { background: #fff3cd; border: 1px solid #e0b000; padding: 8px 10px; }
table { border-collapse: collapse; margin: 4px 0; }
td, th { border: 1px solid #ccd; padding: 3px 8px; text-align: right; }
th { background: #eef0f5; } td.l, th.l { text-align: left; } .grid { display: flex; flex-wrap: wrap; gap: 18px; }
figure { margin: 0; } figcaption { font-size: 12px; color: #5a6070; max-width: 360px; }
svg text { font: 11px sans-serif; fill: #333; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; }
dt { font-weight: bold; } dd { margin: 0; white-space: pre-wrap; }
@media print { body { margin: 0; } }
"""


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _pct(v) -> str:
    return "n/a" if v is None else f"{100 * v:.1f}%"


def _ci(ci) -> str:
    return f" (95% CI {100 * ci[0]:.1f}-{100 * ci[1]:.1f}%)" if ci else ""


def _chart(series: list[tuple[str, list[tuple[float, float]]]], *, x_label: str, y_label: str,
           y_range: tuple[float, float] | None = None, x_range: tuple[float, float] | None = None,
           diagonal: bool = False, marks: list[tuple[float, str]] = ()) -> str:
    """A small SVG line chart (points joined; one colour per series, with a legend)."""
    points = [p for _, pts in series for p in pts]
    if not points:
        return "<p>(no data)</p>"
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1 = x_range or (min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1)
    y0, y1 = y_range or (min(0.0, min(ys)), max(ys) * 1.05 if max(ys) > 0 else 1.0)

    def sx(x):
        return PAD + (x - x0) / (x1 - x0 or 1) * (W - PAD - 10)

    def sy(y):
        return H - PAD + 10 - (y - y0) / (y1 - y0 or 1) * (H - PAD - 10)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H + 26}" role="img" '
           f'aria-label="{_e(y_label)} by {_e(x_label)}">',
           f'<rect x="{PAD}" y="10" width="{W - PAD - 10}" height="{H - PAD}" fill="#fafbfd" stroke="#99a"/>']
    for t in range(5):
        yv = y0 + (y1 - y0) * t / 4
        out.append(f'<text x="{PAD - 4}" y="{sy(yv) + 4:.1f}" text-anchor="end">{yv:.2g}</text>')
        xv = x0 + (x1 - x0) * t / 4
        out.append(f'<text x="{sx(xv):.1f}" y="{H - PAD + 24}" text-anchor="middle">{xv:.3g}</text>')
    out.append(f'<text x="{(W + PAD) / 2}" y="{H + 6}" text-anchor="middle">{_e(x_label)}</text>')
    out.append(f'<text x="10" y="{H / 2}" transform="rotate(-90 10 {H / 2})" text-anchor="middle">{_e(y_label)}</text>')
    if diagonal:
        out.append(f'<line x1="{sx(x0)}" y1="{sy(y0)}" x2="{sx(x1)}" y2="{sy(y1)}" stroke="#aab" '
                   'stroke-dasharray="4 3"/>')
    for x, text in marks:  # the label on the side of the line with room
        side = ('end', -3) if sx(x) > W / 2 else ('start', 3)
        out.append(f'<line x1="{sx(x):.1f}" y1="10" x2="{sx(x):.1f}" y2="{H - PAD + 10}" stroke="#b03060" '
                   f'stroke-dasharray="3 3"/><text x="{sx(x) + side[1]:.1f}" y="{H - PAD}" '
                   f'text-anchor="{side[0]}" fill="#b03060">{_e(text)}</text>')
    for i, (name, pts) in enumerate(series):
        c = COLOURS[i % len(COLOURS)]
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
        out.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="2"/>')
        out.extend(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.5" fill="{c}"/>' for x, y in pts if len(pts) < 60)
        out.append(f'<rect x="{PAD + 110 * i}" y="{H + 14}" width="10" height="3" fill="{c}"/>'
                   f'<text x="{PAD + 14 + 110 * i}" y="{H + 19}" fill="{c}">{_e(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{_e(caption)}</figcaption></figure>"


def _curves(history: dict) -> str:
    figs = []
    for key, label in (("loss", "loss"), ("accuracy", "accuracy")):
        series = [(name, [(i + 1, float(v)) for i, v in enumerate(history.get(k) or []) if v == v])
                  for name, k in (("training", key), ("validation", f"val_{key}"))]
        series = [s for s in series if s[1]]
        if series:
            figs.append(_figure(_chart(series, x_label="epoch", y_label=label,
                                       y_range=(0.0, 1.0) if key == "accuracy" else None),
                                f"Training {label} by epoch (the whole run)."))
    return "".join(figs)


def _confusion(metrics: dict) -> str:
    names, cm = metrics["class_names"], metrics.get("confusion_matrix") or []
    peak = max((max(r) for r in cm if r), default=1) or 1
    rows = ["<table><tr><th class='l'>true \\ predicted</th>" + "".join(f"<th>{_e(n)}</th>" for n in names) + "</tr>"]
    for name, row in zip(names, cm):
        cells = "".join(f"<td style='background: rgba(43,123,185,{0.08 + 0.6 * v / peak:.2f})'>{v}</td>" for v in row)
        rows.append(f"<tr><th class='l'>{_e(name)}</th>{cells}</tr>")
    return "".join(rows) + "</table>"


def _per_class(metrics: dict) -> str:
    rows = ["<table><tr><th class='l'>class</th><th>precision</th><th>recall (95% CI)</th><th>F1</th>"
            "<th>support</th></tr>"]
    for r in metrics.get("per_class", []):
        rc = r.get("recall_ci")
        recall = f"{100 * r['recall']:.1f}%" + (f" ({100 * rc[0]:.1f}-{100 * rc[1]:.1f}%)" if rc else "")
        rows.append(f"<tr><td class='l'>{_e(r['class'])}</td><td>{100 * r['precision']:.1f}%</td><td>{recall}</td>"
                    f"<td>{r['f1']:.3f}</td><td>{r['support']}</td></tr>")
    return "".join(rows) + "</table>"


def _headline(metrics: dict) -> str:
    items = [("Cases evaluated", str(metrics["n"])),
             ("Accuracy", _pct(metrics["accuracy"]) + _ci(metrics.get("accuracy_ci"))),
             ("Balanced accuracy", _pct(metrics.get("balanced_accuracy")))]
    if metrics.get("roc_auc") is not None:
        ci = metrics.get("roc_auc_ci")
        items.append(("ROC AUC", f"{metrics['roc_auc']:.3f}" + (f" (95% CI {ci[0]:.3f}-{ci[1]:.3f})" if ci else "")))
    ece = f"{metrics['ece']:.3f}"
    if metrics.get("ece_uncalibrated") is not None:
        ece += f" (before temperature scaling: {metrics['ece_uncalibrated']:.3f}; T = {metrics['temperature']:.2f})"
    items.append(("Expected calibration error", ece))
    if metrics.get("brier") is not None:
        items.append(("Brier score / log loss", f"{metrics['brier']:.3f} / {metrics['log_loss']:.3f}"))
    ref = metrics.get("referral")
    if ref:
        items.append(("Referral", f"below confidence {ref['threshold']:.3f}: {ref['referred']} of {metrics['n']} "
                                  f"referred to a human; accuracy on the {ref['kept']} kept "
                                  f"{_pct(ref['accuracy_kept'])}{_ci(ref.get('accuracy_kept_ci'))}"))
    return "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in items) + "</dl>"


def render_report(metrics: dict, metadata: dict, *, model_name: str, data_name: str, split: str) -> str:
    """The report page as one HTML string."""
    card = card_of(metadata)
    cal = metadata.get("calibration") or {}
    training = metadata.get("training") or {}
    sizes = training.get("split_sizes") or {}
    title = f"{model_name} on {data_name} ({split})"
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title>"
             f"<style>{CSS}</style></head><body>",
             f"<h1>VoxDesk model report: {_e(model_name)}</h1>",
             f"<p class='sub'>Evaluated on {_e(data_name)}, split “{_e(split)}”; "
             f"written {_dt.datetime.now(_dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}.</p>"]
    for note in ([metrics["leakage_warning"]] if metrics.get("leakage_warning") else []):
        parts.append(f"<p class='warn'><b>Warning:</b> {_e(note)}. The figures below overstate the model.</p>")
    parts.append("<h2>Model card</h2><dl>")
    shown = [(label, card.get(key)) for key, label in CARD_FIELDS if card.get(key)]
    shown += [("Classes", ", ".join(metadata.get("class_names", []))),
              ("Input", " x ".join(map(str, metadata.get("input_shape", [])))),
              ("Architecture", metadata.get("model_name", "?")),
              ("Trained", f"{training.get('epochs_run', '?')} epochs (best {training.get('best_epoch', '?')}) on "
                          + " / ".join(f"{sizes[k]} {k}" for k in ("train", "val", "test") if k in sizes)),
              ("Precision", str(training.get("precision", "float32"))  # bundles before the setting: float32
               + (" mixed (the saved model predicts in float32)" if training.get("precision", "float32") != "float32"
                  else "")),
              ("Training data fingerprint", metadata.get("dataset_fingerprint") or "not recorded")]
    if cal.get("temperature"):
        shown.append(("Calibration", f"temperature scaling, T = {float(cal['temperature']):.2f}"))
    parts += [f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in shown] + ["</dl>"]
    if not metrics.get("n"):
        parts.append("<p>No samples were evaluated.</p></body></html>")
        return "".join(parts)
    parts += ["<h2>Results</h2>", _headline(metrics), "<h2>Per class</h2>", _per_class(metrics),
              "<h2>Confusion matrix</h2>", _confusion(metrics), "<h2>Figures</h2><div class='grid'>"]
    rel = [b for b in metrics.get("reliability", []) if b.get("count")]
    if rel:
        parts.append(_figure(_chart([("observed accuracy", [(b["confidence"], b["accuracy"]) for b in rel])],
                                    x_label="confidence", y_label="accuracy", x_range=(0.0, 1.0),
                                    y_range=(0.0, 1.0), diagonal=True),
                             "Reliability: accuracy against confidence in 15 bins; on the dashed line the "
                             "probabilities mean what they say."))
    cov = metrics.get("coverage_curve") or []
    if cov:
        ref = metrics.get("referral")
        marks = [(ref["kept"] / metrics["n"], "referral threshold")] if ref and metrics["n"] else []
        parts.append(_figure(_chart([("accuracy on the kept", [(c["coverage"], c["accuracy"]) for c in cov])],
                                    x_label="share of cases kept (most confident first)", y_label="accuracy",
                                    x_range=(0.0, 1.0), y_range=(min(0.5, min(c["accuracy"] for c in cov)), 1.0),
                                    marks=marks),
                             "Coverage: referring the least confident cases to a human raises the accuracy on "
                             "the rest."))
    parts.append(_curves(metadata.get("history") or {}))
    parts.append("</div>")
    notes = [n for n in metrics.get("notes", []) if n != metrics.get("leakage_warning")]
    if notes:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    parts.append("<p class='sub'>Intervals: Wilson 95% for accuracy and recalls, 1,000-resample bootstrap for "
                 "ROC AUC.</p></body></html>")
    return "".join(parts)


def write_report_html(path, page: str) -> Path:
    """Write the page atomically; a ``VoxdeskError`` names a failed write."""
    path = Path(path)
    try:
        with atomic_open(path) as fh:
            fh.write(page)
    except OSError as exc:
        raise write_error("the report", path, exc) from None
    return path
