"""A second small-data benchmark, of another anatomy and modality than the CT demo: brain MR.

Synthetic FLAIR-like brain MR volumes (arbitrary units, not Hounsfield: the "auto"
normalisation takes its min-max path), labelled ``normal`` or ``lesion``:

* a head (skull, scalp) of varying size, pose (a few degrees of rotation, a few voxels of
  shift) and shape; cortex (grey matter) around white matter; cerebrospinal fluid in the
  ventricles, whose size varies widely between normal subjects (atrophy is not the finding);
* ``lesion``: one hyperintense focus in the white or deep grey matter (radius 2-5 voxels,
  10-60% brighter than this subject's grey matter, soft margin): a tumour, abscess or
  demyelinating plaque on FLAIR. Every subject, of either class, has a few tiny bright spots
  (vessels, partial volume) that are not lesions. The lesion is drawn from its own random stream:
  the same seed made as ``lesion`` and as ``normal`` gives the same head, spots and scanner
  effects, and the two differ only around the lesion (its mask, dilated by the blur);
* scanner effects: a smooth multiplicative bias field (up to +-20%), blur and Rician-like noise.

The class is a small focal finding anywhere in the brain, so, like the CT demo, it calls for a
translation-invariant model; unlike it, intensities have no physical unit and vary per scan.
Everything is deterministic per seed. ``make_brain_mr(n_per_class, size, seed)`` returns
``(X float32 (N, S, S, S), y int64, infos)``; with ``masks=True`` infos hold each lesion's mask
(``lesion_mask``, empty for ``normal``) and the brain's (``brain_mask``).
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

CLASS_NAMES = ("lesion", "normal")
LESION_RADIUS_VOX = (2.0, 5.0)
LESION_CONTRAST = (0.1, 0.6)
"""How much brighter than the reference tissue (``LESION_REFERENCE``) a lesion is (fraction)."""
LESION_REFERENCE = "gm"
"""Lesions are FLAIR-hyperintense relative to grey matter, not only to white matter. Until issue 11
they were 25-70% brighter than white matter, which with this generator's grey/white ratio of
1.15-1.57 made half of them (47.5%, measured) darker than the cortex: a finding no reader would
call hyperintense. A FLAIR signal model, S = PD |1 - 2 exp(-TI/T1) + exp(-TR/T1)| exp(-TE/T2) at
TR 9000 / TI 2200-2500 / TE 90-120 ms, with textbook 1.5 T tissue values (white matter PD 0.61,
T1 510, T2 67 ms; grey matter 0.69, 760, 77 ms) and lesion values PD 0.70-0.80, T1 800-1200,
T2 90-150 ms gives grey/white 1.23-1.34 and lesion/grey 1.18-2.0; automated FLAIR lesion tools
likewise call a lesion hyperintense relative to grey matter (LST's lesion growth algorithm,
Schmidt et al., NeuroImage 2012). 10-60% above grey matter keeps the subtle end of that range.
``"wm"`` restores the old generator (for comparisons)."""


def _rotation(rng, max_deg: float) -> np.ndarray:
    a, b, c = np.radians(rng.uniform(-max_deg, max_deg, 3))
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    return rx @ ry @ rz


def brain(kind: str, rng: np.random.Generator, size: int = 64, *, mask: bool = False) -> tuple[np.ndarray, dict]:
    """One volume with finding ``kind`` (a CLASS_NAMES entry): (float32 volume, info)."""
    u = rng.uniform
    lin = np.linspace(-1.0, 1.0, size, dtype=np.float32)
    g = np.stack(np.meshgrid(lin, lin, lin, indexing="ij"), -1).reshape(-1, 3)
    # Head pose: rotate and shift the coordinates; the head is an ellipsoid in its own frame.
    p = (g - u(-0.06, 0.06, 3)) @ _rotation(rng, 8.0).T
    x, y, z = (p[:, i].reshape(size, size, size) for i in range(3))
    head = np.array([u(0.70, 0.80), u(0.82, 0.92), u(0.72, 0.84)])  # left-right, front-back, up-down
    r = np.sqrt((x / head[0]) ** 2 + (y / head[1]) ** 2 + (z / head[2]) ** 2)
    edge = 2.0 / size

    def soft(d, width=edge):
        return np.clip((1.0 - d) / width + 0.5, 0.0, 1.0).astype(np.float32)

    scalp, skull, csf_rim = soft(r), soft(r / 0.93), soft(r / 0.89)
    brain_mask = soft(r / 0.86)
    # Grey/white boundary folded by a smooth random field (gyri).
    fold = ndimage.gaussian_filter(rng.normal(0, 1, (12, 12, 12)).astype(np.float32), 1.0)
    fold = ndimage.zoom(fold, size / 12, order=1)[:size, :size, :size]
    white = soft(r / (0.66 + 0.05 * fold / (np.abs(fold).max() + 1e-6)), 0.05)
    gm, wm, csf = u(0.55, 0.65), u(0.40, 0.48), u(0.05, 0.12)  # FLAIR: CSF dark, GM brighter than WM
    vol = scalp * u(0.5, 0.7)
    vol = vol * (1 - skull) + skull * u(0.05, 0.1)
    vol = vol * (1 - csf_rim) + csf_rim * csf
    vol = vol * (1 - brain_mask) + brain_mask * (gm * (1 - white) + wm * white)
    # Ventricles: two lateral horns, size varying a lot between subjects.
    vsize = u(0.6, 1.6)
    for side in (-1, 1):
        vd = np.sqrt(((x - side * 0.12 * vsize) / (0.07 * vsize)) ** 2 + ((y - 0.02) / (0.28 * vsize)) ** 2
                     + ((z - 0.08) / (0.12 * vsize)) ** 2)
        v = soft(vd, 0.3)
        vol = vol * (1 - v) + v * csf
    # Deep grey nuclei (thalami), slightly brighter than white matter.
    for side in (-1, 1):
        t = soft(np.sqrt(((x - side * 0.14) / 0.1) ** 2 + ((y + 0.12) / 0.12) ** 2 + ((z + 0.02) / 0.1) ** 2), 0.2)
        vol = vol * (1 - t) + t * (wm + 0.6 * (gm - wm))
    info = {"label": kind, "gm": float(gm), "wm": float(wm), "csf": float(csf)}
    # The finding is drawn from its own stream, so that a subject made as "lesion" and as "normal"
    # from the same seed is the same head, scanned alike, and differs only around the lesion.
    finding_rng = np.random.default_rng(rng.integers(0, 2**63))
    # Every subject has a few tiny bright spots that are not lesions (vessels, partial volume).
    for _ in range(rng.integers(1, 4)):
        where = rng.normal(0, 1, 3)
        where = where / np.linalg.norm(where) * u(0.1, 0.6) * head
        d = np.sqrt(((x - where[0]) ** 2 + (y - where[1]) ** 2 + (z - where[2]) ** 2)) / (u(0.6, 1.0) * 2 / size)
        spot = soft(d, 0.5) * brain_mask
        vol = vol * (1 - spot) + spot * wm * (1 + u(0.1, 0.3))
    lesion = np.zeros_like(vol)
    if kind == "lesion":  # inside the white matter or deep grey matter, away from the ventricles
        fu = finding_rng.uniform
        while True:
            where = finding_rng.normal(0, 1, 3)
            where = where / np.linalg.norm(where) * fu(0.15, 0.55) * head
            if abs(where[0]) > 0.18 or abs(where[2] - 0.08) > 0.2:
                break
        radius = fu(*LESION_RADIUS_VOX) * 2 / size
        d = np.sqrt(((x - where[0]) ** 2 + (y - where[1]) ** 2 + (z - where[2]) ** 2)) / radius
        lesion = soft(d, 0.5) * brain_mask
        contrast = fu(*LESION_CONTRAST)
        ref = gm if LESION_REFERENCE == "gm" else wm
        vol = vol * (1 - lesion) + lesion * ref * (1 + contrast)
        info.update(radius_vox=float(radius * size / 2), contrast=float(contrast),
                    lesion_level=float(ref * (1 + contrast)))
    if mask:
        info["lesion_mask"] = lesion >= 0.5
        info["brain_mask"] = brain_mask >= 0.5
    # Scanner: bias field, blur, Rician-like noise, arbitrary scale.
    bias = ndimage.zoom(rng.normal(0, 1, (4, 4, 4)).astype(np.float32), size / 4, order=1)[:size, :size, :size]
    vol = vol * (1 + u(0.05, 0.2) * bias / (np.abs(bias).max() + 1e-6))
    vol = ndimage.gaussian_filter(vol, u(0.4, 0.8))
    sigma = u(0.015, 0.035)
    vol = np.sqrt((vol + rng.normal(0, sigma, vol.shape)) ** 2 + rng.normal(0, sigma, vol.shape) ** 2)
    scale = u(500, 1500)
    info.update(noise=float(sigma), scale=float(scale))
    return (vol * scale).astype(np.float32), info


def make_brain_mr(n_per_class: int = 150, size: int = 64, seed: int = 0, *, masks: bool = False):
    """``(X float32 (N, S, S, S), y int64 (N,), infos)`` in a seeded random class order."""
    labels = np.random.default_rng([seed, 11]).permutation(np.repeat(np.arange(len(CLASS_NAMES)), n_per_class))
    x = np.empty((len(labels), size, size, size), np.float32)
    infos = []
    for i, k in enumerate(labels):
        x[i], info = brain(CLASS_NAMES[k], np.random.default_rng([seed, 12, i]), size, mask=masks)
        infos.append(info)
    return x, labels.astype(np.int64), infos
