"""DICOM in the window: a folder opens (dropped, or from File > Open DICOM Folder), several
series ask which, the file's own window is the first preset, and a bad series is one dialog."""
import shutil

import numpy as np
from fixtures.dicom import shipped, truth, write_series
from fixtures.gui import open_and_wait
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent


def test_a_dropped_series_folder_opens_in_hounsfield_units_with_its_window(qtbot, window, tmp_path):
    folder = tmp_path / "ct5n"
    shutil.copytree(shipped("98892001/CT5N"), folder)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(QPointF(10, 10), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    with qtbot.waitSignal(window.opener.finished, timeout=30_000):
        window.dropEvent(event)
    vol = window.state.volume
    assert window.errors == [] and vol is not None and vol.shape == (16, 16, 5)
    assert vol.meta["format"] == "dicom" and vol.data.min() < -800
    presets = [window.display_bar.presets.itemText(i) for i in range(window.display_bar.presets.count())]
    assert presets[0] == "file's window" and window.state.preset == "file's window"
    c, w = vol.meta["window"]
    assert window.state.levels == (c - w / 2, c + w / 2)
    from voxdesk.gui.infra import settings

    assert settings.recent_files()[0] == str(folder)  # File > Open Recent offers the folder again


def test_several_series_ask_which_then_open_the_chosen_one(qtbot, window, tmp_path):
    folder = tmp_path / "exam"
    vol = truth((6, 5, 4))
    write_series(folder, vol, number=1, description="AXIAL A", seed=1)
    write_series(folder, vol + 7, number=2, description="AXIAL B", seed=2)
    asked = []

    def chooser(info, parent):
        asked.append([(e.name, e.note) for e in info.entries])
        return {"dataset": "2"}

    window.opener.chooser = chooser
    got = open_and_wait(qtbot, window, folder)
    assert len(asked) == 1 and [n for n, _ in asked[0]] == ["1", "2"] and "AXIAL B" in asked[0][1][1]
    assert got.meta["series_description"] == "AXIAL B"
    assert int(got.data.max()) == int(vol.max()) + 7
    assert window.errors == []


def test_a_series_that_is_not_a_volume_is_one_dialog(qtbot, window):
    open_and_wait(qtbot, window, shipped("77654033/CT2"))
    assert len(window.errors) == 1 and "202.5 mm gap" in window.errors[0][1]
    assert window.state.volume is None


def test_open_dicom_folder_action(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    folder = tmp_path / "ct5n"
    shutil.copytree(shipped("98892001/CT5N"), folder)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder)))
    action = window.findChild(type(window.act_open_dicom), "openDicomAction")
    with qtbot.waitSignal(window.opener.finished, timeout=30_000):
        action.trigger()
    assert window.state.volume is not None and np.isclose(window.state.volume.spacing[2], 2.5)
