"""NIfTI-1/2 (.nii, .nii.gz) through nibabel, reoriented to the closest canonical (RAS+)."""
from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from voxdesk.engine.errors import CorruptFile, InvalidVolume
from voxdesk.engine.io.common import Entry, FileInfo, guard_memory, report_nonfinite
from voxdesk.engine.volume import Volume

OBLIQUE_DEGREES = 1.0
_READ_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile, OSError, ValueError)


def _load_image(path):
    import nibabel as nib
    from nibabel.filebasedimages import ImageFileError

    try:
        img = nib.load(str(path))
    except (ImageFileError, *_READ_ERRORS) as exc:
        if path.name.endswith(".gz") and _not_gzip(path):
            raise CorruptFile(f"{path.name}: named .nii.gz but is not gzip-compressed") from exc
        raise CorruptFile(f"{path.name}: not a readable NIfTI file ({_reason(exc)})") from exc
    if not isinstance(img, (nib.Nifti1Image, nib.Nifti2Image)):
        raise CorruptFile(f"{path.name}: not a NIfTI image")
    return img


def _not_gzip(path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) != b"\x1f\x8b"


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


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
    slope, inter = hdr.get_slope_inter()
    info = FileInfo(str(path), "nifti")
    kind = "4d" if n_vol > 1 else "volume"
    note = f"{n_vol} volumes" if n_vol > 1 else ""
    info.entries.append(Entry("image", tuple(img.shape), str(hdr.get_data_dtype()), kind, n_vol, note))
    info.header = {
        "zooms": tuple(float(z) for z in hdr.get_zooms()[:3]),
        "axcodes_on_disk": "".join(nib.aff2axcodes(img.affine)),
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

    slope, inter = hdr.get_slope_inter()
    scaled = slope is not None and (slope != 1 or (inter or 0) != 0)
    itemsize = 4 if scaled else hdr.get_data_dtype().itemsize
    guard_memory(shape3, itemsize, path.name)

    # Slicing nibabel's proxy reads only the chosen volume and applies scl_slope/inter
    # (nibabel already treats a slope of 0 or NaN as "no scaling").
    slicer = (slice(None),) * 3 + ((volume,) if n_vol > 1 else ()) + (0,) * (len(img.shape) - 3 - (n_vol > 1))
    try:
        data = np.asarray(img.dataobj[slicer]).reshape(shape3)
    except _READ_ERRORS as exc:
        raise CorruptFile(f"{path.name}: the voxel data is truncated or damaged ({_reason(exc)})") from exc
    if not data.dtype.isnative:
        data = data.astype(data.dtype.newbyteorder("="))
    if scaled or data.dtype == np.float64:
        data = data.astype(np.float32)

    affine = img.affine
    angle = float(np.degrees(np.max(obliquity(affine))))
    if angle > OBLIQUE_DEGREES:
        warnings.append(
            f"the scan is oblique ({angle:.1f} degrees from the scanner axes); slices are shown in "
            "the closest canonical orientation and world positions use the full oblique affine"
        )
    ornt = ornt_mod.io_orientation(affine)
    data = ornt_mod.apply_orientation(data, ornt)
    affine = affine @ ornt_mod.inv_ornt_aff(ornt, shape3)
    axcodes = nib.aff2axcodes(affine)

    meta = {
        "format": "nifti",
        "dtype_on_disk": str(hdr.get_data_dtype()),
        "axcodes_on_disk": "".join(nib.aff2axcodes(img.affine)),
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
