"""GUI fixtures: a real MainWindow (offscreen unless under Xvfb) and small real files."""
from __future__ import annotations

import numpy as np
import pytest

import voxdesk.gui  # noqa: F401  (before the QApplication: shared GL contexts, refcount guard)
from voxdesk.engine.volume import Volume


def coded_array(shape=(20, 24, 16), dtype=np.int32) -> np.ndarray:
    """value(i, j, k) = 10000*i + 100*j + k, so any voxel's value names its index."""
    i, j, k = np.indices(shape)
    return (10000 * i + 100 * j + k).astype(dtype)


@pytest.fixture
def coded_volume() -> Volume:
    return Volume(coded_array(), spacing=(1.0, 2.0, 3.0), source="coded.npy", name="coded")


@pytest.fixture
def window(qtbot):
    from voxdesk.gui.app import make_application
    from voxdesk.gui.main_window import MainWindow

    make_application()
    win = MainWindow()
    win.errors = []
    win.show_error = lambda title, message: win.errors.append((title, message))
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.runner.shutdown()


def open_and_wait(qtbot, window, path, **kwargs):
    with qtbot.waitSignal(window.opener.finished, timeout=30_000):
        window.open_path(str(path), **kwargs)
    return window.state.volume


@pytest.fixture
def files(tmp_path):
    """One small real file per format, all holding coded_array()."""
    import h5py
    import nibabel as nib

    data = coded_array()
    out = {}
    out["npy"] = tmp_path / "vol.npy"
    np.save(out["npy"], data)
    out["npz"] = tmp_path / "vol.npz"
    np.savez(out["npz"], volume=data)
    out["nii.gz"] = tmp_path / "vol.nii.gz"
    nib.save(nib.Nifti1Image(data, np.diag([1.0, 2.0, 3.0, 1.0])), str(out["nii.gz"]))
    out["h5"] = tmp_path / "several.h5"
    with h5py.File(out["h5"], "w") as f:
        f["scans/ct"] = data
        f["scans/stack"] = np.stack([data, data + 1, data + 2])
        f["labels"] = np.array([b"a", b"b"])
    out["4d"] = tmp_path / "four.nii.gz"
    nib.save(nib.Nifti1Image(np.stack([data, data * 0 + 7], axis=-1), np.eye(4)), str(out["4d"]))
    return out
