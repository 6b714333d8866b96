"""The viewer on a real-size CT: a 512x512x600 int16 scan (300 MB of voxels) written as .nii.gz.

Prints (nothing asserted): open to the first slice drawn, slice stepping fps (axial, sagittal),
window/level changes (time per change with the three slices redrawn, and the 3D texture rebuilt
when the 3D pane shows; the largest numpy allocation a change makes, from ``tracemalloc``,
against the volume's size), the 3D view's first frame and orbit frame time, and the process's
RSS and peak (``/proc/self/status``) after each step. The scan is deleted at the end. Run under
a display:

    xvfb-run -a -s "-screen 0 1600x1000x24 +extension GLX" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python benchmarks/bench_viewer_scale.py [--slices 600] [--changes 20]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp(prefix="voxdesk-bench-"))
os.environ.setdefault("VOXDESK_NO_TF_WARMUP", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_viewer import wait


def mem() -> str:
    vals = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            key = line.split(":")[0]
            if key in ("VmRSS", "VmHWM"):
                vals[key] = int(line.split()[1]) / 1024
    return f"RSS {vals['VmRSS']:.0f} MB, peak {vals['VmHWM']:.0f} MB"


def write_ct(path: Path, shape) -> Path:
    """A CT-like int16 scan: air, an elliptic body of soft tissue, a spine, lungs, noise."""
    import nibabel as nib

    nx, ny, nz = shape
    x, y = np.ogrid[:nx, :ny]
    body = ((x - nx / 2) / (0.42 * nx)) ** 2 + ((y - ny / 2) / (0.32 * ny)) ** 2 < 1
    lungs = (((np.abs(x - nx / 2) - 0.18 * nx) / (0.12 * nx)) ** 2 + ((y - ny / 2) / (0.2 * ny)) ** 2) < 1
    spine = (x - nx / 2) ** 2 + (y - 0.72 * ny) ** 2 < (0.04 * nx) ** 2
    plane = np.full((nx, ny), -1000, np.int16)
    plane[body] = 40
    plane[lungs & body] = -850
    plane[spine] = 700
    rng = np.random.default_rng(0)
    data = np.empty(shape, np.int16)
    for k in range(nz):
        data[:, :, k] = plane + rng.integers(-20, 21, size=(nx, ny), dtype=np.int16)
    img = nib.Nifti1Image(data, np.diag([0.7, 0.7, 0.8, 1.0]))
    img.header.set_xyzt_units("mm")
    nib.save(img, path)
    return path


def _stepping(app, window, steps):
    out = {}
    shape = window.state.volume.shape
    for plane, axis in (("axial", 2), ("sagittal", 0)):
        view = window.ortho.views[plane]
        window.state.set_cursor(tuple(s // 2 for s in shape))
        app.processEvents()
        t0 = time.perf_counter()
        for n in range(steps):
            window.state.step(axis, 1 if n < steps // 2 else -1)
            view.repaint()
            app.processEvents()
        out[plane] = steps / (time.perf_counter() - t0)
    return out


def _window_level(app, window, changes, with_3d):
    """(median ms per change, median ms of it rebuilding the 3D textures, median ms rendering the
    3D frame, tracemalloc peak MB during the changes)."""
    state = window.state
    vv = window.ortho.volume_view
    times, rebuild, render = [], [], []
    tracemalloc.start()
    tracemalloc.reset_peak()
    for n in range(changes):
        width, level = (400 + 10 * n, 40 + n)
        t0 = time.perf_counter()
        state.set_window(width, level)
        for view in window.ortho.views.values():
            view.repaint()
        if with_3d and vv is not None and vv.available:
            t1 = time.perf_counter()
            for name in ("volume", "planes"):  # what the change scheduled, now rather than after the delay
                timer = vv._timers[name]
                if timer.isActive():
                    timer.stop()
                    timer.timeout.emit()
            t2 = time.perf_counter()
            vv.gl.grabFramebuffer()
            rebuild.append(t2 - t1)
            render.append(time.perf_counter() - t2)
        app.processEvents()
        times.append(time.perf_counter() - t0)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    med = lambda xs: 1000 * statistics.median(xs) if xs else float("nan")  # noqa: E731
    return med(times), med(rebuild), med(render), peak


def _3d(app, window, orbits=10):
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    vol = window.state.volume
    window.set_layout("3d")
    window.show_volume(None)
    app.processEvents()
    t0 = time.perf_counter()
    window.show_volume(vol)
    vv = window.ortho.volume_view
    if vv is None or not vv.available:
        return None
    wait(app, vv.gl.isExposed)
    wait(app, lambda: "volume" in vv._items)
    vv.gl.grabFramebuffer()
    first = time.perf_counter() - t0
    swapped = []
    vv.gl.frameSwapped.connect(lambda: swapped.append(time.perf_counter()))
    centre = QPoint(vv.gl.width() // 2, vv.gl.height() // 2)
    QTest.mousePress(vv.gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    frames = []
    for _ in range(orbits):
        swapped.clear()
        t = time.perf_counter()
        vv.gl.orbit(5, 0)
        wait(app, lambda: bool(swapped), timeout=60)
        frames.append(swapped[0] - t)
    QTest.mouseRelease(vv.gl, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    tex = vv._small.shape
    return first, statistics.median(frames), tex


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--slices", type=int, default=600)
    ap.add_argument("--side", type=int, default=512)
    ap.add_argument("--steps", type=int, default=120)
    ap.add_argument("--changes", type=int, default=20)
    args = ap.parse_args(argv)
    shape = (args.side, args.side, args.slices)
    mb = np.prod(shape) * 2 / 2**20
    tmp = Path(tempfile.mkdtemp(prefix="voxdesk-ct-"))
    try:
        t = time.perf_counter()
        path = write_ct(tmp / "ct.nii.gz", shape)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; wrote {'x'.join(map(str, shape))} "
              f"int16 ({mb:.0f} MB of voxels, {path.stat().st_size / 2**20:.0f} MB .nii.gz) in "
              f"{time.perf_counter() - t:.0f} s; {mem()}")
        from voxdesk.gui.app import make_application

        app = make_application()
        from voxdesk.gui.main_window import MainWindow

        window = MainWindow()
        window.persist_settings = False
        window.resize(1400, 900)
        window.show()
        app.processEvents()
        print(f"window shown: {mem()}")
        t0 = time.perf_counter()
        window.open_path(str(path))
        wait(app, lambda: window.state.volume is not None, timeout=300)
        window.ortho.views["axial"].repaint()
        print(f"open .nii.gz to first slice:   {time.perf_counter() - t0:6.2f} s; {mem()}")
        wait(app, lambda: not window.opener.busy, timeout=300)
        print(f"  volume held as {window.state.volume.data.dtype} {window.state.volume.data.nbytes / 2**20:.0f} MB")
        fps = _stepping(app, window, args.steps)
        print(f"slice stepping:                axial {fps['axial']:5.1f} fps, sagittal {fps['sagittal']:5.1f} fps; "
              f"{mem()}")
        ms, _, _, peak = _window_level(app, window, args.changes, with_3d=False)
        print(f"W/L change, three slices:      {ms:6.1f} ms per change; largest allocation {peak:.1f} MB "
              f"({peak / mb:.3f}x the volume); {mem()}")
        r3d = _3d(app, window)
        if r3d is None:
            print(f"3D view:                       skipped (no OpenGL on '{app.platformName()}')")
        else:
            first, orbit, tex = r3d
            print(f"3D first frame:                {first:6.2f} s; orbit frame {1000 * orbit:.0f} ms "
                  f"(texture {'x'.join(map(str, tex))}); {mem()}")
            ms, rebuild, render, peak = _window_level(app, window, args.changes, with_3d=True)
            print(f"W/L change, 3D pane:           {ms:6.1f} ms per change: textures rebuilt {rebuild:.1f} ms, "
                  f"frame rendered {render:.0f} ms; largest allocation {peak:.1f} MB ({peak / mb:.3f}x the "
                  f"volume); {mem()}")
        window.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
