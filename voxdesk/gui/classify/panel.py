"""Classify panel: the prediction (top class, bars, warnings), the explanation, the model card.

The panel computes nothing: the controller (``classify_dock``) hands it the engine's
``Bundle`` metadata, ``Prediction`` and ``Explanation`` and it formats them. It asks for work
with signals (``load_requested(path)``, ``use_trained_requested()``, ``classify_requested()``,
``explain_requested(class name or None)``) and talks to the views only through the shared
``ViewerState``: the opacity slider and colormap change ``state.overlay``; "Jump to hottest
voxel" sets ``state.cursor``. A new volume clears the prediction (it belonged to the old one).

Result first (issue 15): a fixed header, never scrolled, holds Load Model / Use Trained, Classify
and Explain and the top class with its confidence and the referral warning; below it one scroll
area (``classifyScroll``, the dock's only one) holds the bars, the input warnings, the overlay
settings and the model card, a section folded with ``modelCardToggle`` (remembered).

Stable objectNames: ``modelCard``, ``loadModelButton``, ``useTrainedButton``, ``classifyButton``,
``probabilityChart``, ``topClass``, ``predictionWarnings``, ``explainClass``, ``explainButton``,
``overlayOpacity``, ``overlayColormap``, ``hottestButton``, ``classifyStatus``, ``classifyHeader``,
``classifyScroll``, ``modelCardToggle``, ``uncertaintyCombo`` (the per-case uncertainty method).
"""
from __future__ import annotations

import dataclasses
import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from voxdesk.engine.io import formats
from voxdesk.engine.model.uncertainty import DEFAULT_METHOD
from voxdesk.gui.classify.card import card_html
from voxdesk.gui.classify.chart import ProbabilityChart
from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.infra.section import Section
from voxdesk.gui.infra.style import push_button, tones
from voxdesk.gui.viewer.views.colormaps import COLORMAPS

OVERLAY_COLORMAPS = tuple(c for c in COLORMAPS if c != "grey")
PREDICTED = QT_TRANSLATE_NOOP("Classify", "Predicted class")


class ClassifyPanel(QWidget):
    load_requested = Signal(str)
    use_trained_requested = Signal()
    classify_requested = Signal()
    explain_requested = Signal(object)
    edit_card_requested = Signal()
    report_requested = Signal()
    """The class name to explain, or None for the predicted class."""

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("classifyPanel")
        self.state = state
        self.hottest: tuple[int, int, int] | None = None
        self._tones = tones(self)

        self.card = QLabel(translate("Classify", "No model loaded.<br>Load a <i>.voxmodel</i> bundle or train one."))
        self.card.setObjectName("modelCard")
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.RichText)
        self.card.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.load_button = push_button(translate("Classify", "Load Model…"), "loadModelButton", self.choose_and_load)
        self.trained_button = push_button(
            translate("Classify", "Use Trained Model"), "useTrainedButton", self.use_trained_requested.emit)
        self.trained_button.setEnabled(False)
        self.trained_button.setToolTip(translate("Classify", "Use the model the Training panel just trained"))
        self.classify_button = push_button(
            translate("Classify", "Classify Volume"), "classifyButton", self.classify_requested.emit)
        self.classify_button.setStyleSheet("QPushButton:enabled { font-weight: bold; }")
        self.class_choice = QComboBox()
        self.class_choice.setObjectName("explainClass")
        self.class_choice.addItem(translate("Classify", PREDICTED), None)
        self.class_choice.setToolTip(translate("Classify", "The class whose heat map Explain draws"))
        self.explain_button = push_button(translate("Classify", "Explain"), "explainButton", self._explain)
        self.explain_button.setToolTip(translate("Classify", "Overlay the Grad-CAM heat map of the chosen class"))

        self.uncertainty = QComboBox(objectName="uncertaintyCombo")
        for text, method in ((translate("Classify", "single pass"), "none"),
                             (translate("Classify", "± test-time augmentation"), "tta"),
                             (translate("Classify", "± MC dropout"), "mc")):
            self.uncertainty.addItem(text, method)
        self.uncertainty.setCurrentIndex(max(0, self.uncertainty.findData(DEFAULT_METHOD)))
        self.uncertainty.setToolTip(translate(
            "Classify", "Per-case uncertainty for Classify and the batch: the spread of the predicted class's "
                        "probability across test-time augmentation views (about 7-15x the time) or Monte-Carlo "
                        "dropout passes (about 1.5x). The class, confidence and referral are the single pass's."))
        self.top = QLabel("—")
        self.top.setObjectName("topClass")
        self.top.setTextFormat(Qt.RichText)
        self.top.setWordWrap(True)
        self.top.setTextInteractionFlags(Qt.TextSelectableByMouse)

        header = QWidget(objectName="classifyHeader")  # fixed: the result and its buttons
        rows = QVBoxLayout(header)
        rows.setContentsMargins(0, 0, 0, 0)
        for widgets in ((self.load_button, self.trained_button),
                        (self.classify_button, self.explain_button, self.class_choice),
                        (self.uncertainty,)):
            row = QHBoxLayout()
            for w in widgets:
                row.addWidget(w, 1 if w in (self.class_choice, self.uncertainty) else 0)
            rows.addLayout(row)
        rows.addWidget(self.top)

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

        expl_box = QGroupBox(translate("Classify", "Heat map overlay (Grad-CAM)"))
        self.opacity = QSlider(Qt.Horizontal)
        self.opacity.setObjectName("overlayOpacity")
        self.opacity.setRange(0, 100)
        self.opacity.setValue(55)
        self.opacity.valueChanged.connect(lambda v: self.state.set_overlay_opacity(v / 100.0))
        self.colormap = QComboBox()
        self.colormap.setObjectName("overlayColormap")
        self.colormap.addItems(OVERLAY_COLORMAPS)  # proper names (viridis, inferno, ...), as in the CLI
        self.colormap.setCurrentText("inferno")
        self.colormap.currentTextChanged.connect(self._set_colormap)
        self.hottest_button = push_button(
            translate("Classify", "Jump to Hottest Voxel"), "hottestButton", self.jump_to_hottest)
        self.expl_info = QLabel()
        self.expl_info.setObjectName("explanationInfo")
        self.expl_info.setWordWrap(True)
        form = QFormLayout(expl_box)
        form.addRow(translate("Classify", "Opacity"), self.opacity)
        form.addRow(translate("Classify", "Colormap"), self.colormap)
        form.addRow(self.hottest_button)
        form.addRow(self.expl_info)
        self.edit_card_button = push_button(
            translate("Classify", "Edit Card…"), "editCardButton", self.edit_card_requested.emit)
        self.edit_card_button.setToolTip(translate("Classify", "Intended use, limitations, author and licence, stored "
                                                               "in "
                                                     "the bundle"))
        self.report_button = push_button(
            translate("Classify", "Export Report…"), "exportReportButton", self.report_requested.emit)
        self.report_button.setToolTip(translate("Classify", "A one-page HTML report of this model on a dataset's test "
                                                            "split"))
        self.edit_card_button.setEnabled(False)
        self.report_button.setEnabled(False)
        card_box = QWidget(objectName="modelCardBox")
        card_lay = QVBoxLayout(card_box)
        card_lay.setContentsMargins(0, 0, 0, 0)
        card_lay.addWidget(self.card)
        card_row = QHBoxLayout()
        card_row.addWidget(self.edit_card_button)
        card_row.addWidget(self.report_button)
        card_row.addStretch(1)
        card_lay.addLayout(card_row)
        self.card_section = Section(
            translate("Card", "Model card"), card_box, settings_key="classify/model_card_collapsed",
                                    object_name="modelCard")

        self.status = QLabel()
        self.status.setObjectName("classifyStatus")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"QLabel {{ color: {t['muted']}; }}")
        body = QWidget(objectName="classifyBody")
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.warnings)
        inner.addWidget(self.chart, 1)
        inner.addWidget(expl_box)
        inner.addWidget(self.card_section)
        self.scroll_area = QScrollArea(objectName="classifyScroll")  # the only one: the wheel scrolls it
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(body)
        outer = QVBoxLayout(self)
        outer.addWidget(header)
        outer.addWidget(self.scroll_area, 1)
        outer.addWidget(self.status)

        state.volume_changed.connect(lambda _v: self.clear_prediction())
        state.overlay_changed.connect(lambda _o: self._update_enabled())
        self._has_model = False
        self._busy = False
        self._update_enabled()

    # -- requests -------------------------------------------------------------------------
    def ask_model_path(self) -> str:
        """The bundle to load (tests replace this)."""
        path, _ = QFileDialog.getOpenFileName(self, translate("Classify", "Load Model"), "", formats.model_filter())
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
    def uncertainty_method(self) -> str:
        """``model.uncertainty.METHODS``: what Classify and the batch measure besides the single pass."""
        return self.uncertainty.currentData() or "none"

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
        self.class_choice.addItem(translate("Classify", PREDICTED), None)
        for name in (metadata or {}).get("class_names", []):
            self.class_choice.addItem(str(name), str(name))
        self.clear_prediction()

    def update_card(self, metadata: dict | None, source: str = "") -> None:
        self.card.setText(
            translate("Classify", "No model loaded.") if metadata is None else card_html(metadata, source))
        for button in (self.edit_card_button, self.report_button):
            button.setEnabled(metadata is not None)

    def set_trained_available(self, available: bool) -> None:
        self.trained_button.setEnabled(bool(available))

    def show_prediction(self, prediction) -> None:
        p = prediction
        why = translate("Classify", "Refer to a human: the confidence is below the model's referral threshold")
        refer = f"<br><b style='color:{tones(self)['warn']}'>{why}</b>" if p.refer else ""
        spread = f" ± {p.uncertainty:.1%}" if getattr(p, "uncertainty", None) is not None else ""
        confidence = translate("Classify", "{value} confidence").format(value=f"{p.confidence:.1%}{spread}")
        self.top.setText(f"<span style='font-size:15pt'><b>{html.escape(p.class_name)}</b></span>"
                         f"&nbsp;&nbsp;{confidence}{refer}")
        if spread:
            from voxdesk.gui.classify.batch_panel import uncertainty_tip

            self.top.setToolTip(uncertainty_tip(p))
        else:
            self.top.setToolTip("")
        self.chart.set_probabilities(p.probabilities)
        self.set_warnings(p.warnings)

    def set_warnings(self, warnings) -> None:
        if warnings:
            self.warnings.setText("<b>{}</b><br>".format(
                translate("Classify", "Check the input:")) + "<br>".join(f"• {html.escape(w)}" for w in warnings))
        self.warnings.setVisible(bool(warnings))

    def show_explanation(self, explanation) -> None:
        e = explanation
        self.hottest = tuple(int(v) for v in e.hottest_voxel)
        self.expl_info.setText(translate("Classify", "Heat map of <b>{name}</b> (p = {p}) from layer {layer}; hottest "
                                         "voxel in the body {voxel}.").format(
            name=html.escape(e.class_name), p=f"{e.probability:.1%}", layer=html.escape(e.layer), voxel=self.hottest))
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
