"""voxdesk-cli explain: a NIfTI heat map on the input's grid and affine; one-line errors."""
import ast

import nibabel as nib
import numpy as np
import pytest
from fixtures.classify import make_scan, write_nifti

from voxdesk.cli import main
from voxdesk.engine.io import open_volume

pytestmark = pytest.mark.slow


def run_cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_explain_writes_heat_map_on_the_input_grid(tiny, tmp_path, capsys):
    path, truth, centre = next(h for h in tiny.heldout if h[1] == "lesion")
    out = tmp_path / "heat.nii.gz"
    code, stdout, err = run_cli(capsys, "explain", tiny.path, path, "--out", out)
    assert code == 0, err
    src, img = nib.load(str(path)), nib.load(str(out))
    assert img.shape == src.shape and np.allclose(img.affine, src.affine)
    heat = np.asarray(img.dataobj)
    assert heat.dtype == np.float32 and heat.min() >= 0 and heat.max() == pytest.approx(1.0)
    hot = np.unravel_index(int(np.argmax(heat)), heat.shape)
    assert np.linalg.norm(np.subtract(hot, centre)) <= 5.0  # see test_explain
    assert "explained class 'lesion'" in stdout and f"wrote {out}" in stdout
    assert f"hottest voxel {tuple(int(v) for v in hot)} of the input file" in stdout


def test_explain_oblique_lps_file_and_chosen_class(tiny, tmp_path, capsys):
    """A file stored LPS with a small rotation: the map keeps the file's own grid and affine."""
    data, _ = make_scan(np.random.default_rng(8), True)
    c, s = np.cos(0.1), np.sin(0.1)
    affine = np.array([[-c, -s, 0, 10], [s, -c, 0, 5], [0, 0, 2.0, -7], [0, 0, 0, 1]])
    src = write_nifti(tmp_path / "oblique.nii", data[:, :, :14], affine)
    out = tmp_path / "heat_clear.nii"
    code, stdout, err = run_cli(capsys, "explain", tiny.path, src, "--out", out, "--class", "clear")
    assert code == 0, err
    img = nib.load(str(out))
    assert img.shape == (16, 16, 14) and np.allclose(img.affine, affine)
    assert "explained class 'clear'" in stdout
    disk = np.asarray(img.dataobj)
    hot = tuple(int(v) for v in np.unravel_index(int(np.argmax(disk)), disk.shape))
    ties = {tuple(int(x) for x in v) for v in np.argwhere(disk == disk.max())}
    printed = stdout.split("hottest voxel ")[1].split(" of the input file")[0]
    assert ast.literal_eval(printed) in ties, (printed, hot)  # index in the FILE's voxel order (file is LPS)
    # overlay check in world space: the saved map read back (reoriented) equals the engine's map
    from voxdesk.engine.inference.explain import explain
    from voxdesk.engine.model.bundle import load_bundle

    e = explain(load_bundle(tiny.path), open_volume(src), "clear")
    np.testing.assert_allclose(open_volume(out).data, e.heat, atol=1e-6)


@pytest.mark.parametrize("problem", ["suffix", "class", "input", "bundle"])
def test_bad_input_is_one_line_and_exit_2(tiny, tmp_path, capsys, problem):
    path = tiny.heldout[0][0]
    args = {"suffix": [tiny.path, path, "--out", tmp_path / "heat.png"],
            "class": [tiny.path, path, "--out", tmp_path / "h.nii", "--class", "tumour"],
            "input": [tiny.path, tmp_path / "missing.nii.gz", "--out", tmp_path / "h.nii"],
            "bundle": [tmp_path / "missing.voxmodel", path, "--out", tmp_path / "h.nii"]}[problem]
    code, out, err = run_cli(capsys, "explain", *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("voxdesk-cli: error:")
    assert not (tmp_path / "h.nii").exists()
