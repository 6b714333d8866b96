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
    assert menus == ["File", "View", "Train", "Classify", "Label", "Help"]


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


def test_every_named_widget_and_action_has_its_own_name(qtbot):
    """Object names address controls (tests, screenshots, automation): one name, one control."""
    from collections import Counter

    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QWidget

    from voxdesk.gui.app import make_application

    make_application()
    w = create_window(restore_layout=False)
    w.persist_settings = False
    qtbot.addWidget(w)
    names = Counter(o.objectName() for cls in (QWidget, QAction) for o in w.findChildren(cls)
                    if o.objectName() and not o.objectName().startswith(("qt_", "Scroll")))  # Qt's own
    assert [n for n, k in names.items() if k > 1] == []
    assert {"exportCsvButton", "exportHistoryButton", "trainButton"} <= set(names)


def test_the_main_window_builds_its_own_workflows(qtbot):
    """MainWindow() alone is the whole app: viewer, training and classify share one runner."""
    from voxdesk.gui.app import make_application
    from voxdesk.gui.main_window import MainWindow

    make_application()
    w = MainWindow()
    w.persist_settings = False
    qtbot.addWidget(w)
    assert {"volumeDock", "levelsDock", "datasetDock", "trainingDock", "classifyDock", "batchDock"} <= set(w.panels)
    assert w.training.runner is w.runner and w.classify.runner is w.runner and w.opener.runner is w.runner
    titles = [a.text().replace("&", "") for a in w.menuBar().actions()]
    assert titles.index("Train") < titles.index("Help") and "Classify" in titles


def test_each_tabbed_dock_group_shows_one_tab_bar(qtbot):
    """Docks tabified while the window was being built left stale tab bars drawn over other
    docks ("Training | Batch" inside the Dataset dock); only the bar in use stays visible."""
    from collections import Counter

    from PySide6.QtWidgets import QTabBar

    from voxdesk.gui.app import make_application

    make_application()
    w = create_window(restore_layout=False)
    w.persist_settings = False
    qtbot.addWidget(w)
    w.resize(1500, 950)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(50)
    groups = Counter(tuple(b.tabText(i) for i in range(b.count())) for b in w.findChildren(QTabBar)
                     if b.parent() is w and b.isVisible() and b.count() > 1)
    assert groups == Counter({("Volume", "Classify"): 1, ("Training", "Batch"): 1})
