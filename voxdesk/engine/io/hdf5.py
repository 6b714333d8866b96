"""HDF5 through h5py, read lazily: only the chosen dataset (and sample) is read.

A dataset is addressed as ``file.h5:/group/dataset`` or with ``dataset=``. Voxel size is
taken from a dataset attribute when present: ``spacing`` / ``spacing_mm`` / ``voxel_size`` (mm) or
``element_size_um`` (micrometres, the Fiji/ilastik convention).
"""
from __future__ import annotations

import os

import numpy as np

from voxdesk.engine.errors import CorruptFile, InvalidVolume, NeedsChoice
from voxdesk.engine.io.common import (
    Entry,
    FileInfo,
    classify_shape,
    read_sample,
    report_nonfinite,
)
from voxdesk.engine.io.guard import DEFLATE_MAX_RATIO, check_declared, nbytes_of, reason
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
        raise CorruptFile(f"{path.name}: cannot read the HDF5 file ({reason(exc)})") from exc


def resolve(f, name: str, what: str):
    """The object at ``name``, following hard and in-file soft links only: an external link
    (into another file, or a device) is refused, never opened."""
    import h5py

    node, parts = f, [p for p in name.split("/") if p]
    for i, part in enumerate(parts):
        if part not in node:
            return None
        link = node.get(part, getlink=True)
        if isinstance(link, h5py.ExternalLink):
            raise InvalidVolume(
                f"{what}: '/{'/'.join(parts[:i + 1])}' is a link into another file ({link.filename}); "
                "VoxDesk reads only data stored in the file itself"
            )
        node = node[part]
    return node


def check_dataset(ds, what: str, size: int | None = None) -> None:
    """Before reading: refuse data stored outside the file (external storage, virtual datasets),
    an empty dataspace, a contiguous dataset declaring more than the file holds, and a chunked
    one whose sample (what is read) is far more than all the data it stores could expand to.
    (A sparse stack that stores only some samples is fine: only the chosen one is read.)"""
    if ds.shape is None:
        raise InvalidVolume(f"{what} holds no data (an empty dataspace)")
    if ds.external or ds.is_virtual:
        raise InvalidVolume(
            f"{what}: the data is stored outside the file (external or virtual dataset); VoxDesk reads "
            "only data stored in the file itself"
        )
    declared = nbytes_of(ds.shape, ds.dtype)
    size = os.path.getsize(ds.file.filename) if size is None else size
    offset = ds.id.get_offset()
    if offset is not None and ds.chunks is None:  # contiguous: the bytes lie in the file
        check_declared(ds.file.filename, declared, offset=offset, size=size, what=what)
        return
    kind, n, _note = classify_shape(tuple(ds.shape))
    sample = declared // max(n, 1) if kind in ("stack", "cube-vectors") else declared
    if sample > 64 << 20:
        check_declared(ds.file.filename, sample, size=max(ds.id.get_storage_size(), 1),
                       ratio=DEFLATE_MAX_RATIO, what=what)


def _entry(name: str, ds) -> Entry:
    if ds.shape is None:
        return Entry(name, (), str(ds.dtype), "not-a-volume", 0, "empty dataspace (no data)")
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
    except (OSError, RuntimeError, KeyError, TypeError, ValueError, UnicodeError) as exc:
        raise CorruptFile(f"{os.path.basename(f.filename)}: the HDF5 file is damaged ({reason(exc)})") from exc
    return entries, groups


def probe(path) -> FileInfo:
    info = FileInfo(str(path), "hdf5")
    with open_file(path) as f:
        info.entries, info.groups = _walk(f)
    return info


def spacing_attribute(ds, warnings: list[str], what: str) -> tuple[float, float, float] | None:
    for key, scale in (("spacing", 1.0), ("spacing_mm", 1.0), ("voxel_size", 1.0), ("element_size_um", 1e-3)):
        try:
            if key not in ds.attrs:
                continue
            values = [float(v) * scale for v in np.ravel(ds.attrs[key])][-3:]
        except (TypeError, ValueError):  # not numbers: not a voxel size
            continue
        except Exception as exc:  # a damaged attribute only costs the voxel size
            warnings.append(f"{what}: the '{key}' attribute cannot be read ({reason(exc, 80)}); voxels are 1 mm")
            return None
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
        obj = resolve(f, name, what)
        if obj is None:
            raise InvalidVolume(f"{path.name} has no dataset {name}")
        if isinstance(obj, h5py.Group):
            inside = ", ".join(sorted(obj.keys())[:10]) or "nothing"
            raise InvalidVolume(f"{what} is a group, not a dataset; it holds: {inside}")
        if not isinstance(obj, h5py.Dataset):
            raise InvalidVolume(f"{what} is not a dataset")
        check_dataset(obj, what)
        try:
            data = read_sample(obj, what, index, warnings, meta)
        except (OSError, RuntimeError) as exc:
            raise CorruptFile(f"{what}: the data is truncated or damaged ({reason(exc)})") from exc
        spacing = spacing_attribute(obj, warnings, what)
    meta["dataset"] = name
    meta["spacing_known"] = spacing is not None
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
