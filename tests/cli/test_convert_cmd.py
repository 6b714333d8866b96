"""voxdesk-cli convert: any volume VoxDesk reads, as NIfTI with its world geometry."""
import h5py
import nibabel as nib
import numpy as np

from voxdesk.cli import main


def _err(capsys):
    return capsys.readouterr().err.strip()


def test_hdf5_sample_to_nifti_keeps_values_and_spacing(tmp_path, capsys):
    data = np.arange(3 * 4 * 5 * 6, dtype=np.int16).reshape(3, 4, 5, 6)
    src = tmp_path / "stack.h5"
    with h5py.File(src, "w") as f:
        f["X"] = data
        f["X"].attrs["spacing"] = [2.0, 3.0, 4.0]
    out = tmp_path / "one.nii.gz"
    assert main(["convert", f"{src}:/X", str(out), "--index", "1"]) == 0
    assert "wrote" in capsys.readouterr().out
    img = nib.load(str(out))
    np.testing.assert_array_equal(np.asarray(img.dataobj), data[1])
    assert img.get_data_dtype() == np.int16
    np.testing.assert_allclose(nib.affines.voxel_sizes(img.affine), [2.0, 3.0, 4.0])


def test_nifti_round_trip_keeps_world_positions(tmp_path):
    from voxdesk.engine.io import open_volume

    aff = np.array([[-2.0, 0, 0, 50], [0, 0, 3.0, -20], [0, 1.5, 0, 7], [0, 0, 0, 1]])  # LIA-ish on disk
    data = np.random.default_rng(0).integers(0, 1000, (6, 7, 8)).astype(np.int16)
    src = tmp_path / "in.nii"
    nib.save(nib.Nifti1Image(data, aff), str(src))
    out = tmp_path / "out.nii"
    assert main(["convert", str(src), str(out)]) == 0
    a, b = nib.load(str(src)), nib.load(str(out))
    # the same voxel value sits at the same world position in both files
    i, j, k = 1, 2, 3
    world = a.affine @ [i, j, k, 1]
    ijk = np.round(np.linalg.inv(b.affine) @ world).astype(int)[:3]
    assert np.asarray(b.dataobj)[tuple(ijk)] == data[i, j, k]
    assert open_volume(out).axcodes == ("R", "A", "S")


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    src = tmp_path / "v.npy"
    np.save(src, np.zeros((4, 4, 4), np.float32))
    assert main(["convert", str(src), str(tmp_path / "out.png")]) == 2
    assert "name it .nii or .nii.gz" in _err(capsys)
    assert main(["convert", str(tmp_path / "missing.npy"), str(tmp_path / "o.nii")]) == 2
    assert "no such file" in _err(capsys)
    (tmp_path / "o.nii").write_text("keep me")
    assert main(["convert", str(src), str(tmp_path / "o.nii")]) == 2
    assert "--force" in _err(capsys) and (tmp_path / "o.nii").read_text() == "keep me"
    assert main(["convert", str(src), str(tmp_path / "o.nii"), "--force"]) == 0
