"""Which kind of scan a remembered window preset belongs to (pure, no window)."""
from __future__ import annotations

import numpy as np
import pytest

from voxdesk.engine.volume import Volume
from voxdesk.gui.viewer.contrast import modality, preset_for
from voxdesk.gui.viewer.toolbar import decimals_for


def _vol(data, **meta):
    return Volume(np.asarray(data), name="v", meta=meta)


@pytest.mark.parametrize("data, meta, kind", [
    (np.full((4, 4, 4), 7.0), {"modality": "MR"}, "MR"),
    (np.full((4, 4, 4), 7.0), {"modality": "CT"}, "CT"),
    (np.full((4, 4, 4), 7.0), {"modality": "PT"}, "other"),
    (np.full((4, 4, 4), 7.0), {"units": "HU"}, "CT"),
    (np.r_[[-1000] * 32, [40] * 32].reshape(4, 4, 4).astype(np.int16), {}, "CT"),  # air and tissue in HU
    (np.r_[[-3024] * 32, [300] * 32].reshape(4, 4, 4).astype(np.int16), {}, "CT"),  # scanner padding
    (np.linspace(0, 1, 64).reshape(4, 4, 4), {}, "other"),  # normalised MR or anything
    (np.linspace(-1, 1, 64).reshape(4, 4, 4), {}, "other"),
    (np.linspace(0, 4000, 64).reshape(4, 4, 4), {}, "other"),  # raw MR intensities
])
def test_modality(data, meta, kind):
    assert modality(_vol(data, **meta)) == kind


def test_a_remembered_preset_applies_only_to_its_kind_and_when_offered():
    ct = _vol(np.r_[[-1000] * 32, [40] * 32].reshape(4, 4, 4).astype(np.int16))
    other = _vol(np.linspace(0, 1, 64).reshape(4, 4, 4))
    remembered = {"CT": "CT lung", "other": "full range"}
    assert preset_for(ct, remembered) == "CT lung"
    assert preset_for(other, remembered) == "full range"
    assert preset_for(ct, {"CT": "file's window"}) == "auto (1-99%)"  # this file has none
    assert preset_for(ct, {}) == "auto (1-99%)"


def test_window_numbers_show_decimals_that_suit_the_data():
    assert decimals_for(4000.0) == 0  # CT in HU
    assert decimals_for(1.0) == 3  # data normalised to [0, 1]
    assert decimals_for(0.001) == 6
