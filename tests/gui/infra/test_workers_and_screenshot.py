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


def test_screenshot_trains_in_the_window_and_shows_results(tmp_path, capsys):
    import h5py
    from fixtures.gui import coded_array

    from voxdesk.cli import main

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
    assert out.stat().st_size > 10_000
