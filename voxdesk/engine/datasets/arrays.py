"""Labelled datasets stored as arrays: HDF5 (3D MNIST and X/y pairs), NPZ (MedMNIST and X/y
pairs) and NPY X/y file pairs. The recognition rules are in ``voxdesk.engine.datasets``."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np

from voxdesk.engine.datasets.base import (
    SPLIT_ALIASES,
    ArraySamples,
    LabelledDataset,
    Split,
    encode_labels,
    finish,
)
from voxdesk.engine.errors import CorruptFile, DatasetError, UnsupportedFormat

# (X name, y name) patterns; "{s}" is a split alias.
SPLIT_PATTERNS = (("x_{s}", "y_{s}"), ("{s}_images", "{s}_labels"), ("{s}_x", "{s}_y"))
PLAIN_PATTERNS = (("x", "y"), ("images", "labels"))


def find_pairs(names) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """``{split: (x_name, y_name)}`` among ``names`` and the X arrays that lack their labels."""
    lower = {str(n).lower(): n for n in names}
    pairs: dict[str, tuple[str, str]] = {}
    orphans = []
    for alias, split in SPLIT_ALIASES.items():
        for xp, yp in SPLIT_PATTERNS:
            xk, yk = xp.format(s=alias), yp.format(s=alias)
            if xk in lower and yk in lower:
                pairs.setdefault(split, (lower[xk], lower[yk]))
            elif xk in lower:
                orphans.append(f"'{lower[xk]}' has no matching '{yp.format(s=alias)}'")
    if not pairs:
        for xk, yk in PLAIN_PATTERNS:
            if xk in lower and yk in lower:
                pairs["all"] = (lower[xk], lower[yk])
                break
    return pairs, orphans


def _not_a_dataset(name: str, found, orphans) -> DatasetError:
    if orphans:
        return DatasetError(f"{name}: {orphans[0]}; every sample array needs its labels.")
    listed = ", ".join(sorted(map(str, found))[:8]) or "nothing"
    return DatasetError(
        f"{name} is not a labelled dataset: expected arrays X and y (or X_train/y_train, "
        f"train_images/train_labels...), found {listed}. To view one volume, open it as a volume."
    )


def _h5_spacing(x) -> tuple | None:
    """An HDF5 dataset's voxel size attribute (mm), None for other arrays or without one."""
    if not hasattr(x, "attrs"):
        return None
    from voxdesk.engine.io.hdf5 import spacing_attribute

    return spacing_attribute(x, [], "")


def _samples(x, name: str, where: str) -> ArraySamples:
    """Wrap a stack of samples, checking it can be one (N, ...) stack of images or volumes."""
    shape, dtype = tuple(x.shape), np.dtype(x.dtype)
    if dtype.kind not in "biuf":
        raise DatasetError(f"{where}: '{name}' holds {dtype} values, not image or volume data.")
    if len(shape) < 2 or 0 in shape[1:]:
        raise DatasetError(f"{where}: '{name}' has shape {shape}, which is not a stack of volumes.")
    if len(shape) == 2:
        side = round(shape[1] ** (1 / 3))
        if side**3 != shape[1]:
            raise DatasetError(
                f"{where}: each sample in '{name}' is a flat vector of {shape[1]} values, which "
                f"is not a cube ({side}^3 = {side**3}); store volumes as (N, depth, height, width)."
            )
        return ArraySamples(x, cube=True, name=name, spacing=_h5_spacing(x))
    if len(shape) > 5:
        raise DatasetError(f"{where}: '{name}' has shape {shape}; expected (N, depth, height, width[, channels]).")
    return ArraySamples(x, name=name, spacing=_h5_spacing(x))


def _build(pairs, get_x, get_y, *, source: str, layout: str, names=None, closers=()):
    where = Path(source).name
    samples, raw = {}, {}
    for split, (xn, yn) in pairs.items():
        x, y = get_x(xn), get_y(yn)
        s = _samples(x, xn, where)
        y = np.asarray(y)
        if len(y) != len(s):
            raise DatasetError(
                f"{where}: '{xn}' holds {len(s)} samples but '{yn}' holds {len(y)} labels; "
                "every sample needs exactly one label."
            )
        samples[split], raw[split] = s, (y, f"{where}:{yn}")
    class_names, labels = encode_labels(raw, names=names)
    splits = {k: Split(samples[k], labels[k]) for k in samples}
    return finish(class_names, splits, source=source, layout=layout, closers=closers)


# ------------------------------------------------------------------------------------- HDF5
def _open_h5(path: Path):
    import h5py

    try:
        return h5py.File(path, "r")
    except OSError as exc:
        reason = str(exc).split("(", 1)[-1].rstrip(")") if "(" in str(exc) else str(exc)
        raise CorruptFile(
            f"{path.name} cannot be read as HDF5 ({reason}). The file may be truncated, still "
            "being copied, or another format renamed to .h5."
        ) from None


def _h5_datasets(f) -> list[str]:
    """The datasets at the top of the file; links into other files are never followed."""
    import h5py

    out = []
    for k in f.keys():
        try:
            if isinstance(f.get(k, getlink=True), h5py.ExternalLink):
                continue
            if isinstance(f.get(k), h5py.Dataset):
                out.append(k)
        except (KeyError, OSError):  # broken link
            continue
    return out


def _h5_get(f, name: str, where: str, *, read: bool):
    """Dataset ``name`` checked before anything is read (stored in the file, sizes that the file
    can hold, and for ``read`` -- the labels, read whole -- the memory it needs)."""
    from voxdesk.engine.io.common import guard_memory
    from voxdesk.engine.io.hdf5 import check_dataset, resolve

    ds = resolve(f, name, f"{where}:{name}")
    check_dataset(ds, f"{where}:{name}")
    if not read:
        return ds
    guard_memory(ds.shape, ds.dtype.itemsize, f"{where}:{name}")
    return ds[()]


def _h5_layout(f, pairs) -> str:
    """"3dmnist-h5" for 3D MNIST's own layout (X_<split> holding flat vectors), else "xy-arrays"."""
    xn = next(iter(pairs.values()))[0]
    return "3dmnist-h5" if xn.lower().startswith("x_") and len(f[xn].shape) == 2 else "xy-arrays"


def detect_h5(path: Path) -> str | None:
    with _open_h5(path) as f:
        pairs, _ = find_pairs(_h5_datasets(f))
        return _h5_layout(f, pairs) if pairs else None


def load_h5(path: Path) -> LabelledDataset:
    f = _open_h5(path)
    try:
        found = _h5_datasets(f)
        pairs, orphans = find_pairs(found)
        if not pairs:
            raise _not_a_dataset(path.name, found, orphans)
        layout = _h5_layout(f, pairs)
        names = None
        for _, yn in pairs.values():
            if "class_names" in f[yn].attrs:
                names = f[yn].attrs["class_names"]
        return _build(pairs, lambda n: _h5_get(f, n, path.name, read=False),
                      lambda n: _h5_get(f, n, path.name, read=True), source=str(path),
                      layout=layout, names=names, closers=[f.close])
    except OSError as exc:
        f.close()
        raise CorruptFile(f"{path.name}: HDF5 data cannot be read ({exc}); the file may be truncated.") from None
    except BaseException:
        f.close()
        raise


# -------------------------------------------------------------------------------------- NPZ
def _npz_error(path: Path, exc: Exception):
    if "allow_pickle" in str(exc) or "Object arrays" in str(exc):
        return UnsupportedFormat(
            f"{path.name} stores Python objects, which VoxDesk never loads (they could run code). "
            "Save the arrays with a numeric dtype instead."
        )
    return CorruptFile(f"{path.name} cannot be read as a NumPy .npz file ({exc}); it may be truncated.")


def detect_npz(path: Path) -> str | None:
    with zipfile.ZipFile(path) as z:
        names = [n[:-4] for n in z.namelist() if n.endswith(".npy")]
    pairs, _ = find_pairs(names)
    if not pairs:
        return None
    return "medmnist-npz" if next(iter(pairs.values()))[0].lower().endswith("_images") else "xy-arrays"


def _check_npz(path: Path) -> None:
    """Every member's header against its zip entry, and all of them against the memory, before
    anything is decompressed."""
    from voxdesk.engine.io.common import guard_memory
    from voxdesk.engine.io.guard import nbytes_of
    from voxdesk.engine.io.numpy_io import _npz_headers

    if not zipfile.is_zipfile(path):
        return  # np.load says what it is
    total = sum(nbytes_of(shape, dtype) for shape, dtype in _npz_headers(path).values())
    guard_memory((total,), 1, path.name)


def load_npz(path: Path) -> LabelledDataset:
    _check_npz(path)
    try:
        z = np.load(path, allow_pickle=False)
        if not hasattr(z, "files"):
            raise CorruptFile(f"{path.name} is a single .npy array renamed to .npz.")
        with z:
            pairs, orphans = find_pairs(z.files)
            if not pairs:
                raise _not_a_dataset(path.name, z.files, orphans)
            arrays = {n: z[n] for pair in pairs.values() for n in pair}
            names = z["class_names"] if "class_names" in z.files else None
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise _npz_error(path, exc) from None
    layout = "medmnist-npz" if next(iter(pairs.values()))[0].lower().endswith("_images") else "xy-arrays"
    return _build(pairs, arrays.__getitem__, arrays.__getitem__, source=str(path),
                  layout=layout, names=names)


# -------------------------------------------------------------------------------------- NPY
PARTNERS = (("x", "y"), ("images", "labels"))


def npy_partner(path: Path) -> Path | None:
    """The labels file beside an X file: X.npy -> y.npy, scans_x.npy -> scans_y.npy."""
    stem = path.name[:-4]
    for xs, ys in PARTNERS:
        m = re.fullmatch(rf"(.*?[_-]?){xs}", stem, flags=re.IGNORECASE)
        if m and (m.group(1) == "" or m.group(1)[-1] in "_-"):
            for case in (ys, ys.upper(), ys.capitalize()):
                cand = path.with_name(f"{m.group(1)}{case}.npy")
                if cand.is_file():
                    return cand
    return None


def _npy_pairs(p: Path) -> dict[str, tuple[Path, Path]]:
    if p.is_dir():
        files = {f.name[:-4]: f for f in p.iterdir() if f.name.lower().endswith(".npy") and f.is_file()}
        pairs, _ = find_pairs(files)
        return {k: (files[x], files[y]) for k, (x, y) in pairs.items()}
    partner = npy_partner(p)
    return {"all": (p, partner)} if partner else {}


def detect_npy(p: Path) -> str | None:
    return "xy-arrays" if _npy_pairs(p) else None


def npy_header(fh) -> tuple[tuple[int, ...], bool, np.dtype]:
    """(shape, fortran_order, dtype) from an open .npy file, without reading (or unpickling) data."""
    from voxdesk.engine.io.guard import npy_header as checked

    return checked(fh, Path(str(getattr(fh, "name", "the .npy file"))).name)[:3]


def _read_npy(path: Path, *, mmap: bool):
    from voxdesk.engine.io.common import guard_memory
    from voxdesk.engine.io.guard import check_declared, nbytes_of
    from voxdesk.engine.io.guard import npy_header as checked

    try:
        with open(path, "rb") as fh:
            shape, _fortran, dtype, offset = checked(fh, path.name)
        check_declared(path, nbytes_of(shape, dtype), offset=offset)
        if not mmap:
            guard_memory(shape, dtype.itemsize, path.name)
        if dtype.hasobject:
            raise UnsupportedFormat(
                f"{path.name} stores Python objects, which VoxDesk never loads (they could run "
                "code). Save the array with a numeric dtype (e.g. np.save(path, x.astype('float32')))."
            )
        return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise CorruptFile(f"{path.name} cannot be read as a NumPy .npy file ({exc}); it may be truncated.") from None


def load_npy(p: Path) -> LabelledDataset:
    pairs = _npy_pairs(p)
    if not pairs:
        raise DatasetError(
            f"{p.name}: no labels found. Put the samples in X.npy and the labels in y.npy in one "
            "folder (or X_train.npy/y_train.npy...), and open the folder or the X file."
        )
    by_name = {path.name[:-4]: path for pair in pairs.values() for path in pair}
    named = {k: (x.name[:-4], y.name[:-4]) for k, (x, y) in pairs.items()}
    root = p if p.is_dir() else p.parent
    return _build(named, lambda n: _read_npy(by_name[n], mmap=True),
                  lambda n: _read_npy(by_name[n], mmap=False), source=str(root if p.is_dir() else p),
                  layout="xy-arrays")
