"""DICOM series: pydicom's and nibabel's shipped test files, and series the tests write with pydicom."""
import gzip
import os
import shutil
import subprocess
import sys

import numpy as np
import pydicom
import pytest
from fixtures.dicom import (
    DIRTESTS,
    PHILIPS,
    PYDICOM_DATA,
    check_voxels,
    geometry,
    phi_free,
    shipped,
    truth,
    write_multiframe,
    write_series,
)

from voxdesk.engine.errors import CorruptFile, FileNotFound, InvalidVolume, NeedsChoice, UnsupportedFormat
from voxdesk.engine.io import dicom


# ---------------------------------------------------------------- detection and addresses
def test_is_dicom_file_by_content_not_suffix(tmp_path):
    from voxdesk.engine.io import formats

    (tmp_path / "notes.dcm").write_text("not dicom at all " * 20)
    ct = shipped("98892001/CT5N")
    assert formats.is_dicom_file(os.path.join(ct, "2062"))  # no suffix
    assert not formats.is_dicom_file(tmp_path / "notes.dcm")
    assert not formats.is_dicom_file(tmp_path / "missing")
    assert formats.detect(ct).name == "dicom" and formats.detect(tmp_path) is None


def test_series_addresses(tmp_path):
    from voxdesk.engine.io import split_address

    folder = tmp_path / "scan"
    shutil.copytree(shipped("98892001/CT5N"), folder)
    assert split_address(f"{folder}:3") == (str(folder), "3")
    assert split_address(f"{folder}:1.2.840.99") == (str(folder), "1.2.840.99")
    assert split_address(str(folder)) == (str(folder), None)
    assert split_address(f"{tmp_path}/nowhere:3") == (f"{tmp_path}/nowhere:3", None)
    (tmp_path / "odd:2").mkdir()
    assert split_address(f"{tmp_path}/odd:2") == (f"{tmp_path}/odd:2", None)
    (tmp_path / "plain").mkdir()
    assert split_address(f"{tmp_path}/plain:2") == (f"{tmp_path}/plain:2", None)  # not DICOM: no series


def test_pydicom_is_imported_lazily():
    code = "import sys, voxdesk.engine.io.dicom; sys.exit('pydicom' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_missing_path_and_folder_without_dicom(tmp_path):
    with pytest.raises(FileNotFound):
        dicom.scan(tmp_path / "nowhere")
    (tmp_path / "readme.txt").write_text("hello")
    with pytest.raises(UnsupportedFormat, match="holds no DICOM image files"):
        dicom.read(tmp_path)
    with pytest.raises(UnsupportedFormat, match="not a DICOM file"):
        dicom.probe(tmp_path / "readme.txt")
    # a DICOMDIR alone is an index, not images
    with pytest.raises(UnsupportedFormat):
        dicom.read(_only_dicomdir(tmp_path))


def _only_dicomdir(tmp_path):
    folder = tmp_path / "dd"
    folder.mkdir()
    shutil.copy(os.path.join(DIRTESTS, "DICOMDIR"), folder / "DICOMDIR")
    return folder


# ---------------------------------------------------------------- pydicom's shipped series
def test_ct5n_sorts_by_position_and_gives_hounsfield_units():
    path = shipped("98892001/CT5N")
    (s,) = dicom.scan(path)
    assert (s.number, s.modality, s.n_slices, s.rows, s.columns) == (1, "CT", 5, 16, 16)
    assert s.problem is None and not s.oblique and not s.multiframe
    assert s.window == (40.0, 400.0)
    assert s.spacing == pytest.approx((0.488281, 0.488281, 2.5))
    v = dicom.read(path)
    assert v.shape == (16, 16, 5) and v.dtype == np.int16 and v.axcodes == ("R", "A", "S")
    assert v.meta["units"] == "HU" and v.meta["window"] == (40.0, 400.0) and v.meta["format"] == "dicom"
    assert v.source == path and v.name == "SmartScore - Gated 0.5 sec" and v.warnings == []
    # the files' names and InstanceNumbers run from the top slice down; the volume runs up (S)
    by_z = sorted(os.listdir(path), key=lambda f: float(pydicom.dcmread(os.path.join(path, f)).ImagePositionPatient[2]))
    assert by_z == ["3353", "3023", "2693", "2392", "2062"]
    for k, f in enumerate(by_z):
        ds = pydicom.dcmread(os.path.join(path, f))
        hu = ds.pixel_array.astype(np.float32) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        assert np.array_equal(v.data[:, :, k], hu.T[::-1, ::-1])  # columns grow L, rows P: both flipped
        assert v.world(15, 15, k) == pytest.approx((72.199997, 143.0, float(ds.ImagePositionPatient[2])), abs=1e-4)
    assert v.value_range[0] < -800  # air in HU, not the stored values


def test_ct2_gap_is_refused_with_the_gap_in_mm():
    path = shipped("77654033/CT2")
    (s,) = dicom.scan(path)
    assert s.spacing is None
    msg = ("slices are not evenly spaced: a 202.5 mm gap between slices 1 and 2 where the others are 1.25 mm "
           "apart; VoxDesk does not resample uneven series")
    assert s.problem == msg
    with pytest.raises(InvalidVolume, match="202.5 mm gap between slices 1 and 2"):
        dicom.read(path)
    (entry,) = dicom.probe(path).entries
    assert entry.kind == "not-a-volume" and "202.5 mm gap" in entry.note


def test_mr700_radial_projections_are_not_a_volume():
    path = shipped("98892003/MR700")
    (s,) = dicom.scan(path)
    assert s.n_slices == 7 and s.spacing is None
    with pytest.raises(InvalidVolume, match="7 projection images in 7 different orientations"):
        dicom.read(path)
    assert "not a volume" in dicom.describe(s)


def test_mr2_lists_three_series_none_a_volume():
    path = shipped("98892003/MR2")
    series = dicom.scan(path)
    assert [s.number for s in series] == [1, 2, 3]
    assert [s.description for s in series] == ["FAST LOCALIZER", "T/S/C RF FAST PILOT", "T/S/C RF FAST PILOT"]
    assert [s.n_slices for s in series] == [1, 3, 3]
    assert all(s.problem for s in series)
    with pytest.raises(NeedsChoice, match="holds 3 DICOM series and none is a volume") as err:
        dicom.read(path)
    assert err.value.choices == []
    with pytest.raises(InvalidVolume, match="localizer"):
        dicom.read(path, series=1)
    with pytest.raises(InvalidVolume, match="3 slices in 3 different orientations"):
        dicom.read(path, series="2")
    with pytest.raises(InvalidVolume, match="no DICOM series 9"):
        dicom.read(path, series=9)
    info = dicom.probe(path)
    assert info.format == "dicom" and [e.name for e in info.entries] == ["1", "2", "3"]
    assert info.volume_entries == []
    for s in series:
        assert dicom.describe(s).lstrip().startswith(str(s.number))


def test_folder_with_one_volume_among_other_series_opens_it(tmp_path):
    for sub in ("98892003/MR2", "98892001/CT5N"):
        shutil.copytree(shipped(sub), tmp_path / os.path.basename(sub))
    series = dicom.scan(tmp_path)
    ct = next(s for s in series if s.modality == "CT")
    v = dicom.read(tmp_path)
    assert v.meta["series_number"] == ct.number and v.source == f"{tmp_path}:{ct.number}"
    assert any("3 series that are not volumes" in w for w in v.warnings)
    again = dicom.read(f"{tmp_path}:{ct.number}")
    assert np.array_equal(again.data, v.data)


def test_philips_enhanced_multiframe(tmp_path):
    if not os.path.exists(PHILIPS):
        pytest.skip("this nibabel wheel does not ship nicom/tests/data/philips_mprage.dcm.gz")
    path = tmp_path / "mprage"
    with gzip.open(PHILIPS) as src, open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    (s,) = dicom.scan(path)
    assert s.multiframe and s.n_slices == 176 and (s.rows, s.columns) == (256, 256) and s.oblique
    v = dicom.read(path)
    assert v.shape == s.shape and sorted(v.shape) == [176, 256, 256] and v.axcodes == ("R", "A", "S")
    assert v.spacing == pytest.approx((1.0, 1.0, 1.0), abs=1e-4) and v.dtype == np.float32
    assert v.meta["multiframe"] and v.meta["oblique"] and any("oblique" in w for w in v.warnings)
    assert v.source == str(path) and v.name == "MPRAGE_S2"
    # i, j, k grow towards R, A, S even though the scan is oblique
    assert v.affine[0, 0] > 0.9 and v.affine[1, 1] > 0.9 and v.affine[2, 2] > 0.9
    # each frame's first pixel (IPP, LPS) is a voxel centre of the RAS affine
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    inv = np.linalg.inv(v.affine)
    for fg in ds.PerFrameFunctionalGroupsSequence[::25]:
        lps = np.array([float(x) for x in fg.PlanePositionSequence[0].ImagePositionPatient])
        ijk = (inv @ np.r_[-lps[0], -lps[1], lps[2], 1.0])[:3]
        assert np.allclose(ijk, np.round(ijk), atol=1e-3) and np.all(ijk > -0.5) and np.all(ijk < 255.5)


# ---------------------------------------------------------------- series the tests write
def test_written_axial_series_voxel_by_voxel(tmp_path):
    vol = truth() * 3 - 1000
    # per-slice slope/intercept differ but encode the same HU
    write_series(tmp_path / "ct", vol, rescale=lambda k: ((1, -1024), (3, -1000), (1, 7), (3, -4))[k])
    v = dicom.read(tmp_path / "ct")
    assert v.shape == vol.shape and v.dtype == np.int16 and v.spacing == pytest.approx((0.7, 0.8, 2.0))
    m = geometry()
    check_voxels(v, vol, m)
    # far corners: voxel (0,0,0) is the right-anterior-inferior corner, the last one left-posterior-superior
    c, r, n = vol.shape
    lps0 = m @ [c - 1, r - 1, 0, 1]
    lps1 = m @ [0, 0, n - 1, 1]
    assert v.world(0, 0, 0) == pytest.approx((-lps0[0], -lps0[1], lps0[2]))
    assert v.world(c - 1, r - 1, n - 1) == pytest.approx((-lps1[0], -lps1[1], lps1[2]))
    assert v.world(0, 0, 0)[0] < v.world(c - 1, 0, 0)[0]  # i grows towards R
    phi_free(v.meta, v.warnings, v.name, v.source, dicom.scan(tmp_path / "ct"), dicom.probe(tmp_path / "ct"))


@pytest.mark.parametrize("iop", [(0, 1, 0, 0, 0, -1), (1, 0, 0, 0, 0, -1), (-1, 0, 0, 0, -1, 0)],
                         ids=["sagittal", "coronal", "axial-flipped"])
def test_written_series_in_other_orientations_come_out_ras(tmp_path, iop):
    vol = truth((6, 5, 4))
    write_series(tmp_path / "s", vol, iop=iop, rescale=lambda k: (1, 0), spacing=(0.5, 0.9, 3.0))
    v = dicom.read(tmp_path / "s")
    assert v.dtype == np.int16 and v.meta["rescaled"] is False and "units" not in v.meta
    assert np.allclose(np.abs(v.affine[:3, :3]), np.diag(np.abs(np.diag(v.affine[:3, :3]))))
    assert np.all(np.diag(v.affine)[:3] > 0)  # R, A, S
    check_voxels(v, vol, geometry(iop, (0.5, 0.9, 3.0)))


def test_oblique_series_opens_with_a_warning(tmp_path):
    a = np.radians(12)
    iop = (1, 0, 0, 0, np.cos(a), -np.sin(a))
    vol = truth()
    write_series(tmp_path / "obl", vol, iop=iop)
    (s,) = dicom.scan(tmp_path / "obl")
    assert s.oblique and s.problem is None
    v = dicom.read(tmp_path / "obl")
    assert v.meta["oblique"] and any("oblique (12.0 degrees" in w for w in v.warnings)
    check_voxels(v, vol, geometry(iop))


def test_missing_slice_is_refused_with_the_gap(tmp_path):
    write_series(tmp_path / "gap", truth((6, 5, 6)), skip=(3,))
    with pytest.raises(InvalidVolume) as err:
        dicom.read(tmp_path / "gap")
    assert str(err.value) == ("gap: slices are not evenly spaced: a 4.0 mm gap between slices 3 and 4 where the "
                              "others are 2.0 mm apart; VoxDesk does not resample uneven series")


def test_duplicate_positions_are_refused(tmp_path):
    positions = [[0.0, 0.0, z] for z in (0.0, 2.0, 2.0, 4.0)]
    write_series(tmp_path / "dup", truth(), positions=positions)
    with pytest.raises(InvalidVolume, match="2 slices share positions .*2.0 mm along the slice normal"):
        dicom.read(tmp_path / "dup")


def test_single_file_is_a_single_slice(tmp_path):
    write_series(tmp_path / "one", truth())
    first = sorted(os.listdir(tmp_path / "one"))[0]
    with pytest.raises(InvalidVolume, match="a single slice"):
        dicom.read(tmp_path / "one" / first)


def test_two_series_in_one_folder_need_a_choice(tmp_path):
    a, b = truth(), truth() + 500
    uid_a = write_series(tmp_path / "mix", a, number=3, description="AXIAL A", seed=1)
    uid_b = write_series(tmp_path / "mix", b, number=7, description="AXIAL B", seed=2, origin=(0.0, 0.0, 0.0))
    series = dicom.scan(tmp_path / "mix")
    assert [(s.number, s.series_number, s.uid) for s in series] == [(1, 3, uid_a), (2, 7, uid_b)]
    with pytest.raises(NeedsChoice, match="holds 2 DICOM series that are volumes; pick one by number") as err:
        dicom.read(tmp_path / "mix")
    assert err.value.choices == ["1", "2"]
    va = dicom.read(tmp_path / "mix", series=1)
    vb = dicom.read(f"{tmp_path / 'mix'}:2")
    assert va.name == "AXIAL A" and va.source == f"{tmp_path / 'mix'}:1" and va.meta["dicom_series_number"] == 3
    check_voxels(va, a, geometry())
    check_voxels(vb, b, geometry(origin=(0.0, 0.0, 0.0)))
    assert np.array_equal(dicom.read(tmp_path / "mix", series=uid_b).data, vb.data)
    assert [e.kind for e in dicom.probe(tmp_path / "mix").entries] == ["volume", "volume"]


def test_a_series_whose_size_changes_is_split(tmp_path):
    uid = write_series(tmp_path / "sz", truth((6, 5, 3)))
    write_series(tmp_path / "sz", truth((4, 4, 3)), uid=uid, origin=(0.0, 0.0, 50.0), seed=3)
    series = dicom.scan(tmp_path / "sz")
    assert [(s.part, s.n_slices, s.problem) for s in series] == [("1/2", 3, None), ("2/2", 3, None)]
    with pytest.raises(NeedsChoice, match="has 2 parts"):
        dicom.read(tmp_path / "sz", series=uid)
    assert series[0].rows == 4 and series[1].rows == 5  # equal parts: the smaller size first
    assert dicom.read(tmp_path / "sz", series=1).shape == (4, 4, 3)
    assert dicom.read(tmp_path / "sz", series=2).shape == (6, 5, 3)
    assert "[part 2/2]" in dicom.describe(series[1])


def test_enhanced_multiframe_written_with_shuffled_frames(tmp_path):
    vol = truth((6, 5, 5))
    m = write_multiframe(tmp_path / "enh", vol)
    v = dicom.read(tmp_path / "enh")
    assert v.meta["multiframe"] and v.meta["n_slices"] == 5
    check_voxels(v, vol, m)


def test_no_patient_identifiers_anywhere(tmp_path):
    write_series(tmp_path / "phi", truth())
    write_series(tmp_path / "phi2", truth(), number=2, seed=5)
    write_series(tmp_path / "phi2", truth(), number=3, seed=6)
    v = dicom.read(tmp_path / "phi")
    series = dicom.scan(tmp_path / "phi2")
    try:
        dicom.read(tmp_path / "phi2")
    except NeedsChoice as exc:
        choice = (str(exc), exc.choices)
    phi_free(v.meta, v.warnings, v.name, v.source, series, [s.__dict__ for s in series],
             [dicom.describe(s) for s in series], dicom.probe(tmp_path / "phi2"), choice)


# ---------------------------------------------------------------- pixel data problems
def _two_copies(tmp_path, name, **changes):
    src = os.path.join(PYDICOM_DATA, name)
    if not os.path.exists(src):
        pytest.skip(f"this pydicom wheel does not ship {name}")
    folder = tmp_path / name.replace(".", "_")
    folder.mkdir()
    for k in range(2):
        ds = pydicom.dcmread(src)
        ds.ImagePositionPatient = [0.0, 0.0, 5.0 * k]
        for key, value in changes.items():
            if value is None:
                delattr(ds, key)
            else:
                setattr(ds, key, value)
        ds.save_as(folder / f"im{k}", enforce_file_format=True)
    return folder


def test_rle_compressed_series_decodes(tmp_path):
    plain = dicom.read(_two_copies(tmp_path, "MR_small.dcm"))
    rle = dicom.read(_two_copies(tmp_path, "MR_small_RLE.dcm"))
    assert rle.shape == (64, 64, 2) and np.array_equal(rle.data, plain.data)


def test_missing_decoder_says_what_to_install(tmp_path):
    folder = _two_copies(tmp_path, "MR_small_jp2klossless.dcm")
    try:
        _ = pydicom.dcmread(os.path.join(PYDICOM_DATA, "MR_small_jp2klossless.dcm")).pixel_array
    except RuntimeError:
        with pytest.raises(UnsupportedFormat, match="JPEG 2000.*pip install pylibjpeg pylibjpeg-openjpeg"):
            dicom.read(folder)
    else:
        assert dicom.read(folder).shape == (64, 64, 2)


def test_missing_and_empty_pixel_data(tmp_path):
    with pytest.raises(InvalidVolume, match="has no pixel data"):
        dicom.read(_two_copies(tmp_path, "MR_small.dcm", PixelData=None))
    with pytest.raises(InvalidVolume, match=r"pixel data is empty \(0 bytes\)"):
        dicom.read(_two_copies(tmp_path, "CT_small.dcm", PixelData=b""))


def test_truncated_pixel_data_is_corrupt(tmp_path):
    folder = _two_copies(tmp_path, "CT_small.dcm")
    first = folder / "im0"
    ds = pydicom.dcmread(first)
    ds.PixelData = ds.PixelData[:100]
    ds.save_as(first, enforce_file_format=True)
    with pytest.raises(CorruptFile, match="im0: the pixel data is truncated or damaged"):
        dicom.read(folder)


def test_whole_number_rescale_gives_int16_and_widens_when_values_do_not_fit(tmp_path):
    vol = truth((6, 5, 4)).astype(np.int32) * 3
    write_series(tmp_path / "ok", vol.astype(np.int16), seed=1)  # slope 1, intercept -1024
    assert dicom.read(tmp_path / "ok").dtype == np.int16
    big = truth((6, 5, 4)).astype(np.int32) * 2
    big[0, 0, 3] = 40000  # beyond int16 once rescaled: the volume widens to float32, values exact
    write_series(tmp_path / "big", big, seed=2, rescale=lambda k: (2, 0) if k == 3 else (1, 0))
    v = dicom.read(tmp_path / "big")
    assert v.dtype == np.float32 and float(v.data.max()) == 40000.0


def test_a_siemens_mosaic_is_refused_with_what_to_do():
    mosaic = os.path.join(os.path.dirname(PHILIPS), "0.dcm")
    if not os.path.exists(mosaic):
        pytest.skip("this nibabel wheel does not ship nicom/tests/data/0.dcm")
    with pytest.raises(InvalidVolume, match="Siemens mosaic.*dcm2niix"):
        dicom.read(mosaic)
