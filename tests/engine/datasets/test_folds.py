"""Cross-validation folds: what is pooled, disjoint folds that cover it, patients kept whole."""
import numpy as np
import pytest

from voxdesk.engine.datasets import ArraySamples, LabelledDataset, Split
from voxdesk.engine.datasets.folds import (
    check_fold_count,
    check_folds,
    fold_dataset,
    make_folds,
    pool_for_crossval,
    refit_dataset,
)
from voxdesk.engine.errors import DatasetError


def _split(n, first_value, labels, groups=None):
    x = (first_value + np.arange(n, dtype=np.float32))[:, None, None, None] * np.ones((1, 2, 2, 2), np.float32)
    return Split(ArraySamples(x), np.asarray(labels, np.int64), None if groups is None else np.asarray(groups, object))


def _dataset(**splits):
    return LabelledDataset(["a", "b"], dict(splits), "<test>", "xy-arrays")


def test_train_and_val_are_pooled_and_the_test_split_stays_out():
    ds = _dataset(train=_split(6, 0, [0, 1] * 3), val=_split(4, 100, [0, 1] * 2), test=_split(4, 200, [0, 1] * 2))
    pool = pool_for_crossval(ds)
    assert pool.split_names == ["train", "val"] and len(pool) == 10 and len(pool.test) == 4
    # the pooled samples are train's then val's, singly and in any batch order
    assert [float(pool.samples[i][0, 0, 0]) for i in (0, 5, 6, 9)] == [0, 5, 100, 103]
    assert [float(s[0, 0, 0]) for s in pool.samples.batch([9, 0, 6, 5])] == [103, 0, 100, 5]
    assert pool.samples.describe(7) == "X[1]" and pool.samples.sample_shape == (2, 2, 2)
    fold = fold_dataset(ds, pool, np.array([0, 6]))
    assert set(fold.splits) == {"train", "test"} and len(fold.splits["train"]) == 8
    assert [float(s[0, 0, 0]) for s in fold.splits["test"].samples.batch([0, 1])] == [0, 100]
    refit = refit_dataset(ds, pool)
    assert len(refit.splits["train"]) == 10 and refit.splits["test"] is ds.splits["test"]


def test_a_dataset_without_a_test_split_is_cross_validated_whole():
    pool = pool_for_crossval(_dataset(all=_split(8, 0, [0, 1] * 4)))
    assert pool.split_names == ["all"] and len(pool) == 8 and pool.test is None
    assert set(refit_dataset(_dataset(all=_split(8, 0, [0, 1] * 4)), pool).splits) == {"train"}


def test_folds_are_disjoint_cover_the_data_and_are_stratified():
    labels = np.array([0] * 12 + [1] * 6)
    folds = make_folds(labels, None, 3, seed=0)
    assert len(folds) == 3
    assert sorted(np.concatenate(folds).tolist()) == list(range(18))  # every sample tested exactly once
    assert [np.bincount(labels[f], minlength=2).tolist() for f in folds] == [[4, 2]] * 3
    assert [f.tolist() for f in make_folds(labels, None, 3, seed=0)] == [f.tolist() for f in folds]  # seeded
    assert [f.tolist() for f in make_folds(labels, None, 3, seed=1)] != [f.tolist() for f in folds]


def test_no_patient_is_in_two_folds():
    groups = np.array([f"P{p}" for p in range(12) for _ in range(3)], object)
    labels = np.array([p % 2 for p in range(12) for _ in range(3)])
    folds = make_folds(labels, groups, 4, seed=0)
    assert sorted(np.concatenate(folds).tolist()) == list(range(36))
    patients = [set(groups[f]) for f in folds]
    assert all(a.isdisjoint(b) for i, a in enumerate(patients) for b in patients[i + 1:])
    assert all(len(f) == 9 and set(labels[f]) == {0, 1} for f in folds)  # whole patients, both classes


def test_groups_survive_pooling_and_a_sample_without_one_is_its_own():
    ds = _dataset(train=_split(4, 0, [0, 1, 0, 1], ["P1", "P1", "P2", "P2"]), val=_split(2, 10, [0, 1]))
    pool = pool_for_crossval(ds)
    assert list(pool.groups[:4]) == ["P1", "P1", "P2", "P2"] and len(set(pool.groups)) == 4


@pytest.mark.parametrize("k, message", [(1, "at least 2 folds (got 1)"), (0, "at least 2 folds"),
                                        (-3, "at least 2 folds")])
def test_fewer_than_two_folds_is_refused(k, message):
    with pytest.raises(DatasetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_fold_count(k)


def test_more_folds_than_the_smallest_class_or_the_patients_is_refused():
    labels = np.array([0] * 10 + [1] * 3)
    check_folds(3, labels, None, ["normal", "tumour"])
    with pytest.raises(DatasetError, match="cannot make 4 folds: class 'tumour' has only 3 samples .*at most 3 folds"):
        check_folds(4, labels, None, ["normal", "tumour"])
    groups = np.array([f"N{i}" for i in range(10)] + ["T1", "T1", "T2"], object)  # 3 tumour scans, 2 patients
    check_folds(2, labels, groups, ["normal", "tumour"])
    with pytest.raises(DatasetError, match="3 folds by patient: class 'tumour' occurs in only 2 patients .*at most 2"):
        check_folds(3, labels, groups, ["normal", "tumour"])
    with pytest.raises(DatasetError, match="only a test split"):
        pool_for_crossval(_dataset(test=_split(4, 0, [0, 1] * 2)))
