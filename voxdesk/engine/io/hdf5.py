"""HDF5 through h5py, read lazily: only the chosen dataset (and sample) is read.

A dataset is addressed as ``file.h5:/group/dataset`` or with ``dataset=``. Voxel size is
taken from a dataset attribute when present: ``spacing`` / ``spacing_mm`` / ``voxel_size`` (mm) or
``element_size_um`` (micrometres, the Fiji/ilastik convention).
"""
from __future__ import annotations

import numpy as np

from voxdesk.engine.errors import CorruptFile, InvalidVolume, NeedsChoice
from voxdesk.engine.io.common import (
    Entry,
    FileInfo,
    classify_shape,
    read_sample,
    report_nonfinite,
)
from voxdesk.engine.volume import Volume


def open_file(path):
    """An open ``h5py.File``; bad files become CorruptFile."""
    import h5py

    try:
        return h5py.File(path, "r")
    except OSError as exc:
        text = str(exc)
        if "signature" in text:
            raise CorruptFile(f"{path.name}: not an HDF5 file (no HDF5 signature)") from exc
        if "truncated" in text or "eof" in text.lower():
            raise CorruptFile(f"{path.name}: the HDF5 file is truncated (incomplete copy or download?)") from exc
        raise CorruptFile(f"{path.name}: cannot read the HDF5 file ({text.splitlines()[0][:160]})") from exc


def _entry(name: str, ds) -> Entry:
    dtype = ds.dtype
    if dtype.kind not in "biuf" or dtype.fields is not None:
        return Entry(name, tuple(ds.shape), str(dtype), "not-a-volume", 0, f"{dtype} values")
    kind, n, note = classify_shape(tuple(ds.shape))
    return Entry(name, tuple(ds.shape), str(dtype), kind, n, note)


def _walk(f) -> tuple[list[Entry], list[str]]:
    import h5py

    entries: list[Entry] = []
    groups: list[str] = []

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            entries.append(_entry("/" + name, obj))
        elif isinstance(obj, h5py.Group):
            groups.append("/" + name)

    try:
        f.visititems(visit)
    except (OSError, RuntimeError, KeyError) as exc:
        raise CorruptFile(f"{f.filename}: the HDF5 file is damaged ({exc})") from exc
    return entries, groups


def probe(path) -> FileInfo:
    info = FileInfo(str(path), "hdf5")
    with open_file(path) as f:
        info.entries, info.groups = _walk(f)
    return info


def _spacing(ds) -> tuple[float, float, float] | None:
    for key, scale in (("spacing", 1.0), ("spacing_mm", 1.0), ("voxel_size", 1.0), ("element_size_um", 1e-3)):
        if key in ds.attrs:
            try:
                values = [float(v) * scale for v in np.ravel(ds.attrs[key])][-3:]
            except (TypeError, ValueError):
                continue
            if len(values) == 3 and all(v > 0 and np.isfinite(v) for v in values):
                return tuple(values)  # type: ignore[return-value]
    return None


def read(path, *, dataset: str | None = None, index: int | None = None) -> Volume:
    import h5py

    warnings: list[str] = []
    meta: dict = {"format": "hdf5"}
    with open_file(path) as f:
        if dataset is None:
            entries, _ = _walk(f)
            candidates = [e for e in entries if e.kind != "not-a-volume"]
            if len(candidates) != 1:
                listing = ", ".join(f"{e.name} {e.shape} {e.dtype}" for e in entries) or "nothing"
                raise NeedsChoice(
                    f"{path.name} holds several datasets; choose one of: {listing}"
                    if candidates else f"{path.name} holds no dataset that is a volume: {listing}",
                    choices=[e.name for e in candidates],
                )
            dataset = candidates[0].name
        name = "/" + dataset.lstrip("/")
        what = f"{path.name}:{name}"
        if name not in f:
            raise InvalidVolume(f"{path.name} has no dataset {name}")
        obj = f[name]
        if isinstance(obj, h5py.Group):
            inside = ", ".join(sorted(obj.keys())[:10]) or "nothing"
            raise InvalidVolume(f"{what} is a group, not a dataset; it holds: {inside}")
        try:
            data = read_sample(obj, what, index, warnings, meta)
        except (OSError, RuntimeError) as exc:
            raise CorruptFile(f"{what}: the data is truncated or damaged ({exc})") from exc
        spacing = _spacing(obj)
    meta["dataset"] = name
    report_nonfinite(data, what, warnings, meta)
    spacing = spacing or (1.0, 1.0, 1.0)
    return Volume(
        data=np.ascontiguousarray(data),
        spacing=spacing,
        affine=np.diag([*spacing, 1.0]),
        orientation_known=False,
        source=f"{path}:{name}",
        name=f"{path.name}:{name}",
        meta=meta,
        warnings=warnings,
    )
