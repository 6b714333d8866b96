"""The File menu a new user meets: Open actions first, samples of each class, recent files that
can be told apart, dataset folders from the menu, the panel and a drop, Quit last."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

from voxdesk.gui import file_menu


def _texts(menu):
    return [a.text().replace("&", "") if not a.isSeparator() else "---" for a in menu.actions()]


def test_file_menu_order_puts_quit_last(window):
    texts = _texts(window.file_menu)
    assert texts[:5] == ["Open...", "Open DICOM Folder...", "Open Dataset…", "Open Dataset Folder…",
                         "Open Demo Dataset"]
    assert texts[-1] == "Quit" and texts.index("Open Sample") < texts.index("Open Recent") < texts.index("Quit")


def test_open_sample_offers_each_class_and_the_installed_brain(window):
    names = [a.objectName() for a in window.sample_menu.actions() if not a.isSeparator()]
    assert names == ["sample_tumour", "sample_cyst", "sample_normal", "sample_brain"]  # nilearn is a test extra


def test_each_sample_is_an_unseen_case_of_its_class():
    paths = {kind: Path(file_menu.sample_path(kind)) for kind in ("tumour", "cyst", "normal", "brain")}
    for kind in ("tumour", "cyst", "normal"):
        assert paths[kind].parts[-3:-1] == ("test", kind) and paths[kind].is_file()
    assert paths["brain"].name.startswith("mni_icbm152_t1") and paths["brain"].is_file()


def test_opening_the_cyst_sample_shows_it(qtbot, window):
    window.sample_menu.actions()[1].trigger()
    qtbot.waitUntil(lambda: window.state.volume is not None, timeout=60_000)
    assert "/test/cyst/" in window.state.volume.source.replace("\\", "/")


def test_recent_files_with_the_same_name_are_told_apart(tmp_path):
    a, b = tmp_path / "site-a" / "demo.h5", tmp_path / "site-b" / "demo.h5"
    assert file_menu.recent_label(str(a)) != file_menu.recent_label(str(b))
    assert file_menu.recent_label(str(a)) == f"demo.h5  —  {a.parent}"
    home = Path.home() / "scans" / "x.nii.gz"
    assert file_menu.recent_label(str(home)) == "x.nii.gz  —  ~/scans"


def _class_folders(root: Path) -> Path:
    for name in ("healthy", "lesion"):
        (root / name).mkdir(parents=True)
        for i in range(3):
            np.save(root / name / f"case{i}.npy", np.full((6, 6, 6), i, np.float32))
    return root


def test_open_dataset_folder_from_the_panel(qtbot, window, tmp_path, monkeypatch):
    root = _class_folders(tmp_path / "cases")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(root)))
    ctl = window.training
    with qtbot.waitSignal(ctl.dataset_changed, timeout=30_000):
        qtbot.mouseClick(ctl.dataset_panel.open_folder_button, Qt.MouseButton.LeftButton)
    assert ctl.dataset.class_names == ["healthy", "lesion"] and ctl.dataset.layout == "class-folders"


def test_dropping_a_class_folder_opens_it_as_a_dataset(qtbot, window, tmp_path):
    root = _class_folders(tmp_path / "dropped")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(root))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.training.dataset_changed, timeout=30_000):
        window.dropEvent(event)  # what Qt calls on a drop (QTest cannot drag between apps)
    assert window.training.dataset.class_names == ["healthy", "lesion"]
    assert window.state.volume is None  # not opened as a scan


def test_a_dropped_scan_still_opens_in_the_views(qtbot, window, tmp_path):
    path = tmp_path / "one.npy"
    np.save(path, np.arange(6 * 7 * 8, dtype=np.float32).reshape(6, 7, 8))
    assert not file_menu.is_dataset(str(path))
    with qtbot.waitSignal(window.opener.finished, timeout=30_000):
        window.open_anything(str(path))
    assert window.state.volume.shape == (6, 7, 8)


def test_a_model_bundle_given_on_the_command_line_loads_in_the_classify_dock(window, monkeypatch, tmp_path):
    # what a file manager's double-click on a .voxmodel runs: voxdesk %f -> open_anything
    loaded = []
    monkeypatch.setattr(window.classify, "load_model", loaded.append)
    window.open_anything(str(tmp_path / "Model.VOXMODEL"))
    assert loaded == [str(tmp_path / "Model.VOXMODEL")]


def test_the_welcome_page_walks_the_first_hour(qtbot, window):
    from PySide6.QtWidgets import QLabel, QPushButton

    page = window.welcome
    assert window.central.currentWidget() is page
    steps = [page.findChild(QLabel, f"firstHourStep{i}").text() for i in range(1, 6)]
    assert "Train" in steps[2] and "Explain" in steps[3] and "Save Project" in steps[4]
    demo = page.findChild(QPushButton, "firstHourButton2")
    assert demo.text() == "Open Demo Dataset"
    with qtbot.waitSignal(window.training.dataset_changed, timeout=120_000):
        qtbot.mouseClick(demo, Qt.MouseButton.LeftButton)
    assert window.training.dataset.class_names == ["cyst", "normal", "tumour"]
    qtbot.mouseClick(page.findChild(QPushButton, "firstHourButton1"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state.volume is not None, timeout=60_000)
    assert "/tumour/" in window.state.volume.source.replace("\\", "/")


def test_the_training_dock_stays_low_until_a_dataset_opens(qtbot, default_window, tmp_path):
    from voxdesk.gui.infra import docks as layout

    win = default_window  # create_window's default layout at 1400x900
    dock = win.panels["trainingDock"]
    assert dock.height() <= layout.TRAINING_DOCK_EMPTY + 30 < win.height() * 0.3
    with qtbot.waitSignal(win.training.dataset_changed, timeout=30_000):
        win.training.open_dataset(str(_class_folders(tmp_path / "cases")))
    qtbot.waitUntil(lambda: dock.height() >= layout.TRAINING_DOCK - 30, timeout=5_000)
