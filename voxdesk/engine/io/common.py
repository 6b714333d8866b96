"""What every reader shares: file checks, the memory guard and array-to-Volume rules."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voxdesk.engine.errors import FileNotFound, InvalidVolume, TooLarge


@dataclass
class Entry:
    """One thing inside a file that could be shown: an HDF5 dataset, an NPZ array, the image."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    kind: str  # "volume" | "stack" | "cube-vectors" | "4d" | "not-a-volume"
    n_samples: int = 1
    note: str = ""


@dataclass
class FileInfo:
    path: str
    format: str  # "nifti" | "npy" | "npz" | "hdf5"
    entries: list[Entry] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    header: dict = field(default_factory=dict)

    @property
    def volume_entries(self) -> list[Entry]:
        return [e for e in self.entries if e.kind != "not-a-volume"]


def refuse_special(path: str | os.PathLike) -> None:
    """Raise ``FileNotFound`` when ``path`` is a pipe, device or socket: reading one blocks or
    never ends (a missing path, a file or a folder passes)."""
    p = Path(path).expanduser()
    if p.exists() and not (p.is_file() or p.is_dir()):
        raise FileNotFound(f"{p}: not a regular file (a device, pipe or socket); give a volume file")


def check_file(path: str | os.PathLike) -> Path:
    p = Path(path).expanduser()
    if not p.exists():
        raise FileNotFound(f"{p}: no such file")
    if p.is_dir():
        raise FileNotFound(f"{p}: is a folder, not a volume file")
    refuse_special(p)
    if p.stat().st_size == 0:
        from voxdesk.engine.errors import CorruptFile

        raise CorruptFile(f"{p}: the file is empty (0 bytes)")
    return p


def available_memory() -> int:
    """Bytes the process may still allocate: $VOXDESK_MAX_BYTES, else MemAvailable."""
    override = os.environ.get("VOXDESK_MAX_BYTES")
    if override:
        return int(float(override))
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    return pages * size // 2


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def guard_memory(shape, itemsize: int, what: str) -> None:
    """Refuse, before reading, data that would not fit in memory."""
    need = int(np.prod(shape, dtype=np.float64)) * itemsize
    have = available_memory()
    if need > 0.8 * have:
        raise TooLarge(
            f"{what}: reading {tuple(shape)} needs {human_bytes(need)} of memory but only "
            f"{human_bytes(have)} is available; pick one sample or volume, or crop the data first"
        )


def cube_side(length: int) -> int | None:
    """The side of a cube with ``length`` voxels (4096 -> 16), or None; sides >= 4 only."""
    side = round(length ** (1 / 3))
    for s in (side - 1, side, side + 1):
        if s >= 4 and s**3 == length:
            return s
    return None


def check_numeric(dtype: np.dtype, what: str) -> None:
    if dtype.fields is not None or dtype.kind not in "biuf":
        kind = {
            "O": "Python objects",
            "U": "text",
            "S": "bytes/text",
            "V": "compound records",
            "c": "complex numbers",
            "M": "dates",
        }.get(dtype.kind, str(dtype))
        if dtype.fields is not None:
            kind = "compound records"
        raise InvalidVolume(f"{what} holds {kind}, not voxel values; choose a numeric dataset")


def squeeze_trailing(shape: tuple[int, ...]) -> tuple[int, ...]:
    shape = tuple(shape)
    while len(shape) > 3 and shape[-1] == 1:
        shape = shape[:-1]
    return shape


def classify_shape(shape: tuple[int, ...]) -> tuple[str, int, str]:
    """(kind, n_samples, note) for an array shape, with the rules every reader shares:
    3D -> volume; (N, D, H, W[, C]) -> stack; flat cube vectors -> cube-vectors; else not."""
    if any(n == 0 for n in shape):
        return "not-a-volume", 0, f"has an empty axis {tuple(shape)}"
    s = squeeze_trailing(shape)
    if len(s) == 1 and cube_side(s[0]):
        side = cube_side(s[0])
        return "cube-vectors", 1, f"flat vector of {s[0]} = {side}^3 voxels"
    if len(s) == 2 and cube_side(s[1]) and cube_side(s[1]) >= 8:
        side = cube_side(s[1])
        return "cube-vectors", s[0], f"{s[0]} flat vectors of {s[1]} = {side}^3 voxels"
    if len(s) == 3:
        if 1 in s:
            return "not-a-volume", 0, f"is a 2D image {tuple(shape)} (one slice), not a 3D volume"
        return "volume", 1, ""
    if len(s) == 4:
        return "stack", s[0], f"stack of {s[0]} volumes of {s[1:]}"
    if len(s) == 5:
        return "stack", s[0], f"stack of {s[0]} volumes of {s[1:4]} with {s[4]} channels"
    if len(s) < 3:
        return "not-a-volume", 0, f"is {len(s)}D {tuple(shape)}; VoxDesk needs a 3D volume"
    return "not-a-volume", 0, f"has {len(s)} dimensions {tuple(shape)}; VoxDesk needs 3D"


def pick_sample_index(index: int | None, n: int, what: str, warnings: list[str]) -> int:
    if index is None:
        if n > 1:
            warnings.append(f"{what} holds {n} samples; showing sample 0 (pick another by index)")
        return 0
    if not -n <= int(index) < n:
        raise InvalidVolume(f"{what}: sample {index} does not exist; it holds {n} (0..{n - 1})")
    return int(index) % n


def to_3d(sample: np.ndarray, what: str, warnings: list[str]) -> np.ndarray:
    """One sample (3D, 3D+channel, or a flat cube vector) as a native-endian 3D array."""
    shape = squeeze_trailing(sample.shape)
    sample = sample.reshape(shape)
    if sample.ndim == 1:
        side = cube_side(sample.shape[0])
        if side is None:
            raise InvalidVolume(f"{what}: a flat vector of {sample.shape[0]} is not a cube")
        sample = sample.reshape(side, side, side)
    if sample.ndim == 4:
        if sample.shape[3] > 1:
            warnings.append(f"{what} has {sample.shape[3]} channels; showing channel 0")
        sample = sample[..., 0]
    if sample.ndim != 3:
        raise InvalidVolume(f"{what} is {sample.ndim}D {tuple(sample.shape)}; VoxDesk needs 3D")
    if min(sample.shape) == 0:
        raise InvalidVolume(f"{what} has an empty axis {tuple(sample.shape)}")
    if min(sample.shape) == 1:
        raise InvalidVolume(f"{what} is a 2D image {tuple(sample.shape)} (one slice), not a 3D volume")
    if not sample.dtype.isnative:
        sample = sample.astype(sample.dtype.newbyteorder("="))
    if sample.dtype == np.float16:
        sample = sample.astype(np.float32)
    if sample.dtype == bool:
        sample = sample.astype(np.uint8)
    return sample


def read_sample(arr, what: str, index: int | None, warnings: list[str], meta: dict) -> np.ndarray:
    """One 3D volume out of an array-like (numpy array, memmap or h5py dataset): the whole
    array, or sample ``index`` of a stack / of flat cube vectors. Only that sample is read,
    after checking its dtype, shape and size."""
    check_numeric(arr.dtype, what)
    kind, n, note = classify_shape(tuple(arr.shape))
    if kind == "not-a-volume":
        raise InvalidVolume(f"{what} {note}")
    if kind == "stack" or (kind == "cube-vectors" and len(squeeze_trailing(arr.shape)) == 2):
        meta["n_samples"] = n
        selection = pick_sample_index(index, n, what, warnings)
        meta["sample_index"] = selection
        shape = arr.shape[1:]
    else:
        if index not in (None, 0):
            raise InvalidVolume(f"{what} is a single volume; sample {index} does not exist")
        selection, shape = (), arr.shape
    if kind == "cube-vectors":
        warnings.append(f"{what}: {note}, reshaped to a cube")
    itemsize = max(arr.dtype.itemsize, 1)
    converted = not arr.dtype.isnative or arr.dtype in (np.float16, np.bool_)  # to_3d copies these
    guard_memory(shape, itemsize + ((4 if arr.dtype == np.float16 else itemsize) if converted else 0), what)
    return to_3d(np.asarray(arr[selection]), what, warnings)


F32_MAX = float(np.finfo(np.float32).max)


def refuse_beyond_float32(data: np.ndarray, what: str) -> None:
    """Finite values float32 cannot hold would become Inf when a model sees them: refused."""
    if data.dtype.kind != "f" or data.dtype.itemsize <= 4 or not data.size:
        return
    with np.errstate(invalid="ignore"):
        finite = np.abs(data[np.isfinite(data)])
    peak = float(finite.max()) if finite.size else 0.0
    if peak > F32_MAX:
        raise InvalidVolume(
            f"{what}: values reach {peak:.3g}, beyond what VoxDesk computes with (float32, up to "
            f"{F32_MAX:.3g}); rescale the data (or check its scale factor) and save it again"
        )


def report_nonfinite(data: np.ndarray, what: str, warnings: list[str], meta: dict) -> None:
    """Refuse values beyond float32; say how many voxels are NaN or Inf (``meta['nan_count']``)."""
    refuse_beyond_float32(data, what)
    if np.issubdtype(data.dtype, np.floating):
        bad = int(np.count_nonzero(~np.isfinite(data)))
        meta["nan_count"] = bad
        if bad:
            warnings.append(
                f"{what} has {bad} NaN/Inf voxels ({100 * bad / data.size:.2g}%); they are shown "
                "as the lowest value and ignored in value ranges"
            )

