"""The default recipe for small datasets: steps not epochs, warm-up and cosine decay, models that
start at chance, a translation-invariant scan model that learns a planted lesion far above
chance, and a heat map that points at it. Small data, a few seconds of training each."""
import math

import numpy as np
import pytest

from voxdesk.engine.datasets import from_arrays
from voxdesk.engine.inference.explain import explain
from voxdesk.engine.inference.faithfulness import foreground_mask, heat_share, pointing_hit
from voxdesk.engine.training.augment import NO_AUGMENT
from voxdesk.engine.training.config import (
    MIN_EPOCHS,
    MIN_EPOCHS_AUGMENTED,
    MIN_STEPS,
    SMALL_DATA,
    TrainConfig,
    plan_run,
)
from voxdesk.engine.training.train import train
from voxdesk.engine.volume import Volume

pytest.importorskip("tensorflow")


def test_plan_run_thinks_in_steps():
    epochs, batch, steps = plan_run(200, TrainConfig())
    assert batch == 16 and steps == math.ceil(200 / 16)
    assert epochs * steps >= MIN_STEPS and epochs >= MIN_EPOCHS
    epochs, batch, steps = plan_run(SMALL_DATA * 10, TrainConfig())
    assert batch == 32 and epochs == MIN_EPOCHS_AUGMENTED  # plenty of steps; augmented (auto): more passes
    assert plan_run(SMALL_DATA * 10, TrainConfig(augment=NO_AUGMENT))[0] == MIN_EPOCHS < MIN_EPOCHS_AUGMENTED
    assert plan_run(100, TrainConfig(epochs=3, batch_size=8)) == (3, 8, 13)  # the user's own choice
    assert plan_run(5, TrainConfig(batch_size=64))[1] == 5  # never larger than the data


def test_scan_sized_inputs_get_more_steps_than_small_ones():
    from voxdesk.engine.training.config import MIN_STEPS_SCAN

    small = plan_run(260, TrainConfig(), input_shape=(16, 16, 16, 1))
    scan = plan_run(260, TrainConfig(), input_shape=(64, 64, 64, 1))
    assert small == (36, 16, 17) and scan == (71, 16, 17)  # the brain MR benchmark's 260 scans
    assert small[0] * small[2] >= MIN_STEPS and scan[0] * scan[2] >= MIN_STEPS_SCAN > MIN_STEPS
    assert scan[0] > small[0] and plan_run(260, TrainConfig(epochs=5), input_shape=(64, 64, 64, 1))[0] == 5
    assert plan_run(390, TrainConfig(), input_shape=(48, 48, 48, 1)) == (48, 16, 25)  # the CT demo


def test_early_stopping_waits_for_the_minimum_steps_of_the_input(monkeypatch):
    """A 64^3 brain MR run left chance only after epoch 36 of 71 on one seed: early stopping at
    half the plan (600 steps) had ended it at chance (50%)."""
    from voxdesk.engine.training import callbacks as callbacks_mod
    from voxdesk.engine.training import train as train_mod
    from voxdesk.engine.training.config import MIN_STEPS_SCAN, min_steps

    assert min_steps((64, 64, 64, 1)) == MIN_STEPS_SCAN and min_steps((16, 16, 16, 1)) == MIN_STEPS
    assert min_steps() == MIN_STEPS
    seen = {}
    real = callbacks_mod.progress_callback

    def spy(keras, **kw):
        seen.update(kw)
        raise RuntimeError("stop here")  # the plan is all this test needs

    monkeypatch.setattr(train_mod, "progress_callback", spy)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 40, 40, 40)).astype(np.float32)
    data = from_arrays(x, np.arange(120) % 2, class_names=["a", "b"])
    with pytest.raises(RuntimeError, match="stop here"):
        train_mod.train(TrainConfig(val_fraction=0.25), data)
    assert seen["epochs"] * seen["steps"] >= MIN_STEPS_SCAN and seen["stop_from_epoch"] == seen["epochs"] < 300
    assert real is callbacks_mod.progress_callback


def test_auto_batch_shrinks_for_large_scans_only():
    assert plan_run(200, TrainConfig(), voxels=128 ** 3)[1] == 16  # 128^3 keeps the small-data batch
    assert plan_run(SMALL_DATA, TrainConfig(), voxels=128 ** 3)[1] == 32
    assert plan_run(200, TrainConfig(), voxels=256 ** 3)[1] == 4  # ~2 GB of activations, not ~6-8 GB
    assert plan_run(200, TrainConfig(), voxels=512 ** 3)[1] == 1
    assert plan_run(200, TrainConfig(batch_size=16), voxels=256 ** 3)[1] == 16  # the user's own choice stays


@pytest.mark.parametrize("name", ["voxnet-bn", "resnet3d-small"])
def test_models_start_at_chance(name):
    import keras

    from voxdesk.engine.model.networks import build_model

    keras.utils.set_random_seed(0)
    side = 48 if name == "voxnet-bn" else 16
    model = build_model(name, (side, side, side, 1), 3)
    x = np.random.default_rng(0).random((4, side, side, side, 1)).astype(np.float32)
    p = np.asarray(model(x, training=False))
    np.testing.assert_allclose(p, 1 / 3, atol=0.1)  # near chance: no large random logits
    assert not np.allclose(p, p[:, :1])  # but not a zero layer, which would pass no gradient down


RADIUS, CONTRAST = 4, 200.0


def lesion_task(n=96, side=40, seed=0, radius=RADIUS, contrast=CONTRAST):
    """Class 1: a bright ball somewhere inside a noisy 'body' ellipsoid; class 0: a ball-free
    body. Returns volumes (-1000 air, ~40 tissue), labels and the ball masks."""
    rng = np.random.default_rng(seed)
    g = np.stack(np.meshgrid(*[np.arange(side)] * 3, indexing="ij"), -1).astype(np.float32)
    c = (side - 1) / 2
    body = (((g - c) / np.array([0.42, 0.36, 0.45]) / side) ** 2).sum(-1) < 1
    x = np.empty((n, side, side, side), np.float32)
    y = np.arange(n) % 2
    masks = np.zeros((n, side, side, side), bool)
    for i in range(n):
        v = np.where(body, 40.0, -1000.0) + rng.normal(0, 10, body.shape)
        if y[i]:
            while True:
                centre = rng.uniform(8, side - 8, 3)
                if body[tuple(centre.astype(int))]:
                    break
            ball = ((g - centre) ** 2).sum(-1) <= radius**2
            v[ball & body] += contrast
            masks[i] = ball & body
        x[i] = v
    return x, y, masks


@pytest.fixture(scope="module")
def learned():
    x, y, masks = lesion_task()
    x_test, y_test, m_test = lesion_task(24, seed=1)
    config = TrainConfig(epochs=20, batch_size=8, augment=NO_AUGMENT, seed=0, test_fraction=0.0, val_fraction=0.2,
                         normalization="ct-window")
    return train(config, from_arrays(x, y, class_names=["clear", "lesion"])), x_test, y_test, m_test


def test_recipe_learns_a_small_lesion_task_far_above_chance(learned):
    result, x_test, y_test, _ = learned
    probs = result.to_bundle().predict_proba(list(x_test))
    accuracy = float((probs.argmax(1) == y_test).mean())
    assert accuracy >= 0.85, (accuracy, result.history["val_accuracy"])
    assert result.history["loss"][0] < math.log(2) + 0.1  # started near chance, not with a huge loss
    lr = result.history["learning_rate"]
    assert lr[-1] < 0.2 * max(lr)  # cosine decay by the end
    assert any("warm-up and cosine decay" in n for n in result.notes)


def test_heat_map_points_at_the_planted_lesion(learned):
    result, x_test, y_test, m_test = learned
    bundle = result.to_bundle()
    hits = eligible = 0
    shares = []
    for vol, label, mask in zip(x_test, y_test, m_test):
        e = explain(bundle, Volume(vol))
        shares.append(heat_share(e.heat, foreground_mask(vol)))
        if label == 1 and e.class_index == 1:
            eligible += 1
            hits += pointing_hit(e.heat, mask, dilate=1)
    assert eligible >= 8
    assert hits / eligible >= 0.75, (hits, eligible)
    assert np.mean(shares) > 0.6


def test_foreground_mask_and_pointing_helpers():
    vol = np.full((10, 10, 10), -1000.0, np.float32)
    vol[2:8, 2:8, 2:8] = 40
    vol[4, 4, 4] = -990  # a pocket of gas inside the body still counts as inside
    body = foreground_mask(vol)
    assert body[4, 4, 4] and body[3, 3, 3] and not body[0, 0, 0] and body.sum() == 216
    heat = np.zeros_like(vol)
    heat[5, 5, 5] = 1.0
    target = np.zeros(vol.shape, bool)
    target[5, 5, 6] = True
    assert pointing_hit(heat, target, dilate=1) and not pointing_hit(heat, target, dilate=0)
    assert not pointing_hit(np.zeros_like(heat), target)
    assert heat_share(heat, body) == 1.0 and heat_share(heat, ~body) == 0.0
