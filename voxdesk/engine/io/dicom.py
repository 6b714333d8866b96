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
from pathlib import Path

import numpy as np

from voxdesk.engine.errors import CorruptFile, InvalidVolume, NeedsChoice, UnsupportedFormat
from voxdesk.engine.io.common import Entry, FileInfo, guard_memory, report_nonfinite
from voxdesk.engine.io.dicom_series import Series, _count, _scan, describe, scan  # noqa: F401  (the reader's API)
from voxdesk.engine.volume import Volume

_JPEG, _J2K = "pylibjpeg pylibjpeg-libjpeg", "pylibjpeg pylibjpeg-openjpeg"
_DECODERS = {  # transfer syntax UID suffix -> what to install
    **dict.fromkeys(("50", "51"), f"{_JPEG} (or pillow, or python-gdcm)"),
    **dict.fromkeys(("57", "70"), f"{_JPEG} (or python-gdcm)"),
    **dict.fromkeys(("80", "81"), f"{_JPEG} (or pyjpegls, or python-gdcm)"),
    **dict.fromkeys(("90", "91"), f"{_J2K} (or pillow, or python-gdcm)"),
    **dict.fromkeys(("201", "202", "203"), _J2K),
}



def probe(path) -> FileInfo:
    path = str(Path(path).expanduser())
    series = _checked_scan(path)[0]
    info = FileInfo(str(path), "dicom")
    for s in series:
        note = f"{s.description or '(no description)'} ({s.modality}, {_count(s)})"
        note += f": {s.problem}" if s.problem else ""
        kind = "volume" if s.is_volume else "not-a-volume"
        info.entries.append(Entry(str(s.number), s.shape or (s.columns, s.rows, s.n_slices), s.dtype, kind, 1, note))
    info.header = {"n_series": len(series)}
    return info


def pick(path, series=None) -> Series:
    """The series ``read(path, series)`` would read, from headers only (NeedsChoice/InvalidVolume
    as ``read`` raises them, except that a series that is not a volume is returned)."""
    series_list, _ = _checked_scan(str(Path(path).expanduser()))
    return _pick(str(path), series_list, series)


def series_files(path, series=None) -> list[str]:
    """The files of the series ``read(path, series)`` would read, sorted by path."""
    series_list, _ = _checked_scan(str(Path(path).expanduser()))
    return sorted(_pick(str(path), series_list, series).files)


def volume_addresses(path) -> list[str]:
    """What a batch classifies in a DICOM folder: the folder itself when it holds one series (or
    none that is a volume: its row says why), else ``folder:N`` for each series that is a volume."""
    series_list, _ = _checked_scan(str(Path(path).expanduser()))
    volumes = [s for s in series_list if s.is_volume]
    if len(series_list) == 1 or not volumes:
        return [str(path)]
    return [f"{path}:{s.number}" for s in volumes]


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
        if not volumes:
            listing = "; ".join(f"{s.number} {s.description or '(no description)'}: {s.problem}" for s in series_list)
            raise NeedsChoice(f"{path} holds {len(series_list)} DICOM series and none is a volume ({listing})", [])
        listing = ", ".join(f"{s.number} {s.description or '(no description)'}" for s in volumes)
        raise NeedsChoice(f"{path} holds {len(volumes)} DICOM series that are volumes; pick one by number "
                          f"as {path}:N ({listing})", [str(s.number) for s in volumes])
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
        from voxdesk.engine.io.address import split_address

        path, series = split_address(path)
    path = str(Path(path).expanduser())
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
    rescaled = any(sl.slope != 1 or sl.intercept != 0 for sl in s.slices)
    out_dtype = np.dtype(s.dtype) if rescaled else None
    shape = (s.columns, s.rows, s.n_slices)
    guard_memory(shape, np.dtype(s.dtype or "uint16").itemsize, what)
    data = None
    cache: tuple[str, np.ndarray] | None = None
    for k, sl in enumerate(s.slices):
        if cache is None or cache[0] != sl.file:
            cache = (sl.file, _pixels(sl.file))
        img = cache[1] if sl.frame is None else cache[1][sl.frame]
        if img.shape != (s.rows, s.columns):
            raise CorruptFile(f"{os.path.basename(sl.file)}: the image is {img.shape}, not {s.rows} x {s.columns} "
                              "as its header says")
        if data is None:  # slices stacked first (contiguous writes), transposed to (i, j, k) once
            data = np.empty((shape[2], s.rows, s.columns), out_dtype if rescaled else img.dtype.newbyteorder("="))
        if not rescaled:
            data[k] = img
        elif data.dtype.kind == "f":
            data[k] = img.astype(np.float32) * sl.slope + sl.intercept
        else:  # whole-number slope and intercept: exact in int16 while the values fit
            hu = img.astype(np.int32) * int(sl.slope) + int(sl.intercept)
            if data.dtype == np.int16 and (hu.min() < -32768 or hu.max() > 32767):
                data, out_dtype = data.astype(np.float32), np.dtype(np.float32)
            data[k] = hu
    data = data.transpose(2, 1, 0)  # (columns, rows, slices): DICOM's (col, row, slice) voxel order
    # A view, not a copy: memory is slice after slice (axial planes contiguous); a C-order copy
    # of a 500-slice series cost as much as reading it.
    data = om.apply_orientation(data, s.ornt)
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
    from voxdesk.engine.io.dicom_series import quiet_pydicom

    pydicom = quiet_pydicom()

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
            hint = _DECODERS.get(str(ts).rpartition(".1.2.4.")[2], f"{_JPEG} pylibjpeg-openjpeg (or python-gdcm)")
            raise UnsupportedFormat(f"{name}: the pixels are compressed as {getattr(ts, 'name', ts)} and no installed "
                                    f"decoder reads them; install one: pip install {hint}") from exc
        raise CorruptFile(f"{name}: the pixel data cannot be decoded ({text.splitlines()[0][:160]})") from exc
    except (ValueError, TypeError, AttributeError, KeyError, EOFError) as exc:
        first = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise CorruptFile(f"{name}: the pixel data is truncated or damaged ({first})") from exc
