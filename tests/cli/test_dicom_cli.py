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
