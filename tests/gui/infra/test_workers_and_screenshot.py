"""The worker ownership rule, and `voxdesk-cli screenshot`."""
from __future__ import annotations

import numpy as np
import pytest


def test_worker_returns_errors_and_reaps_threads(qtbot):
    from PySide6.QtCore import QObject, Slot

    from voxdesk.gui.infra.workers import WorkerRunner

    class Sink(QObject):
        def __init__(self):
            super().__init__()
            self.got = []

        @Slot(object)
        def take(self, value):
            self.got.append(value)

    sink = Sink()
    runner = WorkerRunner()
    with qtbot.waitSignal(runner.all_done, timeout=10_000):
        for n in range(5):
            runner.run(lambda w, n=n: n * n, returned=sink.take)
        runner.run(lambda w: 1 / 0, errored=sink.take)
    assert sorted(v for v in sink.got if isinstance(v, int)) == [0, 1, 4, 9, 16]
    assert any(isinstance(v, ZeroDivisionError) for v in sink.got)
    assert runner.active == []


def test_screenshot_writes_a_png_of_the_data(tmp_path, capsys):
    from fixtures.gui import coded_array
    from PySide6.QtGui import QImage

    from voxdesk.cli import main

    src = tmp_path / "v.npy"
    np.save(src, coded_array())
    out = tmp_path / "shot.png"
    assert main(["screenshot", str(src), str(out), "--size", "900x600", "--cursor", "3,4,5"]) == 0
    img = QImage(str(out))
    assert (img.width(), img.height()) == (900, 600)
    # the slice views drew the data: many distinct grey levels, not a blank window
    greys = {img.pixelColor(x, y).red() for x in range(0, 900, 7) for y in range(40, 560, 7)}
    assert len(greys) > 30


@pytest.mark.parametrize("args, text", [
    (["--size", "big"], "--size"),
    (["--cursor", "1,2"], "--cursor"),
    (["--cursor", "99,0,0"], "outside"),
    (["--preset", "nope"], "--preset"),
    (["--explain"], "--explain needs --model"),
    (["--train", "/no/such/dataset.h5"], "does not exist"),
    (["--model", "/no/such/model.voxmodel"], "model.voxmodel"),
])
def test_screenshot_bad_input_is_one_line_exit_2(tmp_path, capsys, args, text):
    from fixtures.gui import coded_array

    from voxdesk.cli import main

    src = tmp_path / "v.npy"
    np.save(src, coded_array())
    assert main(["screenshot", str(src), str(tmp_path / "o.png"), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and text in err[0]


def test_screenshot_missing_input(tmp_path, capsys):
    from voxdesk.cli import main

    assert main(["screenshot", str(tmp_path / "no.nii.gz"), str(tmp_path / "o.png")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_screenshot_trains_in_the_window_and_shows_results(tmp_path, capsys, monkeypatch, unsaved_prompt):
    import h5py
    from fixtures.gui import coded_array
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QColor, QImage

    from voxdesk.cli import main
    from voxdesk.gui.infra import snapshot

    grabbed = {}
    real_grab = snapshot.grab_window

    def grab_window(window):  # keep the window, where its parts were and the image the command saves
        grabbed["window"], grabbed["image"] = window, real_grab(window)
        for name, widget in (("results", window.training.train_panel.results.summary),
                             ("axial", window.ortho.views["axial"])):
            grabbed[name] = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()) if widget.isVisible() else None
        return grabbed["image"]

    monkeypatch.setattr(snapshot, "grab_window", grab_window)

    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (40, 8, 8, 8)).astype(np.float32)
    y = np.arange(40) % 2
    x[y == 1, 2:6, 2:6, 2:6] += 3.0  # class 1 has a bright cube
    with h5py.File(tmp_path / "tiny.h5", "w") as f:
        f["X"], f["y"] = x, y
    np.save(tmp_path / "v.npy", coded_array())
    out = tmp_path / "train.png"
    code = main(["screenshot", str(tmp_path / "v.npy"), str(out), "--size", "1200x800",
                 "--train", str(tmp_path / "tiny.h5"), "--epochs", "2"])
    assert code == 0, capsys.readouterr().err
    assert f"{out}  1200x800" in capsys.readouterr().out
    assert unsaved_prompt.asked == []  # nobody is there to answer: closing the window never asks
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1200, 800)
    assert img.convertToFormat(grabbed["image"].format()) == grabbed["image"]  # the file is the window
    # the window trained for the 2 epochs asked for, and shows its curves and test results
    ctl = grabbed["window"].training
    result = ctl.result
    assert result is not None and not result.cancelled and result.epochs_run == 2
    panel = ctl.train_panel
    assert panel.curves.epoch_points("loss") == 2
    assert f"{result.test_metrics['accuracy']:.1%}" in panel.results.summary.text()
    assert panel.results.confusion.matrix().sum() == result.split_sizes["test"] > 0

    # ... and they are in the picture: the results' area of the PNG holds text, not one flat colour,
    # and the axial view's area shows the volume in many grey levels
    def colours(rect, step):
        rect = rect.intersected(img.rect())  # a scrolled panel may reach past the window's edge
        return {img.pixel(x, y) for x in range(rect.left(), rect.right(), step)
                for y in range(rect.top(), rect.bottom(), step)}

    rect = grabbed["results"]
    assert rect is not None and rect.width() > 100 and rect.height() > 40, rect
    assert len(colours(rect, 1)) > 5
    rect = grabbed["axial"]
    assert rect is not None and rect.width() > 100 and rect.height() > 60, rect
    greys = {QColor(c).red() for c in colours(rect, 2)}
    assert len(greys) > 10
