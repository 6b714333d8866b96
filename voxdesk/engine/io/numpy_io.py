"""NumPy ``.npy`` (memory-mapped, never pickles) and ``.npz`` (one named array)."""
from __future__ import annotations

import zipfile

import numpy as np

from voxdesk.engine.errors import CorruptFile, InvalidVolume, NeedsChoice
from voxdesk.engine.io.common import (
    Entry,
    FileInfo,
    classify_shape,
    guard_memory,
    read_sample,
    report_nonfinite,
)
from voxdesk.engine.io.guard import DEFLATE_MAX_RATIO, check_declared, nbytes_of, npy_header, reason
from voxdesk.engine.volume import Volume


def _open_npy(path):
    """The .npy memory-mapped, after its header is read safely and its size checked."""
    with open(path, "rb") as fh:
        shape, _fortran, dtype, offset = npy_header(fh, path.name)
    if dtype.hasobject:
        raise InvalidVolume(
            f"{path.name} holds Python objects, not voxel values; VoxDesk never unpickles files "
            "(save the array with a numeric dtype)"
        )
    check_declared(path, nbytes_of(shape, dtype), offset=offset)
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise CorruptFile(f"{path.name}: not a valid .npy file or truncated ({reason(exc)})") from exc


def check_npz_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, what: str) -> tuple[tuple[int, ...], np.dtype]:
    """(shape, dtype) of one .npz member from its header, after checking that the zip entry
    can hold what the header declares, and the compressed data what the entry declares:
    nothing is decompressed beyond the header."""
    stored = info.compress_type == zipfile.ZIP_STORED
    check_declared(what, info.file_size, size=info.compress_size, ratio=1.0 if stored else DEFLATE_MAX_RATIO,
                   what=f"{what} (zip entry)")
    with zf.open(info) as f:
        shape, _fortran, dtype, offset = npy_header(f, what)
    check_declared(what, nbytes_of(shape, dtype), offset=offset, size=info.file_size, what=what)
    return shape, dtype


def _npz_headers(path) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """Shapes and dtypes of the arrays in an .npz, read from their headers only."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFile(f"{path.name}: not a valid .npz (zip) file ({reason(exc)})") from exc
    headers = {}
    with zf:
        for info in zf.infolist():
            member = info.filename
            if not member.endswith(".npy"):
                continue
            what = f"{path.name}:{member[:-4]}"
            try:
                headers[member[:-4]] = check_npz_member(zf, info, what)
            except (ValueError, zipfile.BadZipFile, OSError, EOFError) as exc:
                raise CorruptFile(f"{path.name}: array {member[:-4]!r} is damaged ({reason(exc)})") from exc
    if not headers:
        raise InvalidVolume(f"{path.name} holds no arrays")
    return headers


def _entry(name: str, shape, dtype: np.dtype) -> Entry:
    if dtype.kind not in "biuf" or dtype.fields is not None:
        return Entry(name, tuple(shape), str(dtype), "not-a-volume", 0, f"{dtype} values")
    kind, n, note = classify_shape(tuple(shape))
    return Entry(name, tuple(shape), str(dtype), kind, n, note)


def probe(path) -> FileInfo:
    info = FileInfo(str(path), "npz" if path.suffix.lower() == ".npz" else "npy")
    if info.format == "npy":
        arr = _open_npy(path)
        info.entries.append(_entry("array", arr.shape, arr.dtype))
        info.header = {"fortran_order": bool(arr.flags.f_contiguous and not arr.flags.c_contiguous),
                       "byteorder": arr.dtype.byteorder}
    else:
        for name, (shape, dtype) in _npz_headers(path).items():
            info.entries.append(_entry(name, shape, dtype))
    return info


def read(path, *, dataset: str | None = None, index: int | None = None) -> Volume:
    warnings: list[str] = []
    meta: dict = {"format": path.suffix.lower().lstrip(".")}
    if path.suffix.lower() == ".npy":
        if dataset:
            raise InvalidVolume(f"{path.name} is a single array; it has no named array {dataset!r}")
        arr = _open_npy(path)
        try:
            data = read_sample(arr, path.name, index, warnings, meta)
        except ValueError as exc:  # memory-mapped data shorter than the header says
            raise CorruptFile(f"{path.name}: truncated ({reason(exc)})") from exc
        source = str(path)
    else:
        headers = _npz_headers(path)
        if dataset is None:
            candidates = [n for n, (s, d) in headers.items() if _entry(n, s, d).kind != "not-a-volume"]
            if len(candidates) != 1:
                choices = [f"{n} {headers[n][0]} {headers[n][1]}" for n in headers]
                raise NeedsChoice(
                    f"{path.name} holds several arrays; choose one of: " + ", ".join(headers)
                    if candidates else f"{path.name} holds no array that is a volume: " + ", ".join(choices),
                    choices=list(headers) if candidates else [],
                )
            dataset = candidates[0]
        if dataset not in headers:
            raise InvalidVolume(f"{path.name} has no array {dataset!r}; it has: " + ", ".join(headers))
        if headers[dataset][1].hasobject:  # refused before np.load is asked
            raise InvalidVolume(f"{path.name}:{dataset} holds Python objects, not voxel values")
        guard_memory(headers[dataset][0], headers[dataset][1].itemsize, f"{path.name}:{dataset}")
        try:
            with np.load(path, allow_pickle=False) as npz:
                arr = npz[dataset]
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise CorruptFile(f"{path.name}: array {dataset!r} is damaged ({reason(exc)})") from exc
        meta["dataset"] = dataset
        data = read_sample(arr, f"{path.name}:{dataset}", index, warnings, meta)
        source = f"{path}:{dataset}"
    report_nonfinite(data, path.name, warnings, meta)
    return Volume(
        data=np.ascontiguousarray(data),  # C-ordered .npy stays memory-mapped
        orientation_known=False,
        source=source,
        name=path.name + (f":{dataset}" if dataset else ""),
        meta=meta,
        warnings=warnings,
    )
