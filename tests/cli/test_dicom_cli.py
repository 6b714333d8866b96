"""DICOM from the command line: info lists the series, convert writes NIfTI, no patient data out."""
import json
import os
import shutil

import nibabel as nib
import numpy as np
from fixtures.dicom import PHI, shipped, truth, write_series

from voxdesk.cli import main


def _two_series(tmp_path):
    folder = tmp_path / "exam"
    vol = truth((6, 5, 4)) * 3
    write_series(folder, vol, number=2, description="AXIAL B", seed=1)
    write_series(folder, vol + 100, number=1, description="AXIAL A", seed=2)
    return folder, vol


def test_info_lists_every_series_and_picks_one(tmp_path, capsys):
    folder, _ = _two_series(tmp_path)
    assert main(["info", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "DICOM, 2 series (2 are volumes)" in out
    assert "1  AXIAL A  CT" in out and "2  AXIAL B  CT" in out and "4 slices" in out
    assert f"pick one as {folder}:N or with --series N" in out
    assert main(["info", str(folder), "--series", "2", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)["volume"]
    assert summary["shape"] == [6, 5, 4] and summary["meta"]["series_description"] == "AXIAL B"
    assert main(["info", f"{folder}:1"]) == 0
    assert "AXIAL A" not in capsys.readouterr().err


def test_info_refuses_what_is_not_a_volume_in_one_line(tmp_path, capsys):
    assert main(["info", shipped("77654033/CT2")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "202.5 mm gap" in err[0]
    assert main(["info", shipped("98892003/MR2")]) == 2
    captured = capsys.readouterr()
    assert "3 series (0 are volumes)" in captured.out and "none of the 3 DICOM series" in captured.err


def test_convert_a_series_to_nifti_keeps_hounsfield_units_and_geometry(tmp_path, capsys):
    src = tmp_path / "ct5n"
    shutil.copytree(shipped("98892001/CT5N"), src)
    out = tmp_path / "ct.nii.gz"
    assert main(["convert", str(src), str(out)]) == 0
    img = nib.load(str(out))
    from voxdesk.engine.io import open_volume

    vol = open_volume(src)
    np.testing.assert_allclose(np.asarray(img.dataobj), vol.data)
    np.testing.assert_allclose(img.affine, vol.affine, atol=1e-4)
    assert vol.data.min() < -800  # air in Hounsfield units (intercept -1024 applied)


def test_no_patient_identifier_reaches_any_file_or_output(tmp_path, capsys):
    folder, _ = _two_series(tmp_path)
    out = tmp_path / "b.nii"
    assert main(["convert", f"{folder}:2", str(out)]) == 0
    assert main(["info", str(folder), "--json"]) == 0
    assert main(["info", f"{folder}:1", "--json"]) == 0
    printed = capsys.readouterr()
    blob = out.read_bytes() + (printed.out + printed.err).encode()
    for secret in PHI:
        assert secret.encode() not in blob, secret
    assert os.path.getsize(out) > 352


def test_train_classify_explain_on_dicom_write_no_patient_data(tmp_path, capsys):
    """The whole headless workflow on DICOM series carrying a patient's name and ID: the bundle,
    its history CSV, the classification CSV, the heat map and everything printed stay free of them."""
    rng = np.random.default_rng(0)
    data = tmp_path / "data"
    for c, cls in enumerate(("normal", "tumour")):
        for case in range(6):
            vol = rng.normal(40, 5, (8, 8, 8)) + (60 if c else 0) * (np.indices((8, 8, 8))[0] > 4)
            write_series(data / cls / f"case{case}", np.round(vol).astype(np.int16), spacing=(1.0, 1.0, 1.0),
                         seed=10 * c + case)
    out = tmp_path / "out"
    out.mkdir()
    bundle = out / "m.voxmodel"
    assert main(["train", str(data), "--out", str(bundle), "--epochs", "2", "--batch-size", "4"]) == 0
    assert main(["classify", str(bundle), str(data / "tumour"), "--csv", str(out / "rows.csv")]) == 0
    assert main(["explain", str(bundle), str(data / "tumour" / "case0"), "--out", str(out / "heat.nii.gz")]) == 0
    printed = capsys.readouterr()
    written = sorted(p.name for p in out.iterdir())
    assert written == ["heat.nii.gz", "m.voxmodel", "m.voxmodel.history.csv", "rows.csv"]
    rows = (out / "rows.csv").read_text().splitlines()
    assert len(rows) == 1 + 6 and all(str(data / "tumour") in r for r in rows[1:])
    blob = b"".join(p.read_bytes() for p in out.iterdir()) + (printed.out + printed.err).encode()
    import gzip

    blob += gzip.decompress((out / "heat.nii.gz").read_bytes())
    for secret in PHI:
        assert secret.encode() not in blob, secret


def test_a_damaged_dicom_file_is_one_line_not_library_warnings(tmp_path):
    """Run as a user would (a new process, where pydicom's warnings would reach stderr)."""
    import subprocess
    import sys

    bad = tmp_path / "IM0001"
    bad.write_bytes(b"\0" * 128 + b"DICM" + b"\x02\x00\x10\x00garbage")
    for target in (bad, tmp_path):
        r = subprocess.run([sys.executable, "-m", "voxdesk.cli", "info", str(target)], capture_output=True, text=True,
                           timeout=120, env={**os.environ, "PYTHONWARNINGS": "default"})
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and len(lines) == 1, r.stderr
        assert lines[0].startswith("voxdesk-cli: error:") and "no readable DICOM image series" in lines[0]
