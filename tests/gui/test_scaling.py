"""150 % scaling (issue 17): on a 1920 x 1080 screen at QT_SCALE_FACTOR=1.5 (1280 x 720
device-independent pixels, the tightest common case) the window fits the screen, the key
controls are wholly in view in their docks, and the docks scroll instead of cutting controls
off. Qt's scale factor is read once at start-up, so the window runs in a subprocess, on Qt's
offscreen platform given that screen."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import voxdesk.gui
from PySide6.QtWidgets import QScrollArea, QWidget
from fixtures.gui import fully_in_view
from voxdesk.gui.app import create_window, make_application

app = make_application()
win = create_window(restore_layout=False)
win.persist_settings = False
screen = win.screen()
win.resize(screen.availableGeometry().size())
win.show()
for _ in range(20):
    app.processEvents()
out = {"scale": screen.devicePixelRatio(), "screen": screen.availableGeometry().size().toTuple(),
       "size": win.size().toTuple(), "minimum": win.minimumSizeHint().toTuple(), "in_view": {}, "scrolls": {}}
for name in ("trainButton", "stopButton", "classifyButton", "loadModelButton", "explainButton",
             "openDatasetButton", "batchFolderButton"):
    widget = win.findChild(QWidget, name)
    dock = next(d for d in win.panels.values() if d.isAncestorOf(widget))
    dock.raise_()
    app.processEvents()
    out["in_view"][name] = fully_in_view(widget, dock)
for name in ("datasetDock", "trainingDock", "classifyDock"):
    dock = win.panels[name]
    dock.raise_()
    app.processEvents()
    areas = [a for a in dock.findChildren(QScrollArea) if a.isVisible() and a.widget() is not None]
    # the dock's content taller than its view is fine as long as a scroll bar reaches the rest
    out["scrolls"][name] = all(a.widget().height() <= a.viewport().height() or a.verticalScrollBar().maximum() > 0
                               for a in areas) and bool(areas)
print(json.dumps(out))
win.runner.shutdown()
"""


def test_key_controls_stay_in_view_at_150_percent(tmp_path):
    screens = tmp_path / "screen.json"
    screens.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1920,
                                                "height": 1080, "logicalDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screens}", QT_SCALE_FACTOR="1.5",
               VOXDESK_NO_TF_WARMUP="1", VOXDESK_SETTINGS=str(tmp_path / "settings.ini"))
    done = subprocess.run([sys.executable, "-c", PROBE, str(TESTS)], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["scale"] == 1.5
    assert tuple(out["screen"]) == (1280, 720)
    assert tuple(out["size"]) == (1280, 720), "the window could not shrink to the screen"
    assert out["minimum"][0] <= 1280 and out["minimum"][1] <= 720
    assert out["in_view"] == dict.fromkeys(out["in_view"], True)
    assert out["scrolls"] == dict.fromkeys(out["scrolls"], True)
