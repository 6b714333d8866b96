"""The GUI batch keeps the CLI's guarantees: a file that fails is a row with its reason (the
batch goes on, no dialog), and the CSV export never overwrites one of the batch's inputs."""
from __future__ import annotations

import shutil
import struct

import numpy as np
from fixtures.classify import make_scan, write_nifti
from fixtures.classify_gui import load_model
from PySide6.QtCore import Qt

from voxdesk.gui.classify.batch_panel import ERROR


def _zero_affine_nifti(path):
    write_nifti(path, make_scan(np.random.default_rng(5), True)[0])
    raw = bytearray(path.read_bytes())
    raw[252:254], raw[254:256], raw[280:328] = struct.pack("<h", 0), struct.pack("<h", 1), bytes(48)
    path.write_bytes(bytes(raw))
    return path


def _run_folder(qtbot, ctl, folder):
    with qtbot.waitSignal(ctl.batch_finished, timeout=60_000) as done:
        ctl.batch_panel.ask_source = lambda _kind: [str(folder)]
        qtbot.mouseClick(ctl.batch_panel.folder_button, Qt.LeftButton)
    return done.args[0]


def test_a_file_that_cannot_be_oriented_is_a_row_and_the_others_are_classified(qtbot, classify_app, tiny,
                                                                                tmp_path, errors):
    window, ctl = classify_app
    folder = tmp_path / "scans"
    folder.mkdir()
    for path, _cls, _c in tiny.heldout[:4]:
        shutil.copy(path, folder / path.name)
    bad = _zero_affine_nifti(folder / "zero_affine.nii")
    load_model(qtbot, ctl, tiny.path)
    rows = _run_folder(qtbot, ctl, folder)
    assert errors == []  # no "Batch classification failed" dialog
    failed = [r for r in rows if r.error]
    assert [r.source for r in failed] == [str(bad)] and "zero_affine.nii" in failed[0].error
    assert sum(r.ok for r in rows) == 4
    table = window.findChild(type(ctl.batch_panel.table), "batchTable")
    assert table.model().rowCount() == 5
    shown = ctl.batch_panel.rows_in_view_order()
    assert shown[0] is failed[0] and table.model().index(0, ERROR).data() == failed[0].error
    assert "4 classified, 1 could not be read" in ctl.batch_panel.summary.text()

    # exporting the CSV over one of the scans: refused with a dialog, the scan kept
    victim = folder / tiny.heldout[0][0].name
    before = victim.read_bytes()
    assert ctl.batch.export_csv(str(victim)) is None
    assert victim.read_bytes() == before
    assert errors and errors[-1][0] == "Cannot export the CSV" and "is an input" in errors[-1][1]
