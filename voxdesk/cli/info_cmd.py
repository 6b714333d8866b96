"""voxdesk-cli info PATH: what a volume file or a labelled dataset holds."""
from __future__ import annotations

import math

from voxdesk.cli import dumps_json
from voxdesk.engine import io
from voxdesk.engine.errors import NeedsChoice, VoxdeskError
from voxdesk.engine.io import formats


def add_arguments(p) -> None:
    p.add_argument("path", help=f"a volume file ({formats.describe()}; file.h5:/dataset) or a dataset")
    p.add_argument("--dataset", help="HDF5 dataset or NPZ array to describe")
    p.add_argument("--series", help="DICOM series to describe (its number in the listing; same as PATH:N)")
    p.add_argument("--index", type=int, help="sample of a stack to describe")
    p.add_argument("--volume", type=int, help="volume of a 4D NIfTI to describe")
    p.add_argument("--values", action="store_true",
                   help="DICOM: also read the voxels (value range, NaN count); by default only headers are read")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")


def _fmt(x: float) -> str:
    if math.isnan(x):
        return "n/a"
    return f"{x:.6g}"


def volume_summary(vol) -> dict:
    lo, hi = vol.value_range
    return {
        "source": vol.source,
        "shape": list(vol.shape),
        "dtype": str(vol.dtype),
        "spacing_mm": [round(s, 6) for s in vol.spacing],
        "orientation": "".join(vol.axcodes) + ("" if vol.orientation_known else " (assumed)"),
        "value_range": [lo, hi],
        "nan_count": vol.nan_count,
        "meta": {k: v for k, v in vol.meta.items() if isinstance(v, (str, int, float, bool, type(None)))},
        "warnings": list(vol.warnings),
    }


def _print_volume(s: dict) -> None:
    meta = s["meta"]
    rows = [
        ("shape", " x ".join(map(str, s["shape"]))),
        ("dtype", s["dtype"] + (f" (on disk {meta['dtype_on_disk']})"
                                if meta.get("dtype_on_disk", s["dtype"]) != s["dtype"] else "")),
        ("spacing", " x ".join(f"{v:.4g}" for v in s["spacing_mm"]) + " mm"),
        ("orientation", s["orientation"] + (f" (on disk {meta['axcodes_on_disk']})"
                                            if meta.get("axcodes_on_disk") else "")),
        ("value range", f"{_fmt(s['value_range'][0])} .. {_fmt(s['value_range'][1])}"),
        ("NaN/Inf", str(s["nan_count"])),
    ]
    if meta.get("n_volumes", 1) > 1:
        rows.append(("volumes", f"{meta['n_volumes']} (showing {meta['volume_index']})"))
    if meta.get("n_samples"):
        rows.append(("samples", f"{meta['n_samples']} (showing {meta['sample_index']})"))
    for key, value in rows:
        print(f"  {key:<12} {value}")
    for w in s["warnings"]:
        print(f"  warning: {w}")


def _print_entries(info) -> None:
    print(f"  {len(info.entries)} dataset(s):")
    for e in info.entries:
        shape = " x ".join(map(str, e.shape)) or "scalar"
        note = f"  ({e.note})" if e.note else ""
        print(f"    {e.name:<28} {shape:<20} {e.dtype:<9} {e.kind}{note}")


def _dataset_layout(path: str):
    from voxdesk.engine.datasets import detect_layout

    return detect_layout(path)


def _dicom_listing(path: str, as_json: bool) -> list:
    """Every series of a DICOM folder, one line each (no patient data); returns them."""
    from voxdesk.engine.io import dicom

    series = dicom.scan(path)
    if not series:
        raise VoxdeskError(f"{path}: no readable DICOM image series (files with 'DICM' at byte 128 that hold images)")
    if as_json:
        return series
    n_vol = sum(s.is_volume for s in series)
    print(f"{path}: DICOM, {len(series)} series ({n_vol} {'is a volume' if n_vol == 1 else 'are volumes'})")
    for s in series:
        print("  " + dicom.describe(s))
    if n_vol > 1:
        print(f"  pick one as {path}:N or with --series N")
    return series


def _series_summary(folder: str, s) -> dict:
    """What the headers say of one series, in ``volume_summary``'s shape (no voxels read)."""
    return {
        "source": f"{folder}:{s.number}", "shape": list(s.shape or ()), "dtype": s.dtype,
        "spacing_mm": [round(v, 6) for v in (s.spacing or ())], "orientation": "RAS",
        "value_range": None, "nan_count": None, "warnings": list(s.notes),
        "meta": {"format": "dicom", "series_number": s.number, "series_description": s.description,
                 "modality": s.modality, "n_slices": s.n_slices, "window": s.window, "oblique": s.oblique},
    }


def _dicom_info(folder: str, series, as_json: bool) -> int:
    """DICOM from headers only (fast on a 500-slice series): the listing, then the one volume's facts."""
    from voxdesk.engine.io import dicom

    listing = [] if series else _dicom_listing(folder, as_json)
    if not series:
        volumes = [s for s in listing if s.is_volume]
        if as_json and len(volumes) != 1:
            print(dumps_json({"series": [_series_summary(folder, s) | {"problem": s.problem} for s in listing]}))
            return 0
        if not volumes:
            raise VoxdeskError(f"none of the {len(listing)} DICOM series in {folder} is a volume"
                               if len(listing) > 1 else f"{folder}: {listing[0].problem}")
        if len(volumes) > 1:
            return 0
        chosen = volumes[0]
    else:
        chosen = dicom.pick(folder, series)
        if chosen.problem:
            raise VoxdeskError(f"{folder}:{chosen.number}: {chosen.problem}")
    summary = _series_summary(folder, chosen)
    if as_json:
        print(dumps_json({"volume": summary}))
        return 0
    if listing:
        print()
    print(f"{summary['source']}: DICOM volume ({chosen.description or 'no description'}, {chosen.modality})")
    rows = [("shape", " x ".join(map(str, summary["shape"]))), ("dtype", summary["dtype"]),
            ("spacing", " x ".join(f"{v:.4g}" for v in summary["spacing_mm"]) + " mm"),
            ("orientation", "RAS (from the DICOM geometry)"), ("slices", str(chosen.n_slices))]
    if chosen.window:
        rows.append(("window", f"center {chosen.window[0]:g}, width {chosen.window[1]:g}"))
    rows.append(("values", "not read (headers only); add --values"))
    for k, v in rows:
        print(f"  {k:<12} {v}")
    for w in summary["warnings"]:
        print(f"  warning: {w}")
    return 0


def run(args) -> int:
    from voxdesk.engine.io.common import refuse_special

    file, inner = io.split_address(args.path)
    refuse_special(file)  # a pipe or /dev/zero: one line, not a read that never ends
    if args.series:
        if inner:
            raise VoxdeskError(f"{args.path} already names a series; drop --series")
        inner = args.dataset = args.series
    addressed = inner or args.dataset or args.index is not None or args.volume is not None
    layout = None if addressed else _dataset_layout(args.path)
    if layout:
        from voxdesk.engine.datasets import load_dataset

        summary = load_dataset(args.path).summary()
        if args.json:
            print(dumps_json({"dataset": summary}))
            return 0
        print(f"{args.path}: labelled dataset ({summary['layout']})")
        print(f"  classes      {', '.join(summary['classes'])}")
        shape = summary["sample_shape"]
        print(f"  sample shape {' x '.join(map(str, shape)) if shape else 'mixed (resampled for training)'}")
        for name, split in summary["splits"].items():
            counts = ", ".join(f"{c}={n}" for c, n in zip(summary["classes"], split["per_class"]))
            print(f"  {name:<12} {split['n']} samples ({counts})")
        for w in summary["warnings"]:
            print(f"  warning: {w}")
        return 0

    fmt = io.format_of(file)
    if fmt == "dicom" and not args.values:
        return _dicom_info(file, inner or args.dataset, args.json)
    info = io.probe(file) if fmt in ("hdf5", "npz") else None
    try:
        vol = io.open_volume(args.path, dataset=args.dataset, index=args.index, volume=args.volume)
    except NeedsChoice as exc:
        if info is None:
            raise
        if args.json:
            print(dumps_json({"entries": [e.__dict__ for e in info.entries], "choose": exc.choices}))
            return 0
        print(f"{args.path}: {fmt.upper()} file")
        _print_entries(info)
        print("  pick one with --dataset NAME (or PATH:/NAME) to see its values")
        return 0
    summary = volume_summary(vol)
    if args.json:
        out = {"volume": summary}
        if info is not None:
            out["entries"] = [e.__dict__ for e in info.entries]
        print(dumps_json(out))
        return 0
    print(f"{vol.source}: {fmt.upper() if fmt != 'nifti' else 'NIfTI'} volume")
    if info is not None and len(info.entries) > 1:
        _print_entries(info)
    _print_volume(summary)
    return 0
