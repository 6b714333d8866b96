"""Grad-CAM: peaks where the class is decided, lands on the volume's own grid, works for every
registry model (3D and 2D), Sequential and nested models, and saves as an overlayable NIfTI."""
import nibabel as nib
import numpy as np
import pytest
from fixtures.classify import make_scan, write_nifti

from voxdesk.engine.errors import ModelError, VoxdeskError
from voxdesk.engine.inference.explain import (
    Explanation,
    explain,
    find_feature_layer,
    grad_cam,
    save_heat_map,
    to_volume_grid,
)
from voxdesk.engine.io import open_volume
from voxdesk.engine.volume import Volume

pytestmark = pytest.mark.slow


def _blob_mask(shape, centre, half=1):
    m = np.zeros(shape, bool)
    m[tuple(slice(max(c - half, 0), c + half + 1) for c in centre)] = True
    return m


def test_heat_map_peaks_at_the_lesion(tiny):
    lesions = [(p, c) for p, truth, c in tiny.heldout if truth == "lesion"]
    assert len(lesions) >= 3
    for path, centre in lesions:
        vol = open_volume(path)
        e = explain(tiny.bundle, vol)
        assert isinstance(e, Explanation) and e.class_name == "lesion" and e.class_index == 1
        assert e.heat.shape == vol.shape and e.heat.dtype == np.float32
        assert e.heat.min() >= 0 and e.heat.max() == pytest.approx(1.0)
        assert e.heat[e.hottest_voxel] == e.heat.max()
        inside = _blob_mask(vol.shape, centre)
        assert e.heat[inside].mean() > 1.5 * e.heat[~inside].mean(), path
        # about one cell of the model's 4^3 feature map (16 / 4 = 4 voxels) from the lesion; a
        # random voxel of a 16^3 volume is ~8 voxels away. (Seed 0 gives ratios >= 3.4, <= 3.7 voxels;
        # the margins hold for other training seeds too.)
        assert np.linalg.norm(np.subtract(e.hottest_voxel, centre)) <= 5.0, (path, centre, e.hottest_voxel)
        assert e.probability == pytest.approx(e.probabilities["lesion"]) and e.probability > 0.5
        assert e.layer == "block3c_relu" and e.warnings == []


def test_heat_is_resampled_back_to_a_larger_volume_grid(tiny):
    """A 32^3 scan is shrunk to 16^3 for the model; its heat map comes back on 32^3 and still
    peaks at the (upscaled) lesion."""
    from scipy import ndimage

    rng = np.random.default_rng(21)
    small, centre = make_scan(rng, True)
    big = ndimage.zoom(small, 2.0, order=0)
    big_centre = tuple(2 * c + 1 for c in centre)
    e = explain(tiny.bundle, Volume(big))
    assert e.heat.shape == (32, 32, 32) and e.class_name == "lesion"
    inside = _blob_mask(big.shape, big_centre, half=3)
    assert e.heat[inside].mean() > 1.5 * e.heat[~inside].mean()
    assert np.linalg.norm(np.subtract(e.hottest_voxel, big_centre)) <= 10.0
    assert not any("very different" in w for w in e.warnings)  # 2x is within range


def test_explaining_another_class_and_bad_class_names(tiny):
    """On a lesion scan, the map for "clear" (not the predicted class) shows what speaks for
    "clear": not the lesion, which speaks against it."""
    path, truth, centre = tiny.heldout[1]
    assert truth == "lesion"
    vol = open_volume(path)
    e = explain(tiny.bundle, vol, "clear")
    assert e.class_name == "clear" and e.class_index == 0
    assert e.probability == pytest.approx(e.probabilities["clear"])
    assert e.probability + e.probabilities["lesion"] == pytest.approx(1.0)
    assert e.probability < 0.5  # the model still says lesion; the map explains the class asked for
    assert e.heat.any() and e.heat_notes == [] and e.heat.max() == pytest.approx(1.0)
    inside = _blob_mask(vol.shape, centre)
    assert e.heat[inside].mean() < 0.5 * e.heat[~inside].mean()
    assert np.linalg.norm(np.subtract(e.hottest_voxel, centre)) > 5.0  # far from the lesion
    lesion = explain(tiny.bundle, vol, "lesion")
    assert lesion.heat[inside].mean() > 5 * e.heat[inside].mean()
    with pytest.raises(ModelError, match="no class 'tumour'.*clear, lesion"):
        explain(tiny.bundle, vol, "tumour")


def test_a_class_nothing_in_the_scan_speaks_for_gets_an_empty_map_and_says_so():
    """A model whose every feature lowers the score of "down" and raises that of "up": the
    map for "down" is empty, and the explanation says it cannot show where the model looked."""
    import keras
    from keras import layers as L

    from voxdesk.engine.model.bundle import Bundle
    from voxdesk.engine.model.preprocessing import make_spec

    model = keras.Sequential([keras.Input((8, 8, 8, 1)), L.Conv3D(2, 3, padding="same", activation="relu",
                                                                   name="features"),
                              L.GlobalAveragePooling3D(), L.Dense(2, activation="softmax")])
    conv, dense = model.get_layer("features"), model.layers[-1]
    conv.set_weights([np.full(conv.get_weights()[0].shape, 0.1, np.float32), np.full(2, 0.1, np.float32)])
    dense.set_weights([np.array([[-1.0, 1.0], [-1.0, 1.0]], np.float32), np.zeros(2, np.float32)])
    spec = make_spec((8, 8, 8))
    bundle = Bundle(model=model, metadata={"class_names": ["down", "up"], "input_shape": list(spec.input_shape),
                                           "preprocessing": spec.to_dict(), "model_name": "test"})
    vol = Volume(np.random.default_rng(3).random((8, 8, 8)).astype(np.float32))
    down = explain(bundle, vol, "down")
    assert down.class_name == "down" and down.probability < 0.5
    assert not down.heat.any() and down.heat.shape == (8, 8, 8)
    assert len(down.heat_notes) == 1 and down.warnings[-1] == down.heat_notes[0]
    assert "heat map is empty" in down.heat_notes[0] and "'down'" in down.heat_notes[0]
    up = explain(bundle, vol)  # the predicted class
    assert up.class_name == "up" and up.heat.max() == pytest.approx(1.0) and up.heat_notes == []


def test_to_volume_grid_inverts_the_preprocessing_resize():
    from voxdesk.engine.model.preprocessing import make_spec, preprocess_volume

    ramp = np.broadcast_to(np.arange(24, dtype=np.float32)[:, None, None], (24, 10, 14)).copy()
    spec = make_spec((24, 10, 14), (12, 12, 12), normalization="none")
    small = preprocess_volume(ramp, spec)[..., 0]
    back = to_volume_grid(small / small.max(), ramp.shape)
    assert back.shape == ramp.shape
    np.testing.assert_allclose(back, ramp / ramp.max(), atol=1e-5)  # corner-aligned both ways
    assert to_volume_grid(np.ones((4, 4)), (8, 8, 3)).shape == (8, 8, 3)


@pytest.mark.parametrize("name", ["tutorial-conv3d", "voxnet-bn", "resnet3d-small"])
def test_grad_cam_works_for_every_registry_model(name):
    from voxdesk.engine.model.networks import build_model

    model = build_model(name, (16, 16, 16, 1), 3)
    x = np.random.default_rng(0).random((16, 16, 16, 1), np.float32)
    heat, idx, probs = grad_cam(model, x)
    assert heat.shape == (16, 16, 16) and heat.dtype == np.float32
    assert 0 <= heat.min() and heat.max() <= 1 and idx == int(np.argmax(probs))
    heat2, idx2, _ = grad_cam(model, x[None], class_index=2)
    assert idx2 == 2 and heat2.shape == (16, 16, 16)
    expected = {"tutorial-conv3d": "conv2", "voxnet-bn": "block3c_relu", "resnet3d-small": "stage4_out"}
    # (16^3: voxnet-bn's small-input form; its scan-sized form ends in deep_b_relu, test_models.py)
    assert find_feature_layer(model).name == expected[name]


def test_grad_cam_for_2d_models_and_2d_bundles():
    from voxdesk.engine.inference.classify import classify
    from voxdesk.engine.model.bundle import Bundle
    from voxdesk.engine.model.networks import build_model
    from voxdesk.engine.model.preprocessing import make_spec

    spec = make_spec((16, 16, 3))
    assert spec.spatial_rank == 2 and spec.channels == 3
    model = build_model("voxnet-bn", spec.input_shape, 2)
    bundle = Bundle(model=model, metadata={"class_names": ["cat", "dog"], "input_shape": list(spec.input_shape),
                                           "preprocessing": spec.to_dict(), "model_name": "voxnet-bn"})
    image = Volume(np.random.default_rng(1).random((20, 20, 3), np.float32))  # resized to 16x16
    p = classify(bundle, image)
    assert set(p.probabilities) == {"cat", "dog"}
    e = explain(bundle, image)
    assert e.heat.shape == (20, 20, 3) and len(e.hottest_voxel) == 3
    assert (e.heat[..., 0] == e.heat[..., 2]).all()
    with pytest.raises(ModelError, match="2D images"):
        classify(bundle, Volume(np.zeros((16, 16, 16), np.float32)))


def test_grad_cam_sequential_and_nested_models_and_layer_choice():
    import keras
    from keras import layers as L

    seq = keras.Sequential([keras.Input((12, 12, 12, 1)), L.Conv3D(4, 3, activation="relu"), L.MaxPooling3D(2),
                            L.Conv3D(8, 3, activation="relu", name="lastconv"), L.GlobalAveragePooling3D(),
                            L.Dense(2, activation="softmax")])
    x = np.random.default_rng(2).random((12, 12, 12, 1), np.float32)
    heat, _, _ = grad_cam(seq, x)
    assert heat.shape == (12, 12, 12) and find_feature_layer(seq).name == "lastconv"
    inner = keras.Sequential([keras.Input((12, 12, 12, 1)), L.Conv3D(4, 3, padding="same", activation="relu",
                                                                      name="inner_conv")], name="backbone")
    inp = keras.Input((12, 12, 12, 1))
    out = L.Dense(2, activation="softmax")(L.GlobalAveragePooling3D()(inner(inp)))
    nested = keras.Model(inp, out)
    heat, _, _ = grad_cam(nested, x)
    assert heat.shape == (12, 12, 12) and find_feature_layer(nested).name == "backbone"
    with pytest.raises(ModelError, match="inside the nested model 'backbone'"):
        grad_cam(nested, x, layer="inner_conv")
    with pytest.raises(ModelError, match="no layer 'nope'"):
        grad_cam(seq, x, layer="nope")
    with pytest.raises(ModelError, match="no spatial output"):
        grad_cam(seq, x, layer=seq.layers[-1].name)
    with pytest.raises(ModelError, match="one input of shape"):
        grad_cam(seq, np.zeros((10, 10, 10, 1)))


def test_saved_heat_map_overlays_the_original_nifti(tiny, tmp_path):
    """The source is stored LPS on disk with an offset origin; open_volume reorients it to RAS.
    The written map has the ORIGINAL file's shape, voxel order and affine, and the hottest
    voxel is at the same world position in both."""
    rng = np.random.default_rng(4)
    data, centre = make_scan(rng, True)
    while centre[2] > 9:  # keep the lesion inside the crop below
        data, centre = make_scan(rng, True)
    data = data[:, :, :12]  # non-cubic, so a wrong axis order would show
    affine = np.array([[-1.0, 0, 0, 40], [0, -1.5, 0, 30], [0, 0, 1.2, -20], [0, 0, 0, 1]])
    src = write_nifti(tmp_path / "lps.nii.gz", data, affine)
    vol = open_volume(src)
    assert vol.axcodes == ("R", "A", "S") and vol.meta["axcodes_on_disk"] == "LPS"
    e = explain(tiny.bundle, vol)
    out = save_heat_map(e.heat, vol, tmp_path / "heat.nii.gz", description="test")
    img = nib.load(str(out))
    assert img.shape == data.shape and np.allclose(img.affine, affine)
    assert img.get_data_dtype() == np.float32
    disk = np.asarray(img.dataobj)
    hot_disk = np.unravel_index(int(np.argmax(disk)), disk.shape)
    world_disk = (affine @ np.r_[hot_disk, 1.0])[:3]
    hot_ras = np.argwhere(e.heat == e.heat.max())  # ties: argmax order differs between orientations
    assert any(np.allclose(world_disk, vol.world(*v), atol=1e-4) for v in hot_ras)
    assert e.heat[e.hottest_voxel] == e.heat.max()
    # at the lesion (mm; 5 voxels of 1.5 mm)
    assert np.linalg.norm(world_disk - (affine @ np.r_[centre, 1.0])[:3]) <= 7.5
    # and the map equals the RAS heat map voxel for voxel after the same reorientation
    np.testing.assert_allclose(open_volume(out).data, e.heat, atol=1e-6)


def test_save_heat_map_for_array_sources_and_bad_names(tmp_path):
    vol = Volume(np.zeros((5, 6, 7), np.float32), source=str(tmp_path / "x.npy"))
    heat = np.random.default_rng(0).random((5, 6, 7)).astype(np.float32)
    out = save_heat_map(heat, vol, tmp_path / "h.nii")
    img = nib.load(str(out))
    assert img.shape == (5, 6, 7) and np.allclose(img.affine, np.eye(4))
    with pytest.raises(VoxdeskError, match="NIfTI"):
        save_heat_map(heat, vol, tmp_path / "h.png")
    with pytest.raises(VoxdeskError, match="does not match"):
        save_heat_map(heat[:4], vol, tmp_path / "h.nii")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.nii"]  # no temporary left behind
