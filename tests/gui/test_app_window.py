"""The whole main window as `voxdesk` builds it: every panel, laptop-sized, fast to start."""
import subprocess
import sys

import numpy as np
from PySide6.QtWidgets import QWidget

from voxdesk.engine.volume import Volume
from voxdesk.gui.app import create_window

REQUIRED = [
    # issue 3: viewer
    "axialView", "coronalView", "sagittalView", "volumeView", "statusReadout",
    "windowLevelPresets", "colormapBox",
    # issue 5: training
    "datasetPanel", "sampleList", "trainButton", "stopButton", "trainProgress", "lossCurve",
    "accuracyCurve", "confusionMatrix", "saveModelButton", "epochsSpin", "batchSizeSpin", "modelCombo",
    # issue 6: classify and explain
    "loadModelButton", "classifyButton", "probabilityChart", "explainButton", "overlayOpacity",
    "batchTable", "exportCsvButton", "modelCard",
]


def test_full_window_has_every_named_control_and_menu(qtbot):
    w = create_window(restore_layout=False)
    qtbot.addWidget(w)
    w.persist_settings = False
    w.show_volume(Volume(np.zeros((8, 9, 10), np.float32), name="zeros"))  # the 3D view is built lazily
    missing = [name for name in REQUIRED if w.findChild(QWidget, name) is None]
    assert missing == []
    menus = [a.text().replace("&", "") for a in w.menuBar().actions()]
    assert menus == ["File", "View", "Train", "Classify", "Help"]


def test_full_window_fits_a_1366x768_laptop_screen(qtbot):
    w = create_window(restore_layout=False)
    qtbot.addWidget(w)
    w.persist_settings = False
    w.show()
    hint = w.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 700, hint.toTuple()


def test_starting_the_app_imports_no_tensorflow():
    code = (
        "from voxdesk.gui.app import make_application, create_window\n"
        "import sys\n"
        "app = make_application(); w = create_window(restore_layout=False); w.persist_settings = False; w.show()\n"
        "app.processEvents()\n"
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                       env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr[-800:]
    assert r.stdout.strip().splitlines()[-1] == "[]"
