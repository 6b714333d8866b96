"""Curves, results view and batch throttling, fed with engine-shaped reports (no TensorFlow)."""
from __future__ import annotations

import numpy as np
import pytest


def _epoch(e, loss, val_loss, acc=0.5, val_acc=0.5, best=None, epochs=10):
    return {"epoch": e, "epochs": epochs, "loss": loss, "val_loss": val_loss, "accuracy": acc,
            "val_accuracy": val_acc, "best_epoch": best, "seconds": 0.1, "learning_rate": 1e-3}


@pytest.mark.parametrize("train,val,expected", [
    ([1.0, 0.9, 0.8, 0.7], [1.0, 1.1, 1.2, 1.3], True),
    ([1.0, 0.9, 0.8, 0.7], [1.0, 1.1, 1.05, 1.3], False),  # val dipped once
    ([1.0, 0.9, 0.95, 0.7], [1.0, 1.1, 1.2, 1.3], False),  # train rose once
    ([1.0, 0.9, 0.8], [1.0, 1.1, 1.2], False),             # not enough epochs yet
])
def test_overfitting_rule(train, val, expected):
    from voxdesk.gui.training.curves import overfitting

    assert overfitting(train, val, 3) is expected


def test_curves_points_best_epoch_and_overfitting_warning(qtbot):
    from voxdesk.gui.training.curves import TrainingCurves

    c = TrainingCurves()
    qtbot.addWidget(c)
    c.show()
    losses = [(1.0, 0.9), (0.8, 0.7), (0.6, 0.6), (0.5, 0.65), (0.4, 0.7)]
    for e, (tl, vl) in enumerate(losses, 1):
        c.add_epoch(_epoch(e, tl, vl, best=min(e, 3)))
        assert c.epoch_points("loss") == c.epoch_points("accuracy") == e
        assert not c.overfit_label.isVisible()  # only 2 rising epochs so far
    assert c.best_epoch == 3 and c._loss.best.value() == 3 and c._loss.best_point.isVisible()
    c.add_epoch(_epoch(6, 0.3, 0.8, best=3))
    assert c.overfit_label.isVisible() and "Stop" in c.overfit_label.text() and "epoch 3" in c.overfit_label.text()
    c.add_epoch(_epoch(7, 0.35, 0.85, best=3))  # training loss rose: no longer the pattern
    assert not c.overfit_label.isVisible()
    c.reset()
    assert c.epoch_points() == 0 and c.batch_points() == 0 and not c._loss.best.isVisible()


def test_batches_are_smoothed_and_placed_within_their_epoch(qtbot):
    from voxdesk.gui.training.curves import TrainingCurves

    c = TrainingCurves(smoothing=0.5)
    qtbot.addWidget(c)
    for b, loss in enumerate([1.0, 0.0, 0.0, 0.0], 1):
        c.add_batch({"epoch": 2, "epochs": 3, "batch": b, "steps": 4, "loss": loss, "accuracy": 1.0})
    x, y = c._loss.batch.getData()
    assert list(x) == [1.25, 1.5, 1.75, 2.0]  # epoch 2's batches end on its dot at x = 2
    assert list(y) == [1.0, 0.5, 0.25, 0.125]


def test_batch_reports_are_throttled_but_epoch_ends_always_arrive(qtbot):
    from voxdesk.gui.training.worker import Throttle, TrainWorker

    now = [0.0]
    t = Throttle(0.05, clock=lambda: now[0])
    assert t.ready() and not t.ready()
    now[0] = 0.049
    assert not t.ready() and t.ready(force=True)
    now[0] = 0.2
    assert t.ready()

    def fake_train(config, dataset, *, progress, on_epoch, on_batch, cancel):
        progress(0.0, "preparing data")  # the engine's phases; batches go to on_batch only
        for e in range(1, 4):
            for b in range(1, 2001):
                on_batch({"epoch": e, "epochs": 3, "batch": b, "steps": 2000, "loss": 1.0, "accuracy": 0.5})
            on_epoch(_epoch(e, 1.0, 1.0, epochs=3))
        return "result"

    w = TrainWorker(None, None, train_fn=fake_train, min_interval=10.0)  # at most one per 10 s + epoch ends
    batches, epochs, progress, returned = [], [], [], []
    w.batch_ended.connect(batches.append)
    w.epoch_ended.connect(epochs.append)
    w.progress.connect(lambda f, m: progress.append(m))
    w.returned.connect(returned.append)
    w.run()  # synchronously, in this thread
    assert returned == [("result", None)]
    assert [e["epoch"] for e in epochs] == [1, 2, 3]
    assert len(batches) <= 6 and [b["batch"] for b in batches if b["batch"] == 2000] == [2000] * 3
    assert "preparing data" in progress and len(progress) <= 3  # phases forwarded, throttled


def test_results_view_shows_the_engines_metrics(qtbot):
    from voxdesk.engine.training.evaluation import evaluate_predictions
    from voxdesk.gui.training.results_view import ResultsView

    rng = np.random.default_rng(0)
    y = np.array([0] * 7 + [1] * 5 + [2] * 3)
    probs = rng.dirichlet(np.ones(3), size=len(y))
    m = evaluate_predictions(y, probs, ["a", "b", "c"], n_bootstrap_auc=20)
    view = ResultsView()
    qtbot.addWidget(view)
    view.show()
    view.show_metrics(m, header="tiny")
    cm = view.confusion.matrix()
    assert cm.sum() == len(y) == m["n"] and cm.tolist() == m["confusion_matrix"]
    assert sorted(map(int, view.confusion.cell_texts())) == sorted(np.ravel(m["confusion_matrix"]).tolist())
    assert view.table.rowCount() == 3 and view.table.item(2, 4).text() == "3"
    assert not view.roc.isVisible()  # ROC curve for binary tasks only
    yb = np.array([0, 0, 0, 1, 1, 1])
    mb = evaluate_predictions(yb, np.array([[.9, .1], [.6, .4], [.3, .7], [.4, .6], [.2, .8], [.7, .3]]),
                              ["neg", "pos"], n_bootstrap_auc=10)
    view.show_metrics(mb)
    assert view.roc.isVisible() and view.confusion.matrix().sum() == 6
    assert f"{mb['roc_auc']:.3f}" in view.summary.text()
    view.show_metrics(None)
    assert view.confusion.matrix().size == 0 and "No test-split metrics" in view.summary.text()


def test_results_view_shows_calibration_and_the_reliability_diagram(qtbot):
    from voxdesk.engine.training.evaluation import evaluate_predictions
    from voxdesk.gui.training.results_view import ResultsView

    rng = np.random.default_rng(0)
    y = np.arange(40) % 2
    probs = np.clip(np.eye(2)[y] * 0.7 + rng.uniform(0, 0.3, (40, 2)), 0, None)
    probs /= probs.sum(1, keepdims=True)
    m = evaluate_predictions(y, probs, ["neg", "pos"], n_bootstrap_auc=20)
    m.update(temperature=1.7, ece_uncalibrated=0.2)
    view = ResultsView()
    qtbot.addWidget(view)
    view.show_metrics(m)
    text = view.summary.text()
    assert "before temperature scaling, T = 1.70: 0.200" in text and "Brier score / log loss" in text
    assert view.reliability.isVisibleTo(view)
    xs, ys = view._reliability_points.getData()
    assert len(xs) == len(m["reliability"]) and list(ys) == [b["accuracy"] for b in m["reliability"]]
    assert "(" in view.table.item(0, 2).text()  # recall with its Wilson interval
    assert not view.coverage.isVisibleTo(view)  # no coverage curve in these metrics


def test_results_view_shows_the_coverage_curve_and_the_referral_point(qtbot):
    from voxdesk.engine.model.calibration import coverage_curve
    from voxdesk.engine.training.evaluation import evaluate_predictions
    from voxdesk.gui.training.results_view import ResultsView

    rng = np.random.default_rng(1)
    y = np.arange(60) % 3
    probs = np.clip(np.eye(3)[y] * 0.6 + rng.uniform(0, 0.4, (60, 3)), 0, None)
    probs /= probs.sum(1, keepdims=True)
    m = evaluate_predictions(y, probs, ["a", "b", "c"], n_bootstrap_auc=20)
    m["coverage_curve"] = coverage_curve(y, probs)
    m["referral"] = {"threshold": 0.5, "referred": 12, "kept": 48, "accuracy_kept": 0.9, "accuracy_kept_ci": None}
    view = ResultsView()
    qtbot.addWidget(view)
    view.show_metrics(m)
    assert view.coverage.isVisibleTo(view)
    xs, ys = view._coverage_curve.getData()
    assert list(xs) == [c["coverage"] for c in m["coverage_curve"]] and list(ys) == [c["accuracy"] for c in
                                                                                    m["coverage_curve"]]
    assert view._coverage_mark.isVisible() and view._coverage_mark.value() == 48 / 60
    assert "12 referred" in view.coverage.getPlotItem().titleLabel.text


def test_model_card_shows_the_calibration():
    from voxdesk.gui.classify.card import card_html

    meta = {"class_names": ["a", "b"], "input_shape": [8, 8, 8, 1],
            "metrics": {"accuracy": 0.9, "n": 60, "ece": 0.04, "ece_uncalibrated": 0.11},
            "calibration": {"temperature": 1.8, "fitted_on": "validation split", "n": 45}}
    html = card_html(meta)
    assert "T = 1.80 (fitted on 45 validation scans)" in html and "0.110 before, 0.040 after" in html
    assert "not recalibrated; test ECE 0.040" in card_html({**meta, "calibration": None})
