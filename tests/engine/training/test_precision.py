"""Training precision: the setting's validation, the "auto" rule, Keras' global policy put back
after training, and a bfloat16-trained bundle that predicts alike under any policy."""
import numpy as np
import pytest

from voxdesk.engine.errors import ModelError
from voxdesk.engine.training.config import TrainConfig
from voxdesk.engine.training.precision import cpu_flags, resolve

BF16 = {"fpu", "avx512f", "avx512_bf16"}
PLAIN = {"fpu", "avx2"}


def test_a_bad_precision_is_refused_with_the_choices():
    assert "precision" not in TrainConfig().field_errors()
    assert TrainConfig().precision == "auto"
    with pytest.raises(ModelError, match=r"precision: unknown precision 'fp8'; choose one of: auto, float32, bfloat16"):
        TrainConfig(precision="fp8").validate()
    assert TrainConfig.from_dict({"model": "voxnet-bn"}).precision == "auto"  # a config saved before the setting


@pytest.mark.parametrize(("setting", "shape", "flags", "gpu", "expected"), [
    ("auto", (48, 48, 48, 1), BF16, False, "float32"),  # bfloat16 missed accuracy parity on the CT demo
    ("auto", (16, 16, 16, 1), BF16, False, "float32"),
    ("auto", (64, 64, 64, 1), PLAIN, False, "float32"),  # no bfloat16 instructions
    ("auto", (48, 48, 48, 1), BF16, True, "float16"),  # a GPU: float16 mixed, whatever the CPU
    ("auto", (16, 16, 16, 1), PLAIN, True, "float16"),  # a GPU: float16 mixed
    ("float32", (96, 96, 96, 1), BF16, True, "float32"),
    ("bfloat16", (16, 16, 16, 1), PLAIN, False, "bfloat16"),  # asked for: obeyed, with a note
])
def test_auto_rule(setting, shape, flags, gpu, expected):
    got, note = resolve(setting, shape, flags=flags, gpu=gpu)
    assert got == expected
    assert note.startswith(f"precision {expected}")


def test_auto_on_a_cpu_says_why_bfloat16_is_not_picked():
    for side in (16, 32, 64, 128):
        got, note = resolve("auto", (side, side, side, 1), flags=BF16, gpu=False)
        assert got == "float32" and "less accurate" in note and "only when chosen" in note
    assert resolve("auto", (96, 96, 96, 1), flags=PLAIN, gpu=False)[1] == "precision float32 (auto: a CPU)"
    assert "no bfloat16 instructions" in resolve("bfloat16", (8, 8, 8, 1), flags=PLAIN, gpu=False)[1]


def test_cpu_flags_read_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 avx512f avx512_bf16\n\n"
                    "processor\t: 1\nflags\t\t: fpu\n")
    assert cpu_flags(info) == {"fpu", "sse2", "avx512f", "avx512_bf16"}
    assert cpu_flags(tmp_path / "missing") == set()


def test_policy_scope_restores_the_global_policy_also_after_an_error():
    keras = pytest.importorskip("keras")
    from voxdesk.engine.training.precision import policy_scope

    before = keras.config.dtype_policy().name
    with pytest.raises(RuntimeError):
        with policy_scope("bfloat16"):
            assert keras.config.dtype_policy().name == "mixed_bfloat16"
            raise RuntimeError("stop")
    assert keras.config.dtype_policy().name == before


def test_softmax_and_pooling_stay_float32_under_bfloat16():
    pytest.importorskip("tensorflow")
    from voxdesk.engine.model.networks import build_model
    from voxdesk.engine.training.precision import policy_scope

    with policy_scope("bfloat16"):
        model = build_model("voxnet-bn", (40, 40, 40, 1), 3)
    assert model.get_layer("deep_a_conv").compute_dtype == "bfloat16"
    assert model.get_layer("soft_max_pool").compute_dtype == "float32"
    assert model.get_layer("probabilities").compute_dtype == "float32"
    out = model(np.zeros((1, 40, 40, 40, 1), np.float32))
    assert np.asarray(out).dtype == np.float32 and out.dtype.name == "float32"


@pytest.fixture(scope="module")
def bf16_run(tmp_path_factory):
    keras = pytest.importorskip("keras")
    from fixtures.training import make_tiny_arrays

    from voxdesk.engine.datasets import from_arrays
    from voxdesk.engine.training.train import train

    x, y = make_tiny_arrays(n_per_class=16, side=12)
    ds = from_arrays(x, y, class_names=["empty", "blob"])
    before = keras.config.dtype_policy().name
    result = train(TrainConfig(epochs=2, batch_size=8, precision="bfloat16", seed=3), ds)
    policy_after = keras.config.dtype_policy().name
    path = result.save(tmp_path_factory.mktemp("bf16") / "m.voxmodel")
    return result, path, x, before, policy_after


def test_training_puts_the_policy_back_and_records_the_precision(bf16_run):
    from voxdesk.engine.model.bundle import read_metadata

    result, path, _, before, after = bf16_run
    assert before == after == "float32"
    assert result.precision == "bfloat16"
    assert any(n.startswith("precision bfloat16 mixed (chosen by the user") for n in result.notes)
    training = read_metadata(path)["training"]
    assert training["precision"] == "bfloat16" and training["config"]["precision"] == "bfloat16"
    assert {layer.dtype_policy.name for layer in result.model.layers} == {"float32"}  # the saved model


def test_a_bfloat16_bundle_predicts_alike_under_either_policy(bf16_run):
    from voxdesk.engine.model.bundle import load_bundle
    from voxdesk.engine.model.networks import build_model
    from voxdesk.engine.training.precision import policy_scope

    result, path, x, _, _ = bf16_run
    bundle = load_bundle(path)
    inputs = bundle.preprocess(list(x[:8]))
    p32 = bundle.model.predict(inputs, verbose=0)
    with policy_scope("bfloat16"):  # a process whose global policy is bfloat16 loads it the same
        p16_loaded = load_bundle(path).model.predict(inputs, verbose=0)
        twin = build_model(result.config.model, result.spec.input_shape, 2)  # what training computed in
    twin.set_weights(result.model.get_weights())
    p16 = twin.predict(inputs, verbose=0)
    np.testing.assert_allclose(p16_loaded, p32, atol=1e-6)
    np.testing.assert_allclose(p16, p32, atol=0.05)
    np.testing.assert_allclose(p32.sum(axis=1), 1.0, atol=1e-5)


def test_old_bundle_metadata_without_precision_still_loads(bf16_run):
    from voxdesk.engine.model.bundle import read_metadata
    from voxdesk.engine.model.schema import check_metadata

    _, path, _, _, _ = bf16_run
    meta = read_metadata(path)
    meta["training"].pop("precision")
    meta["training"]["config"].pop("precision")
    assert check_metadata(meta, "old bundle")["training"]["config"]["model"] == "voxnet-bn"
    with pytest.raises(ModelError, match="precision"):
        check_metadata({**meta, "training": {**meta["training"], "precision": 16}}, "bad bundle")
