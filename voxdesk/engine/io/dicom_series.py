"""DICOM series from headers only: which files belong together, in which order, with which
geometry, and whether they make a volume (the rules are in ``io/dicom.py``'s docstring).

``scan(path) -> list[Series]`` reads no pixel data; ``io.dicom.read`` then reads the pixels of
one series in the order found here.
"""
from __future__ import annotations

import copy
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voxdesk.engine.errors import FileNotFound
from voxdesk.engine.io.formats import is_dicom_file

ORIENTATION_TOL = 1e-3  # direction cosines this close are "the same" / "on an axis"
DUPLICATE_MM = 0.01
_DICOMDIR = "1.2.840.10008.1.3.10"
_HEADER_TAGS = [
    "SOPClassUID", "SeriesInstanceUID", "SeriesNumber", "SeriesDescription", "Modality", "ImageType",
    "Rows", "Columns", "SamplesPerPixel", "BitsAllocated", "PixelRepresentation", "PhotometricInterpretation",
    "ImagePositionPatient", "ImageOrientationPatient", "PixelSpacing", "RescaleSlope", "RescaleIntercept",
    "WindowCenter", "WindowWidth", "NumberOfFrames", "SharedFunctionalGroupsSequence",
    "PerFrameFunctionalGroupsSequence",
]

@dataclass
class Slice:
    """One 2D image of a series: a file, or frame ``frame`` of a multi-frame file (no patient data)."""

    file: str
    frame: int | None
    ipp: np.ndarray | None
    iop: np.ndarray | None
    pixel_spacing: tuple[float, float] | None  # (between rows, between columns) mm
    slope: float = 1.0
    intercept: float = 0.0
    position: float = 0.0  # along the slice normal, mm
    size: tuple[int, int] = (0, 0)  # (rows, columns)


@dataclass
class Series:
    number: int  # 1-based address in the folder (DIR:number)
    uid: str
    description: str
    modality: str
    rows: int
    columns: int
    n_slices: int
    spacing: tuple[float, float, float] | None  # mm along the volume's (i, j, k), None if not a volume
    files: list[str]  # sorted by path
    oblique: bool = False
    problem: str | None = None
    window: tuple[float, float] | None = None
    multiframe: bool = False
    series_number: int | None = None  # the DICOM SeriesNumber tag
    part: str = ""  # "2/3" when a series was split by orientation or size
    shape: tuple[int, int, int] | None = None  # the RAS+ volume's shape
    dtype: str = ""
    notes: list[str] = field(default_factory=list)  # warnings read() will pass on
    slices: list[Slice] = field(default_factory=list, repr=False)  # in position order
    affine: np.ndarray | None = field(default=None, repr=False)  # RAS+ voxel -> world mm
    ornt: np.ndarray | None = field(default=None, repr=False)  # DICOM (col, row, slice) -> RAS+

    @property
    def is_volume(self) -> bool:
        return self.problem is None


def _mm(x: float) -> str:
    text = f"{x:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _floats(value, n: int) -> np.ndarray | None:
    try:
        arr = np.array([float(v) for v in value], dtype=float)
    except (TypeError, ValueError):
        return None
    return arr if arr.shape == (n,) and np.all(np.isfinite(arr)) else None


def quiet_pydicom():
    """pydicom, set once to read what it can without warnings: a damaged or odd header is our
    one-line message (or a note), never a screen of library warnings on stderr."""
    import pydicom

    if not getattr(pydicom, "_voxdesk_quiet", False):
        import logging
        import warnings

        pydicom.config.settings.reading_validation_mode = pydicom.config.IGNORE
        warnings.filterwarnings("ignore", category=UserWarning, module="pydicom")
        logging.getLogger("pydicom").setLevel(logging.ERROR)
        pydicom._voxdesk_quiet = True
    return pydicom


def _first(value, default: float | None = None) -> float | None:
    """The first number of a DICOM value (or ``default``)."""
    try:
        out = float(value[0] if hasattr(value, "__len__") and not isinstance(value, str) else value)
    except (TypeError, ValueError, IndexError):
        return default
    return out if np.isfinite(out) else default


def _item(ds, group: str, keyword: str):
    """``ds.<group>[0].<keyword>`` or None (functional groups)."""
    seq = ds.get(group) if ds is not None else None
    return seq[0].get(keyword) if seq else None


def _slices_of(ds, file: str) -> tuple[list[Slice], tuple[float, float] | None]:
    """The slices one header describes, and the window of its first one."""
    window = (_first(ds.get("WindowCenter")), _first(ds.get("WindowWidth")))
    per_frame = ds.get("PerFrameFunctionalGroupsSequence")
    if not per_frame:
        ps = _floats(ds.get("PixelSpacing") or (), 2)
        one = Slice(file, None, _floats(ds.get("ImagePositionPatient") or (), 3),
                    _floats(ds.get("ImageOrientationPatient") or (), 6), None if ps is None else tuple(ps),
                    _first(ds.get("RescaleSlope"), 1.0) or 1.0, _first(ds.get("RescaleIntercept"), 0.0))
        n_frames = int(ds.get("NumberOfFrames") or 1)
        out = [one] if n_frames == 1 else [Slice(file, f, None, one.iop, one.pixel_spacing) for f in range(n_frames)]
        return out, (window if None not in window else None)
    sh = (ds.get("SharedFunctionalGroupsSequence") or [None])[0]
    out = []
    for f, fg in enumerate(per_frame):
        def get(group, keyword, fg=fg):
            value = _item(fg, group, keyword)
            return _item(sh, group, keyword) if value is None else value
        ps = _floats(get("PixelMeasuresSequence", "PixelSpacing") or (), 2)
        slope = get("PixelValueTransformationSequence", "RescaleSlope") or ds.get("RescaleSlope")
        inter = get("PixelValueTransformationSequence", "RescaleIntercept") or ds.get("RescaleIntercept")
        out.append(Slice(file, f, _floats(get("PlanePositionSequence", "ImagePositionPatient") or (), 3),
                         _floats(get("PlaneOrientationSequence", "ImageOrientationPatient") or (), 6),
                         None if ps is None else tuple(ps), _first(slope, 1.0) or 1.0, _first(inter, 0.0)))
        if f == 0:
            fw = (_first(get("FrameVOILUTSequence", "WindowCenter")), _first(get("FrameVOILUTSequence", "WindowWidth")))
            window = fw if None not in fw else window
    return out, (window if None not in window else None)


def _dicom_files(root: Path):
    if root.is_file():
        yield root
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.upper() != "DICOMDIR":
                yield Path(folder) / name


def _scan(path) -> tuple[list[Series], int]:
    """``_read_headers`` once per folder state: a batch lists, hashes and reads each series, and
    the window probes before it reads, so the same headers would otherwise be parsed 2-3 times.
    The key includes the folder's modification time (files added or removed: a fresh scan)."""
    root = Path(path).expanduser()
    try:
        stamp = root.stat().st_mtime_ns
    except OSError:
        stamp = None
    series, skipped = _cached_scan(str(root.resolve()) if stamp is not None else str(root), stamp)
    return [copy.deepcopy(s) for s in series], skipped


@functools.lru_cache(maxsize=16)
def _cached_scan(path: str, stamp) -> tuple[list[Series], int]:
    return _read_headers(path)


def _read_headers(path) -> tuple[list[Series], int]:
    pydicom = quiet_pydicom()

    root = Path(path).expanduser()
    if not root.exists():
        raise FileNotFound(f"{root}: no such file or folder")
    groups: dict[tuple, dict] = {}
    skipped = 0
    for file in _dicom_files(root):
        if not is_dicom_file(file):
            continue
        try:
            ds = pydicom.dcmread(file, stop_before_pixels=True, specific_tags=_HEADER_TAGS)
            size = (int(ds.Rows), int(ds.Columns)) if "Rows" in ds and "Columns" in ds else None
        except Exception:  # pydicom raises many kinds on damaged headers (a list for Rows...): skip the file
            skipped += 1
            continue
        if size is None or ds.file_meta.get("MediaStorageSOPClassUID") == _DICOMDIR:
            continue  # DICOMDIR, reports, structure sets: no image
        uid = str(ds.get("SeriesInstanceUID") or f"(no uid) {file.parent}")
        slices, window = _slices_of(ds, str(file))
        for s in slices:
            s.size = size
        multi = len(slices) > 1 or bool(ds.get("PerFrameFunctionalGroupsSequence"))
        g = groups.setdefault((uid, str(file) if multi else ""), {"slices": [], "window": window, "ds": ds})
        g["slices"] += slices
        g["multi"] = multi
    series = [s for (uid, _), g in groups.items() for s in _split(uid, g)]
    series.sort(key=lambda s: (s.series_number is None, s.series_number or 0, s.description, s.uid,
                               int(s.part.split("/")[0] or 0)))
    for n, s in enumerate(series, 1):
        s.number = n
    return series, skipped


def _split(uid: str, g: dict) -> list[Series]:
    ds, slices = g["ds"], g["slices"]
    parts: list[tuple[Slice, list[Slice]]] = []  # one per orientation and size
    for s in slices:
        for ref, members in parts:
            if ref.size == s.size and (ref.iop is None) == (s.iop is None) and (
                    ref.iop is None or np.max(np.abs(ref.iop - s.iop)) < ORIENTATION_TOL):
                members.append(s)
                break
        else:
            parts.append((s, [s]))
    parts.sort(key=lambda p: (-len(p[1]), p[0].size, () if p[0].iop is None else tuple(np.round(p[0].iop, 3))))
    number = _first(ds.get("SeriesNumber"))
    common = dict(uid=uid, description=str(ds.get("SeriesDescription") or "").strip(),
                  modality=str(ds.get("Modality") or ""), rows=int(ds.Rows), columns=int(ds.Columns),
                  window=g["window"], multiframe=g["multi"], series_number=None if number is None else int(number))
    kinds = [str(v).upper() for v in (ds.get("ImageType") or [])]
    bits, signed = int(ds.get("BitsAllocated") or 16), int(ds.get("PixelRepresentation") or 0)
    common["dtype"] = _output_dtype(slices, bits, signed)
    if len(parts) > 1 and all(len(m) == 1 for _, m in parts):
        what = "projection images" if "PROJECTION IMAGE" in kinds else ("frames" if g["multi"] else "slices")
        hint = " (radial or MIP projections)" if "PROJECTION IMAGE" in kinds else " (a localizer or survey scan?)"
        n_iop = len({None if p.iop is None else tuple(np.round(p.iop, 3)) for p, _ in parts})
        differ = f"{n_iop} different orientations" if n_iop > 1 else f"{len(parts)} different sizes"
        s = Series(0, n_slices=len(slices), spacing=None, files=sorted({x.file for x in slices}), slices=slices,
                   problem=f"{len(slices)} {what} in {differ}{hint}, not a stack of parallel slices", **common)
        return [s]
    out = []
    for p, (ref, members) in enumerate(parts, 1):
        common["rows"], common["columns"] = ref.size
        s = Series(0, n_slices=len(members), spacing=None, files=sorted({x.file for x in members}),
                   part=f"{p}/{len(parts)}" if len(parts) > 1 else "", **common)
        s.slices = members
        s.problem = _image_problem(ds, kinds, s) or _geometry(s)
        out.append(s)
    return out


def _image_problem(ds, kinds: list[str], s: Series) -> str | None:
    if int(ds.get("SamplesPerPixel") or 1) != 1:
        return f"colour images ({ds.get('PhotometricInterpretation')}), not a grey-scale volume"
    if "LOCALIZER" in kinds or any(w in s.description.lower() for w in ("localizer", "localiser", "scout")):
        return "a localizer (scout) image, not a volume"
    if "PROJECTION IMAGE" in kinds:
        return "projection images (MIP or radial projections), not a stack of slices"
    if "MOSAIC" in kinds:
        return ("a Siemens mosaic (the slices of one time point tiled in one image, fMRI/diffusion); VoxDesk "
                "does not unpack mosaics: convert the series with dcm2niix and open the NIfTI file")
    if str(ds.get("PhotometricInterpretation") or "") == "MONOCHROME1":
        s.notes.append("the images are MONOCHROME1 (the scanner shows low values bright); VoxDesk shows them dark")
    return None


def _geometry(s: Series) -> str | None:
    """Sort the slices, check the spacing and set spacing/shape/affine; the problem or None."""
    sl = s.slices
    if s.n_slices == 1:
        return "a single slice (one 2D image), not a 3D volume; open the folder that holds the whole series"
    if any(x.ipp is None or x.iop is None or x.pixel_spacing is None for x in sl):
        return ("the slices have no ImagePositionPatient/ImageOrientationPatient/PixelSpacing, so their 3D "
                "positions are unknown (a cine loop or secondary capture?)")
    if len({x.pixel_spacing for x in sl}) > 1:
        return "the pixel spacing changes from slice to slice; VoxDesk does not resample such series"
    row, col = sl[0].iop[:3], sl[0].iop[3:]
    normal = np.cross(row, col)
    for x in sl:
        x.position = float(x.ipp @ normal)
    sl.sort(key=lambda x: x.position)
    pos = np.array([x.position for x in sl])
    diffs = np.diff(pos)
    what = "frames" if s.multiframe else "slices"
    if np.any(diffs < DUPLICATE_MM):
        k = int(np.argmax(diffs < DUPLICATE_MM))
        n_dup = int(np.count_nonzero(diffs < DUPLICATE_MM))
        return (f"{n_dup + 1 if n_dup == 1 else n_dup} {what} share positions ({what} {k + 1} and {k + 2} are both at "
                f"{_mm(pos[k])} mm along the slice normal): several echoes, time points or stacks in one series; "
                "VoxDesk reads one stack of distinct slices")
    values, counts = np.unique(np.round(diffs, 2), return_counts=True)
    ref = float(values[np.argmax(counts)])
    off = np.abs(diffs - ref)
    bad = off > max(0.01, 0.02 * ref)
    if np.any(bad):
        k = int(np.argmax(off))
        more = f" ({int(bad.sum())} uneven gaps in all)" if bad.sum() > 1 else ""
        return (f"{what} are not evenly spaced: a {_mm(diffs[k])} mm gap between {what} {k + 1} and {k + 2} where "
                f"the others are {_mm(ref)} mm apart{more}; VoxDesk does not resample uneven series")
    ipp = np.array([x.ipp for x in sl])
    step = (ipp[-1] - ipp[0]) / (len(sl) - 1)
    resid = float(np.max(np.linalg.norm(ipp - (ipp[0] + np.outer(np.arange(len(sl)), step)), axis=1)))
    if resid > max(0.1, 0.1 * ref):
        return (f"the {what} do not lie on one line (positions stray up to {_mm(resid)} mm); VoxDesk does not "
                "resample such series")
    shear = float(np.degrees(np.arccos(min(1.0, abs(step @ normal) / np.linalg.norm(step)))))
    if shear > 0.1:
        s.notes.append(f"the slices are sheared (gantry tilt of {shear:.1f} degrees); world positions keep the shear")
    angle = max(float(np.degrees(np.arccos(min(1.0, np.max(np.abs(v)))))) for v in (row, col, normal))
    s.oblique = any(np.sort(np.abs(v))[1] > ORIENTATION_TOL for v in (row, col))
    if s.oblique:
        s.notes.append(f"the series is oblique ({angle:.1f} degrees from the scanner axes); slices are shown in the "
                       "closest canonical orientation and world positions use the full oblique affine")
    _place(s, row, col, step)
    return None


def _place(s: Series, row, col, step) -> None:
    from nibabel import orientations as om

    lps = np.eye(4)
    dr, dc = s.slices[0].pixel_spacing
    lps[:3, 0], lps[:3, 1], lps[:3, 2], lps[:3, 3] = row * dc, col * dr, step, s.slices[0].ipp
    ras = np.diag([-1.0, -1.0, 1.0, 1.0]) @ lps
    shape = (s.columns, s.rows, s.n_slices)
    s.ornt = om.io_orientation(ras)
    s.affine = ras @ om.inv_ornt_aff(s.ornt, shape)
    new = [0, 0, 0]
    for axis, (to, _flip) in enumerate(s.ornt):
        new[int(to)] = shape[axis]
    s.shape = tuple(new)
    s.spacing = tuple(float(v) for v in np.linalg.norm(s.affine[:3, :3], axis=0))


def _output_dtype(slices, bits: int, signed: int) -> str:
    """The voxel type of the read volume: the stored type without rescaling; int16 when every
    slope and intercept is a whole number (CT's slope 1 / intercept -1024: Hounsfield units at
    half the memory of float32; ``dicom.read`` widens to float32 if a value does not fit); else
    float32."""
    if not any(x.slope != 1 or x.intercept != 0 for x in slices):
        return f"{'u' * (not signed)}int{bits if bits in (8, 16, 32) else 16}"
    if all(float(x.slope).is_integer() and float(x.intercept).is_integer() for x in slices):
        return "int16"
    return "float32"


def is_multiframe(path) -> bool:
    """An enhanced (or legacy) multi-frame file: NumberOfFrames > 1 (a header read, no pixels)."""
    pydicom = quiet_pydicom()

    try:
        n = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["NumberOfFrames"]).get("NumberOfFrames")
        return int(n or 1) > 1
    except Exception:  # unreadable: treated as a slice file (reading explains)
        return False


def patient_key(folder) -> str | None:
    """A stable key for the patient of the first DICOM file under ``folder``: a BLAKE2 hash of
    its PatientID (the ID itself is never returned or stored); None without a PatientID."""
    import hashlib

    pydicom = quiet_pydicom()

    walked = [(os.path.dirname(str(folder)), [], [os.path.basename(str(folder))])] if os.path.isfile(folder) \
        else os.walk(folder)
    for root, dirs, files in walked:
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            if not is_dicom_file(path):
                continue
            try:
                pid = str(pydicom.dcmread(path, stop_before_pixels=True, specific_tags=["PatientID"]).get(
                    "PatientID") or "").strip()
            except Exception:  # a damaged header: no key
                return None
            return "patient-" + hashlib.blake2b(pid.encode(), digest_size=6).hexdigest() if pid else None
    return None


def scan(path) -> list[Series]:
    """The DICOM series in a folder (recursively) or one file, from headers only."""
    return _scan(path)[0]


def describe(series: Series) -> str:
    desc = series.description or "(no description)"
    part = f" [part {series.part}]" if series.part else ""
    size = f"{series.columns} x {series.rows}, {_count(series)}"
    if series.problem:
        return f"{series.number:>3}  {desc}{part}  {series.modality}  {size}  not a volume: {series.problem}"
    shape = " x ".join(map(str, series.shape))
    spacing = " x ".join(_mm(v) for v in series.spacing)
    return f"{series.number:>3}  {desc}{part}  {series.modality}  {size}  volume {shape}, spacing {spacing} mm"


def _count(s: Series) -> str:
    what = "frame" if s.multiframe else "slice"
    return f"{s.n_slices} {what}{'s' if s.n_slices != 1 else ''}"
