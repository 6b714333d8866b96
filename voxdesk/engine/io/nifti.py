"""NIfTI-1/2 (.nii, .nii.gz) through nibabel, reoriented to the closest canonical (RAS+)."""
from __future__ import annotations

import gzip
import logging
import zlib
from pathlib import Path

import numpy as np

from voxdesk.engine.errors import CorruptFile, InvalidVolume
from voxdesk.engine.io.common import Entry, FileInfo, guard_memory, refuse_beyond_float32, report_nonfinite
from voxdesk.engine.io.guard import DEFLATE_MAX_RATIO, check_declared, nbytes_of, refuse_complex
from voxdesk.engine.io.guard import reason as _reason
from voxdesk.engine.volume import Volume

OBLIQUE_DEGREES = 1.0
_READ_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile, OSError, ValueError)
SCALED_BYTES_PER_VOXEL = 16
"""Peak memory of a scaled read: nibabel reads the raw values, scales them as float64, and the
reader keeps a float32 copy (measured: 1.5-2.4x what 4 bytes a voxel assumed)."""


def _load_image(path):
    import nibabel as nib
    from nibabel.filebasedimages import ImageFileError

    logging.getLogger("nibabel").setLevel(logging.CRITICAL)  # its header fixes: not news to a user
    try:
        img = nib.load(str(path))
    except ImageFileError as exc:
        if path.name.endswith(".gz") and _not_gzip(path):
            raise CorruptFile(f"{path.name}: named .nii.gz but is not gzip-compressed") from exc
        raise CorruptFile(f"{path.name}: not a NIfTI file (its header is not a NIfTI-1 or NIfTI-2 header)") from exc
    except _READ_ERRORS as exc:
        if path.name.endswith(".gz") and _not_gzip(path):
            raise CorruptFile(f"{path.name}: named .nii.gz but is not gzip-compressed") from exc
        raise CorruptFile(f"{path.name}: not a readable NIfTI file ({_reason(exc)})") from exc
    if not isinstance(img, (nib.Nifti1Image, nib.Nifti2Image)):
        raise CorruptFile(f"{path.name}: not a NIfTI image")
    _check_header(img, path)
    return img


def _check_header(img, path) -> None:
    """Refuse what nibabel accepts but cannot be shown right: complex or RGB voxels, an affine
    that is zero, singular or not finite, a negative dimension."""
    refuse_complex(img.header.get_data_dtype(), path.name)
    if any(int(n) < 0 for n in img.shape):
        raise CorruptFile(f"{path.name}: the header declares a negative dimension {tuple(img.shape)}")
    affine = np.asarray(img.affine, dtype=np.float64)
    with np.errstate(all="ignore"):
        usable = bool(np.all(np.isfinite(affine))) and abs(float(np.linalg.det(affine[:3, :3]))) > 1e-12
    if not usable:
        raise CorruptFile(
            f"{path.name}: the header's orientation (affine) is zero, singular or not finite, so voxel "
            "positions are unknown (damaged header)"
        )


def _slope_inter(img) -> tuple[float | None, float | None]:
    """The scaling a read applies: nibabel moves scl_slope/scl_inter from a loaded image's header
    (where they read as None) to its data proxy; None, None when the file does not scale."""
    slope = getattr(img.dataobj, "slope", None)
    inter = getattr(img.dataobj, "inter", None)
    if slope is None or (float(slope) == 1 and float(inter or 0) == 0):
        return None, None
    return float(slope), float(inter or 0)


def _check_sizes(img, path, shape3, scaled: bool) -> None:
    """Before reading: the file can hold what the header declares, and the read fits in memory."""
    dtype = img.header.get_data_dtype()
    declared = nbytes_of(img.shape, dtype)
    if path.name.lower().endswith(".gz"):
        check_declared(path, declared, ratio=DEFLATE_MAX_RATIO)
    else:
        check_declared(path, declared, offset=int(img.dataobj.offset))
    raw = dtype.itemsize
    if scaled:
        per_voxel = max(SCALED_BYTES_PER_VOXEL, raw + 12)
    elif dtype.kind == "f" and raw == 8:
        per_voxel = raw + 8  # float64 read, float32 copy, contiguous copy
    else:
        per_voxel = 2 * raw  # the read and its reoriented contiguous copy
    guard_memory(shape3, per_voxel, path.name)


def _to_float32(data: np.ndarray, name: str) -> np.ndarray:
    """float32 values, refusing finite values float32 cannot hold (they would become Inf)."""
    refuse_beyond_float32(data, name)
    return data.astype(np.float32)


def _not_gzip(path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) != b"\x1f\x8b"


def _spatial_shape(shape: tuple[int, ...], name: str) -> tuple[tuple[int, ...], int]:
    """(3D shape, number of volumes) after squeezing trailing singleton axes."""
    s = tuple(shape)
    while len(s) > 3 and s[-1] == 1:
        s = s[:-1]
    if len(s) < 3 or 1 in s[:3]:
        raise InvalidVolume(f"{name}: the image is 2D {tuple(shape)}; VoxDesk needs a 3D volume")
    if min(s) == 0:
        raise InvalidVolume(f"{name}: the image has an empty axis {tuple(shape)}")
    if len(s) > 4:
        raise InvalidVolume(f"{name}: the image has {len(s)} dimensions {tuple(shape)}; VoxDesk reads 3D and 4D")
    return s[:3], (s[3] if len(s) == 4 else 1)


def probe(path) -> FileInfo:
    import nibabel as nib

    img = _load_image(path)
    hdr = img.header
    shape3, n_vol = _spatial_shape(img.shape, path.name)
    slope, inter = _slope_inter(img)
    info = FileInfo(str(path), "nifti")
    kind = "4d" if n_vol > 1 else "volume"
    note = f"{n_vol} volumes" if n_vol > 1 else ""
    info.entries.append(Entry("image", tuple(img.shape), str(hdr.get_data_dtype()), kind, n_vol, note))
    info.header = {
        "zooms": tuple(float(z) for z in hdr.get_zooms()[:3]),
        "axcodes_on_disk": "".join(c or "?" for c in nib.aff2axcodes(img.affine)),
        "scl_slope": None if slope is None else float(slope),
        "scl_inter": None if inter is None else float(inter),
        "n_volumes": n_vol,
        "shape3d": shape3,
    }
    return info


def read(path, *, volume: int | None = None) -> Volume:
    import nibabel as nib
    from nibabel import orientations as ornt_mod
    from nibabel.affines import obliquity, voxel_sizes

    img = _load_image(path)
    hdr = img.header
    shape3, n_vol = _spatial_shape(img.shape, path.name)
    warnings: list[str] = []
    if n_vol > 1:
        if volume is None:
            volume = 0
            warnings.append(f"the file holds {n_vol} volumes; showing volume 0 (choose another with the volume index)")
        if not -n_vol <= volume < n_vol:
            raise InvalidVolume(f"{path.name}: volume {volume} does not exist; it holds {n_vol} (0..{n_vol - 1})")
        volume %= n_vol
    elif volume not in (None, 0):
        raise InvalidVolume(f"{path.name} holds a single volume; volume {volume} does not exist")

    slope, inter = _slope_inter(img)
    scaled = slope is not None and (slope != 1 or (inter or 0) != 0)
    _check_sizes(img, path, shape3, scaled)

    # Slicing nibabel's proxy reads only the chosen volume and applies scl_slope/inter
    # (nibabel already treats a slope of 0 or NaN as "no scaling").
    slicer = (slice(None),) * 3 + ((volume,) if n_vol > 1 else ()) + (0,) * (len(img.shape) - 3 - (n_vol > 1))
    try:
        data = np.asarray(img.dataobj[slicer]).reshape(shape3)
    except _READ_ERRORS as exc:
        raise CorruptFile(f"{path.name}: the voxel data is truncated or damaged ({_reason(exc)})") from exc
    if not data.dtype.isnative:
        data = data.astype(data.dtype.newbyteorder("="))
    if scaled or data.dtype.kind == "f" and data.dtype.itemsize > 4:
        data = _to_float32(data, path.name)

    affine = img.affine
    angle = float(np.degrees(np.max(obliquity(affine))))
    if angle > OBLIQUE_DEGREES:
        warnings.append(
            f"the scan is oblique ({angle:.1f} degrees from the scanner axes); slices are shown in "
            "the closest canonical orientation and world positions use the full oblique affine"
        )
    ornt = ornt_mod.io_orientation(affine)
    if np.isnan(ornt).any():
        raise CorruptFile(f"{path.name}: the header's orientation (affine) leaves an axis without a direction "
                          "(damaged header)")
    data = ornt_mod.apply_orientation(data, ornt)
    affine = affine @ ornt_mod.inv_ornt_aff(ornt, shape3)
    axcodes = nib.aff2axcodes(affine)

    meta = {
        "format": "nifti",
        "dtype_on_disk": str(hdr.get_data_dtype()),
        "axcodes_on_disk": "".join(c or "?" for c in nib.aff2axcodes(img.affine)),
        "n_volumes": n_vol,
        "volume_index": volume or 0,
        "scl_slope": None if slope is None else float(slope),
        "scl_inter": None if inter is None else float(inter),
    }
    report_nonfinite(data, path.name, warnings, meta)
    return Volume(
        data=np.ascontiguousarray(data),
        spacing=tuple(float(v) for v in voxel_sizes(affine)),
        affine=affine,
        axcodes=tuple(axcodes),
        orientation_known=True,
        source=str(path),
        meta=meta,
        warnings=warnings,
    )


def write(volume: Volume, path, *, description: str = "") -> Path:
    """Write ``volume`` as NIfTI-1 at ``path`` (.nii or .nii.gz), atomically, with its world
    geometry (``volume.affine``, RAS mm) as both qform and sform, the voxel type kept (int16 HU
    stays int16). The header's description is ``description`` (ASCII, 79 characters): never
    patient identifiers."""
    import nibabel as nib

    from voxdesk.engine.errors import VoxdeskError
    from voxdesk.engine.io.atomic import atomic_path, write_error
    from voxdesk.engine.io.formats import is_nifti

    path = Path(path)
    if not is_nifti(path):
        raise VoxdeskError(f"{path.name}: NIfTI files are named .nii or .nii.gz")
    data = np.asarray(volume.data)
    if data.dtype == np.float64:
        data = data.astype(np.float32)
    if data.dtype == bool:
        data = data.astype(np.uint8)
    img = nib.Nifti1Image(np.ascontiguousarray(data), volume.affine)
    code = 1 if volume.orientation_known else 0
    img.set_qform(volume.affine, code=code or 0)
    img.set_sform(volume.affine, code=code or 0)
    img.header.set_xyzt_units("mm")
    img.header["descrip"] = (description or "VoxDesk")[:79].encode("ascii", "replace")
    try:
        with atomic_path(path, suffix=".nii.gz" if path.name.lower().endswith(".gz") else ".nii") as tmp:
            nib.save(img, str(tmp))
    except OSError as exc:
        raise write_error("the NIfTI file", path, exc) from None
    return path
