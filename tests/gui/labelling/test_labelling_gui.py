"""Labelling in the app (issue 19), driven with qtbot: number keys assign and go to the next case,
Ctrl+Z undoes, the manifest on disk has each label at once, a reopened session continues where it
stopped; a model ranks the cases not labelled, its guess shown but never written as a label."""
import csv

import pytest
from PySide6.QtCore import Qt


def manifest_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if not r["path"].startswith("#")]


def start(qtbot, window, folder, classes=("dark", "bright")):
    ctl = window.labelling
    with qtbot.waitSignal(ctl.session_started, timeout=60_000):
        ctl.start_session(folder, classes)
    qtbot.waitUntil(lambda: not ctl.opener.busy and window.state.volume is not None, timeout=30_000)
    return ctl


def test_cases_opened_for_labelling_stay_out_of_open_recent(qtbot, window, scan_folder):
    from voxdesk.gui.infra import settings

    root, _ = scan_folder
    ctl = start(qtbot, window, root)
    assert window.state.volume is not None and settings.recent_files() == []
    assert ctl.opener is not window.opener


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    window.ortho.views["axial"].setFocus()
    qtbot.keyClick(window.ortho.views["axial"], key, modifier)


def test_number_keys_label_and_advance_and_ctrl_z_undoes(qtbot, window, scan_folder):
    root, _ = scan_folder
    ctl = start(qtbot, window, root)
    assert ctl.dock.isVisible() and window.labelling.panel.table.rowCount() == 8
    first = window.state.volume
    press(qtbot, window, Qt.Key.Key_2)
    assert manifest_rows(ctl.session.manifest)[0]["label"] == "bright"  # on disk at once
    assert ctl.session.current == 1 and ctl.panel.table.currentRow() == 1
    qtbot.waitUntil(lambda: not ctl.opener.busy and window.state.volume is not first, timeout=30_000)
    press(qtbot, window, Qt.Key.Key_1)
    assert manifest_rows(ctl.session.manifest)[1]["label"] == "dark" and ctl.session.current == 2
    press(qtbot, window, Qt.Key.Key_U)
    press(qtbot, window, Qt.Key.Key_S)
    rows = manifest_rows(ctl.session.manifest)
    assert (rows[2]["status"], rows[3]["status"]) == ("unsure", "skipped")
    assert ctl.panel.table.item(0, 2).text() == "bright" and "unsure" in ctl.panel.table.item(2, 2).text()
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    rows = manifest_rows(ctl.session.manifest)
    assert (rows[2]["status"], rows[3]["status"]) == ("unlabelled", "unlabelled") and ctl.session.current == 2
    assert rows[1]["label"] == "dark"
    assert not window.errors


def test_buttons_and_fields_write_the_manifest_and_digits_type_in_the_fields(qtbot, window, scan_folder):
    root, _ = scan_folder
    ctl = start(qtbot, window, root)
    panel = ctl.panel
    panel.patient.setFocus()
    qtbot.keyClicks(panel.patient, "p12")  # digits type here; they do not label
    qtbot.keyClick(panel.patient, Qt.Key.Key_Return)
    assert manifest_rows(ctl.session.manifest)[0]["patient"] == "p12" and ctl.session.cases[0].status == "unlabelled"
    qtbot.mouseClick(panel.class_buttons[0], Qt.MouseButton.LeftButton)
    assert manifest_rows(ctl.session.manifest)[0]["label"] == "dark" and ctl.session.current == 1


def test_a_reopened_session_continues_where_it_stopped(qtbot, window, scan_folder):
    root, _ = scan_folder
    ctl = start(qtbot, window, root)
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_1):
        press(qtbot, window, key)
    ctl = start(qtbot, window, root, classes=())  # the same folder again: its labels.csv
    assert ctl.session.current == 3 and ctl.panel.table.currentRow() == 3
    assert [b.text() for b in ctl.panel.class_buttons] == ["1  dark", "2  bright"]
    assert ctl.panel.table.item(1, 2).text() == "bright"


def test_a_folder_without_scans_is_a_dialog(qtbot, window, tmp_path):
    ctl = window.labelling
    with qtbot.waitSignal(window.runner.all_done, timeout=30_000):
        ctl.start_session(tmp_path, ["a", "b"])
    assert window.errors and "no scans found" in window.errors[-1][1]
    assert ctl.session is None


@pytest.mark.slow
def test_the_model_ranks_the_unlabelled_and_its_guess_is_never_a_label(qtbot, window, scan_folder, mean_bundle):
    root, fractions = scan_folder
    ctl = start(qtbot, window, root)
    press(qtbot, window, Qt.Key.Key_2)  # c0 (bright)
    ctl.bundle = mean_bundle[0]  # as if trained here (training itself has its own tests)
    with qtbot.waitSignal(ctl.ranked, timeout=120_000) as blocker:
        ctl.rank_next()
    ranking = blocker.args[0]
    assert len(ranking.suggestions) == len(fractions) - 1
    top = ctl.session.current
    assert ctl.session.cases[top].path in {p for p, f in fractions.items() if 0.3 < f < 0.7}
    assert ctl.panel.table.item(top, 3).text() == "1" and ctl.panel.table.item(top, 4).text()
    assert ctl.panel.table.item(0, 3).text() == ""  # the labelled case is not ranked
    rows = manifest_rows(ctl.session.manifest)
    assert sum(r["status"] == "labelled" for r in rows) == 1 and rows[top]["label"] == ""
    qtbot.waitUntil(lambda: not ctl.opener.busy, timeout=30_000)  # the top case is in the views


def test_train_and_rank_without_enough_labels_or_a_model_are_dialogs(qtbot, window, scan_folder):
    root, _ = scan_folder
    ctl = start(qtbot, window, root)
    assert not ctl.panel.train_button.isEnabled()  # one class labelled at most: nothing to train on
    ctl.train_on_labelled()
    assert window.errors[-1][0] == "Not enough labels"
    press(qtbot, window, Qt.Key.Key_1)
    press(qtbot, window, Qt.Key.Key_2)
    assert ctl.panel.train_button.isEnabled()
    assert ctl.rank_next() is None and window.errors[-1][0] == "No model yet"


def blob_scans(folder, n=12, side=16):
    """``n`` 16^3 NPY scans, noise around 0; the even ones (``bright``) have a bright 8^3 block.
    Returns {file name: class}."""
    import numpy as np

    folder.mkdir()
    truth = {}
    for i in range(n):
        x = np.random.default_rng(i).normal(0.0, 0.3, (side,) * 3).astype(np.float32)
        if i % 2 == 0:
            x[4:12, 4:12, 4:12] += 3.0
        np.save(folder / f"case{i:02d}.npy", x)
        truth[f"case{i:02d}.npy"] = "bright" if i % 2 == 0 else "dark"
    return truth


@pytest.mark.slow
def test_label_by_keys_train_on_labelled_then_rank_the_rest(qtbot, window, tmp_path):
    """The whole loop for real: keys label 8 of 12 scans, "Train on labelled" trains (the Training
    dock's settings: 3 epochs, batch 4, no augmentation), then "Label the most informative next"
    ranks the 4 left with the new model's guess, and the manifest keeps them unlabelled."""
    root = tmp_path / "scans"
    truth = blob_scans(root)
    ctl = start(qtbot, window, root)
    for name in sorted(truth)[:8]:
        assert ctl.session.cases[ctl.session.current].path == name
        press(qtbot, window, Qt.Key.Key_2 if truth[name] == "bright" else Qt.Key.Key_1)
    rows = manifest_rows(ctl.session.manifest)
    assert [r["label"] for r in rows[:8]] == [truth[r["path"]] for r in rows[:8]]
    form = window.training.train_panel.form
    form.epochs.setValue(3)
    form.batch_size.setValue(4)
    form.augment_mode.setCurrentIndex(form.augment_mode.findData("off"))
    assert ctl.panel.train_button.isEnabled()
    with qtbot.waitSignal(window.training.model_ready, timeout=180_000):
        qtbot.mouseClick(ctl.panel.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.training.is_training, timeout=30_000)
    result = window.training.result
    assert result is not None and not window.errors
    assert sum(result.split_sizes[k] for k in ("train", "val", "test")) == 8  # the labelled cases only
    assert ctl.bundle is window.training.bundle and "model is ready" in ctl.panel.model_status.text()

    with qtbot.waitSignal(ctl.ranked, timeout=120_000) as blocker:
        qtbot.mouseClick(ctl.panel.rank_button, Qt.MouseButton.LeftButton)
    ranking = blocker.args[0]
    assert len(ranking.suggestions) == 4 and not ranking.failed
    table = ctl.panel.table
    shown = {table.item(i, 1).text(): (table.item(i, 3).text(), table.item(i, 4).text()) for i in range(12)}
    for name in sorted(truth)[8:]:  # the 4 not labelled: a rank 1..4 and the guess with its confidence
        rank, guess = shown[name]
        assert rank in {"1", "2", "3", "4"} and guess.split(" (")[0] in {"dark", "bright"} and guess.endswith("%)")
    assert sorted(shown[n][0] for n in sorted(truth)[8:]) == ["1", "2", "3", "4"]
    assert all(shown[n] == ("", "") for n in sorted(truth)[:8])  # the labelled: neither rank nor guess
    assert ctl.session.cases[ctl.session.current].path == next(n for n in truth if shown[n][0] == "1")
    rows = manifest_rows(ctl.session.manifest)  # the guesses are not labels
    assert [(r["label"], r["status"]) for r in rows[8:]] == [("", "unlabelled")] * 4
    assert sum(r["status"] == "labelled" for r in rows) == 8
    qtbot.waitUntil(lambda: not ctl.opener.busy, timeout=30_000)
