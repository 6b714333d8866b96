"""Model registry: every model builds in 3D and as its 2D twin, binary and multi-class."""
import numpy as np
import pytest

from voxdesk.engine.errors import ModelError
from voxdesk.engine.model.networks import MODELS, build_model


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("shape,n", [((16, 16, 16, 1), 2), ((32, 32, 3), 10)])
def test_builds_3d_and_2d_twin(name, shape, n):
    model = build_model(name, shape, n)
    assert model.input_shape[1:] == shape
    assert model.output_shape == (None, n)
    rank = len(shape) - 1
    assert any(type(layer).__name__ == f"Conv{rank}D" for layer in model.layers)
    assert not any(type(layer).__name__ == "Lambda" for layer in model.layers)
    probs = np.asarray(model(np.zeros((2,) + shape, np.float32)))
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)


def test_tutorial_is_the_tutorial_network():
    m = build_model("tutorial-conv3d", (16, 16, 16, 3), 10)
    kinds = [type(layer).__name__ for layer in m.layers[1:]]
    assert kinds == ["Conv3D", "MaxPooling3D", "Conv3D", "MaxPooling3D", "Flatten", "Dense", "Dense"]
    assert [m.layers[1].filters, m.layers[3].filters, m.layers[6].units] == [32, 64, 256]
    assert m.layers[1].kernel_size == (3, 3, 3)


def test_resnet_handles_64_cubed():
    m = build_model("resnet3d-small", (64, 64, 64, 1), 3)
    assert any(type(layer).__name__ == "Add" for layer in m.layers)


def test_bad_requests_are_model_errors():
    with pytest.raises(ModelError, match="unknown model"):
        build_model("nope", (16, 16, 16, 1), 2)
    with pytest.raises(ModelError, match="at least 2 classes"):
        build_model("voxnet-bn", (16, 16, 16, 1), 1)
    with pytest.raises(ModelError, match="at least 10"):
        build_model("tutorial-conv3d", (8, 8, 8, 1), 2)


def test_voxnet_bn_is_translation_invariant_on_scan_sized_inputs():
    from voxdesk.engine.inference.explain import find_feature_layer

    big = build_model("voxnet-bn", (48, 48, 48, 1), 3)
    small = build_model("voxnet-bn", (16, 16, 16, 1), 3)
    assert big.get_layer("block1_conv").strides == (2, 2, 2)
    assert small.get_layer("block1_conv").strides == (1, 1, 1)
    # a 12^3 map (Grad-CAM cells of 4 voxels) read by a global max pool: a finding anywhere counts alike
    assert find_feature_layer(big).name == "deep_b_relu"
    assert big.get_layer("deep_b_relu").output.shape[1:4] == (12, 12, 12)
    assert type(big.get_layer("soft_max_pool")).__name__ == "SoftMaxPooling"
    huge = build_model("voxnet-bn", (128, 128, 128, 1), 2)
    assert huge.get_layer("deep_b_relu").output.shape[1:4] == (16, 16, 16)  # three strides, not a 32^3 map
    x = np.zeros((2, 48, 48, 48, 1), np.float32)
    x[0, 8:12, 8:12, 8:12] = x[1, 32:36, 32:36, 32:36] = 1.0  # the same blob, moved by whole map cells
    big.get_layer("probabilities").set_weights([np.random.default_rng(0).normal(size=(48, 3)), np.zeros(3)])
    p = np.asarray(big(x, training=False))
    np.testing.assert_allclose(p[0], p[1], atol=0.05)


def test_voxnet_bn_scan_pool_can_be_a_global_max(monkeypatch):
    """``SCAN_POOL = "max"`` (the pool that learns the brain MR benchmark's small lesions): a global
    max pool, float32, still translation-invariant; the default stays the soft-maximum pool."""
    from voxdesk.engine.model import networks

    assert networks.SCAN_POOL == "soft"
    monkeypatch.setattr(networks, "SCAN_POOL", "max")
    m = build_model("voxnet-bn", (48, 48, 48, 1), 2)
    assert type(m.get_layer("global_max_pool")).__name__ == "GlobalMaxPooling3D"
    assert m.get_layer("global_max_pool").compute_dtype == "float32"
    x = np.zeros((2, 48, 48, 48, 1), np.float32)
    x[0, 8:12, 8:12, 8:12] = x[1, 32:36, 32:36, 32:36] = 1.0
    m.get_layer("probabilities").set_weights([np.random.default_rng(0).normal(size=(48, 2)), np.zeros(2)])
    p = np.asarray(m(x, training=False))
    np.testing.assert_allclose(p[0], p[1], atol=0.01)  # as the soft pool: padding differs at the edges
