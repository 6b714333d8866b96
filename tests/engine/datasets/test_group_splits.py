"""No patient in two splits: a CSV's patient column and DICOM PatientIDs group the samples."""
import numpy as np
from fixtures.dicom import truth, write_series

from voxdesk.engine.datasets import load_dataset
from voxdesk.engine.datasets.splits import choose_splits


def _csv(tmp_path, rows, header="path,label,patient"):
    for name, *_ in rows:
        np.save(tmp_path / name, np.zeros((4, 4, 4), np.float32))
    text = header + "\n" + "\n".join(",".join(r) for r in rows) + "\n"
    (tmp_path / "list.csv").write_text(text)
    return tmp_path / "list.csv"


def test_a_patient_column_keeps_each_patient_in_one_split(tmp_path):
    rows = [(f"p{p}_s{s}.npy", "tumour" if p % 2 else "normal", f"P{p:02d}") for p in range(20) for s in range(3)]
    with load_dataset(_csv(tmp_path, rows)) as ds:
        assert list(ds.splits["all"].groups[:3]) == ["P00", "P00", "P00"]
        parts = choose_splits(ds, 0.2, 0.2, seed=0)
    sets = [set(part.groups) for part in (parts.train, parts.val, parts.test)]
    assert all(a.isdisjoint(b) for i, a in enumerate(sets) for b in sets[i + 1:])
    assert sum(len(s) for s in sets) == 20 and len(parts.test) % 3 == 0 and len(parts.val) % 3 == 0
    assert "by patient" in parts.test_source and "by patient" in parts.val_source
    assert set(parts.test.labels) == {0, 1}  # stratified by class as well
    assert not any("patient(s) have scans in both" in w for w in parts.warnings)


def test_predefined_splits_that_share_a_patient_are_reported(tmp_path):
    rows = [("a.npy", "x", "P1", "train"), ("b.npy", "y", "P2", "train"), ("c.npy", "x", "P3", "train"),
            ("d.npy", "y", "P4", "train"), ("e.npy", "x", "P1", "test"), ("f.npy", "y", "P5", "test")]
    with load_dataset(_csv(tmp_path, rows, "path,label,patient,split")) as ds:
        parts = choose_splits(ds, 0.0, 0.2, seed=0)
    assert any("1 patient(s) have scans in both the training and the test split" in w for w in parts.warnings)


def test_dicom_series_are_grouped_by_a_hash_of_their_patient_id(tmp_path):
    root = tmp_path / "data"
    vol = truth((6, 5, 4))
    for c, cls in enumerate(("normal", "tumour")):
        for patient in range(6):
            for series in range(2):  # two series of one patient
                write_series(root / cls / f"pt{patient}" / f"s{series}", vol + c, seed=100 * c + 10 * patient + series,
                             patient_id=f"ID-{cls}-{patient}")
    with load_dataset(root) as ds:
        groups = ds.splits["all"].groups
        assert len(set(groups)) == 12 and all(str(g).startswith("patient-") for g in groups)
        assert not any("ID-" in str(g) for g in groups)  # the ID itself is never kept
        parts = choose_splits(ds, 0.25, 0.25, seed=1)
    sets = [set(p.groups) for p in (parts.train, parts.val, parts.test)]
    assert all(a.isdisjoint(b) for i, a in enumerate(sets) for b in sets[i + 1:])
