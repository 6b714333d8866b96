"""The dataset panel: what a user reads about a labelled dataset, and samples shown in the views."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent


def _open(qtbot, ctl, path):
    with qtbot.waitSignal(ctl.dataset_changed, timeout=30_000) as blocker:
        ctl.open_dataset(str(path))
    return blocker.args[0]


def test_counts_per_class_and_split_shape_and_warnings(qtbot, training, tiny_h5, dialogs):
    win, state, ctl = training
    path, counts = tiny_h5
    ds = _open(qtbot, ctl, path)
    panel = ctl.dataset_panel
    assert ds.layout == "3dmnist-h5" and ds.class_names == ["0", "1"] and dialogs.errors == []
    # the table: one column per split and a total, one row per class and "all"
    cols = [panel.counts.horizontalHeaderItem(c).text() for c in range(panel.counts.columnCount())]
    rows = [panel.counts.verticalHeaderItem(r).text() for r in range(panel.counts.rowCount())]
    assert cols == ["train", "test", "total"] and rows == ["0", "1", "all"]
    for split, (n0, n1) in counts.items():
        assert panel.count("0", split) == n0
        assert panel.count("1", split) == n1
        assert panel.count("all", split) == n0 + n1
    assert panel.count("0", "total") == 26 and panel.count("1", "total") == 16 and panel.count("all", "total") == 42
    # the file's name and layout, then classes, samples and the sample shape (8^3 from flat 512-vectors)
    assert panel.info.text() == ("<b>tiny_3dmnist.h5</b> (3dmnist-h5)<br>"
                                 "2 classes · 42 samples · sample shape 8×8×8")
    # 26 vs 16 is not 3x: no imbalance warning from the engine, and none shown
    assert ds.warnings == [] and not panel.warnings.isVisibleTo(panel)
    assert panel.model.rowCount() == 42
    choices = [panel.split_combo.itemText(i) for i in range(panel.split_combo.count())]
    assert choices == ["all splits", "train (30)", "test (12)"]
    panel.split_combo.setCurrentIndex(panel.split_combo.findData("test"))
    assert panel.model.rowCount() == 12
    listed = [panel.model.index(r).data() for r in range(12)]
    assert all(text.startswith("test  ·  ") for text in listed)
    assert sorted(text.rsplit("  ·  ", 1)[1] for text in listed) == ["0"] * 6 + ["1"] * 6  # the test labels
    assert ctl.train_panel.train_button.isEnabled()


def test_engine_warnings_are_shown(qtbot, training, tmp_path):
    import h5py

    win, state, ctl = training
    path = tmp_path / "imbalanced.h5"
    with h5py.File(path, "w") as f:
        f["X"] = np.zeros((34, 8, 8, 8), np.float32)
        f["y"] = np.array([0] * 30 + [1] * 4)
    ds = _open(qtbot, ctl, path)
    assert any("imbalanced" in w for w in ds.warnings)
    panel = ctl.dataset_panel
    assert panel.warnings.isVisibleTo(panel) and "imbalanced" in panel.warnings.text()


def test_selecting_a_sample_shows_it_in_the_views_with_its_label(qtbot, training, tiny_dataset):
    win, state, ctl = training
    ctl.set_dataset(tiny_dataset)
    panel = ctl.dataset_panel
    split = tiny_dataset.splits["all"]
    row = 5
    label = tiny_dataset.class_names[int(split.labels[row])]
    with qtbot.waitSignal(state.volume_changed, timeout=5_000) as shown, \
            qtbot.waitSignal(panel.sample_selected, timeout=5_000) as selected:
        panel.sample_list.setCurrentIndex(panel.model.index(row))
    volume = shown.args[0]
    assert volume is state.volume
    np.testing.assert_array_equal(volume.data, split.samples[row])
    assert label in volume.name and volume.meta["label"] == label
    assert selected.args[0]["label"] == int(split.labels[row])
    assert label in panel.selected.text() and "X[5]" in panel.selected.text()


def test_a_file_that_is_not_a_dataset_gives_the_engines_message(qtbot, training, tmp_path, dialogs):
    win, state, ctl = training
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    with qtbot.waitSignal(ctl.runner.all_done, timeout=30_000):
        ctl.open_dataset(str(bad))
    assert len(dialogs.errors) == 1 and dialogs.errors[0][0] == "Cannot open dataset"
    assert "labelled datasets" in dialogs.errors[0][1]
    assert ctl.dataset is None and "No dataset" in ctl.dataset_panel.info.text()


def test_drop_a_dataset_and_menu_action_open(qtbot, training, tiny_h5, dialogs):
    win, state, ctl = training
    path, _ = tiny_h5
    panel = ctl.dataset_panel
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(5, 5), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    with qtbot.waitSignal(ctl.dataset_changed, timeout=30_000):
        panel.dropEvent(event)
    assert ctl.dataset.source.endswith("tiny_3dmnist.h5")
    dialogs.save_path = str(path)  # the patched file dialog answers this path
    with qtbot.waitSignal(ctl.dataset_changed, timeout=30_000):
        ctl.actions["open_dataset"].trigger()
    assert dialogs.errors == []


@pytest.mark.parametrize("shape,expected", [((8, 8, 8), (8, 8, 8)), ((8, 8, 8, 2), (8, 8, 8)),
                                            ((32, 32, 3), (32, 32, 1)), ((28, 28), (28, 28, 1))])
def test_any_sample_becomes_a_viewable_volume(shape, expected):
    from voxdesk.gui.training.dataset_panel import sample_volume

    v = sample_volume(np.ones(shape, np.float32), "s", {"label": "a"})
    assert v.shape == expected and v.name == "s" and not v.orientation_known


def test_in_the_real_main_window(qtbot, window, tiny_dataset):
    ctl = window.training
    assert window.findChild(type(ctl.dataset_panel), "datasetPanel") is ctl.dataset_panel
    assert {"datasetDock", "trainingDock"} <= set(window.panels)
    ctl.set_dataset(tiny_dataset)
    panel = ctl.dataset_panel
    with qtbot.waitSignal(window.state.volume_changed, timeout=10_000):  # read in a worker
        panel.sample_list.setCurrentIndex(panel.model.index(2))
    assert window.state.volume is not None and window.state.volume.shape == (8, 8, 8)
    assert window.central.currentWidget() is window.ortho  # the views replace the welcome page
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert "Train" in titles
    ctl.shutdown()


def test_open_demo_dataset_from_the_menu(qtbot, training, dialogs, monkeypatch):
    from voxdesk.engine.demo import store

    real = store.ensure_demo_data
    monkeypatch.setattr(store, "ensure_demo_data", lambda *a, **k: real(*a, n_per_class=5, size=16, **k))
    win, state, ctl = training
    with qtbot.waitSignal(ctl.dataset_changed, timeout=60_000) as blocker:
        ctl.actions["open_demo"].trigger()
    ds = blocker.args[0]
    assert dialogs.errors == []
    assert ds.class_names == ["cyst", "normal", "tumour"] and sorted(ds.splits) == ["test", "train", "val"]
    assert (store.data_dir() / "demo" / "demo.h5").is_file()  # written to the user's data folder
    assert ctl.dataset_panel.count("all", "test") == 3 and ctl.train_panel.train_button.isEnabled()


def test_samples_are_read_off_the_gui_thread_and_bad_ones_reported(qtbot, training, tiny_dataset):
    import threading

    win, state, ctl = training
    ctl.set_dataset(tiny_dataset)
    samples = tiny_dataset.splits["all"].samples
    seen = []
    real = type(samples).__getitem__

    def spy(self, i):
        seen.append(threading.current_thread() is threading.main_thread())
        if i == 3:
            raise OSError("the disk went away")
        return real(self, i)

    type(samples).__getitem__ = spy
    try:
        with qtbot.waitSignal(ctl.runner.all_done, timeout=10_000):
            ctl.dataset_panel.sample_list.setCurrentIndex(ctl.dataset_panel.model.index(3))
    finally:
        type(samples).__getitem__ = real
    assert seen == [False]  # read in a worker, never on the GUI thread
    assert "Cannot show" in ctl.dataset_panel.selected.text() and "disk went away" in ctl.dataset_panel.selected.text()
    assert state.volume is None
