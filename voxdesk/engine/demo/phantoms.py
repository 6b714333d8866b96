"""The built-in demo data: synthetic CT-like abdominal phantoms labelled by liver lesion.

Each volume is a low-resolution abdominal CT (int16 Hounsfield units, RAS axes: i towards the
patient's Right, j Anterior, k Superior): air at -1000 HU, a noisy elliptical body with a
subcutaneous fat layer, soft tissue with smooth inhomogeneity, liver, spleen, kidneys, aorta
(with or without contrast), liver vessels and a segmented spine. The class is the liver finding:

* ``normal``: no lesion (vessels can still look like small dark spots);
* ``cyst``: a round, sharply marginated hypodense lesion (water-like, 0-20 HU);
* ``tumour``: a lobulated, hypervascular lesion (50-120 HU above the liver, as an HCC or a
  hypervascular metastasis in the arterial/early portal phase).

Lesion size (radius 3-7 voxels), position and contrast, anatomy, contrast phase and noise
(5-12 HU) vary, so that a small CNN learns it in a few minutes but not perfectly (small,
low-contrast lesions are missed) and mean intensity alone does not separate the classes.
Everything is deterministic per seed.

``demo.store.ensure_demo_data()`` writes the same volumes in three forms (HDF5 X/y pair, NIfTI
class folders, NPY X/y pair) once, atomically, to the user's data folder.
"""
from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
from scipy import ndimage

from voxdesk.engine.errors import VoxdeskError
from voxdesk.engine.progress import CancelToken, ProgressFn, no_progress

CLASS_NAMES = ("cyst", "normal", "tumour")
"""Sorted, so that every form of the demo (HDF5, NIfTI folders, NPY) numbers classes alike."""
FOV_MM = 384.0
"""Field of view of every phantom: spacing = FOV_MM / size (8 mm at 48^3, 6 mm at 64^3)."""
DEMO_VERSION = 3
"""Part of the store's manifest: a change of the phantoms makes ``ensure_demo_data`` write them anew."""
LESION_RADIUS_VOX = (3.0, 7.0)
"""Lesion radius range in voxels (at any phantom size)."""
CYST_HU = (0.0, 20.0)
TUMOUR_CONTRAST_HU = (50.0, 120.0)
"""How much brighter than the liver a tumour is."""
NOISE_HU = (5.0, 12.0)
"""Standard deviation of the (correlated) scanner noise."""
DEFAULT_N_PER_CLASS = 200
DEFAULT_SIZE = 48
SPLITS = ("train", "val", "test")
TEST_FRACTION = 0.2
VAL_FRACTION = 0.15
"""Fixed per-class shares of the demo's test and validation splits (``split_of``)."""


def affine_for(size: int) -> np.ndarray:
    """RAS voxel-to-mm affine of a phantom: isotropic spacing, origin at the volume centre."""
    sp = FOV_MM / size
    aff = np.diag([sp, sp, sp, 1.0])
    aff[:3, 3] = -sp * (size - 1) / 2
    return aff


def _ellipsoid(g, centre, radii) -> np.ndarray:
    """Normalised squared distance (<= 1 inside) on the coordinate grids ``g``."""
    return sum(((gi - c) / r) ** 2 for gi, c, r in zip(g, centre, radii))


def _soft(d2, edge: float) -> np.ndarray:
    """Partial-volume mask from a normalised squared distance: 1 inside, 0 outside."""
    return np.clip((1.0 - np.sqrt(d2)) / edge + 0.5, 0.0, 1.0)


def _upsample(coarse: np.ndarray, size: int) -> np.ndarray:
    """Trilinear, corner-aligned upsampling of a small cube to ``size``^3 (what
    ``ndimage.zoom(order=1)`` does), as three small matrix products: ~30x faster here."""
    n = coarse.shape[0]
    pos = np.linspace(0, n - 1, size)
    lo = np.minimum(np.floor(pos).astype(int), n - 2)
    w = np.zeros((size, n), np.float32)
    w[np.arange(size), lo] = 1 - (pos - lo)
    w[np.arange(size), lo + 1] = pos - lo
    return np.einsum("ia,jb,kc,abc->ijk", w, w, w, coarse, optimize=True).astype(np.float32)


def phantom(kind: str, rng: np.random.Generator, size: int = 48, *, mask: bool = False) -> tuple[np.ndarray, dict]:
    """One CT-like volume (int16 HU) with finding ``kind`` (a CLASS_NAMES entry); (volume, info).

    With ``mask``, ``info["lesion_mask"]`` is the lesion's voxels (bool, half partial volume or
    more; all False for ``normal``): the ground truth that the pointing game scores heat maps on.
    The random draws do not depend on ``mask``, so the volume is the same either way."""
    lin = np.linspace(-1.0, 1.0, size, dtype=np.float32)
    g = np.meshgrid(lin, lin, lin, indexing="ij", sparse=True)  # x (R), y (A), z (S)
    x, y, z = g
    u = rng.uniform
    edge = 1.5 / size  # partial-volume ramp width in normalised units (about a voxel)
    vol = np.full((size, size, size), -1000.0, dtype=np.float32)

    def paint(mask, hu):
        nonlocal vol
        vol = vol * (1 - mask) + mask * hu

    # Body: an elliptic cylinder whose width changes slowly along z; fat layer under the skin,
    # soft tissue with a smooth inhomogeneity inside.
    a, b = u(0.78, 0.9) * (1 + 0.06 * z), u(0.52, 0.66) * (1 + 0.04 * z)
    cx, cy = u(-0.04, 0.04), u(-0.04, 0.04)
    fat, fat_hu = u(0.08, 0.16), u(-115, -85)
    paint(_soft(((x - cx) / a) ** 2 + ((y - cy) / b) ** 2, edge / 0.7), fat_hu)
    inside = _soft(((x - cx) / (a - fat)) ** 2 + ((y - cy) / (b - fat)) ** 2, edge / 0.6)
    # Bowel and visceral fat: a smooth random field, thresholded at a subject-specific level.
    field = _upsample(rng.normal(0, 1, (8, 8, 8)).astype(np.float32), size)
    soft = np.clip((field - u(-1.2, 0.0)) * 2.5, 0, 1)
    paint(inside, fat_hu + soft * (u(20, 45) - fat_hu))

    # Organs (x > 0 is the patient's right, y > 0 anterior), kept inside the muscle wall.
    liver_c = (cx + u(0.3, 0.4), cy + u(-0.02, 0.1), u(-0.1, 0.15))
    liver_r = (u(0.3, 0.38), u(0.28, 0.36), u(0.55, 0.75))
    enhanced = rng.random() < 0.5  # portal venous contrast phase, or none
    boost = u(30, 50) if enhanced else 0.0
    liver_hu = u(50, 68) + boost
    paint(_soft(_ellipsoid(g, liver_c, liver_r), edge / 0.35) * inside, liver_hu)
    spleen = _ellipsoid(g, (cx - u(0.42, 0.5), cy - u(0.05, 0.15), u(0, 0.2)),
                        (u(0.12, 0.18), u(0.15, 0.22), u(0.2, 0.3)))
    paint(_soft(spleen, edge / 0.15) * inside, u(42, 55) + boost * 1.2)
    back = cy - float(np.mean(b))
    for side in (1, -1):  # kidneys
        kidney = _ellipsoid(g, (cx + side * u(0.28, 0.34), back + u(0.38, 0.44), u(-0.35, -0.05)),
                            (0.09, 0.1, u(0.18, 0.24)))
        paint(_soft(kidney, edge / 0.09), u(150, 220) if enhanced else u(30, 45))
    aorta = ((x - cx + 0.06) / 0.06) ** 2 + ((y - back - 0.6) / 0.06) ** 2
    paint(_soft(aorta, edge / 0.06), u(150, 220) if enhanced else u(38, 50))
    # Spine: vertebral bodies (cortical shell, cancellous core) separated by discs.
    sy = back + u(0.34, 0.4)
    vert = ((x - cx) / 0.12) ** 2 + ((y - sy) / 0.11) ** 2
    disc = np.cos(np.pi * (z - u(0, 1)) / u(0.16, 0.2)) ** 6 > 0.5
    paint(_soft(vert, edge / 0.11) * ~disc, u(600, 800))
    paint(_soft(vert / 0.35, edge / 0.065) * ~disc, u(200, 350))
    paint(_soft(vert, edge / 0.11) * disc, u(70, 95))
    paint(_soft(((x - cx) / 0.05) ** 2 + ((y - sy + 0.15) / 0.05) ** 2, edge / 0.05), u(15, 30))
    # Liver vessels: thin tubes, darker than liver without contrast, brighter with it.
    for _ in range(rng.integers(0, 3)):
        vx, vy = liver_c[0] + u(-0.15, 0.15), liver_c[1] + u(-0.12, 0.12)
        dx, dy = u(-0.3, 0.3), u(-0.3, 0.3)
        tube = ((x - vx - dx * z) ** 2 + (y - vy - dy * z) ** 2) / u(0.015, 0.03) ** 2
        in_liver = _ellipsoid(g, liver_c, liver_r) < 0.8
        paint(_soft(tube, edge / 0.03) * in_liver, liver_hu + (u(10, 35) if enhanced else u(-25, -10)))

    info = {"label": kind, "enhanced": bool(enhanced)}
    if kind != "normal":  # a lesion inside the liver
        radius = u(*LESION_RADIUS_VOX) * 2 / size
        d = rng.normal(0, 1, 3)
        where = np.array(liver_c) + np.array(liver_r) * (d / np.linalg.norm(d)) * u(0, 0.55)
        if kind == "cyst":  # round, sharp, water-like
            hu = u(*CYST_HU)
            lesion = _soft(_ellipsoid(g, where, radius * rng.uniform(0.85, 1.15, 3)), edge / radius * 0.6)
        else:  # tumour: a lobulated union of blobs, hyperdense, blurred margin
            hu = liver_hu + u(*TUMOUR_CONTRAST_HU)
            lesion = np.zeros_like(vol)
            for _ in range(rng.integers(3, 6)):
                off = where + rng.normal(0, radius * 0.45, 3)
                r = radius * u(0.5, 0.85)
                lesion = np.maximum(lesion, _soft(_ellipsoid(g, off, (r, r, r)), edge / r * 1.5))
        paint(lesion, hu)
        if mask:
            info["lesion_mask"] = lesion >= 0.5
        info.update(radius_mm=float(radius * size / 2 * FOV_MM / size), contrast_hu=float(hu - liver_hu),
                    centre_voxel=[int(round((c + 1) * (size - 1) / 2)) for c in where])

    # Scanner: blur (PSF), correlated noise, quantisation.
    vol = ndimage.gaussian_filter(vol, u(0.5, 0.8))
    sigma = u(*NOISE_HU)
    noise = ndimage.gaussian_filter(rng.normal(0, 1, vol.shape).astype(np.float32), 0.6)
    vol += noise * (sigma / max(float(noise.std()), 1e-6))
    info["noise_hu"] = float(sigma)
    if mask and "lesion_mask" not in info:
        info["lesion_mask"] = np.zeros(vol.shape, bool)
    return np.clip(np.rint(vol), -1024, 3071).astype(np.int16), info


def _write_case(path: Path, volume: np.ndarray, kind: str) -> None:
    import nibabel as nib

    aff = affine_for(volume.shape[0])
    img = nib.Nifti1Image(volume, aff)
    img.header.set_xyzt_units("mm")
    img.header["descrip"] = f"VoxDesk demo phantom: {kind}".encode()
    img.set_qform(aff, code=1)
    img.set_sform(aff, code=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    nib.save(img, path)


def _cases(job) -> list:
    """Worker: make (and, given a folder, write as NIfTI) the cases ``job`` names."""
    seed, size, masks, folder, cases = job
    out = []
    for i, kind, rel in cases:
        volume, info = phantom(kind, np.random.default_rng([seed, 2, i]), size, mask=masks)
        if folder is not None:
            _write_case(Path(folder) / rel, volume, kind)
        out.append((i, volume, info))
    return out


def _pool(workers: int):
    """A process pool of ``workers`` (spawned: safe beside Qt's threads), or None if none starts."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    try:
        return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    except (OSError, ValueError, NotImplementedError):
        return None


def generate(n_per_class: int = 50, size: int = 48, seed: int = 0, *, masks: bool = False,
             progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
             workers: int | None = None, nifti_dir=None):
    """``(X int16 (N, S, S, S), y int64 (N,), infos)`` in a seeded random class order; with
    ``masks`` each info holds its ``lesion_mask`` (see :func:`phantom`).

    ``workers``: processes to share the work (default: every core for 64 cases or more); each
    case has its own seed, so the result does not depend on it. ``nifti_dir``: also write each
    case there as ``<split>/<class>/case_NNNN.nii.gz`` (in the workers, in parallel).
    """
    if n_per_class < 1 or size < 16:
        raise VoxdeskError("The demo needs at least 1 volume per class and a size of at least 16.")
    labels = np.repeat(np.arange(len(CLASS_NAMES)), n_per_class)
    labels = np.random.default_rng([seed, 1]).permutation(labels).astype(np.int64)
    splits = split_of(labels)
    cases = [(i, CLASS_NAMES[k], f"{splits[i]}/{CLASS_NAMES[k]}/case_{i:04d}.nii.gz") for i, k in enumerate(labels)]
    folder = None if nifti_dir is None else str(nifti_dir)
    if workers is None:
        workers = (os.cpu_count() or 1) if len(cases) >= 64 else 1
    chunk = 8
    jobs = [(seed, size, masks, folder, cases[a:a + chunk]) for a in range(0, len(cases), chunk)]
    x = np.empty((len(labels), size, size, size), dtype=np.int16)
    infos: list = [None] * len(labels)
    pool = _pool(workers) if workers > 1 else None
    done = 0
    pending = list(jobs)
    try:
        while pending:
            try:
                todo = list(pending)  # ``pending`` shrinks as parts arrive; iterate over a copy
                results = pool.map(_cases, todo) if pool is not None else map(_cases, todo)
                for part in results:
                    for i, volume, info in part:
                        x[i], infos[i] = volume, info
                    done += len(part)
                    pending.pop(0)
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    progress(0.9 * done / len(labels), f"phantom {done}/{len(labels)}")
            except (BrokenProcessPool, OSError, RuntimeError):
                # The workers could not start (a script without a __main__ guard, a frozen app,
                # no room for processes): make the rest here, one after the other.
                if pool is None:
                    raise
                pool.shutdown(wait=True, cancel_futures=True)
                pool = None
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return x, labels, infos


def split_of(y: np.ndarray) -> np.ndarray:
    """The demo's fixed split of every case (``"train"``, ``"val"`` or ``"test"``): per class, the
    first ``TEST_FRACTION`` of its cases (in generation order) are test, the next ``VAL_FRACTION``
    validation, the rest training. Fixed, so that every seed of every recipe is scored on the same
    test cases and ``evaluate`` never scores what a model trained on."""
    out = np.full(len(y), "train", dtype=object)
    for k in np.unique(y):
        idx = np.flatnonzero(y == k)
        n_test = max(1, int(round(len(idx) * TEST_FRACTION))) if len(idx) >= 3 else 0
        n_val = max(1, int(round(len(idx) * VAL_FRACTION))) if len(idx) >= 3 else 0
        out[idx[:n_test]] = "test"
        out[idx[n_test:n_test + n_val]] = "val"
    return out.astype(str)
