"""Where the built-in demo lives on disk: the user's data folder, written once and atomically.

``ensure_demo_data()`` generates the phantoms (``demo.phantoms``) and writes them in three forms
(HDF5 X/y pairs with fixed splits, NIfTI class folders, NPY X/y pairs) plus a manifest; a second
call with the same parameters finds them and returns at once; another process writing at the
same time is tolerated (``io.atomic.replace_dir``).
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voxdesk.engine.demo.phantoms import (
    CLASS_NAMES,
    DEFAULT_N_PER_CLASS,
    DEFAULT_SIZE,
    DEMO_VERSION,
    FOV_MM,
    SPLITS,
    generate,
    split_of,
)
from voxdesk.engine.errors import VoxdeskError
from voxdesk.engine.io.atomic import replace_dir, work_dir
from voxdesk.engine.progress import CancelToken, ProgressFn, no_progress

MANIFEST = "manifest.json"


def data_dir() -> Path:
    """The user's VoxDesk data folder: $VOXDESK_DATA_DIR, else $XDG_DATA_HOME/voxdesk, else
    ~/.local/share/voxdesk (not created here)."""
    if os.environ.get("VOXDESK_DATA_DIR"):
        return Path(os.environ["VOXDESK_DATA_DIR"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "voxdesk"


@dataclass(frozen=True)
class DemoPaths:
    root: Path
    h5: Path
    """HDF5 with ``X_<split>`` (N, S, S, S) int16 and ``y_<split>`` int64 for the fixed splits
    train/val/test (attributes ``class_names``, ``spacing`` and ``case_numbers``)."""
    nifti_dir: Path
    """Split and class folders ``nifti/<split>/<class>/case_NNNN.nii.gz`` (NNNN: the case number)."""
    npy_dir: Path
    """``X_<split>.npy`` (N, S, S, S) int16 and ``y_<split>.npy`` (class names as strings)."""
    sample_volume: Path
    """One tumour case, clearly visible: what "Open Sample" shows."""


def _write_all(tmp: Path, x, y, infos, params: dict, progress: ProgressFn) -> dict:
    """The HDF5 and NPY forms, and the manifest's content (``generate`` wrote the NIfTI files)."""
    import h5py

    names = np.array(CLASS_NAMES)
    splits = split_of(y)
    progress(0.92, "writing HDF5 and NumPy files")
    with h5py.File(tmp / "demo.h5", "w") as f:
        for split in SPLITS:
            rows = np.flatnonzero(splits == split)
            if not len(rows):  # fewer than 3 cases per class: everything is training data
                continue
            dx = f.create_dataset(f"X_{split}", data=x[rows], chunks=(1,) + x.shape[1:], compression="gzip",
                                  compression_opts=1, shuffle=True)
            dx.attrs["spacing"] = [FOV_MM / x.shape[1]] * 3
            dx.attrs["units"] = "HU"
            dx.attrs["case_numbers"] = rows
            dy = f.create_dataset(f"y_{split}", data=y[rows])
            dy.attrs["class_names"] = [n.encode() for n in CLASS_NAMES]
        f.attrs["description"] = "VoxDesk synthetic abdominal CT phantoms, labelled by liver lesion"
    (tmp / "npy").mkdir()
    for split in SPLITS:
        rows = np.flatnonzero(splits == split)
        if not len(rows):
            continue
        np.save(tmp / "npy" / f"X_{split}.npy", x[rows])
        np.save(tmp / "npy" / f"y_{split}.npy", names[y[rows]])
    # "Open Sample" shows a clearly visible tumour that no model trained on the demo has seen.
    tumours = [i for i in range(len(y)) if CLASS_NAMES[y[i]] == "tumour"]
    unseen = [i for i in tumours if splits[i] == "test"] or tumours
    best = max(unseen, key=lambda i: infos[i]["radius_mm"] * infos[i]["contrast_hu"]) if unseen else 0
    files = {p.relative_to(tmp).as_posix(): p.stat().st_size for p in sorted(tmp.rglob("*")) if p.is_file()}
    return dict(params, class_names=list(CLASS_NAMES), files=files,
                split_counts={sp: int((splits == sp).sum()) for sp in SPLITS},
                sample_volume=f"nifti/{splits[best]}/{CLASS_NAMES[y[best]]}/case_{best:04d}.nii.gz",
                sample_info=infos[best])


def split_counts(paths: DemoPaths) -> dict[str, int]:
    """Cases per split of a written demo (from its manifest)."""
    try:
        return dict(json.loads((paths.root / MANIFEST).read_text()).get("split_counts", {}))
    except (OSError, ValueError):
        return {}


def _paths(root: Path, manifest: dict) -> DemoPaths:
    return DemoPaths(root, root / "demo.h5", root / "nifti", root / "npy", root / manifest["sample_volume"])


def _complete(root: Path, params: dict) -> dict | None:
    """The manifest if ``root`` holds a finished demo made with ``params``."""
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    if any(manifest.get(k) != v for k, v in params.items()):
        return None
    for rel, size in manifest.get("files", {}).items():
        p = root / rel
        if not p.is_file() or p.stat().st_size != size:
            return None
    return manifest


def ensure_demo_data(out_dir=None, seed: int = 0, n_per_class: int = DEFAULT_N_PER_CLASS, size: int = DEFAULT_SIZE, *,
                     progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> DemoPaths:
    """Write the demo data to ``out_dir`` (default ``data_dir()/"demo"``) unless it is already
    there, complete and made with the same parameters; return where everything is.

    Written atomically: into a temporary sibling folder, renamed into place when complete.
    """
    root = Path(out_dir).expanduser() if out_dir is not None else data_dir() / "demo"
    params = {"version": DEMO_VERSION, "seed": int(seed), "n_per_class": int(n_per_class), "size": int(size)}
    manifest = _complete(root, params)
    if manifest:
        progress(1.0, "demo data already present")
        return _paths(root, manifest)
    if root.is_dir() and any(root.iterdir()) and not (root / MANIFEST).exists():
        raise VoxdeskError(f"{root} already holds other files; choose an empty or new folder for the demo data.")
    if root.exists() and not root.is_dir():
        raise VoxdeskError(f"{root} is a file; choose a folder for the demo data.")
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        tmp = work_dir(root.parent, root.name)  # a killed run's leftovers go on the next
    except OSError as exc:
        raise VoxdeskError(f"Cannot write the demo data to {root.parent}: {exc.strerror or exc}.") from None
    try:
        x, y, infos = generate(n_per_class, size, seed, progress=progress, cancel=cancel, nifti_dir=tmp / "nifti")
        manifest = _write_all(tmp, x, y, infos, params, progress)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1))
        try:
            replace_dir(tmp, root)  # an older or different demo is swapped out, then deleted
        except OSError:
            done = _complete(root, params)  # another process finished first
            if not done:
                raise
            manifest = done
    except OSError as exc:
        raise VoxdeskError(f"Cannot write the demo data to {root}: {exc.strerror or exc}.") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    progress(1.0, "demo data ready")
    return _paths(root, manifest)


def sample_cases(paths: DemoPaths) -> dict[str, Path]:
    """One unseen (test split) case per demo class, for File > Open Sample: the clearly visible
    tumour of ``sample_volume``, and the first test case of each other class."""
    out: dict[str, Path] = {}
    for name in CLASS_NAMES:
        if name == "tumour" and paths.sample_volume.is_file():
            out[name] = paths.sample_volume
            continue
        for split in ("test", "val", "train"):
            found = sorted((paths.nifti_dir / split / name).glob("case_*.nii.gz"))
            if found:
                out[name] = found[0]
                break
    return out


def installed_brain_mri() -> Path | None:
    """The MNI152 T1 template NIfTI when an installed nilearn wheel ships it (located without
    importing nilearn), else None: VoxDesk never downloads data."""
    import importlib.util

    try:
        spec = importlib.util.find_spec("nilearn")
    except (ImportError, ValueError):
        return None
    for base in (spec.submodule_search_locations or []) if spec else []:
        found = sorted(Path(base, "datasets", "data").glob("mni_icbm152_t1_*.nii.gz"))
        if found:
            return found[0]
    return None
