"""Training panel: settings, Start/Stop, progress, live curves, epoch log and results.

The panel is display and input only. It emits requests (``train_requested(TrainConfig)``,
``stop_requested``, ``save_requested``, ``export_csv_requested``, ``export_png_requested``)
and shows what the controller hands it: batch/epoch reports, progress phases, the finished
TrainResult. It never touches the worker, the thread or TensorFlow.

Layout (issue 15): a fixed bar outside any scroll area holds Train, Stop, the progress and the
exports, so they stay in view however short the dock is; below it one scroll area
(``trainScroll``) holds the settings form and the tabs (Curves, Epoch log, Results). The tabs
are as tall as the scroll area's view, never shorter than the curves' minimum, so a short dock
scrolls instead of squashing the plots, and they stay in view beside the part of the form
shown. Starting a run does not move the scroll position.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpacerItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.infra.style import tones
from voxdesk.gui.training.curves import TrainingCurves
from voxdesk.gui.training.form import TrainForm
from voxdesk.gui.training.results_view import ResultsView

PROGRESS_STEPS = 1000


def _clock(seconds) -> str:
    if seconds is None or seconds != seconds:
        return "–"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _metric(info: dict, key: str) -> str:
    v = info.get(key)
    return "–" if v is None else f"{v:.4f}" if "loss" in key else f"{v:.1%}"


class TrainPanel(QWidget):
    train_requested = Signal(object)
    stop_requested = Signal()
    save_requested = Signal()
    export_csv_requested = Signal()
    export_png_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainPanel")
        self._error_color = tones(self)["error"]
        self.has_dataset = False
        self.running = False
        self.form = TrainForm()
        self.form.validity_changed.connect(lambda _ok: self._update_buttons())

        self.train_button = QPushButton(translate("TrainPanel", "Train"), objectName="trainButton")
        self.train_button.setToolTip(translate("TrainPanel", "Train the chosen model on the open dataset (Ctrl+T)"))
        self.train_button.setStyleSheet("QPushButton:enabled { font-weight: bold; }")
        self.stop_button = QPushButton(translate("TrainPanel", "Stop"), objectName="stopButton")
        self.stop_button.setToolTip(translate("TrainPanel", "Stop at the end of the current batch; the best model so "
                                                            "far is "
                                                "kept"))
        self.save_button = QPushButton(translate("TrainPanel", "Save Model…"), objectName="saveModelButton")
        self.csv_button = QPushButton(translate("TrainPanel", "History CSV…"), objectName="exportHistoryButton")
        self.png_button = QPushButton(translate("TrainPanel", "Curves PNG…"), objectName="exportPngButton")
        self.train_button.clicked.connect(self._request_train)
        self.stop_button.clicked.connect(self.stop_requested)
        self.save_button.clicked.connect(self.save_requested)
        self.csv_button.clicked.connect(self.export_csv_requested)
        self.png_button.clicked.connect(self.export_png_requested)

        self.progress = QProgressBar(objectName="trainProgress")
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat(translate("TrainPanel", "Ready"))
        self.progress.setAlignment(Qt.AlignCenter)
        self.status = QLabel(
            translate("TrainPanel", "Open a labelled dataset to train a model."), objectName="trainStatus")
        self.status.setWordWrap(True)
        self.curves = TrainingCurves()
        self.log = QPlainTextEdit(objectName="epochLog")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.log.setPlaceholderText(translate("TrainPanel", "One line per epoch appears here."))
        f = self.log.font()
        f.setStyleHint(f.StyleHint.Monospace)
        f.setFamily("monospace")
        self.log.setFont(f)
        self.results = ResultsView()

        self.tabs = QTabWidget(objectName="trainTabs")
        self.tabs.addTab(self.curves, translate("TrainPanel", "Curves"))
        self.tabs.addTab(self.log, translate("TrainPanel", "Epoch log"))
        self.tabs.addTab(self.results, translate("TrainPanel", "Results"))
        self.tabs.currentChanged.connect(self._fit_tabs)
        self.form.setMinimumWidth(320)

        bar = QHBoxLayout()  # the fixed bar: never scrolled away
        bar.addWidget(self.train_button)
        bar.addWidget(self.stop_button)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.save_button)
        bar.addWidget(self.csv_button)
        bar.addWidget(self.png_button)
        body = QWidget(objectName="trainBody")
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.form, 0, Qt.AlignTop)
        self._above_tabs = QSpacerItem(0, 0, QSizePolicy.Minimum, QSizePolicy.Fixed)
        self._column = QVBoxLayout()
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(0)
        self._column.addItem(self._above_tabs)
        self._column.addWidget(self.tabs)
        self._column.addStretch(1)
        row.addLayout(self._column, 1)
        self.scroll_area = QScrollArea(objectName="trainScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.NoFrame)
        self.scroll_area.setWidget(body)
        self.scroll_area.viewport().installEventFilter(self)
        self.scroll_area.verticalScrollBar().valueChanged.connect(self._keep_tabs_in_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.scroll_area, 1)
        self._has_result = False
        self._update_buttons()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.scroll_area.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_tabs()
        return False

    def _fit_tabs(self, *_) -> None:
        """The tabs fill the scroll area's view, or, when the view is shorter than the page
        shown needs (the curves' minimum), they keep that height and scroll with the form."""
        pages = [self.tabs.widget(i) for i in range(self.tabs.count())]
        chrome = self.tabs.minimumSizeHint().height() - max(p.minimumSizeHint().height() for p in pages)
        need = self.tabs.currentWidget().minimumSizeHint().height() + chrome
        self.tabs.setFixedHeight(max(self.scroll_area.viewport().height(), need))
        self._keep_tabs_in_view()

    def _keep_tabs_in_view(self, *_) -> None:
        """The tabs stay beside the part of the form in view: scrolling down to the
        augmentation settings (or a scroll position kept while training) leaves the curves in
        sight. Taller than the view, they scroll until their bottom shows, then stay."""
        tabs_h, view_h = self.tabs.minimumHeight(), self.scroll_area.viewport().height()
        room = max(self.form.sizeHint().height(), tabs_h) - tabs_h
        offset = min(max(self.scroll_area.verticalScrollBar().value() - max(0, tabs_h - view_h), 0), room)
        if offset != self._above_tabs.sizeHint().height():
            self._above_tabs.changeSize(0, offset, QSizePolicy.Minimum, QSizePolicy.Fixed)
            self._column.invalidate()
            self.scroll_area.widget().layout().activate()  # now, not a frame late: no jitter

    # -- requests -----------------------------------------------------------------------
    def _request_train(self) -> None:
        try:
            config = self.form.config()
        except ValueError as exc:  # fields show their own messages; say it here too
            text = translate("TrainPanel", "Fix the settings first: {problems}").format(problems=html.escape(str(exc)))
            self.status.setText(f"<span style='color:{self._error_color}'>{text}</span>")
            return
        self.train_requested.emit(config)

    def _update_buttons(self) -> None:
        valid = not self.form._errors
        self.train_button.setEnabled(self.has_dataset and valid and not self.running)
        self.stop_button.setEnabled(self.running)
        self.form.setEnabled(not self.running)
        for b in (self.save_button, self.csv_button, self.png_button):
            b.setEnabled(self._has_result and not self.running)

    # -- what the controller shows --------------------------------------------------------
    def set_dataset(self, dataset) -> None:
        self.has_dataset = dataset is not None
        self.form.set_dataset(dataset)
        if not self.running:
            self.status.setText(translate("TrainPanel", "Choose the settings and press Train.") if self.has_dataset
                                else translate("TrainPanel", "Open a labelled dataset to train a model."))
        self._update_buttons()

    def set_running(self, running: bool) -> None:
        bar = self.scroll_area.verticalScrollBar()
        kept = bar.value()
        self.running = running
        focus = QApplication.focusWidget()
        if running and focus is not None and self.isAncestorOf(focus):
            # Train and the form are disabled below: Qt would move the focus on to the next
            # control and scroll it into view (the form's top); Stop is what matters now
            self.stop_button.setEnabled(True)
            self.stop_button.setFocus(Qt.OtherFocusReason)
        if running:
            self._has_result = False
            self.curves.reset()
            self.results.clear()
            self.log.clear()
            self.tabs.setCurrentWidget(self.curves)
            self.progress.setRange(0, 0)  # busy until the first batch: TF start-up, graph tracing
            self.progress.setFormat(translate("TrainPanel", "Starting…"))
            self.status.setText(translate("TrainPanel", "Starting TensorFlow and preparing the data…"))
        self._update_buttons()
        bar.setValue(kept)

    def show_status(self, text: str) -> None:
        """One line under the controls (saving, exporting, stopped...)."""
        self.status.setText(text)

    def set_stopping(self) -> None:
        self.stop_button.setEnabled(False)
        self.status.setText(translate("TrainPanel", "Stopping at the end of the current batch; the best model so far "
                                                    "is "
                                      "kept…"))

    @Slot(float, str)
    def show_progress(self, fraction: float, message: str) -> None:
        """Phases before and after the epochs (preparing data, evaluating)."""
        if message:
            self.status.setText(html.escape(message[:1].upper() + message[1:]) + "…")

    @Slot(object)
    def show_batch(self, info: dict) -> None:
        epochs, steps = int(info.get("epochs", 1)), max(int(info.get("steps", 1)), 1)
        epoch, batch = int(info.get("epoch", 1)), int(info.get("batch", 0))
        if self.progress.maximum() == 0:
            self.progress.setRange(0, PROGRESS_STEPS)
            self.status.setText(translate("TrainPanel", "Training…"))
        done = ((epoch - 1) * steps + batch) / max(epochs * steps, 1)
        self.progress.setValue(int(round(done * PROGRESS_STEPS)))
        self.progress.setFormat(translate(
            "TrainPanel", "Epoch {epoch}/{epochs} · batch {batch}/{steps} · {rate} samples/s · ETA {eta}").format(
            epoch=epoch, epochs=epochs, batch=batch, steps=steps, rate=f"{info.get('samples_per_s', 0):.0f}",
            eta=_clock(info.get("eta_s"))))
        self.curves.add_batch(info)

    @Slot(object)
    def show_epoch(self, info: dict) -> None:
        self.curves.add_epoch(info)
        best = info.get("best_epoch")
        mark = " *best*" if best == info.get("epoch") else ""
        self.log.appendPlainText(
            f"epoch {info['epoch']:>3}/{info.get('epochs', '?')}  loss {_metric(info, 'loss')}  "
            f"acc {_metric(info, 'accuracy')}  val_loss {_metric(info, 'val_loss')}  "
            f"val_acc {_metric(info, 'val_accuracy')}  lr {info.get('learning_rate', 0):.1e}  "
            f"{info.get('seconds', 0):.1f} s{mark}")

    def show_result(self, result) -> None:
        """A finished (or stopped) TrainResult: final curves, results tab, status line."""
        self.running = False
        self._has_result = result is not None and result.best_epoch is not None
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(PROGRESS_STEPS)
        if result is None:
            self.progress.setFormat(translate("TrainPanel", "Stopped"))
            self._update_buttons()
            return
        self.curves.set_history(result.history, result.best_epoch)
        how = translate("TrainPanel", "Stopped") if result.cancelled else translate("TrainPanel", "Finished")
        early = result.epochs_run < result.split_sizes.get("epochs_planned", result.epochs_run) and not result.cancelled
        self.progress.setFormat(translate("TrainPanel", "{how} after {n} epoch(s)").format(how=how, n=result.epochs_run)
                                + (translate("TrainPanel", " (early stopping)") if early else ""))
        sps = result.timings.get("train_samples_per_s")
        best = (translate("TrainPanel", "the model holds the weights of epoch {n}").format(n=result.best_epoch)
                if result.best_epoch else translate("TrainPanel", "no epoch finished: no usable model"))
        rate = translate("TrainPanel", "{rate} samples/s. ").format(rate=f"{sps:.0f}") if sps else ""
        self.status.setText(translate("TrainPanel", "{how}: {best}. ").format(how=how, best=best) + rate +
                            "".join(f"<br>⚠ {html.escape(w)}" for w in result.warnings))
        header = translate("TrainPanel", "{model} · best epoch {best} of {n}").format(
            model=result.config.model, best=result.best_epoch, n=result.epochs_run)
        self.results.show_metrics(result.test_metrics, header=header)
        self._fit_tabs()  # the results page may need more height than the curves
        if result.test_metrics:
            self.tabs.setCurrentWidget(self.results)
        self._update_buttons()

    def show_error(self, message: str) -> None:
        self.running = False
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(0)
        self.progress.setFormat(translate("TrainPanel", "Failed"))
        text = translate("TrainPanel", "Training failed: {message}").format(message=html.escape(message))
        self.status.setText(f"<span style='color:{self._error_color}'>{text}</span>")
        self._update_buttons()
