"""DICOM wherever a volume goes: class folders of series folders, CSV manifests of them, and
batch classification one row per series (hashed over the series' own files)."""
import hashlib

import nibabel as nib
import numpy as np
from fixtures.classify import CLASSES, make_scan
from fixtures.dicom import truth, write_series

from voxdesk.engine.datasets import load_dataset
from voxdesk.engine.io import open_volume


def test_class_folders_whose_cases_are_series_folders(tmp_path):
    root = tmp_path / "data"
    vol = truth((6, 5, 4))
    for c, cls in enumerate(("normal", "tumour")):
        for case in range(3):
            write_series(root / cls / f"patient{case}" / "CT", vol + 100 * c + case, seed=10 * c + case)
    (root / "normal" / "notes.txt").write_text("not a scan")
    with load_dataset(root) as ds:
        assert ds.layout == "class-folders" and ds.class_names == ["normal", "tumour"]
        split = ds.splits["all"]
        assert len(split) == 6 and sorted(split.labels.tolist()) == [0, 0, 0, 1, 1, 1]
        assert split.samples.sample_shape == (6, 5, 4)  # from the DICOM headers
        assert split.samples.describe(0) == "normal/patient0/CT"
        first = open_volume(root / "normal" / "patient0" / "CT").data
        np.testing.assert_array_equal(split.samples[0], first)
        assert any("1 file(s) that are not volumes" in w for w in ds.warnings)


def test_csv_manifest_of_series_folders(tmp_path):
    vol = truth((6, 5, 4))
    write_series(tmp_path / "a", vol, seed=1)
    write_series(tmp_path / "b", vol + 5, seed=2)
    (tmp_path / "list.csv").write_text("path,label\na,normal\nb,tumour\n")
    with load_dataset(tmp_path / "list.csv") as ds:
        assert len(ds.splits["all"]) == 2 and ds.class_names == ["normal", "tumour"]
        assert int(ds.splits["all"].samples[1].max()) == int(vol.max()) + 5


def _series_of(scan):
    return np.round(scan).astype(np.int16)


def test_batch_classify_gives_one_row_per_series(tiny, tmp_path):
    from voxdesk.engine.inference.classify import iter_classify
    from voxdesk.engine.inference.items import expand_paths
    from voxdesk.engine.io import dicom

    rng = np.random.default_rng(3)
    root = tmp_path / "exams"
    lesion, _ = make_scan(rng, True)
    clear, _ = make_scan(rng, False)
    write_series(root / "p1", _series_of(lesion), spacing=(1.0, 1.0, 1.0), rescale=lambda k: (1, 0), seed=1)
    write_series(root / "p2", _series_of(clear), spacing=(1.0, 1.0, 1.0), rescale=lambda k: (1, 0), seed=2,
                 number=1, description="CLEAR")
    write_series(root / "p2", _series_of(lesion), spacing=(1.0, 1.0, 1.0), rescale=lambda k: (1, 0), seed=3,
                 number=2, description="LESION")
    nib.save(nib.Nifti1Image(clear, np.eye(4)), str(root / "x.nii.gz"))
    items = expand_paths([root])
    assert items == [str(root / "x.nii.gz"), str(root / "p1"), f"{root / 'p2'}:1", f"{root / 'p2'}:2"]
    rows = list(iter_classify(tiny.bundle, items))
    assert [r.error for r in rows] == [None] * 4
    predicted = [r.prediction.class_name for r in rows]
    assert sum(p == want for p, want in zip(predicted, ["clear", "lesion", "clear", "lesion"])) >= 3
    assert set(predicted) <= set(CLASSES)
    h = hashlib.sha256()
    for f in dicom.series_files(root / "p2", "2"):
        h.update(open(f, "rb").read())
    assert rows[3].sha256 == h.hexdigest() and rows[2].sha256 != rows[3].sha256


def test_explain_a_series_writes_the_heat_map_on_its_grid(tiny, tmp_path):
    from voxdesk.engine.inference.explain import explain, save_heat_map

    rng = np.random.default_rng(4)
    scan, _ = make_scan(rng, True)
    write_series(tmp_path / "s", _series_of(scan), spacing=(1.0, 1.0, 1.0), rescale=lambda k: (1, 0), seed=5)
    vol = open_volume(tmp_path / "s")
    e = explain(tiny.bundle, vol, "lesion")
    out = save_heat_map(e.heat, vol, tmp_path / "heat.nii.gz")
    img = nib.load(str(out))
    assert img.shape == vol.shape
    np.testing.assert_allclose(img.affine, vol.affine, atol=1e-5)


def test_class_folders_of_enhanced_multiframe_files_are_one_case_per_file(tmp_path):
    from fixtures.dicom import write_multiframe

    vol = truth((6, 5, 5))
    for c, cls in enumerate(("normal", "tumour")):
        for case in range(3):
            write_multiframe(tmp_path / "data" / cls / f"case{case}.dcm", vol + c, seed=case,
                             patient_id=f"ID-{cls}-{case}")
    with load_dataset(tmp_path / "data") as ds:
        split = ds.splits["all"]
        assert len(split) == 6 and split.samples.describe(0) == "normal/case0.dcm"
        assert split.samples[3].shape == (6, 5, 5) and len(set(split.groups)) == 6
