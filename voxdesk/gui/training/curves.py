"""Live training curves: loss and accuracy, training and validation, per epoch and per batch.

``TrainingCurves`` holds two pyqtgraph plots (objectNames ``lossCurve`` and ``accuracyCurve``).
Per-epoch values are dots joined by lines (x = epoch number); per-batch training values are
drawn as a thin exponentially smoothed line (x = epoch - 1 + batch/steps, so each epoch's
batches end on its dot). The best epoch (the engine's ``best_epoch``, whose weights the model
keeps) is a dashed vertical line on both plots. ``overfitWarning`` appears when validation loss
rose for ``overfit_epochs`` epochs in a row while training loss fell.

The views: accuracy 0..1, loss from 0, every epoch and batch shown, refitted as data arrive.
The wheel scrolls the dock around the plots; Ctrl+wheel zooms, dragging pans (``infra.plots``);
once the user zoomed or panned a plot it stays put until "Reset view" (``resetCurvesView``).
``export_png`` always draws the whole curves, whatever the user's zoom.

Everything here is display: the numbers come from the engine's epoch/batch reports.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.infra.plots import wheel_scrolls_parent
from voxdesk.gui.infra.style import tones

TRAIN_COLOR = "#1f77b4"
VAL_COLOR = "#e8710a"
BATCH_COLOR = (31, 119, 180, 110)
BEST_COLOR = "#2ca02c"
OVERFIT_EPOCHS = 3
MIN_PLOT_HEIGHT = 190
"""Pixels: the loss and accuracy stay readable (axis labels, several epochs) in a short dock."""


def overfitting(train_loss, val_loss, n: int = OVERFIT_EPOCHS) -> bool:
    """True when, over the last ``n`` epochs, validation loss rose every epoch while training
    loss fell every epoch (needs ``n + 1`` epochs of both)."""
    t = [v for v in train_loss if v is not None]
    v = [x for x in val_loss if x is not None]
    if n < 1 or len(t) < n + 1 or len(v) < n + 1:
        return False
    dt = np.diff(np.asarray(t[-(n + 1):], float))
    dv = np.diff(np.asarray(v[-(n + 1):], float))
    return bool((dv > 0).all() and (dt < 0).all())


class _Plot:
    """One metric's plot: train/val per epoch, smoothed train per batch, best-epoch line."""

    def __init__(self, name: str, ylabel: str, key: str, bg, fg) -> None:
        self.key = key
        self.widget = pg.PlotWidget(background=bg)
        self.widget.setObjectName(name)
        self.widget.setMinimumSize(260, MIN_PLOT_HEIGHT)
        self.widget.setToolTip(translate("Curves", "Wheel: scroll the panel · Ctrl+wheel: zoom · drag: pan · "
                                         "Reset view: all of it"))
        wheel_scrolls_parent(self.widget)
        self.user_view = False
        """True once the user zoomed or panned: new data no longer refit the view."""
        item = self.widget.getPlotItem()
        item.setMenuEnabled(False)  # its "View All" would not keep the axes at 0..1 / from 0
        item.hideButtons()
        item.disableAutoRange()
        self.view = item.getViewBox()
        self.view.sigRangeChangedManually.connect(self._moved_by_user)
        for side in ("left", "bottom"):
            axis = item.getAxis(side)
            axis.setPen(fg)
            axis.setTextPen(fg)
        item.setLabel("bottom", translate("Curves", "epoch"))
        item.setLabel("left", ylabel)
        item.showGrid(x=True, y=True, alpha=0.15)
        if key == "accuracy":
            item.getAxis("left").enableAutoSIPrefix(False)
            self.view.setLimits(yMin=-0.05, yMax=1.05)
        else:
            self.view.setLimits(yMin=0.0)
        self.batch = item.plot([], [], pen=pg.mkPen(BATCH_COLOR, width=1.2))
        self.train = item.plot([], [], pen=pg.mkPen(TRAIN_COLOR, width=2), symbol="o", symbolSize=6,
                               symbolBrush=TRAIN_COLOR, symbolPen=None)
        self.val = item.plot([], [], pen=pg.mkPen(VAL_COLOR, width=2), symbol="s", symbolSize=6,
                             symbolBrush=VAL_COLOR, symbolPen=None)
        self.best = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(BEST_COLOR, width=1.5, style=Qt.DashLine))
        self.best_point = pg.ScatterPlotItem(symbol="star", size=16, brush=pg.mkBrush(BEST_COLOR), pen=pg.mkPen(bg))
        self.best_text = pg.TextItem("", color=BEST_COLOR, anchor=(0.5, 1.25))
        for it in (self.best, self.best_point, self.best_text):
            it.setVisible(False)
            it.setZValue(10)
            item.addItem(it, ignoreBounds=True)

    def _moved_by_user(self, *_):
        self.user_view = True

    def fit(self, xs, ys) -> None:
        """Show every point: x from 0 to the last epoch, accuracy 0..1, loss 0..its maximum."""
        xmax = max([1.0, *(float(x) for x in xs)])
        self.view.setXRange(0.0, xmax, padding=0.03)
        if self.key == "accuracy":
            self.view.setYRange(0.0, 1.0, padding=0.02)
        else:
            finite = [float(y) for y in ys if y is not None and math.isfinite(y)]
            self.view.setYRange(0.0, 1.05 * max(finite) if finite and max(finite) > 0 else 1.0, padding=0)

    def mark_best(self, epoch: int | None, epochs: list, values: dict) -> None:
        y = None
        if epoch is not None and epoch in epochs:
            i = epochs.index(epoch)
            for key in ("val_" + self.key, self.key):
                v = values[key][i] if i < len(values[key]) else float("nan")
                if math.isfinite(v):
                    y = v
                    break
        self.best.setVisible(epoch is not None)
        if epoch is not None:
            self.best.setValue(epoch)
        self.best_point.setVisible(y is not None)
        self.best_text.setVisible(y is not None)
        if y is not None:
            self.best_point.setData([epoch], [y])
            self.best_text.setText(translate("Curves", "best ({epoch})").format(epoch=epoch))
            self.best_text.setAnchor((1.0, 1.25) if epoch > max(epochs) / 2 else (0.0, 1.25))  # inside the plot
            self.best_text.setPos(epoch, y)


class TrainingCurves(QWidget):
    def __init__(self, parent: QWidget | None = None, *, smoothing: float = 0.9,
                 overfit_epochs: int = OVERFIT_EPOCHS) -> None:
        super().__init__(parent)
        self.setObjectName("trainingCurves")
        self.smoothing = float(smoothing)
        self.overfit_epochs = int(overfit_epochs)
        pal = self.palette()
        bg = pal.color(QPalette.Base)
        fg = pal.color(QPalette.Text)
        self._loss = _Plot("lossCurve", translate("Curves", "loss (cross-entropy)"), "loss", bg, fg)
        self._acc = _Plot("accuracyCurve", translate("Curves", "accuracy"), "accuracy", bg, fg)
        self.loss_plot, self.accuracy_plot = self._loss.widget, self._acc.widget
        names = (translate("Curves", "training"), translate("Curves", "validation"),
                 translate("Curves", "training per batch (smoothed)"),
                 translate("Curves", "best epoch (the model keeps its weights)"))
        self.legend = QLabel(
            f"<span style='color:{TRAIN_COLOR}'>&#9679;&#9473;</span> {names[0]} &nbsp;&nbsp; "
            f"<span style='color:{VAL_COLOR}'>&#9632;&#9473;</span> {names[1]} &nbsp;&nbsp; "
            f"<span style='color:#7fa7d0'>&#9472;&#9472;</span> {names[2]} &nbsp;&nbsp; "
            f"<span style='color:{BEST_COLOR}'>&#9733;&#9478;</span> {names[3]}")
        self.legend.setObjectName("curvesLegend")
        self.legend.setAlignment(Qt.AlignCenter)
        self.legend.setStyleSheet("QLabel { font-size: 11px; }")
        self.reset_button = QToolButton(objectName="resetCurvesView", text=translate("Curves", "Reset view"))
        self.reset_button.setToolTip(translate("Curves", "Show the whole curves again (after Ctrl+wheel zoom or "
                                                         "dragging)"))
        self.reset_button.clicked.connect(self.reset_view)
        self.overfit_label = QLabel(self)
        self.overfit_label.setObjectName("overfitWarning")
        self.overfit_label.setWordWrap(True)
        t = tones(self)
        self.overfit_label.setStyleSheet(
            f"QLabel {{ background: {t['warn_bg']}; color: {t['warn']}; border: 1px solid {t['warn_border']};"
            " border-radius: 4px; padding: 4px 8px; }")
        self.overfit_label.setVisible(False)
        plots = QHBoxLayout()
        plots.setContentsMargins(0, 0, 0, 0)
        plots.addWidget(self.loss_plot)
        plots.addWidget(self.accuracy_plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.legend, 1)
        top.addWidget(self.reset_button)
        layout.addLayout(top)
        layout.addLayout(plots, 1)
        layout.addWidget(self.overfit_label)
        self.reset()

    # -- data in ------------------------------------------------------------------------
    def reset(self) -> None:
        self.epochs: list[float] = []
        self.values: dict[str, list[float]] = {"loss": [], "val_loss": [], "accuracy": [], "val_accuracy": []}
        self._bx: list[float] = []
        self._by: dict[str, list[float]] = {"loss": [], "accuracy": []}
        self._ema: dict[str, float | None] = {"loss": None, "accuracy": None}
        self.best_epoch: int | None = None
        self.overfitting = False
        for p in (self._loss, self._acc):
            for curve in (p.batch, p.train, p.val):
                curve.setData([], [])
            p.mark_best(None, [], self.values)
        self.overfit_label.setVisible(False)
        self.reset_view()

    def add_batch(self, info: dict) -> None:
        """A (throttled) per-batch report: epoch, steps, batch, loss, accuracy."""
        steps = max(int(info.get("steps") or 1), 1)
        x = int(info.get("epoch", 1)) - 1 + int(info.get("batch", 0)) / steps
        self._bx.append(x)
        for key in ("loss", "accuracy"):
            value = info.get(key)
            if value is None or not math.isfinite(value):
                value = self._ema[key] if self._ema[key] is not None else float("nan")
            ema = self._ema[key]
            fresh = ema is None or not math.isfinite(ema)
            ema = value if fresh else self.smoothing * ema + (1 - self.smoothing) * value
            self._ema[key] = ema
            self._by[key].append(ema)
        self._loss.batch.setData(self._bx, self._by["loss"])
        self._acc.batch.setData(self._bx, self._by["accuracy"])
        self._refit()

    def add_epoch(self, info: dict) -> None:
        """An epoch report from the engine: epoch, loss, accuracy, val_*, best_epoch."""
        self.epochs.append(int(info["epoch"]))
        for key in self.values:
            v = info.get(key)
            self.values[key].append(float(v) if v is not None else float("nan"))
        self._redraw_epochs()
        self.set_best_epoch(info.get("best_epoch"))
        self._check_overfitting()

    def set_history(self, history: dict, best_epoch: int | None = None) -> None:
        """Replace the per-epoch curves by a finished run's history (e.g. a loaded bundle)."""
        n = len(history.get("loss", []))
        self.epochs = list(range(1, n + 1))
        for key in self.values:
            self.values[key] = [float(v) for v in history.get(key, [])] or [float("nan")] * n
        self._redraw_epochs()
        self.set_best_epoch(best_epoch)
        self._check_overfitting()

    def set_best_epoch(self, epoch: int | None) -> None:
        self.best_epoch = int(epoch) if epoch else None
        for p in (self._loss, self._acc):
            p.mark_best(self.best_epoch, self.epochs, self.values)

    def _redraw_epochs(self) -> None:
        for p in (self._loss, self._acc):
            p.train.setData(self.epochs, self.values[p.key])
            val = self.values["val_" + p.key]
            if any(math.isfinite(v) for v in val):
                p.val.setData(self.epochs, val)
            else:
                p.val.setData([], [])
        self._refit()

    # -- the views ----------------------------------------------------------------------
    def _fit(self, p: _Plot) -> None:
        p.fit(self.epochs + self._bx, self.values[p.key] + self.values["val_" + p.key] + self._by[p.key])

    def _refit(self) -> None:
        """New data: refit the plots the user has not zoomed or panned."""
        for p in (self._loss, self._acc):
            if not p.user_view:
                self._fit(p)

    def reset_view(self) -> None:
        """Both plots back to the whole curves (accuracy 0..1, loss from 0); new data refit them."""
        for p in (self._loss, self._acc):
            p.user_view = False
            self._fit(p)

    def _check_overfitting(self) -> None:
        was = self.overfitting
        self.overfitting = overfitting(self.values["loss"], self.values["val_loss"], self.overfit_epochs)
        if self.overfitting:
            best = translate("Curves", " (epoch {n})").format(n=self.best_epoch) if self.best_epoch else ""
            self.overfit_label.setText(translate(
                "Curves", "<b>Overfitting?</b> Validation loss has risen for {n} epochs while training loss kept "
                "falling. Try: augmentation on, a model with dropout (voxnet-bn), fewer epochs, or <b>Stop</b> now: "
                "the best model so far{best} is kept.").format(n=self.overfit_epochs, best=best))
        if self.overfitting != was:
            self.overfit_label.setVisible(self.overfitting)

    # -- data out -----------------------------------------------------------------------
    def epoch_points(self, plot: str = "loss") -> int:
        """Number of per-epoch points drawn on the ``loss`` or ``accuracy`` plot (train)."""
        curve = (self._loss if plot == "loss" else self._acc).train
        x, _ = curve.getData()
        return 0 if x is None else len(x)

    def batch_points(self) -> int:
        x, _ = self._loss.batch.getData()
        return 0 if x is None else len(x)

    def view_ranges(self, plot: str = "loss") -> list[list[float]]:
        """``[[x0, x1], [y0, y1]]`` shown by the ``loss`` or ``accuracy`` plot."""
        return (self._loss if plot == "loss" else self._acc).view.viewRange()

    def export_png(self, path) -> bool:
        """Save both plots, each showing its whole curves whatever the user's zoom, to a PNG
        file; the user's views come back afterwards."""
        kept = [(p, p.view.viewRange()) for p in (self._loss, self._acc) if p.user_view]
        for p in (self._loss, self._acc):
            self._fit(p)
        self.reset_button.setVisible(False)  # a control, not part of the figure
        try:
            return self.grab().save(str(path), "PNG")
        finally:
            self.reset_button.setVisible(True)
            for p, (xr, yr) in kept:
                p.view.setRange(xRange=xr, yRange=yr, padding=0)
