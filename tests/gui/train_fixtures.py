"""Fixtures for the dataset/training panel tests: tiny real data, a window, recorded dialogs.

Use with ``from tests.gui.train_fixtures import *  # noqa: F401,F403``.
"""
from __future__ import annotations

import numpy as np
import pytest

__all__ = ["tiny_arrays", "tiny_dataset", "tiny_h5", "dialogs", "training", "wait_trained", "make_tiny_arrays"]


def make_tiny_arrays(n_per_class=20, side=8, n_classes=2, seed=0):
    """Separable classes: class c has a bright cube in a class-specific corner."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(n_classes), n_per_class)
    x = rng.normal(0.0, 0.3, size=(len(y), side, side, side)).astype(np.float32)
    for c in range(n_classes):
        o = 1 + 2 * c % max(side - 4, 1)
        x[y == c, o:o + 3, 1:4, 1:4] += 2.0
    order = rng.permutation(len(y))
    return x[order], y[order]


@pytest.fixture
def tiny_arrays():
    return make_tiny_arrays()


@pytest.fixture
def tiny_dataset(tiny_arrays):
    from voxdesk.engine.datasets import from_arrays

    x, y = tiny_arrays
    return from_arrays(x, y, class_names=["empty", "blob"])


@pytest.fixture
def tiny_h5(tmp_path):
    """A 3D-MNIST-layout file (flat 8^3 = 512 vectors): train 30 (20/10), test 12 (6/6)."""
    import h5py

    x, y = make_tiny_arrays(n_per_class=26, seed=1)
    counts = {"train": (20, 10), "test": (6, 6)}
    path = tmp_path / "tiny_3dmnist.h5"
    with h5py.File(path, "w") as f:
        used = {0: 0, 1: 0}
        for split, (n0, n1) in counts.items():
            idx = []
            for cls, n in ((0, n0), (1, n1)):
                pick = np.flatnonzero(y == cls)[used[cls]:used[cls] + n]
                used[cls] += n
                idx.extend(pick.tolist())
            idx = np.sort(idx)
            f[f"X_{split}"] = x[idx].reshape(len(idx), -1)
            f[f"y_{split}"] = y[idx]
    return path, counts


class Dialogs:
    """Records QMessageBox.critical/question calls instead of blocking; answers questions."""

    def __init__(self):
        self.errors: list[tuple[str, str]] = []
        self.questions: list[str] = []
        self.answer_yes = True
        self.save_path: str | None = None


@pytest.fixture
def dialogs(monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    d = Dialogs()

    def critical(parent, title, text, *a, **k):
        d.errors.append((title, text))
        return QMessageBox.Ok

    def question(parent, title, text, *a, **k):
        d.questions.append(text)
        return QMessageBox.Yes if d.answer_yes else QMessageBox.No

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(critical))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (d.save_path or "", "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (d.save_path or "", "")))
    return d


@pytest.fixture
def training(qtbot, dialogs):
    """(window, state, controller) with the panels installed in a plain QMainWindow."""
    from PySide6.QtWidgets import QLabel, QMainWindow

    from voxdesk.gui.training.controller import install_training
    from voxdesk.gui.state import ViewerState

    win = QMainWindow()
    win.setCentralWidget(QLabel("views"))
    qtbot.addWidget(win)
    state = ViewerState()
    ctl = install_training(win, state)
    win.resize(1300, 850)
    win.show()
    yield win, state, ctl
    ctl.shutdown()


def wait_trained(qtbot, ctl, *, timeout=120_000):
    """Wait until training ended AND its thread was reaped; returns the TrainResult (or None)."""
    if ctl.is_training or ctl.runner.busy:
        with qtbot.waitSignal(ctl.runner.all_done, timeout=timeout):
            pass
    return ctl.result
