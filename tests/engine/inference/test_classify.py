"""Inference: held-out files classified right, training's preprocessing reused, batch rows,
errors in rows, cancel, and the input-consistency warnings."""
import hashlib
import subprocess
import sys

import numpy as np
import pytest
from fixtures.classify import make_scan, write_nifti

from voxdesk.engine.inference.classify import Prediction, classify, classify_many, model_id
from voxdesk.engine.inference.items import VolumeRef, dataset_items, expand_paths
from voxdesk.engine.io import open_volume
from voxdesk.engine.model.consistency import check_volume, robust_range, training_data_stats
from voxdesk.engine.progress import Cancelled, CancelToken
from voxdesk.engine.volume import Volume

pytestmark = pytest.mark.slow


def test_heldout_files_are_classified_correctly(tiny):
    for path, truth, _ in tiny.heldout:
        p = classify(tiny.bundle, open_volume(path))
        assert isinstance(p, Prediction)
        assert p.class_name == truth, (path, p)
        assert list(p.probabilities) == ["clear", "lesion"]
        assert sum(p.probabilities.values()) == pytest.approx(1.0, abs=1e-5)
        assert p.confidence == max(p.probabilities.values()) and p.confidence > 0.5
        assert p.class_index == ["clear", "lesion"].index(truth)
        assert p.model_id == model_id(tiny.bundle) and p.model_id.startswith("voxnet-bn-")
        assert p.warnings == []  # in-distribution: nothing to warn about
        assert p.source == str(path)


def test_predictions_equal_the_training_pipeline(tiny):
    """classify() prepares a volume exactly as training did: same probabilities as the bundle's
    own preprocess + predict path, also for a volume that must be resampled."""
    rng = np.random.default_rng(3)
    vols = [open_volume(p) for p, _, _ in tiny.heldout[:3]]
    vols.append(Volume(make_scan(rng, True, side=20)[0]))
    expected = tiny.bundle.predict_proba([v.data for v in vols])
    got = np.array([list(classify(tiny.bundle, v).probabilities.values()) for v in vols])
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_warm_path_is_traced_once_for_any_batch_size(tiny):
    from voxdesk.engine.model.predict import predictor

    vol = open_volume(tiny.heldout[0][0])
    for _ in range(3):
        classify(tiny.bundle, vol)
    classify_many(tiny.bundle, [p for p, _, _ in tiny.heldout], batch_size=5)
    assert predictor(tiny.bundle.model).traced.experimental_get_tracing_count() == 1


def test_classify_many_rows_errors_and_order(tiny, tmp_path):
    bad = tmp_path / "broken.nii.gz"
    bad.write_bytes(b"\x1f\x8b not really gzip")
    missing = tmp_path / "nope.nii"
    wrong = tmp_path / "flat.npy"
    np.save(wrong, np.zeros((4, 5)))  # 2D: not a volume
    paths = [p for p, _, _ in tiny.heldout[:3]]
    items = [paths[0], str(bad), paths[1], missing, wrong, open_volume(paths[2])]
    seen = []
    rows = classify_many(tiny.bundle, items, batch_size=2, progress=lambda f, m="": seen.append(f))
    assert [r.index for r in rows] == list(range(6))
    assert [r.ok for r in rows] == [True, False, True, False, False, True]
    assert "broken.nii.gz" in rows[1].error and "nope.nii" in rows[3].error and rows[4].error
    assert rows[0].prediction.class_name == tiny.heldout[0][1]
    assert rows[0].sha256 == hashlib.sha256(paths[0].read_bytes()).hexdigest()
    assert rows[1].sha256 == hashlib.sha256(bad.read_bytes()).hexdigest()
    assert rows[3].sha256 is None and rows[5].sha256 is None  # no file / an in-memory Volume
    assert all(r.timestamp.endswith("+00:00") for r in rows)
    assert seen[-1] == 1.0 and seen == sorted(seen)


def test_classify_many_walks_folders_and_rows_match_classify(tiny):
    folder = tiny.heldout[0][0].parent
    assert len(expand_paths([folder])) == len(tiny.heldout)
    rows = classify_many(tiny.bundle, [folder], batch_size=3)
    assert [r.source for r in rows] == [str(p) for p, _, _ in tiny.heldout]
    for row, (path, truth, _) in zip(rows, tiny.heldout):
        assert row.prediction.class_name == truth
        single = classify(tiny.bundle, open_volume(path))
        assert row.prediction.probabilities == pytest.approx(single.probabilities, abs=1e-5)


def test_cancel_stops_between_batches_and_keeps_rows(tiny):
    token = CancelToken()
    paths = [p for p, _, _ in tiny.heldout]
    with pytest.raises(Cancelled) as exc:  # cancelled while the first batch reports progress
        classify_many(tiny.bundle, paths, batch_size=3, progress=lambda f, m="": token.cancel(), cancel=token)
    assert [r.source for r in exc.value.rows] == [str(p) for p in paths[:3]]
    assert all(r.ok for r in exc.value.rows)


def test_dataset_items_and_stack_refs_carry_labels(tiny, tmp_path):
    from voxdesk.engine.datasets import from_arrays

    rng = np.random.default_rng(11)
    x = np.stack([make_scan(rng, bool(i % 2))[0] for i in range(4)])
    ds = from_arrays(x, np.arange(4) % 2, class_names=["clear", "lesion"], split="test")
    rows = classify_many(tiny.bundle, dataset_items(ds, "test"))
    assert [r.label for r in rows] == ["clear", "lesion"] * 2
    assert [r.prediction.class_name for r in rows] == [r.label for r in rows]
    assert rows[1].source == "X[1]"
    np.save(tmp_path / "stack.npy", x)
    rows = classify_many(tiny.bundle, [VolumeRef(str(tmp_path / "stack.npy"), index=i) for i in range(4)])
    assert [r.prediction.class_name for r in rows] == ["clear", "lesion"] * 2
    assert rows[2].source.endswith("stack.npy[2]")
    digest = hashlib.sha256((tmp_path / "stack.npy").read_bytes()).hexdigest()
    assert {r.sha256 for r in rows} == {digest}  # the stack file's hash, computed once per run


# ------------------------------------------------------------------ consistency warnings
def _vol(data, spacing=(1.0, 1.0, 1.0), **kw):
    return Volume(np.asarray(data, np.float32), spacing=spacing, affine=np.diag(list(spacing) + [1.0]), **kw)


def test_in_distribution_volume_has_no_warnings(tiny):
    rng = np.random.default_rng(5)
    assert check_volume(_vol(make_scan(rng, True)[0]), tiny.bundle.metadata) == []


def test_wrong_intensity_scale_warns_in_plain_words(tiny):
    rng = np.random.default_rng(5)
    ct = make_scan(rng, True)[0] * 16 - 1000  # e.g. Hounsfield units instead of 0..255
    w = check_volume(_vol(ct), tiny.bundle.metadata)
    assert len(w) == 1 and w[0].startswith("intensity range -9"), w  # robust: 0.5th..99.5th percentile
    assert "far outside the training data's 3." in w[0] and "normalised differently" in w[0]
    # and it reaches the prediction's warnings
    p = classify(tiny.bundle, _vol(ct))
    assert any("intensity range" in x for x in p.warnings)


def test_very_different_shape_and_spacing_warn(tiny):
    big = np.random.default_rng(1).normal(20, 6, (64, 64, 40))
    w = check_volume(_vol(big, spacing=(0.25, 0.25, 0.4)), tiny.bundle.metadata)
    assert any(x.startswith("size 64x64x40 voxels is very different from the training data's 16x16x16") for x in w)
    assert any(x.startswith("voxel spacing 0.25 x 0.25 x 0.4 mm is outside") for x in w)
    assert not any("intensity" in x for x in w)


def test_orientation_unknown_warns_when_training_scans_had_one(tiny):
    vol = _vol(make_scan(np.random.default_rng(2), False)[0], orientation_known=False)
    w = check_volume(vol, tiny.bundle.metadata)
    assert len(w) == 1 and "no orientation" in w[0] and "RAS" in w[0]
    vol = _vol(vol.data, axcodes=("L", "P", "S"))
    assert check_volume(vol, tiny.bundle.metadata) == ["orientation LPS differs from the training data's RAS"]


def test_without_training_stats_checks_fall_back_to_input_size_and_ct_window(tiny):
    from voxdesk.engine.model.preprocessing import make_spec

    meta = {k: v for k, v in tiny.bundle.metadata.items() if k != "data_stats"}
    assert check_volume(_vol(np.random.rand(16, 16, 16) * 1e4), meta) == []
    w = check_volume(_vol(np.random.rand(100, 100, 100)), meta)
    assert len(w) == 1 and "the model's input size 16x16x16" in w[0]
    meta["preprocessing"] = make_spec((16, 16, 16), normalization="ct-window").to_dict()
    w = check_volume(_vol(np.random.rand(16, 16, 16) * 255 + 2000), meta)
    assert len(w) == 1 and "CT window -160..240" in w[0]


def test_training_stats_are_robust_and_read_nifti_headers(tmp_path):
    rng = np.random.default_rng(0)
    arrays = [rng.normal(100, 10, (8, 8, 8)) for _ in range(20)]
    arrays[3][0, 0, 0] = 1e6  # one hot voxel does not widen the range
    arrays.append(np.full((8, 8, 8), 5e5))  # nor does one odd sample
    s = training_data_stats(arrays)
    assert 60 < s["intensity_low"] < 100 < s["intensity_high"] < 140
    assert s["shape_min"] == s["shape_max"] == [8, 8, 8] and s["spacing_min"] is None
    assert robust_range(arrays[3])[1] < 200

    class Files:  # file-backed Samples (like dataset_files.FileSamples)
        def __init__(self, paths):
            self.paths = paths

        def __len__(self):
            return len(self.paths)

        def __getitem__(self, i):
            return open_volume(self.paths[i]).data

        def path(self, i):
            return self.paths[i]

    paths = [write_nifti(tmp_path / f"s{i}.nii", arrays[i], np.diag([2.0, 2.0, 3.0 + i, 1])) for i in range(3)]
    s = training_data_stats(Files(paths))
    assert s["spacing_min"] == [2.0, 2.0, 3.0] and s["spacing_max"] == [2.0, 2.0, 5.0]
    assert s["axcodes"] == ["RAS"] and s["orientation_known"] is True


def test_importing_inference_modules_does_not_import_tensorflow():
    code = ("import sys; import voxdesk.engine.inference.classify, voxdesk.engine.inference.explain, "
            "voxdesk.engine.model.consistency, voxdesk.cli.classify_cmd, voxdesk.cli.explain_cmd; "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_a_class_folder_batch_knows_each_cases_true_label(tiny, tmp_path):
    import shutil
    from pathlib import Path

    from voxdesk.engine.inference.classify import iter_classify

    root = tmp_path / "by-class"
    for path, truth, _ in tiny.heldout:
        (root / "test" / truth).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, root / "test" / truth / path.name)
    items = expand_paths([root])
    assert len(items) == len(tiny.heldout) and all(isinstance(i, VolumeRef) for i in items)
    assert {(Path(i.path).parent.name, i.label) for i in items} == {("clear", "clear"), ("lesion", "lesion")}
    rows = list(iter_classify(tiny.bundle, items))
    assert [r.label for r in rows] == [Path(r.source).parent.name for r in rows]
    # a plain folder of scans has no labels
    assert all(isinstance(i, str) for i in expand_paths([tiny.heldout[0][0].parent]))


def test_batch_read_ahead_keeps_row_order_and_per_file_errors(tiny, tmp_path, monkeypatch):
    """Reading the next files while the model predicts changes nothing a user sees: the same rows
    in the same order, a broken file among good ones still its own one-line error row."""
    import time

    from voxdesk.engine.inference import classify as classify_mod

    bad = tmp_path / "broken.nii.gz"
    bad.write_bytes(b"\x1f\x8b not really gzip")
    paths = [str(p) for p, _, _ in tiny.heldout]
    items = paths[:3] + [str(bad)] + paths[3:]
    opened, at_predict = [], []
    real_open, real_predict = classify_mod._open_item, classify_mod._Runner.predict

    def spy_open(item):
        opened.append(item)
        return real_open(item)

    def slow_predict(self, x):
        time.sleep(0.2)  # the model is slower than reading: readers run ahead meanwhile
        at_predict.append(len(opened))
        return real_predict(self, x)

    monkeypatch.setattr(classify_mod, "_open_item", spy_open)
    monkeypatch.setattr(classify_mod._Runner, "predict", slow_predict)
    serial = list(classify_mod.iter_classify(tiny.bundle, items, batch_size=2, read_ahead=0))
    serial_opened = list(at_predict)
    opened.clear(), at_predict.clear()
    ahead = list(classify_mod.iter_classify(tiny.bundle, items, batch_size=2, read_ahead=3))
    assert serial_opened[0] == 2 and at_predict[0] > 2  # the next batch was read during the first predict
    assert [r.source for r in ahead] == [r.source for r in serial] == items
    assert [r.index for r in ahead] == list(range(len(items)))
    assert [r.ok for r in ahead] == [r.ok for r in serial] == [True] * 3 + [False] + [True] * 5
    assert ahead[3].error == serial[3].error and "broken.nii.gz" in ahead[3].error and "\n" not in ahead[3].error
    for a, s in zip(ahead, serial):
        if a.ok:
            assert a.prediction.probabilities == pytest.approx(s.prediction.probabilities, abs=1e-6)
            assert a.sha256 == s.sha256


@pytest.mark.parametrize("cores, reads_ahead", [(2, False), (8, True)])
def test_batches_are_read_ahead_only_on_machines_with_more_than_two_cores(tiny, monkeypatch, cores, reads_ahead):
    """Measured on 2 cores, reading ahead was slower than serial (the model keeps both busy)."""
    from voxdesk.engine import readahead
    from voxdesk.engine.inference import classify as classify_mod

    seen = []
    real = readahead.ordered_map

    def spy(fn, items, *, ahead=readahead.DEFAULT_AHEAD, workers=readahead.DEFAULT_WORKERS):
        seen.append(ahead)
        return real(fn, items, ahead=ahead, workers=workers)

    monkeypatch.setattr(readahead, "ordered_map", spy)
    monkeypatch.setattr(classify_mod.os, "cpu_count", lambda: cores)
    rows = list(classify_mod.iter_classify(tiny.bundle, [tiny.heldout[0][0], tiny.heldout[1][0]], batch_size=2))
    assert all(r.ok for r in rows) and seen == [2 if reads_ahead else 0]
