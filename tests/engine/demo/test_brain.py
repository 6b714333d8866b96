"""The brain MR benchmark's generator: the class is a local finding, and its mask is known."""
import numpy as np
from scipy import ndimage

from voxdesk.engine.demo.brain import brain, make_brain_mr


def test_lesion_and_normal_subjects_differ_only_around_the_lesion():
    for seed in range(3):
        lesion, info = brain("lesion", np.random.default_rng([7, seed]), 32, mask=True)
        normal, info_n = brain("normal", np.random.default_rng([7, seed]), 32, mask=True)
        found = info["lesion_mask"]
        assert found.sum() >= 20 and not info_n["lesion_mask"].any()
        assert (found & ~info["brain_mask"]).sum() == 0  # the lesion lies within the brain
        # Same head, spots and scanner: outside the lesion (and the blur's reach) nothing differs.
        near = ndimage.binary_dilation(found, iterations=6)
        assert np.allclose(lesion[~near], normal[~near], rtol=1e-5, atol=1e-3)
        assert lesion[found].mean() > 1.05 * normal[found].mean()  # hyperintense where it is


def test_make_brain_mr_is_balanced_and_deterministic():
    x, y, infos = make_brain_mr(3, 24, seed=1, masks=True)
    x2, y2, _ = make_brain_mr(3, 24, seed=1)
    assert x.shape == (6, 24, 24, 24) and np.bincount(y).tolist() == [3, 3]
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    assert all(info["lesion_mask"].any() == (label == 0) for info, label in zip(infos, y))
