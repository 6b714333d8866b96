"""Test-split results of a training run, as the engine computed them.

Shows the metrics dict of ``evaluation.evaluate_predictions`` (``TrainResult.test_metrics``):
headline numbers with their 95% confidence intervals, a confusion-matrix heat map
(``confusionMatrix``; colour = fraction of the true class, text = count), a per-class table
(``perClassTable``, recall with its Wilson interval), the reliability diagram
(``reliabilityDiagram``: accuracy against confidence per bin, the diagonal is perfect
calibration), the coverage curve (``coverageCurve``: accuracy on the cases kept when the least
confident are referred to a human, with the referral threshold's point marked) and, for binary
tasks, the ROC curve (``rocCurve``). Nothing is computed here
beyond formatting. The plots are fixed views: the wheel over them scrolls the dock.
"""
from __future__ import annotations

from html import escape as html_escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.infra.plots import wheel_scrolls_parent
from voxdesk.gui.infra.style import tones


def _fmt(value, ci=None, pct=False) -> str:
    if value is None:
        return translate("Results", "n/a")
    text = f"{value:.1%}" if pct else f"{value:.3f}"
    if ci:
        low, high = (f"{ci[0]:.1%}", f"{ci[1]:.1%}") if pct else (f"{ci[0]:.3f}", f"{ci[1]:.3f}")
        text += translate("Results", "  (95% CI {low}–{high})").format(low=low, high=high)
    return text


class ConfusionMatrixView(pg.GraphicsLayoutWidget):
    """Heat map of a confusion matrix: rows = true class, columns = predicted class."""

    def __init__(self, parent: QWidget | None = None) -> None:
        bg = QWidget().palette().color(QPalette.Base) if parent is None else parent.palette().color(QPalette.Base)
        super().__init__(parent, border=None)
        self.setBackground(bg)
        self.setObjectName("confusionMatrix")
        self.setMinimumSize(240, 220)
        self._fg = self.palette().color(QPalette.Text)
        wheel_scrolls_parent(self, zoom=False)
        self.plot = self.addPlot()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.invertY(True)
        self.plot.setAspectLocked(True)
        self.plot.setLabel("bottom", translate("Results", "predicted"))
        self.plot.setLabel("left", translate("Results", "true"))
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setPen(self._fg)
            self.plot.getAxis(side).setTextPen(self._fg)
        self.plot.getAxis("left").setWidth(78)
        self.image = pg.ImageItem(axisOrder="row-major")
        pal = self.palette()
        base, high = pal.color(QPalette.Base), pal.color(QPalette.Highlight)
        low = base.lighter(135) if base.lightness() < 128 else base.darker(104)
        cmap = pg.ColorMap([0.0, 1.0], [low, high])  # empty cells blend in, full cells stand out
        self.image.setLookupTable(cmap.getLookupTable(nPts=256))
        self.plot.addItem(self.image)
        self._texts: list[pg.TextItem] = []
        self._matrix = np.zeros((0, 0), dtype=np.int64)

    def set_matrix(self, matrix, class_names) -> None:
        m = np.asarray(matrix, dtype=np.int64)
        self._matrix = m
        for t in self._texts:
            self.plot.removeItem(t)
        self._texts = []
        k = m.shape[0]
        if k == 0:
            self.image.clear()
            self.plot.getAxis("bottom").setTicks([[]])
            self.plot.getAxis("left").setTicks([[]])
            return
        rows = m.sum(axis=1, keepdims=True)
        frac = np.divide(m, rows, out=np.zeros(m.shape, float), where=rows > 0)
        self.image.setImage(frac, levels=(0.0, 1.0))
        self.image.setRect(0, 0, k, k)
        font_px = max(9, min(16, int(120 / max(k, 1))))
        for i in range(k):
            for j in range(k):
                color = "w" if frac[i, j] > 0.55 else self._fg
                t = pg.TextItem(str(int(m[i, j])), color=color, anchor=(0.5, 0.5))
                f = t.textItem.font()
                f.setPixelSize(font_px)
                f.setBold(i == j)
                t.setFont(f)
                t.setPos(j + 0.5, i + 0.5)
                self.plot.addItem(t)
                self._texts.append(t)
        short = [n if len(n) <= 10 else n[:9] + "…" for n in class_names]
        ticks = [[(i + 0.5, short[i]) for i in range(k)]]
        self.plot.getAxis("bottom").setTicks(ticks)
        self.plot.getAxis("left").setTicks(ticks)
        self.plot.setRange(xRange=(0, k), yRange=(0, k), padding=0.02)

    def matrix(self) -> np.ndarray:
        """The counts shown (rows = true, columns = predicted)."""
        return self._matrix.copy()

    def cell_texts(self) -> list[str]:
        return [t.textItem.toPlainText() for t in self._texts]


class ResultsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultsView")
        self.metrics: dict | None = None
        self.summary = QLabel(translate("Results", "Train a model to see its test-split results here."))
        self.summary.setObjectName("testMetrics")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("perClassTable")
        self.table.setHorizontalHeaderLabels([translate("Results", "class"), translate("Results", "precision"),
                                              translate("Results", "recall (95% CI)"), translate("Results", "F1"),
                                              translate("Results", "support")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        self.confusion = ConfusionMatrixView(self)
        self.roc = self._unit_plot("rocCurve", translate("Results", "false positive rate"),
                                   translate("Results", "true positive rate"))
        item = self.roc.getPlotItem()
        self._roc_curve = item.plot([], [], pen=pg.mkPen("#1f77b4", width=2))
        self.reliability = self._unit_plot("reliabilityDiagram", translate("Results", "confidence"),
                                           translate("Results", "accuracy"))
        rel = self.reliability.getPlotItem()
        self._reliability_points = rel.plot([], [], pen=pg.mkPen("#2ca02c", width=2), symbol="o", symbolSize=6,
                                            symbolBrush="#2ca02c")
        self.coverage = self._unit_plot("coverageCurve", translate("Results", "share kept"),
                                        translate("Results", "accuracy on the kept"), diagonal=False)
        self.coverage.setToolTip(translate("Results", "Accuracy on the cases kept when the least confident are "
                                           "referred to a human (most confident first); the dashed line: the "
                                           "model's referral threshold"))
        cov = self.coverage.getPlotItem()
        self._coverage_curve = cov.plot([], [], pen=pg.mkPen("#9467bd", width=2))
        self._coverage_mark = pg.InfiniteLine(angle=90, pen=pg.mkPen("#d62728", width=1, style=Qt.DashLine))
        cov.addItem(self._coverage_mark)

        left = QVBoxLayout()
        left.addWidget(self.summary)
        left.addWidget(self.table, 1)
        right = QGridLayout()
        right.addWidget(self.confusion, 0, 0)
        right.addWidget(self.roc, 0, 1)
        right.addWidget(self.reliability, 1, 0)
        right.addWidget(self.coverage, 1, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 4)

    def _unit_plot(self, name: str, xlabel: str, ylabel: str, *, diagonal: bool = True) -> pg.PlotWidget:
        """A square 0..1 x 0..1 plot, with its diagonal (ROC chance line, perfect calibration)."""
        pal = self.palette()
        plot = pg.PlotWidget(background=pal.color(QPalette.Base))
        plot.setObjectName(name)
        plot.setMinimumSize(220, 200)
        wheel_scrolls_parent(plot, zoom=False)  # a 0..1 square: nothing to zoom, the wheel scrolls
        fg = pal.color(QPalette.Text)
        item = plot.getPlotItem()
        item.setMouseEnabled(False, False)
        item.setMenuEnabled(False)
        item.hideButtons()
        for side in ("left", "bottom"):
            item.getAxis(side).setPen(fg)
            item.getAxis(side).setTextPen(fg)
        item.setLabel("bottom", xlabel)
        item.setLabel("left", ylabel)
        item.setXRange(0, 1, padding=0.02)
        item.setYRange(0, 1, padding=0.02)
        item.setAspectLocked(True)
        if diagonal:
            item.plot([0, 1], [0, 1], pen=pg.mkPen((150, 150, 150), width=1, style=Qt.DashLine))
        plot.setVisible(False)
        return plot

    def clear(self) -> None:
        self.metrics = None
        self.summary.setText(translate("Results", "Train a model to see its test-split results here."))
        self.table.setRowCount(0)
        self.confusion.set_matrix(np.zeros((0, 0)), [])
        self.roc.setVisible(False)
        self.reliability.setVisible(False)
        self.coverage.setVisible(False)

    def show_metrics(self, metrics: dict | None, *, header: str = "") -> None:
        """Display ``TrainResult.test_metrics`` (None: no test split / cancelled too early)."""
        self.metrics = metrics
        if not metrics or not metrics.get("n"):
            self.summary.setText((header + "<br>" if header else "") +
                                 translate("Results", "No test-split metrics: the dataset has no test split or "
                                           "training stopped before the first epoch ended."))
            self.table.setRowCount(0)
            self.confusion.set_matrix(np.zeros((0, 0)), [])
            self.roc.setVisible(False)
            return
        before = translate("Results", "  (before temperature scaling, T = {t}: {ece})").format(
            t=f"{metrics.get('temperature') or 1.0:.2f}", ece=f"{metrics.get('ece_uncalibrated') or 0.0:.3f}")
        rows = [(translate("Results", "test samples"), str(metrics["n"])),
                (translate("Results", "accuracy"), _fmt(metrics.get("accuracy"), metrics.get("accuracy_ci"), pct=True)),
                (translate("Results", "balanced accuracy"), _fmt(metrics.get("balanced_accuracy"), pct=True)),
                (translate("Results", "macro F1"), _fmt(metrics.get("macro_f1"))),
                ("ROC AUC" + ("" if len(metrics["class_names"]) == 2
                              else translate("Results", " (macro, one-vs-rest)")),
                 _fmt(metrics.get("roc_auc"), metrics.get("roc_auc_ci"))),
                (translate("Results", "calibration error (ECE)"), _fmt(metrics.get("ece"))
                 + (before if metrics.get("ece_uncalibrated") is not None else "")),
                (translate("Results", "Brier score / log loss"),
                 f"{_fmt(metrics.get('brier'))} / {_fmt(metrics.get('log_loss'))}"
                 if metrics.get("brier") is not None else translate("Results", "n/a"))]
        html = "".join(f"<tr><td>{k}&nbsp;&nbsp;</td><td><b>{v}</b></td></tr>" for k, v in rows)
        note = translate("Results", "note: {text}")
        notes = "".join("<br><i>{}</i>".format(note.format(text=html_escape(n))) for n in metrics.get("notes", [])
                        if n != metrics.get("leakage_warning"))
        if metrics.get("leakage_warning"):  # loud: these figures are not a test of the model
            warning = translate("Results", "WARNING: {text}").format(text=html_escape(metrics["leakage_warning"]))
            notes = f"<br><b style='color:{tones(self)['error']}'>{warning}</b>" + notes
        self.summary.setText((f"<b>{header}</b>" if header else "") + f"<table>{html}</table>{notes}")
        per = metrics.get("per_class", [])
        self.table.setRowCount(len(per))
        for r, row in enumerate(per):
            rc = row.get("recall_ci")
            recall = f"{row['recall']:.3f}" + (f" ({rc[0]:.2f}–{rc[1]:.2f})" if rc else "")
            cells = [row["class"], f"{row['precision']:.3f}", recall, f"{row['f1']:.3f}", str(row["support"])]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)
        self.confusion.set_matrix(metrics["confusion_matrix"], metrics["class_names"])
        curve = metrics.get("roc_curve")
        if curve:
            self._roc_curve.setData(curve["fpr"], curve["tpr"])
            auc = metrics.get("roc_auc")
            self.roc.getPlotItem().setTitle(translate("Results", "ROC (positive: {name}, AUC {auc})").format(
                name=metrics["class_names"][1], auc=f"{auc:.3f}"),
                                            color=self.palette().color(QPalette.Text), size="9pt")
        self.roc.setVisible(bool(curve))
        bins = metrics.get("reliability") or []
        self._reliability_points.setData([b["confidence"] for b in bins], [b["accuracy"] for b in bins])
        self.reliability.getPlotItem().setTitle(translate("Results", "reliability (per confidence bin)"),
                                                color=self.palette().color(QPalette.Text), size="9pt")
        self.reliability.setVisible(bool(bins))
        curve = metrics.get("coverage_curve") or []
        self._coverage_curve.setData([c["coverage"] for c in curve], [c["accuracy"] for c in curve])
        ref = metrics.get("referral")
        kept = ref["kept"] / metrics["n"] if ref and metrics.get("n") else None
        self._coverage_mark.setVisible(kept is not None)
        if kept is not None:
            self._coverage_mark.setValue(kept)
        title = (translate("Results", "coverage: {n} referred").format(n=ref["referred"]) if kept is not None
                 else translate("Results", "coverage"))
        self.coverage.getPlotItem().setTitle(title, color=self.palette().color(QPalette.Text), size="9pt")
        self.coverage.setVisible(bool(curve))
