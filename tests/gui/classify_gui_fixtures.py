"""Fixtures for the classify/batch panel tests: a real MainWindow with the classify docks.

The model is the engine tests' tiny bundle (``tests/classify_fixtures.py``: 16^3 scans, class
``lesion`` = one bright 3^3 blob; trained once per session through the engine's own API).
This module is not named ``classify_fixtures`` because ``tests/`` and ``tests/gui/`` are both on
``sys.path`` (rootdir conftests): two modules of one name would shadow each other.

Use with ``from tests.gui.classify_gui_fixtures import *  # noqa: F401,F403``.
"""
from __future__ import annotations

import numpy as np
import pytest

from classify_fixtures import CLASSES, make_scan, tiny, write_nifti  # noqa: F401

__all__ = ["tiny", "classify_app", "errors", "load_model", "show", "wait_idle", "CLASSES", "make_scan",
           "write_nifti", "nifti_volume", "lesion_case", "odd_volume"]


@pytest.fixture
def errors(monkeypatch):
    """Dialogs shown by the classify controller, recorded as (title, text) instead of blocking."""
    from voxdesk.gui.classify import controller as classify_dock

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(classify_dock, "show_error", lambda parent, title, text: shown.append((title, text)))
    return shown


@pytest.fixture
def classify_app(window, errors):
    """(window, controller): the viewer's MainWindow with ``install_classify`` applied."""
    from voxdesk.gui.classify.controller import install_classify

    ctl = install_classify(window, window.state)
    yield window, ctl
    ctl.shutdown()


def wait_idle(qtbot, ctl, start, timeout=60_000):
    """Run ``start()`` (which starts one single-volume job) and wait until that job ended."""
    with qtbot.waitSignal(ctl.idle, timeout=timeout):
        worker = start()
        assert worker is not None, "the controller refused to start the job"
    return worker


def load_model(qtbot, ctl, path):
    wait_idle(qtbot, ctl, lambda: ctl.load_model(str(path)))
    return ctl.bundle


def nifti_volume(path):
    from voxdesk.engine.io import open_volume

    return open_volume(str(path))


def show(window, path_or_volume):
    """Show a volume in the window (read in the test thread: it is 16^3)."""
    volume = nifti_volume(path_or_volume) if not hasattr(path_or_volume, "data") else path_or_volume
    window.show_volume(volume)
    return volume


def lesion_case(tiny):
    return next((p, c) for p, cls, c in tiny.heldout if cls == "lesion")


def odd_volume():
    """A scan far from the training data: 48x48x6 voxels of 1000-4000 (consistency warnings)."""
    from voxdesk.engine.volume import Volume

    rng = np.random.default_rng(3)
    return Volume(rng.uniform(1000, 4000, (48, 48, 6)).astype(np.float32), spacing=(1.0, 1.0, 1.0),
                  source="odd.nii.gz", name="odd")
