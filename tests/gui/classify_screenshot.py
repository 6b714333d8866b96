"""Make the classify screenshot (not a test): a prediction and its Grad-CAM overlay on a scan.

    xvfb-run -a -s "-screen 0 1600x1000x24 +extension GLX" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python tests/gui/classify_screenshot.py MODEL.voxmodel SCAN.nii.gz OUT.png \\
        [--size 1600x1000] [--batch FOLDER]

Builds the real main window with the Training and Classify docks (as the app does), loads the
model, opens the scan, classifies and explains it, jumps to the hottest voxel and grabs the
window (3D pane included). With ``--batch`` the Batch dock shows that folder's rows too.
"""
from __future__ import annotations

import argparse
import os
import sys
import time


def wait_for(app, signal, timeout_s=180.0):
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def settle(app, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("bundle")
    p.add_argument("scan")
    p.add_argument("out")
    p.add_argument("--size", default="1600x1000")
    p.add_argument("--batch")
    p.add_argument("--layout", default="2x2")
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

    import voxdesk.gui  # noqa: F401  (before the QApplication)
    from voxdesk.gui.app import make_application
    from voxdesk.gui.main_window import MainWindow
    from voxdesk.gui.panels.classify_dock import install_classify
    from voxdesk.gui.panels.training_dock import install_training
    from voxdesk.gui.snapshot import grab_window

    app = make_application()
    window = MainWindow()
    window.persist_settings = False
    window.show_error = lambda title, text: print(f"ERROR {title}: {text}", file=sys.stderr)
    training = install_training(window, window.state)
    ctl = install_classify(window, window.state, training_controller=training)
    ctl.failed.connect(lambda title, text: print(f"ERROR {title}: {text}", file=sys.stderr))
    import voxdesk.gui.panels.classify_dock as dock

    dock.show_error = lambda *_a: None
    w, h = (int(v) for v in args.size.split("x"))
    window.resize(w, h)
    window.show()
    window.set_layout(args.layout)
    from PySide6.QtCore import Qt

    levels = getattr(window, "levels_dock", None)
    if levels is not None and not args.batch:
        levels.hide()  # the prediction needs the right column's height more
    if not args.batch:  # the bottom docks would take half the height from the views
        for d in (ctl.docks[1], *getattr(training, "docks", ())[1:]):
            d.hide()
    ctl.load_model(args.bundle)
    wait_for(app, ctl.idle)
    window.open_path(args.scan)
    wait_for(app, window.opener.finished)
    if args.batch:
        ctl.run_batch("folder", [args.batch])
        wait_for(app, ctl.batch_finished)
        ctl.docks[1].raise_()
    ctl.classify()
    wait_for(app, ctl.idle)
    ctl.explain(None)
    wait_for(app, ctl.idle)
    ctl.classify_panel.jump_to_hottest()
    settle(app, 0.5)
    window.resizeDocks([ctl.docks[1]], [260 if args.batch else 120], Qt.Orientation.Vertical)
    window.resizeDocks([ctl.docks[0]], [440], Qt.Orientation.Horizontal)
    settle(app, 2.5)
    image = grab_window(window)
    ok = image.save(args.out)
    print(f"wrote {args.out}" if ok else f"could not write {args.out}",
          ctl.prediction.class_name if ctl.prediction else None, ctl.state.cursor)
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
