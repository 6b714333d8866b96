"""A tiny trained model bundle shared by the classify/explain tests (trained once per session).

Task: 16^3 "scans" of low noise (intensities ~0..255 like 8-bit data); class ``lesion`` has one
bright 3x3x3 blob somewhere inside, class ``clear`` a single bright voxel instead. The class is
decided by one region (the blob), so Grad-CAM for ``lesion`` must peak there. (16^3, not 12^3:
the default model's last feature map is then 4^3, fine enough to locate the blob.)

Training goes through the real engine (``training.train`` on ``datasets.from_arrays``), the
bundle through ``bundle.save_bundle``/``load_bundle``; training-data statistics for the
consistency checks are added with ``consistency.training_data_stats``.

Import the fixture into a test module: ``from classify_fixtures import tiny  # noqa: F401``
(``tests/`` is on ``sys.path`` because it holds the root conftest).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest

SIDE = 16
BLOB = 3
CLASSES = ("clear", "lesion")


def make_scan(rng: np.random.Generator, lesion: bool, side: int = SIDE):
    """(volume, blob centre or None): noise 20 +- 6 and, for a lesion, a 3^3 blob of ~200.

    A clear scan gets one bright voxel instead, so that both classes have the same intensity
    range (min-max normalisation then scales them alike): only the blob's extent decides.
    """
    x = np.clip(rng.normal(20.0, 6.0, (side,) * 3), 0, None).astype(np.float32)
    centre = None
    if not lesion:
        x[tuple(rng.integers(0, side, size=3))] = 200.0
    else:
        lo = rng.integers(1, side - BLOB - 1 + 1, size=3)
        x[lo[0]:lo[0] + BLOB, lo[1]:lo[1] + BLOB, lo[2]:lo[2] + BLOB] = rng.normal(200.0, 10.0, (BLOB,) * 3)
        centre = tuple(int(v) + BLOB // 2 for v in lo)
    return x, centre


def write_nifti(path: Path, data: np.ndarray, affine=None) -> Path:
    nib.save(nib.Nifti1Image(np.asarray(data, np.float32), np.eye(4) if affine is None else affine), str(path))
    return path


@dataclass
class Tiny:
    bundle: object
    """The loaded Bundle (load_bundle, safe_mode)."""
    path: Path
    """The saved .voxmodel file."""
    heldout: list
    """[(path, class_name, blob centre or None)] NIfTI files never seen in training."""
    workdir: Path


_LOCK = threading.Lock()
_CACHE: dict = {}


def build_tiny(workdir: Path) -> Tiny:
    from voxdesk.engine.model.bundle import load_bundle, save_bundle
    from voxdesk.engine.model.consistency import STATS_KEY, training_data_stats
    from voxdesk.engine.datasets import from_arrays
    from voxdesk.engine.training.train import TrainConfig, train

    rng = np.random.default_rng(7)
    n = 48
    labels = np.array([i % 2 for i in range(n)])
    x = np.stack([make_scan(rng, bool(lbl))[0] for lbl in labels])
    dataset = from_arrays(x, labels, class_names=list(CLASSES))
    config = TrainConfig(model="voxnet-bn", epochs=20, batch_size=8, augment=None, seed=0,
                         early_stopping_patience=20, learning_rate=3e-3, lr_schedule="constant")
    result = train(config, dataset)
    bundle = result.to_bundle()
    # These arrays stand for RAS NIfTI scans with 1 mm voxels (as the held-out files are).
    bundle.metadata[STATS_KEY] = training_data_stats(
        dataset.splits["all"].samples, spacings=[(1.0, 1.0, 1.0)] * n, axcodes=["RAS"], orientation_known=True)
    path = save_bundle(bundle, workdir / "tiny.voxmodel")

    heldout = []
    held = workdir / "heldout"
    held.mkdir()
    for i in range(8):
        lesion = bool(i % 2)
        data, centre = make_scan(rng, lesion)
        heldout.append((write_nifti(held / f"case{i:02d}.nii.gz", data), CLASSES[lesion], centre))
    return Tiny(bundle=load_bundle(path), path=path, heldout=heldout, workdir=workdir)


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> Tiny:
    """The tiny trained bundle and its held-out files (built once per test session)."""
    with _LOCK:
        if "tiny" not in _CACHE:
            _CACHE["tiny"] = build_tiny(tmp_path_factory.mktemp("tiny_bundle"))
        return _CACHE["tiny"]
