"""Opening every format through the real window: workers, chooser, errors, settings."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from fixtures.gui import coded_array, open_and_wait


@pytest.mark.parametrize("kind", ["npy", "npz", "nii.gz"])
def test_open_each_format_shows_the_data(qtbot, window, files, kind):
    vol = open_and_wait(qtbot, window, files[kind])
    assert window.errors == []
    assert vol.shape == (20, 24, 16)
    window.state.set_cursor((3, 4, 5))
    assert "value 30405" in window.readout.text()
    assert window.windowTitle().startswith(os.path.basename(files[kind]))
    assert window.central.currentWidget() is window.ortho


def test_h5_with_several_datasets_asks_and_opens_the_chosen_sample(qtbot, window, files):
    asked = []

    def choose(info, parent):
        asked.append(sorted(e.name for e in info.entries))
        return {"dataset": "/scans/stack", "index": 2}

    window.opener.chooser = choose
    vol = open_and_wait(qtbot, window, files["h5"])
    assert asked == [["/labels", "/scans/ct", "/scans/stack"]]
    np.testing.assert_array_equal(vol.data, coded_array() + 2)


def test_cancelling_the_chooser_keeps_the_window_as_it_was(qtbot, window, files):
    window.opener.chooser = lambda info, parent: None
    open_and_wait(qtbot, window, files["h5"])
    assert window.state.volume is None and window.errors == []
    assert not window.busy.isVisible()


def test_4d_nifti_asks_which_volume(qtbot, window, files):
    window.opener.chooser = lambda info, parent: {"volume": 1}
    vol = open_and_wait(qtbot, window, files["4d"])
    assert float(vol.data.max()) == 7.0


def test_chooser_dialog_lists_datasets_and_sample_index(qtbot, files):
    from PySide6.QtCore import Qt

    from voxdesk.engine.io import probe
    from voxdesk.gui.viewer.chooser import ChooseEntryDialog

    dialog = ChooseEntryDialog(probe(str(files["h5"])))
    qtbot.addWidget(dialog)
    texts = {}
    for item in dialog._items():
        texts[item.text(0)] = item
    assert texts["ct"].text(1) == "20 x 24 x 16" and texts["ct"].text(2) == "int32"
    assert not texts["labels"].flags() & Qt.ItemFlag.ItemIsEnabled  # text, not a volume
    dialog.select("/scans/stack")
    assert dialog.index_spin.isEnabled() and dialog.index_spin.maximum() == 2
    dialog.index_spin.setValue(1)
    assert dialog.choice() == {"dataset": "/scans/stack", "index": 1}
    dialog.select("/scans/ct")
    assert not dialog.index_spin.isEnabled()
    assert dialog.choice() == {"dataset": "/scans/ct"}


def test_failed_open_shows_the_engines_message(qtbot, window, tmp_path):
    bad = tmp_path / "broken.nii.gz"
    bad.write_bytes(b"this is not a nifti file at all" * 10)
    open_and_wait(qtbot, window, bad)
    assert len(window.errors) == 1
    title, message = window.errors[0]
    assert "broken.nii.gz" in message
    assert window.state.volume is None


def test_missing_file_message(qtbot, window, tmp_path):
    open_and_wait(qtbot, window, tmp_path / "nope.npy")
    assert "no such file" in window.errors[0][1]


def test_error_dialog_is_a_message_box_with_the_text(qtbot, tmp_path, monkeypatch):
    """Without the test hook, the user gets a QMessageBox carrying the engine's message."""
    from PySide6.QtWidgets import QMessageBox

    from voxdesk.gui.main_window import MainWindow

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text: shown.append(text)))
    win = MainWindow()
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.opener.finished, timeout=30_000):
        win.open_path(str(tmp_path / "missing.h5"))
    assert shown and "missing.h5" in shown[0]


def test_recent_files_last_folder_and_geometry_persist(qtbot, window, files, tmp_path):
    from voxdesk.gui.infra import settings
    from voxdesk.gui.main_window import MainWindow

    assert str(settings.settings_path()).startswith(os.environ["XDG_CONFIG_HOME"])
    open_and_wait(qtbot, window, files["npy"])
    assert settings.recent_files()[0] == str(files["npy"])
    assert settings.last_folder() == str(files["npy"].parent)
    window.resize(720, 580)  # within the offscreen 800x600 screen (restoreGeometry clamps to it)
    size = (window.width(), window.height())  # the minimum size may hold it taller than asked
    assert size[0] == 720
    window.set_layout("sagittal")
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == size
    assert again.ortho.current_layout == "sagittal"
    again.recent_menu.aboutToShow.emit()
    assert [a.text() for a in again.recent_menu.actions()][0] == f"vol.npy  —  {files['npy'].parent}"


def test_window_builds_without_tensorflow_or_opengl():
    code = (
        "import sys\n"
        "from voxdesk.gui.app import make_application\n"
        "app = make_application()\n"
        "from voxdesk.gui.main_window import MainWindow\n"
        "w = MainWindow(); w.show(); app.processEvents()\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules, 'pyqtgraph.opengl' in sys.modules)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "False", "False"]


def test_no_display_prints_one_line_and_exits_2():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = subprocess.run([sys.executable, "-c", "from voxdesk.gui.app import main; raise SystemExit(main([]))"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2
    lines = (r.stdout + r.stderr).strip().splitlines()
    assert len(lines) == 1 and "voxdesk-cli" in lines[0] and "display" in lines[0]


def test_display_problem_rules():
    from voxdesk.gui.app import display_problem

    assert display_problem({}, "linux")
    assert display_problem({"DISPLAY": ":1"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({}, "win32") is None


def test_drop_a_file_opens_it(qtbot, window, files):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(files["nii.gz"]))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.opener.finished, timeout=30_000):
        window.dropEvent(event)
    assert window.state.volume is not None and window.state.volume.name == "vol.nii.gz"
