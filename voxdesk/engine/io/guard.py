"""THE guard every volume read goes through: library errors become one VoxdeskError that names
the file, and declared sizes are checked against the file and the memory before anything is read.

CONTRACT:
  ``with reading(path): ...`` around a read: a VoxdeskError passes through; the errors the
      readers' libraries are known to raise on damaged files (nibabel header errors, singular
      affines, numpy header and overflow errors, zlib/zip/gzip errors, h5py errors, text that is
      not text) become ``CorruptFile`` in plain words; ``MemoryError`` becomes ``TooLarge``;
      anything else becomes ``CorruptFile`` naming the file and the exception type (last resort).
  ``check_declared(path, nbytes, ...)``: refuse a header that declares more data than the file
      can hold (uncompressed: the file's size; deflate/gzip: ~1,032x the compressed size).
  The memory guard itself is ``common.guard_memory(shape, bytes_per_voxel, what)``; readers pass
      the peak bytes a voxel of their read needs (a scaled NIfTI read: 16).
  ``npy_header(fh, what)``: a ``.npy`` header read safely: shape, fortran order, dtype, data offset.
``voxdesk.engine.io.open_volume`` and ``probe`` (and the array-dataset loaders) enter through
``reading``; each reader checks its declared sizes with the two checks before it reads.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from voxdesk.engine.errors import CorruptFile, InvalidVolume, TooLarge, VoxdeskError
from voxdesk.engine.io.common import human_bytes

DEFLATE_MAX_RATIO = 1032
"""The most one byte of deflate (zip, gzip) data can expand to: a header declaring more lies."""

_OBJECT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-fA-F]+>")


def reason(exc: BaseException, limit: int = 160) -> str:
    """The first line of an exception's text, without Python object reprs; its type if empty."""
    text = _OBJECT_REPR.sub("an expression", str(exc).strip())
    text = text.splitlines()[0] if text else ""
    return (text or type(exc).__name__)[:limit]


_LIBRARIES = ("h5py", "nibabel", "pydicom", "numpy", "zipfile", "gzip")


def _origin(exc: BaseException) -> str:
    """The library the exception was raised in (the innermost known frame), or ""."""
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        parts = Path(frame.filename).parts
        if Path(frame.filename).stem in ("dicom", "dicom_series") and "io" in parts:
            return "dicom-header"  # our DICOM readers, reading a header value
        for lib in _LIBRARIES:
            if lib in parts or Path(frame.filename).stem == lib:
                return lib
    return ""


def _words(exc: BaseException, name: str) -> str | None:
    """Plain words for the library errors damaged files are known to raise, or None."""
    kind = type(exc).__name__
    module = type(exc).__module__ or ""
    origin = _origin(exc)
    if kind == "HeaderDataError" or (module.startswith("nibabel") and kind.endswith("Error")):
        text = reason(exc)
        if m := re.search(r"data code (-?\d+) not (recognized|supported)", text):
            return f"{name}: the NIfTI header names a voxel type VoxDesk cannot read (datatype code {m.group(1)})"
        if m := re.search(r"vox offset (-?\d+) too low", text):
            return (f"{name}: the NIfTI header puts the voxel data at byte {m.group(1)}, inside the header "
                    "(damaged header)")
        return f"{name}: the NIfTI header is invalid ({text})"
    if kind in ("LinAlgError", "OrientationError"):
        return f"{name}: the image's orientation (affine) is singular, zero or not finite"
    if kind == "TokenError" or isinstance(exc, SyntaxError):
        return f"{name}: the .npy header is damaged (not a readable shape and type description)"
    if kind == "OverflowError" or isinstance(exc, OverflowError):
        return f"{name}: the header declares sizes too large to be real (damaged header)"
    if kind in ("BadZipFile", "BadGzipFile", "LargeZipFile") or module == "zlib":
        return f"{name}: the compressed data is damaged or truncated ({reason(exc)})"
    if isinstance(exc, EOFError):
        return f"{name}: the file is truncated (incomplete copy or download?)"
    if isinstance(exc, UnicodeError):
        return f"{name}: a name or attribute in the file is not valid text (damaged file)"
    if module.startswith("h5py") or origin == "h5py":
        return f"{name}: the HDF5 file is damaged ({reason(exc)})"
    if origin == "dicom-header" and isinstance(exc, (TypeError, ValueError, AttributeError, IndexError)):
        return f"{name}: a DICOM header value has the wrong kind (damaged file? {type(exc).__name__}: {reason(exc)})"
    if origin == "pydicom" or module.startswith("pydicom"):
        return f"{name}: the DICOM file is damaged ({reason(exc)})"
    if origin == "nibabel":
        return f"{name}: the NIfTI file is damaged ({reason(exc)})"
    if isinstance(exc, OSError):
        return f"{name}: cannot be read ({reason(exc)})"
    return None


def translate(exc: BaseException, name: str) -> VoxdeskError:
    """The VoxdeskError a reader raises for ``exc`` met while reading the file ``name``."""
    if isinstance(exc, VoxdeskError):
        return exc
    if isinstance(exc, MemoryError):
        return TooLarge(f"{name}: not enough memory to read it; pick one sample or volume, or crop the data first")
    words = _words(exc, name)
    if words is None:  # last resort: still the file and what went wrong
        words = f"{name}: cannot be read ({type(exc).__name__}: {reason(exc)})"
    return CorruptFile(words)


@contextmanager
def reading(path: str | os.PathLike):
    """Every exception from the block leaves as a VoxdeskError naming ``path``'s file."""
    try:
        yield
    except VoxdeskError:
        raise
    except Exception as exc:  # mapped to words above, last resort names the type
        raise translate(exc, Path(str(path)).name) from exc


def check_declared(path, nbytes: int, *, offset: int = 0, size: int | None = None,
                   ratio: float = 1.0, what: str | None = None) -> None:
    """Refuse a header declaring ``nbytes`` of data (from ``offset``) that a file of ``size``
    bytes (default: the file's) cannot hold; ``ratio`` is the most the storage may expand."""
    what = what or Path(str(path)).name
    size = os.path.getsize(path) if size is None else size
    if ratio == 1.0:
        if offset + nbytes > size:
            raise CorruptFile(
                f"{what}: the header declares {human_bytes(nbytes)} of data but the file holds only "
                f"{human_bytes(max(size - offset, 0))} after the header (truncated, or a damaged header)"
            )
    elif nbytes > ratio * size + (1 << 16):
        raise CorruptFile(
            f"{what}: the header declares {human_bytes(nbytes)} of data, more than "
            f"{human_bytes(size)} of compressed data can hold (damaged header)"
        )


def npy_header(fh, what: str) -> tuple[tuple[int, ...], bool, np.dtype, int]:
    """(shape, fortran_order, dtype, data offset) of an open ``.npy`` stream, read without
    evaluating anything but literals; every damage is a CorruptFile naming ``what``."""
    start = fh.tell() if hasattr(fh, "tell") else 0
    try:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
        else:
            raise ValueError(f"version {version}")
    except VoxdeskError:
        raise
    except Exception as exc:  # every damage of a header is the same to a user
        if type(exc).__name__ == "BadZipFile" or type(exc).__module__ == "zlib":
            raise CorruptFile(f"{what}: the compressed data is damaged ({reason(exc)})") from exc
        raise CorruptFile(f"{what}: not a valid .npy file; its header is damaged ({reason(exc)})") from exc
    if any(int(n) < 0 for n in shape):
        raise CorruptFile(f"{what}: the .npy header declares a negative size {tuple(shape)}")
    offset = (fh.tell() - start) if hasattr(fh, "tell") else 0
    return tuple(int(n) for n in shape), bool(fortran), np.dtype(dtype), offset


def nbytes_of(shape, dtype: np.dtype) -> int:
    """Bytes of an array of ``shape`` and ``dtype``, in Python integers (never overflows)."""
    n = 1
    for s in shape:
        n *= int(s)
    return n * max(int(np.dtype(dtype).itemsize), 1)


def refuse_complex(dtype: np.dtype, what: str) -> None:
    """Complex voxels are refused (not silently read as their real part), like RGB ones."""
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        raise InvalidVolume(
            f"{what} holds complex numbers, not voxel values; save the magnitude (abs) or the "
            "real part as its own image"
        )
    if dtype.fields is not None:
        names = tuple(dtype.names or ())
        kind = "RGB colour voxels" if set(names) >= {"R", "G", "B"} else "compound records"
        raise InvalidVolume(f"{what} holds {kind}, not scalar voxel values; save one channel as its own image")
