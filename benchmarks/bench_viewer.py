"""Viewer speed figures (median of several runs). Run under a display, e.g.:

    xvfb-run -a -s "-screen 0 1600x1000x24 +extension GLX" .venv/bin/python benchmarks/bench_viewer.py

Targets (issue 3): launch to visible window <= 2 s; MNI152 template open to first slice
drawn <= 0.5 s; slice stepping on 512x512x300 int16 >= 30 frames/s; 3D first frame of a
256^3 volume <= 2 s. Nothing here is asserted: it prints what it measured.
"""
from __future__ import annotations

import glob
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp(prefix="voxdesk-bench-"))

LAUNCH = """
import time, sys
t0 = float(sys.argv[1])
from voxdesk.gui.app import make_application, create_window
app = make_application()
w = create_window(); w.persist_settings = False; w.show()  # every panel, as `voxdesk` starts
while not w.isVisible() or not w.windowHandle() or not w.windowHandle().isExposed():
    app.processEvents()
w.repaint()
print(time.time() - t0, 'tensorflow' in sys.modules)
"""


def median(xs):
    return statistics.median(xs)


def bench_launch(runs=5):
    times = []
    tf = False
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", LAUNCH, repr(time.time())], capture_output=True,
                             text=True, timeout=120, check=True).stdout.split()
        times.append(float(out[0]))
        tf = tf or out[1] == "True"
    return median(times), tf


def mni_path():
    import nilearn

    hits = glob.glob(os.path.join(os.path.dirname(nilearn.__file__), "datasets", "data",
                                  "mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz"))
    return hits[0] if hits else None


def wait(app, cond, timeout=60.0):
    end = time.perf_counter() + timeout
    while not cond():
        app.processEvents()
        if time.perf_counter() > end:
            raise TimeoutError
        time.sleep(0.0005)


def bench_open_mni(app, window, runs=5):
    path = mni_path()
    if path is None:
        return None
    times = []
    for _ in range(runs):
        window.show_volume(None)
        app.processEvents()
        t0 = time.perf_counter()
        window.open_path(path)
        wait(app, lambda: window.state.volume is not None)
        window.ortho.views["axial"].repaint()  # the first slice is on screen
        times.append(time.perf_counter() - t0)
        wait(app, lambda: not window.opener.busy)
    return median(times)


def bench_stepping(app, window, runs=3, steps=120):
    from voxdesk.engine.volume import Volume

    rng = np.random.default_rng(0)
    data = rng.integers(-1000, 2000, size=(512, 512, 300), dtype=np.int16)
    window.show_volume(Volume(data, source="bench.npy"))
    app.processEvents()
    results = {}
    for plane, axis in (("axial", 2), ("sagittal", 0)):
        view = window.ortho.views[plane]
        fps = []
        for _ in range(runs):
            window.state.set_cursor((256, 256, 150))
            app.processEvents()
            t0 = time.perf_counter()
            for n in range(steps):
                window.state.step(axis, 1 if n < steps // 2 else -1)
                view.repaint()  # draw the new slice now, as the screen would
                app.processEvents()
            fps.append(steps / (time.perf_counter() - t0))
        results[plane] = median(fps)
    return results


def bench_3d(app, window, runs=3):
    from voxdesk.engine.volume import Volume

    window.set_layout("3d")
    n = 256
    x, y, z = np.ogrid[:n, :n, :n]
    r2 = (x - n / 2) ** 2 + (y - n / 2) ** 2 + (z - n / 2) ** 2
    data = np.where(r2 < (n / 3) ** 2, 1000, 0).astype(np.int16)
    data[n // 3: n // 2] += 500
    vol = Volume(data, source="ball.npy")
    times = []
    for _ in range(runs):
        window.show_volume(None)
        app.processEvents()
        t0 = time.perf_counter()
        window.show_volume(vol)
        vv = window.ortho.volume_view
        if vv is None or not vv.available:
            return None
        wait(app, vv.gl.isExposed)
        wait(app, lambda vv=vv: "volume" in vv._items)  # the deferred volume texture is built
        vv.gl.grabFramebuffer()  # renders one complete frame
        times.append(time.perf_counter() - t0)
    # interaction: time from an orbit step to the frame on screen
    wait(app, lambda vv=vv: "volume" in vv._items)
    swapped = []
    vv.gl.frameSwapped.connect(lambda: swapped.append(time.perf_counter()))
    frames = []
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    centre = QPoint(vv.gl.width() // 2, vv.gl.height() // 2)
    QTest.mousePress(vv.gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)  # as a user's drag
    for _ in range(10):
        swapped.clear()
        t0 = time.perf_counter()
        vv.gl.orbit(5, 0)
        wait(app, lambda: bool(swapped), timeout=30)
        frames.append(swapped[0] - t0)
    QTest.mouseRelease(vv.gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    return median(times), median(frames)


def main() -> int:
    launch, tf = bench_launch()
    print(f"launch to visible window:            {launch:6.2f} s   (target <= 2 s; tensorflow imported: {tf})")
    from voxdesk.gui.app import make_application

    app = make_application()
    from voxdesk.gui.main_window import MainWindow

    window = MainWindow()
    window.persist_settings = False
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    mni = bench_open_mni(app, window)
    if mni is None:
        print("open MNI152 template:                 skipped (nilearn not installed)")
    else:
        print(f"open MNI152 (197x233x189) to slice:  {mni:6.3f} s   (target <= 0.5 s)")
    fps = bench_stepping(app, window)
    print(f"slice stepping 512x512x300 int16:    axial {fps['axial']:5.1f} fps, sagittal "
          f"{fps['sagittal']:5.1f} fps   (target >= 30)")
    r3d = bench_3d(app, window)
    if r3d is None:
        print(f"3D first frame 256^3:                skipped (no OpenGL on '{app.platformName()}')")
    else:
        print(f"3D first frame 256^3:                {r3d[0]:6.2f} s   (target <= 2 s); "
              f"orbit frame {1000 * r3d[1]:.0f} ms")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
