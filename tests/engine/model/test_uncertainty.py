"""Per-case uncertainty: test-time augmentation repeats the symmetries the model was trained
with; Monte-Carlo dropout samples dropout only (batch norm stays in inference mode)."""
import numpy as np
import pytest

from voxdesk.engine.errors import ModelError
from voxdesk.engine.model.uncertainty import augment_of, sample, summarise, trained_flip_axes, tta_views


def test_tta_repeats_the_flips_training_used_and_never_the_left_right_one():
    meta = {"training": {"augment": {"flips": True, "left_right_matters": False}, "config": {"augment": "auto"}}}
    assert trained_flip_axes(meta, 3) == (0, 1, 2)
    meta["training"]["augment"]["left_right_matters"] = True
    assert trained_flip_axes(meta, 3) == (1, 2)
    assert trained_flip_axes({"training": {"config": {"augment": "auto"}}}, 3) == ()  # unknown: no flips
    assert augment_of({"training": {"config": {"augment": {"flips": True}}}}) == {"flips": True}
    x = np.random.default_rng(0).random((2, 6, 6, 6, 1)).astype(np.float32)
    views = tta_views(x, (1, 2))
    assert len(views) == 4 + 6  # the 4 flip combinations, and 6 one-voxel shifts of the input itself
    np.testing.assert_array_equal(views[0], x)
    np.testing.assert_array_equal(views[1][:, 1:], x[:, :-1])  # shifted one voxel along i, edge repeated
    np.testing.assert_array_equal(views[1][:, 0], x[:, 0])
    assert any(np.array_equal(v, x[:, :, ::-1]) for v in views)
    assert not any(np.array_equal(v, x[:, ::-1]) for v in views)  # the left-right axis is never flipped


def _model(name="voxnet-bn"):
    from voxdesk.engine.model.networks import build_model

    return build_model(name, (16, 16, 16, 1), 3)


def test_mc_dropout_samples_the_head_and_leaves_batch_norm_in_inference_mode():
    from voxdesk.engine.model.predict import predictor

    model = _model()
    x = np.random.default_rng(1).random((3, 16, 16, 16, 1)).astype(np.float32)
    passes = sample(model, x, "mc", passes=16)
    assert passes.shape == (16, 3, 3)
    np.testing.assert_allclose(passes.sum(-1), 1.0, atol=1e-5)
    assert passes.std(axis=0).max() > 0  # dropout is active: the passes differ
    single = predictor(model)(x)
    assert sample(model, x, "none").shape == (1, 3, 3)
    np.testing.assert_allclose(sample(model, x, "none")[0], single)
    mean, spread = summarise(passes)
    assert mean.shape == (3, 3) and spread.shape == (3,) and (spread > 0).all()
    with pytest.raises(ModelError, match="uncertainty method"):
        sample(model, x, "dropout")


def test_mc_dropout_without_dropout_equals_the_inference_pass_for_any_layout():
    """Dropout rate 0: every pass must equal the deterministic one, which holds only if batch
    norm runs on its moving statistics (in training mode it would normalise by the batch)."""
    import keras

    from voxdesk.engine.model.predict import predictor

    x = np.random.default_rng(2).random((4, 16, 16, 16, 1)).astype(np.float32) * 3 + 1
    head_model = _model()
    head_model.get_layer("dropout").rate = 0.0
    np.testing.assert_allclose(sample(head_model, x, "mc", passes=3)[1], predictor(head_model)(x), atol=1e-5)
    inputs = keras.Input((16, 16, 16, 1))  # dropout in the middle: the whole model per pass
    y = keras.layers.Conv3D(4, 3)(inputs)
    y = keras.layers.BatchNormalization()(y)
    y = keras.layers.Dropout(0.0)(y)
    y = keras.layers.GlobalAveragePooling3D()(y)
    middle = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(y))
    bn = middle.layers[2]
    bn.moving_mean.assign(np.full(4, 5.0, np.float32))  # far from any batch's own statistics
    np.testing.assert_allclose(sample(middle, x, "mc", passes=2)[0], predictor(middle)(x), atol=1e-5)
    assert bn.trainable  # restored after tracing


def test_tta_passes_are_the_models_own_on_each_view():
    from voxdesk.engine.model.predict import predictor

    model = _model()
    x = np.random.default_rng(3).random((2, 16, 16, 16, 1)).astype(np.float32)
    meta = {"training": {"augment": {"flips": True}}}
    passes = sample(model, x, "tta", meta)
    assert passes.shape == (8 + 6, 2, 3)
    np.testing.assert_allclose(passes[0], predictor(model)(x), atol=1e-6)
    np.testing.assert_allclose(passes[1], predictor(model)(tta_views(x, (0, 1, 2))[1]), atol=1e-6)
