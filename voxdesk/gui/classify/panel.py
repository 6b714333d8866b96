"""Classify panel: the model card, the prediction (bars, top class, warnings), the explanation.

The panel computes nothing: the controller (``classify_dock``) hands it the engine's
``Bundle`` metadata, ``Prediction`` and ``Explanation`` and it formats them. It asks for work
with signals (``load_requested(path)``, ``use_trained_requested()``, ``classify_requested()``,
``explain_requested(class name or None)``) and talks to the views only through the shared
``ViewerState``: the opacity slider and colormap change ``state.overlay``; "Jump to hottest
voxel" sets ``state.cursor``. A new volume clears the prediction (it belonged to the old one).

Stable objectNames: ``modelCard``, ``loadModelButton``, ``useTrainedButton``, ``classifyButton``,
``probabilityChart``, ``topClass``, ``predictionWarnings``, ``explainClass``, ``explainButton``,
``overlayOpacity``, ``overlayColormap``, ``hottestButton``, ``classifyStatus``.
"""
from __future__ import annotations

import dataclasses
import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from voxdesk.engine.io import formats
from voxdesk.gui.infra.style import push_button, tones
from voxdesk.gui.viewer.views.colormaps import COLORMAPS

OVERLAY_COLORMAPS = tuple(c for c in COLORMAPS if c != "grey")
PREDICTED = "Predicted class"


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
    return f"resampled to {size} (order {p.get('resample_order', 1)}), normalised {text}"


def card_html(meta: dict, source: str = "") -> str:
    """The model card: what a clinician needs to judge whether the model fits the scan."""
    e = html.escape
    rows = []
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


class ProbabilityChart(pg.PlotWidget):
    """One vertical bar per class (height = the engine's probability), the top class highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("probabilityChart")
        pal = self.palette()
        self.setBackground(pal.color(QPalette.Base))
        self._fg = pal.color(QPalette.Text)
        self._hi = pal.color(QPalette.Highlight)
        light = pal.color(QPalette.Base).lightness() > 128
        self._lo = pal.color(QPalette.Mid) if light else pal.color(QPalette.Button).lighter(160)
        self.setMinimumHeight(190)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.setMouseEnabled(False, False)
        item.hideButtons()
        item.setYRange(0.0, 1.12, padding=0)
        for side in ("left", "bottom"):
            item.getAxis(side).setPen(self._fg)
            item.getAxis(side).setTextPen(self._fg)
        item.getAxis("bottom").setHeight(28)
        item.getAxis("left").setTicks([[(v, f"{v:.0%}") for v in (0.0, 0.25, 0.5, 0.75, 1.0)]])
        item.showGrid(y=True, alpha=0.15)
        self.bars: pg.BarGraphItem | None = None
        self._texts: list[pg.TextItem] = []
        self._names: list[str] = []

    def set_probabilities(self, probabilities: dict[str, float] | None) -> None:
        item = self.getPlotItem()
        for t in self._texts:
            item.removeItem(t)
        self._texts = []
        if self.bars is not None:
            item.removeItem(self.bars)
            self.bars = None
        self._names = list(probabilities or {})
        if not probabilities:
            item.getAxis("bottom").setTicks([[]])
            return
        heights = np.array([float(v) for v in probabilities.values()])
        top = int(np.argmax(heights))
        brushes = [pg.mkBrush(self._hi if i == top else self._lo) for i in range(len(heights))]
        x = np.arange(len(heights), dtype=float)
        self.bars = pg.BarGraphItem(x=x, height=heights, width=0.62, brushes=brushes, pen=pg.mkPen(None))
        item.addItem(self.bars)
        item.getAxis("bottom").setTicks([[(i, n) for i, n in enumerate(self._names)]])
        item.setXRange(-0.6, len(heights) - 0.4, padding=0)
        for i, h in enumerate(heights):
            t = pg.TextItem(f"{h:.1%}", color=self._fg, anchor=(0.5, 1.0))
            t.setPos(i, h + 0.01)
            item.addItem(t)
            self._texts.append(t)

    def heights(self) -> list[float]:
        return [] if self.bars is None else [float(v) for v in self.bars.opts["height"]]

    def names(self) -> list[str]:
        return list(self._names)


class ClassifyPanel(QWidget):
    load_requested = Signal(str)
    use_trained_requested = Signal()
    classify_requested = Signal()
    explain_requested = Signal(object)
    """The class name to explain, or None for the predicted class."""

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("classifyPanel")
        self.state = state
        self.hottest: tuple[int, int, int] | None = None
        self._tones = tones(self)

        model_box = QGroupBox("Model")
        self.card = QLabel("No model loaded.<br>Load a <i>.voxmodel</i> bundle or train one.")
        self.card.setObjectName("modelCard")
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.RichText)
        self.card.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.load_button = push_button("Load Model…", "loadModelButton", self.choose_and_load)
        self.trained_button = push_button("Use Trained Model", "useTrainedButton", self.use_trained_requested.emit)
        self.trained_button.setEnabled(False)
        self.trained_button.setToolTip("Use the model the Training panel just trained")
        row = QHBoxLayout()
        row.addWidget(self.load_button)
        row.addWidget(self.trained_button)
        lay = QVBoxLayout(model_box)
        lay.addLayout(row)
        lay.addWidget(self.card)

        pred_box = QGroupBox("Prediction")
        self.classify_button = push_button("Classify Volume", "classifyButton", self.classify_requested.emit)
        self.top = QLabel("—")
        self.top.setObjectName("topClass")
        self.top.setTextFormat(Qt.RichText)
        self.chart = ProbabilityChart()
        self.warnings = QLabel()
        self.warnings.setObjectName("predictionWarnings")
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.RichText)
        self.warnings.setTextInteractionFlags(Qt.TextSelectableByMouse)
        t = self._tones
        self.warnings.setStyleSheet(f"QLabel {{ color: {t['warn']}; background: {t['warn_bg']}; "
                                    f"border: 1px solid {t['warn_border']}; border-radius: 4px; padding: 4px; }}")
        self.warnings.hide()
        lay = QVBoxLayout(pred_box)
        lay.addWidget(self.classify_button)
        lay.addWidget(self.top)
        lay.addWidget(self.chart, 1)
        lay.addWidget(self.warnings)

        expl_box = QGroupBox("Explanation (Grad-CAM)")
        self.class_choice = QComboBox()
        self.class_choice.setObjectName("explainClass")
        self.class_choice.addItem(PREDICTED, None)
        self.explain_button = push_button("Explain", "explainButton", self._explain)
        self.opacity = QSlider(Qt.Horizontal)
        self.opacity.setObjectName("overlayOpacity")
        self.opacity.setRange(0, 100)
        self.opacity.setValue(55)
        self.opacity.valueChanged.connect(lambda v: self.state.set_overlay_opacity(v / 100.0))
        self.colormap = QComboBox()
        self.colormap.setObjectName("overlayColormap")
        self.colormap.addItems(OVERLAY_COLORMAPS)
        self.colormap.setCurrentText("inferno")
        self.colormap.currentTextChanged.connect(self._set_colormap)
        self.hottest_button = push_button("Jump to Hottest Voxel", "hottestButton", self.jump_to_hottest)
        self.expl_info = QLabel()
        self.expl_info.setObjectName("explanationInfo")
        self.expl_info.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.class_choice, 1)
        row.addWidget(self.explain_button)
        form = QFormLayout(expl_box)
        form.addRow("Class", row)
        form.addRow("Opacity", self.opacity)
        form.addRow("Colormap", self.colormap)
        form.addRow(self.hottest_button)
        form.addRow(self.expl_info)

        self.status = QLabel()
        self.status.setObjectName("classifyStatus")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"QLabel {{ color: {t['muted']}; }}")
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(model_box)
        inner.addWidget(pred_box, 1)
        inner.addWidget(expl_box)
        scroll = QScrollArea()  # a short dock scrolls instead of clipping the card or the bars
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addWidget(self.status)

        state.volume_changed.connect(lambda _v: self.clear_prediction())
        state.overlay_changed.connect(lambda _o: self._update_enabled())
        self._has_model = False
        self._busy = False
        self._update_enabled()

    # -- requests -------------------------------------------------------------------------
    def ask_model_path(self) -> str:
        """The bundle to load (tests replace this)."""
        path, _ = QFileDialog.getOpenFileName(self, "Load Model", "", formats.model_filter())
        return path

    def choose_and_load(self) -> None:
        path = self.ask_model_path()
        if path:
            self.load_requested.emit(path)

    def _explain(self) -> None:
        self.explain_requested.emit(self.class_choice.currentData())

    def jump_to_hottest(self) -> None:
        if self.hottest is not None and self.state.volume is not None:
            self.state.set_cursor(self.hottest)

    def _set_colormap(self, name: str) -> None:
        ov = self.state.overlay
        if ov is not None and ov.colormap != name:
            self.state.set_overlay(dataclasses.replace(ov, colormap=name))

    @property
    def overlay_opacity(self) -> float:
        return self.opacity.value() / 100.0

    @property
    def overlay_colormap(self) -> str:
        return self.colormap.currentText()

    # -- shown by the controller ----------------------------------------------------------
    def set_bundle(self, metadata: dict | None, source: str = "") -> None:
        self._has_model = metadata is not None
        self.update_card(metadata, source)
        self.class_choice.clear()
        self.class_choice.addItem(PREDICTED, None)
        for name in (metadata or {}).get("class_names", []):
            self.class_choice.addItem(str(name), str(name))
        self.clear_prediction()

    def update_card(self, metadata: dict | None, source: str = "") -> None:
        self.card.setText("No model loaded." if metadata is None else card_html(metadata, source))

    def set_trained_available(self, available: bool) -> None:
        self.trained_button.setEnabled(bool(available))

    def show_prediction(self, prediction) -> None:
        p = prediction
        refer = (f"<br><b style='color:{tones(self)['warn']}'>Refer to a human: the confidence is below the "
                 "model's referral threshold</b>") if p.refer else ""
        self.top.setText(f"<span style='font-size:15pt'><b>{html.escape(p.class_name)}</b></span>"
                         f"&nbsp;&nbsp;{p.confidence:.1%} confidence{refer}")
        self.chart.set_probabilities(p.probabilities)
        self.set_warnings(p.warnings)

    def set_warnings(self, warnings) -> None:
        if warnings:
            self.warnings.setText("<b>Check the input:</b><br>" + "<br>".join(f"• {html.escape(w)}" for w in warnings))
        self.warnings.setVisible(bool(warnings))

    def show_explanation(self, explanation) -> None:
        e = explanation
        self.hottest = tuple(int(v) for v in e.hottest_voxel)
        self.expl_info.setText(f"Heat map of <b>{html.escape(e.class_name)}</b> (p = {e.probability:.1%}) "
                               f"from layer {html.escape(e.layer)}; hottest voxel in the body {self.hottest}.")
        if e.heat_notes:
            self.expl_info.setText(self.expl_info.text() + "<br>" + html.escape(e.heat_notes[0]))
        self._update_enabled()

    def clear_prediction(self) -> None:
        self.top.setText("—")
        self.chart.set_probabilities(None)
        self.set_warnings([])
        self.hottest = None
        self.expl_info.setText("")
        self._update_enabled()

    def set_busy(self, message: str) -> None:
        """A job is running (``message``) or finished (``""``)."""
        self._busy = bool(message)
        self.status.setText(message)
        self._update_enabled()

    def show_status(self, message: str) -> None:
        self.status.setText(message)

    def _update_enabled(self) -> None:
        ready = self._has_model and not self._busy
        self.classify_button.setEnabled(ready)
        self.explain_button.setEnabled(ready)
        self.class_choice.setEnabled(self._has_model)
        self.load_button.setEnabled(not self._busy)
        has_overlay = getattr(self.state, "overlay", None) is not None
        self.opacity.setEnabled(has_overlay)
        self.colormap.setEnabled(has_overlay)
        self.hottest_button.setEnabled(self.hottest is not None)
