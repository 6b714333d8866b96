"""DICOM series (a folder of slice files, or one enhanced multi-frame file) as RAS+ volumes.

Rules:
* A file is DICOM by content (``DICM`` at byte 128), never by suffix; DICOMDIR and objects
  without an image (no Rows/Columns) are skipped. ``scan`` reads headers only (no pixel data).
* Slices group by SeriesInstanceUID; a series whose orientation or size changes is split into
  sub-series (one per orientation and size) unless every part is a lone slice (radial
  projections, a tri-plane localizer): then it stays one series that is not a volume.
* Slices sort by position along the slice normal (row x column direction cosines), never by
  InstanceNumber or file name. Uneven spacing, missing slices and duplicate positions are
  refused with the gap in mm: nothing is resampled or averaged.
* RescaleSlope/RescaleIntercept apply per slice (float32 output when any is not 1/0; CT in HU).
* DICOM patient coordinates (LPS) become RAS; the volume is reoriented to the closest canonical
  RAS+ like NIfTI (``axcodes == ("R", "A", "S")``). Oblique series open with a warning.
* Series numbers are 1-based positions in a stable order (SeriesNumber, description, uid);
  ``DIR:N`` addresses series N of a folder.
* No patient identifiers (names, IDs, dates, accession, institution) are kept anywhere.
* pydicom is imported lazily, inside functions.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voxdesk.engine.errors import CorruptFile, FileNotFound, InvalidVolume, NeedsChoice, UnsupportedFormat
from voxdesk.engine.io.common import Entry, FileInfo, guard_memory, report_nonfinite
from voxdesk.engine.volume import Volume

ORIENTATION_TOL = 1e-3  # direction cosines this close are "the same" / "on an axis"
DUPLICATE_MM = 0.01
_HEADER_TAGS = [
    "SOPClassUID", "SeriesInstanceUID", "SeriesNumber", "SeriesDescription", "Modality", "ImageType",
    "Rows", "Columns", "SamplesPerPixel", "BitsAllocated", "PixelRepresentation", "PhotometricInterpretation",
    "ImagePositionPatient", "ImageOrientationPatient", "PixelSpacing", "RescaleSlope", "RescaleIntercept",
    "WindowCenter", "WindowWidth", "NumberOfFrames", "SharedFunctionalGroupsSequence",
    "PerFrameFunctionalGroupsSequence",
]
_DECODERS = {  # transfer syntax UID prefix -> what to install
    "1.2.840.10008.1.2.4.5": "pylibjpeg pylibjpeg-libjpeg (or pillow, or python-gdcm)",
    "1.2.840.10008.1.2.4.57": "pylibjpeg pylibjpeg-libjpeg (or python-gdcm)",
    "1.2.840.10008.1.2.4.70": "pylibjpeg pylibjpeg-libjpeg (or python-gdcm)",
    "1.2.840.10008.1.2.4.8": "pylibjpeg pylibjpeg-libjpeg (or pyjpegls, or python-gdcm)",
    "1.2.840.10008.1.2.4.9": "pylibjpeg pylibjpeg-openjpeg (or pillow, or python-gdcm)",
    "1.2.840.10008.1.2.4.20": "pylibjpeg pylibjpeg-openjpeg",
}


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


def is_dicom_file(path) -> bool:
    try:
        with open(path, "rb") as f:
            head = f.read(132)
    except OSError:
        return False
    return len(head) == 132 and head[128:132] == b"DICM"


def split_series_address(text) -> tuple[str, int | str | None]:
    """``"DIR:3"`` -> ``("DIR", 3)`` when DIR exists and the whole text does not; else ``(text, None)``."""
    text = os.fspath(text)
    head, sep, tail = text.rpartition(":")
    if not sep or not tail or "/" in tail or "\\" in tail or os.path.exists(text) or not os.path.exists(head):
        return text, None
    return head, (int(tail) if tail.isdigit() else tail)


def _mm(x: float) -> str:
    text = f"{x:.3f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _floats(value, n: int) -> np.ndarray | None:
    try:
        arr = np.array([float(v) for v in value], dtype=float)
    except (TypeError, ValueError):
        return None
    return arr if arr.shape == (n,) and np.all(np.isfinite(arr)) else None


def _first(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value[0] if hasattr(value, "__len__") and not isinstance(value, str) else value)
    except (TypeError, ValueError, IndexError):
        return None


def _item(ds, group: str, keyword: str):
    """``ds.<group>[0].<keyword>`` or None (functional groups)."""
    seq = ds.get(group) if ds is not None else None
    return seq[0].get(keyword) if seq else None


def _slices_of(ds, file: str) -> tuple[list[Slice], tuple[float, float] | None]:
    """The slices one header describes, and the window of its first one."""
    window = (_first(ds.get("WindowCenter")), _first(ds.get("WindowWidth")))
    shared = _item(ds, "SharedFunctionalGroupsSequence", "__dummy__")  # noqa: F841 (keeps it readable)
    per_frame = ds.get("PerFrameFunctionalGroupsSequence")
    if not per_frame:
        slope, inter = _first(ds.get("RescaleSlope")), _first(ds.get("RescaleIntercept"))
        ps = _floats(ds.get("PixelSpacing") or (), 2)
        one = Slice(file, None, _floats(ds.get("ImagePositionPatient") or (), 3),
                    _floats(ds.get("ImageOrientationPatient") or (), 6), None if ps is None else tuple(ps),
                    1.0 if slope is None else slope, 0.0 if inter is None else inter)
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
        slope, inter = get("PixelValueTransformationSequence", "RescaleSlope"), get(
            "PixelValueTransformationSequence", "RescaleIntercept")
        slope = _first(ds.get("RescaleSlope")) if slope is None else _first(slope)
        inter = _first(ds.get("RescaleIntercept")) if inter is None else _first(inter)
        out.append(Slice(file, f, _floats(get("PlanePositionSequence", "ImagePositionPatient") or (), 3),
                         _floats(get("PlaneOrientationSequence", "ImageOrientationPatient") or (), 6),
                         None if ps is None else tuple(ps), 1.0 if slope is None else slope,
                         0.0 if inter is None else inter))
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
    import pydicom
    from pydicom.errors import InvalidDicomError

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
        except (InvalidDicomError, OSError, ValueError, KeyError, TypeError, AttributeError, EOFError):
            skipped += 1
            continue
        if "Rows" not in ds or "Columns" not in ds or ds.file_meta.get("MediaStorageSOPClassUID") == "1.2.840.10008.1.3.10":
            continue  # DICOMDIR, reports, structure sets: no image
        uid = str(ds.get("SeriesInstanceUID") or f"(no uid) {file.parent}")
        slices, window = _slices_of(ds, str(file))
        multi = len(slices) > 1 or bool(ds.get("PerFrameFunctionalGroupsSequence"))
        g = groups.setdefault((uid, str(file) if multi else ""), {"slices": [], "window": window, "ds": ds})
        g["slices"] += slices
        g["multi"] = multi
    series = [s for (uid, _), g in groups.items() for s in _split(uid, g)]
    series.sort(key=lambda s: (s.series_number is None, s.series_number or 0, s.description, s.uid, s.part))
    for n, s in enumerate(series, 1):
        s.number = n
    return series, skipped


def _split(uid: str, g: dict) -> list[Series]:
    ds, slices = g["ds"], g["slices"]
    parts: list[tuple[np.ndarray | None, list[Slice]]] = []
    for s in slices:
        for ref, members in parts:
            if (ref is None) == (s.iop is None) and (ref is None or np.max(np.abs(ref - s.iop)) < ORIENTATION_TOL):
                members.append(s)
                break
        else:
            parts.append((s.iop, [s]))
    common = dict(uid=uid, description=str(ds.get("SeriesDescription") or "").strip(),
                  modality=str(ds.get("Modality") or ""), rows=int(ds.Rows), columns=int(ds.Columns),
                  window=g["window"], multiframe=g["multi"], series_number=_int(ds.get("SeriesNumber")))
    kinds = [str(v).upper() for v in (ds.get("ImageType") or [])]
    if len(parts) > 1 and all(len(m) == 1 for _, m in parts):
        what = "projection images" if "PROJECTION IMAGE" in kinds else ("frames" if g["multi"] else "slices")
        hint = " (radial or MIP projections)" if "PROJECTION IMAGE" in kinds else " (a localizer or survey scan?)"
        s = Series(0, n_slices=len(slices), spacing=None, files=sorted({x.file for x in slices}), slices=slices,
                   problem=f"{len(slices)} {what} in {len(parts)} different orientations{hint}, "
                           "not a stack of parallel slices", **common)
        return [s]
    out = []
    for p, (_, members) in enumerate(parts, 1):
        s = Series(0, n_slices=len(members), spacing=None, files=sorted({x.file for x in members}),
                   part=f"{p}/{len(parts)}" if len(parts) > 1 else "", **common)
        s.slices = members
        s.problem = _image_problem(ds, kinds, s) or _geometry(s)
        out.append(s)
    return out


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _image_problem(ds, kinds: list[str], s: Series) -> str | None:
    if int(ds.get("SamplesPerPixel") or 1) != 1:
        return f"colour images ({ds.get('PhotometricInterpretation')}), not a grey-scale volume"
    if "LOCALIZER" in kinds or any(w in s.description.lower() for w in ("localizer", "localiser", "scout")):
        return "a localizer (scout) image, not a volume"
    if "PROJECTION IMAGE" in kinds:
        return "projection images (MIP or radial projections), not a stack of slices"
    bits, signed = int(ds.get("BitsAllocated") or 16), int(ds.get("PixelRepresentation") or 0)
    rescaled = any(x.slope != 1 or x.intercept != 0 for x in s.slices)
    s.dtype = "float32" if rescaled or bits in (64, 32) and "FLOAT" in kinds else f"{'u' * (not signed)}int{bits}"
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


def scan(path) -> list[Series]:
    """The DICOM series in a folder (recursively) or one file, from headers only."""
    return _scan(path)[0]


def describe(series: Series) -> str:
    desc = series.description or "(no description)"
    part = f" [part {series.part}]" if series.part else ""
    size = f"{series.columns} x {series.rows}, {series.n_slices} {'frames' if series.multiframe else 'slices'}"
    if series.problem:
        return f"{series.number:>3}  {desc}{part}  {series.modality}  {size}  not a volume: {series.problem}"
    shape = " x ".join(map(str, series.shape))
    spacing = " x ".join(_mm(v) for v in series.spacing)
    return f"{series.number:>3}  {desc}{part}  {series.modality}  {size}  volume {shape}, spacing {spacing} mm"


def probe(path) -> FileInfo:
    series = _checked_scan(path)[0]
    info = FileInfo(str(path), "dicom")
    for s in series:
        note = f"{s.description or '(no description)'} ({s.modality}, {s.n_slices} slices)"
        kind = "volume" if s.is_volume else "not-a-volume"
        shape = s.shape or (s.columns, s.rows, s.n_slices)
        info.entries.append(Entry(str(s.number), shape, s.dtype, kind, 1, note + (f": {s.problem}" if s.problem else "")))
    info.header = {"n_series": len(series)}
    return info


def _checked_scan(path):
    series, skipped = _scan(path)
    if not series:
        what = "not a DICOM file" if Path(path).is_file() else "holds no DICOM image files"
        raise UnsupportedFormat(f"{path}: {what} (DICOM files are recognised by 'DICM' at byte 128)")
    return series, skipped


def _pick(path, series_list: list[Series], series) -> Series:
    if series is None:
        volumes = [s for s in series_list if s.is_volume]
        if len(series_list) == 1 or len(volumes) == 1:
            return volumes[0] if volumes else series_list[0]
        listing = "; ".join(describe(s).strip() for s in series_list)
        if not volumes:
            raise NeedsChoice(f"{path} holds {len(series_list)} DICOM series and none is a volume: {listing}", [])
        raise NeedsChoice(f"{path} holds {len(volumes)} DICOM series that are volumes; pick one by number "
                          f"({path}:N): {listing}", [str(s.number) for s in volumes])
    text = str(series).strip()
    if text.isdigit():
        found = [s for s in series_list if s.number == int(text)]
    else:
        found = [s for s in series_list if s.uid == text]
    if len(found) > 1:
        raise NeedsChoice(f"series {text} has {len(found)} parts; pick one by number: "
                          + ", ".join(str(s.number) for s in found), [str(s.number) for s in found])
    if not found:
        raise InvalidVolume(f"{path} has no DICOM series {text}; it holds series 1..{len(series_list)}")
    return found[0]


def read(path, series: int | str | None = None) -> Volume:
    from nibabel import orientations as om

    if series is None:
        path, series = split_series_address(path)
    series_list, skipped = _checked_scan(path)
    s = _pick(path, series_list, series)
    what = f"{Path(path).name}:{s.number}" if len(series_list) > 1 else Path(path).name
    if s.problem:
        raise InvalidVolume(f"{what}: {s.problem}")
    warnings = list(s.notes)
    others = [o for o in series_list if o is not s]
    if series is None and others:
        warnings.append(f"the folder also holds {len(others)} series that are not volumes (skipped)")
    if skipped:
        warnings.append(f"{skipped} files that look like DICOM could not be read and were skipped")
    rescaled = s.dtype == "float32"
    shape = (s.columns, s.rows, s.n_slices)
    guard_memory(shape, 4 if rescaled else max(1, int(s.dtype.strip("uint") or 16) // 8), what)
    data = None
    cache: tuple[str, np.ndarray] | None = None
    for k, sl in enumerate(s.slices):
        if cache is None or cache[0] != sl.file:
            cache = (sl.file, _pixels(sl.file))
        img = cache[1] if sl.frame is None else cache[1][sl.frame]
        if img.shape != (s.rows, s.columns):
            raise CorruptFile(f"{os.path.basename(sl.file)}: the image is {img.shape}, not {s.rows} x {s.columns} "
                              "as its header says")
        if data is None:
            data = np.empty(shape, np.float32 if rescaled else img.dtype.newbyteorder("="))
        data[:, :, k] = (img.astype(np.float32) * sl.slope + sl.intercept) if rescaled else img.T.T.T
    data = np.ascontiguousarray(om.apply_orientation(data, s.ornt))
    meta = {"format": "dicom", "series_number": s.number, "dicom_series_number": s.series_number,
            "series_uid": s.uid, "series_description": s.description, "modality": s.modality,
            "n_slices": s.n_slices, "oblique": s.oblique, "multiframe": s.multiframe, "rescaled": rescaled}
    if s.window:
        meta["window"] = s.window
    if rescaled and s.modality == "CT":
        meta["units"] = "HU"
    report_nonfinite(data, what, warnings, meta)
    folder = str(path)
    return Volume(data=data, spacing=s.spacing, affine=s.affine, axcodes=("R", "A", "S"), orientation_known=True,
                  source=f"{folder}:{s.number}" if len(series_list) > 1 else folder,
                  name=s.description or Path(folder).name, meta=meta, warnings=warnings)


def _pixels(file: str) -> np.ndarray:
    """The stored pixel values of one file: (rows, columns) or (frames, rows, columns)."""
    import pydicom

    name = os.path.basename(file)
    try:
        ds = pydicom.dcmread(file)
    except Exception as exc:  # pydicom raises many kinds on damaged files
        raise CorruptFile(f"{name}: not a readable DICOM file ({str(exc)[:160]})") from exc
    keys = [k for k in ("PixelData", "FloatPixelData", "DoubleFloatPixelData") if k in ds]
    if not keys:
        raise InvalidVolume(f"{name}: the file has no pixel data (a DICOM object without an image)")
    if not ds[keys[0]].value:
        raise InvalidVolume(f"{name}: the pixel data is empty (0 bytes)")
    ts = ds.file_meta.get("TransferSyntaxUID")
    try:
        return ds.pixel_array
    except (RuntimeError, NotImplementedError, ImportError) as exc:
        text = str(exc)
        if "missing" in text or "plugin" in text or "decoder" in text.lower() or isinstance(exc, ImportError):
            hint = next((v for k, v in _DECODERS.items() if str(ts).startswith(k)),
                        "pylibjpeg pylibjpeg-libjpeg pylibjpeg-openjpeg (or python-gdcm)")
            raise UnsupportedFormat(f"{name}: the pixels are compressed as {getattr(ts, 'name', ts)} and no installed "
                                    f"decoder reads them; install one: pip install {hint}") from exc
        raise CorruptFile(f"{name}: the pixel data cannot be decoded ({text.splitlines()[0][:160]})") from exc
    except (ValueError, TypeError, AttributeError, KeyError, EOFError) as exc:
        first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise CorruptFile(f"{name}: the pixel data is truncated or damaged ({first})") from exc
