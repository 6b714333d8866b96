"""A labelling session over a folder of unlabelled scans (issue 19): every change is in the
manifest at once, undo reverts it, a reopened session continues at the first unlabelled case, and
load_dataset trains only on what was labelled."""
import csv
import os

import numpy as np
import pytest

from voxdesk.engine.datasets import load_dataset
from voxdesk.engine.datasets.labelling import LabellingSession, read_manifest
from voxdesk.engine.errors import DatasetError


def manifest_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if not r["path"].startswith("#")]


def test_a_session_lists_every_scan_with_relative_paths_and_nothing_labelled(scan_folder):
    root, fractions = scan_folder
    s = LabellingSession.start(root, classes=["dark", "bright"])
    assert s.manifest == root / "labels.csv" and s.manifest.exists()
    rows = manifest_rows(s.manifest)
    assert [r["path"] for r in rows] == sorted(fractions, key=lambda p: (p.startswith("more"), p))
    assert all(r["status"] == "unlabelled" and r["label"] == "" and r["patient"] == "" for r in rows)
    assert s.current == 0


def test_each_label_is_in_the_manifest_at_once_and_the_next_case_follows(scan_folder):
    root, _ = scan_folder
    s = LabellingSession.start(root, classes=["dark", "bright"])
    assert s.assign(0, "bright") == 1
    assert manifest_rows(s.manifest)[0] == {"path": "c0.npy", "label": "bright", "split": "", "patient": "",
                                            "status": "labelled", "notes": ""}
    assert s.mark_unsure(1) == 2 and manifest_rows(s.manifest)[1]["status"] == "unsure"
    assert s.skip(2) == 3 and manifest_rows(s.manifest)[2]["status"] == "skipped"
    s.set_patient(3, " p07 ")
    s.set_notes(3, "motion artefact")
    row = manifest_rows(s.manifest)[3]
    assert (row["patient"], row["notes"], row["status"]) == ("p07", "motion artefact", "unlabelled")
    with pytest.raises(DatasetError, match="not one of the classes"):
        s.assign(3, "grey")


def test_undo_reverts_the_last_change_in_the_manifest_too(scan_folder):
    root, _ = scan_folder
    s = LabellingSession.start(root, classes=["dark", "bright"])
    s.assign(0, "bright")
    s.assign(1, "dark")
    assert s.undo() == 1 and s.current == 1
    rows = manifest_rows(s.manifest)
    assert (rows[0]["label"], rows[1]["label"], rows[1]["status"]) == ("bright", "", "unlabelled")
    assert s.undo() == 0 and manifest_rows(s.manifest)[0]["status"] == "unlabelled"
    assert s.undo() is None


def test_saving_is_atomic_a_failed_write_keeps_the_previous_manifest(scan_folder, monkeypatch):
    root, _ = scan_folder
    s = LabellingSession.start(root, classes=["dark", "bright"])
    s.assign(0, "bright")
    before = s.manifest.read_bytes()
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(Exception, match="could not write the labels.*No space left"):
        s.assign(1, "dark")
    monkeypatch.undo()
    assert s.manifest.read_bytes() == before
    assert not [p for p in root.iterdir() if ".tmp-" in p.name]


def test_a_reopened_session_continues_at_the_first_unlabelled_case_with_its_classes(scan_folder):
    root, fractions = scan_folder
    s = LabellingSession.start(root, classes=["dark", "bright", "unknown-yet"])
    s.assign(0, "bright")
    s.assign(1, "dark")
    again = LabellingSession.start(root)  # the folder again: its manifest is picked up
    assert again.current == 2 and again.classes == ["dark", "bright", "unknown-yet"]
    assert [c.label for c in again.cases[:2]] == ["bright", "dark"]
    reopened = LabellingSession.open(s.manifest)
    assert reopened.current == 2 and len(reopened) == len(fractions)
    np.save(root / "z_new.npy", np.zeros((8, 8, 8), np.float32))  # a scan added since: appended
    grown = LabellingSession.start(root)
    assert len(grown) == len(fractions) + 1 and grown.cases[-1].path == "z_new.npy"
    assert grown.cases[0].label == "bright"


def test_load_dataset_reads_the_manifest_and_leaves_out_what_is_not_labelled(scan_folder):
    root, fractions = scan_folder
    s = LabellingSession.start(root, classes=["dark", "bright"])
    s.assign(0, "bright")      # c0
    s.assign(1, "dark")        # c1 (really 0.5)
    s.mark_unsure(2)           # c2: not trained on
    s.assign(3, "dark")        # c3
    s.skip(4)                  # c4: not trained on
    s.assign(6, "bright")      # the stack's first volume
    s.set_patient(6, "p1")
    with load_dataset(s.manifest) as ds:
        assert ds.class_names == ["bright", "dark"]
        split = ds.splits["all"]
        assert len(split) == 4 and sorted(split.labels.tolist()) == [0, 0, 1, 1]
        assert any("not labelled" in w for w in ds.warnings)
        described = [split.samples.describe(i) for i in range(len(split))]
        assert "more/stack.h5:/X[0]" in described
        stacked = split.samples[described.index("more/stack.h5:/X[0]")]
        assert stacked.shape == (8, 8, 8) and stacked.mean() > 0.9  # volume 0 of the stack, not the stack
        assert split.groups is not None and "p1" in split.groups.tolist()


def test_an_unlabelled_manifest_is_refused_with_a_sentence(scan_folder):
    root, _ = scan_folder
    s = LabellingSession.start(root, classes=["dark", "bright"])
    with pytest.raises(DatasetError, match="none of its .* rows is labelled yet"):
        load_dataset(s.manifest)


def test_other_columns_of_an_existing_manifest_are_kept(scan_folder):
    root, _ = scan_folder
    (root / "labels.csv").write_text("path,label,site\nc0.npy,bright,A\n", encoding="utf-8")
    s = LabellingSession.start(root, classes=["dark"])
    assert s.classes == ["dark", "bright"] and s.cases[0].is_labelled
    s.assign(1, "dark")
    cases, classes = read_manifest(s.manifest)
    assert cases[0].extra == {"site": "A"} and classes == ["dark", "bright"]


def test_bad_input_is_one_sentence(tmp_path, scan_folder):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="no scans found"):
        LabellingSession.start(tmp_path / "empty", classes=["a", "b"])
    root, _ = scan_folder
    with pytest.raises(DatasetError, match="at least two classes"):
        LabellingSession.start(root)
    with pytest.raises(DatasetError, match="listed twice"):
        LabellingSession.start(root, classes=["a", "a"])
