"""DICOM speed at a real size: a 500-slice 512x512 CT series in a folder of extension-less files.

Measures, median of ``--runs`` (issue 13's targets: ``info`` <= 2 s, first slice in the GUI
<= 3 s on this machine), each beside its peer on the same voxels written as one NIfTI file:

* ``voxdesk-cli info DIR`` (a new process, as a user runs it: lists the series and reads the one
  volume) vs ``voxdesk-cli info ct.nii.gz``;
* the header scan alone (``io.dicom.scan``: no pixel data) and a full ``open_volume``;
* the window: ``open_path(DIR)`` until the volume is shown (offscreen Qt) vs the NIfTI file.

    python benchmarks/bench_dicom.py [--slices 500] [--size 512] [--runs 3]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_inference import _median_time


def write_series(folder: Path, n: int, size: int) -> None:
    import numpy as np
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, generate_uid

    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    uid, study = generate_uid(), generate_uid()
    base = (rng.normal(1024 + 40, 20, (size, size))).astype("<i2")
    for k in range(n):
        meta = FileMetaDataset()
        meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        meta.MediaStorageSOPInstanceUID = generate_uid()
        meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds = Dataset()
        ds.file_meta = meta
        ds.SOPClassUID, ds.SOPInstanceUID = meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SeriesNumber = study, uid, 1
        ds.Modality, ds.SeriesDescription, ds.InstanceNumber = "CT", "BENCH AXIAL", int(n - k)
        ds.Rows = ds.Columns = size
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
        ds.ImageOrientationPatient = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
        ds.ImagePositionPatient = [-250.0, -250.0, -300.0 + 1.25 * k]
        ds.PixelSpacing = [0.98, 0.98]
        ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
        ds.WindowCenter, ds.WindowWidth = 40, 400
        ds.PixelData = np.roll(base, k, axis=0).tobytes()
        ds.save_as(folder / f"IM{rng.integers(1 << 40):012x}", enforce_file_format=True)


def _cli(*args) -> None:
    exe = Path(sys.executable).with_name("voxdesk-cli")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "voxdesk.cli"]
    subprocess.run(cmd + list(args), check=True, capture_output=True)


def _gui_open_time(path: str, runs: int) -> float:
    from voxdesk.gui.app import make_application
    from voxdesk.gui.main_window import MainWindow

    app = make_application()
    win = MainWindow()
    win.persist_settings = False
    win.resize(1400, 900)
    win.show()
    app.processEvents()
    times = []
    for _ in range(runs):
        win.state.set_volume(None)
        done = []
        win.opener.opened.connect(lambda v, done=done: done.append(time.perf_counter()))
        t = time.perf_counter()
        win.open_path(path)
        while not done:
            app.processEvents()
            time.sleep(0.002)
        app.processEvents()  # the views draw the first slice
        times.append(time.perf_counter() - t)
        win.opener.opened.disconnect()
    win.runner.shutdown()
    win.close()
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--slices", type=int, default=500)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)

    from voxdesk.engine.io import dicom, open_volume
    from voxdesk.engine.io.nifti import write

    tmp = Path(tempfile.mkdtemp(prefix="voxdesk-bench-dicom-"))
    folder = tmp / "series"
    t = time.perf_counter()
    write_series(folder, args.slices, args.size)
    vol = open_volume(folder)
    nii = write(vol, tmp / "ct.nii.gz")
    print(f"{args.slices} slices of {args.size}^2 written in {time.perf_counter() - t:.0f} s; volume {vol.shape} "
          f"{vol.dtype}, {vol.data.nbytes / 2**20:.0f} MB; cores: {os.cpu_count()}", flush=True)

    scan = _median_time(lambda: dicom.scan(folder), args.runs)
    read = _median_time(lambda: open_volume(folder), args.runs)
    read_nii = _median_time(lambda: open_volume(nii), args.runs)
    print(f"header scan (no pixels): {scan:.2f} s; full read: {read:.2f} s (NIfTI peer {read_nii:.2f} s, "
          f"ratio {read / read_nii:.2f})", flush=True)
    info = _median_time(lambda: _cli("info", str(folder)), args.runs)
    info_nii = _median_time(lambda: _cli("info", str(nii)), args.runs)
    print(f"voxdesk-cli info DIR: {info:.2f} s (target <= 2 s); NIfTI peer {info_nii:.2f} s, "
          f"ratio {info / info_nii:.2f}", flush=True)
    gui = _gui_open_time(str(folder), args.runs)
    gui_nii = _gui_open_time(str(nii), args.runs)
    print(f"GUI open to first slice: {gui:.2f} s (target <= 3 s); NIfTI peer {gui_nii:.2f} s, "
          f"ratio {gui / gui_nii:.2f}", flush=True)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
