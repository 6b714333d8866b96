"""A tampered bundle is refused with a message naming the bundle and the field (issue 16, defects
3, 5 and 10): the metadata schema, the bounded zip, the inner model.keras, softmax outputs."""
import json
import math
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest
from fixtures.bundles import full_metadata, mutations, nested

from voxdesk.engine.errors import DatasetError, ModelError
from voxdesk.engine.model.bundle import Bundle, load_bundle, read_metadata, save_bundle
from voxdesk.engine.model.networks import build_model
from voxdesk.engine.model.preprocessing import make_spec, preprocess_batch

keras = pytest.importorskip("keras")


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """(bundle path, its metadata, its model.keras bytes): one real 8^3 bundle for the module."""
    spec = make_spec((8, 8, 8))
    meta = {"class_names": ["a", "b"], "input_shape": list(spec.input_shape), "preprocessing": spec.to_dict(),
            "metrics": {"accuracy": 0.5}, "calibration": {"temperature": 1.3, "fitted_on": "validation split"}}
    path = save_bundle(Bundle(build_model("voxnet-bn", spec.input_shape, 2), meta),
                       tmp_path_factory.mktemp("good") / "good.voxmodel")
    with zipfile.ZipFile(path) as zf:
        return path, read_metadata(path), zf.read("model.keras")


def write_zip(path, members, compression=zipfile.ZIP_STORED):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are written on purpose
        with zipfile.ZipFile(path, "w", compression=compression) as zf:
            for name, data in members:
                zf.writestr(name, data)
    return path


def tampered(saved, tmp_path, change) -> str:
    _, meta, model = saved
    meta = json.loads(json.dumps(meta))
    change(meta)
    return write_zip(tmp_path / "tampered.voxmodel", [("metadata.json", json.dumps(meta)), ("model.keras", model)])


def setp(*keys, value):
    def change(meta):
        d = meta
        for k in keys[:-1]:
            d = d[k]
        d[keys[-1]] = value
    return change


CASES = [
    ("input_shape[0]", setp("input_shape", value=["8", 8, 8, 1]), "got '8' (a string)"),
    ("preprocessing.spatial_shape[0]", setp("preprocessing", "spatial_shape", value=["8", 8, 8]), "integer"),
    ("preprocessing.resample_order", setp("preprocessing", "resample_order", value=7), "from 0 to 5"),
    ("class_names", setp("class_names", value="ab"), "must be a list"),
    ("class_names[1]", setp("class_names", value=["a", "a"]), "distinct"),
    ("class_names[1]", setp("class_names", value=["a", "  "]), "non-empty"),
    ("class_names", setp("class_names", value=["a"]), "2 to 1000 items"),
    ("calibration.temperature", setp("calibration", "temperature", value=0), "> 0.0"),
    ("calibration.temperature", setp("calibration", "temperature", value=math.nan), "finite"),
    ("preprocessing.normalization", setp("preprocessing", "normalization", value="magic"), "one of"),
    ("preprocessing.percentiles", setp("preprocessing", "percentiles", value=[99.0, 1.0]), "low < high"),
    ("preprocessing.window_width", setp("preprocessing", "window_width", value=-5), "> 0.0"),
    ("input_shape[3]", setp("input_shape", value=[8, 8, 8, 0]), "from 1 to"),
    ("preprocessing.spatial_shape", setp("input_shape", value=[16, 16, 16, 1]), "disagrees with input_shape"),
    ("metrics.accuracy", setp("metrics", "accuracy", value="high"), "finite number"),
    ("training", setp("training", value="fast"), "must be an object"),
    ("sample_digests.train[0]", setp("sample_digests", value={"train": [7], "val": []}), "string"),
    ("history.loss[…]", setp("history", value={"loss": nested(40)}), "nested more than 32 levels"),
    ("preprocessing", lambda m: m.pop("preprocessing"), "is missing"),
]


@pytest.mark.parametrize("field,change,words", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_tampered_metadata_names_the_bundle_and_the_field(saved, tmp_path, field, change, words):
    path = tampered(saved, tmp_path, change)
    with pytest.raises(ModelError) as err:
        load_bundle(path)
    text = str(err.value)
    assert f"model bundle {path}: metadata field {field} " in text and words in text, text
    assert "\n" not in text


def test_more_class_names_than_model_outputs_is_refused(saved, tmp_path):
    path = tampered(saved, tmp_path, setp("class_names", value=["a", "b", "c"]))
    assert read_metadata(path)["class_names"] == ["a", "b", "c"]  # the metadata alone is valid
    with pytest.raises(ModelError, match=r"inconsistent: the model has output shape \(2,\) for 3 class_names"):
        load_bundle(path)


def test_a_model_without_softmax_is_refused_on_save_and_on_load(saved, tmp_path):
    _, meta, _ = saved
    inp = keras.Input((8, 8, 8, 1))
    raw = keras.Model(inp, keras.layers.Dense(2, name="scores")(keras.layers.GlobalAveragePooling3D()(inp)))
    with pytest.raises(ModelError, match="'scores' has activation 'linear', not softmax") as err:
        save_bundle(Bundle(raw, dict(meta)), tmp_path / "raw.voxmodel")
    assert "raw scores" in str(err.value) and not (tmp_path / "raw.voxmodel").exists()
    raw.save(tmp_path / "raw.keras")  # a bundle made by hand, past save_bundle's check
    path = write_zip(tmp_path / "raw.voxmodel", [("metadata.json", json.dumps(meta)),
                                                 ("model.keras", (tmp_path / "raw.keras").read_bytes())])
    with pytest.raises(ModelError, match="not softmax"):
        load_bundle(path)
    # ... whereas a separate Softmax layer at the end is fine
    probs = keras.layers.Softmax()(raw.output)
    ok = save_bundle(Bundle(keras.Model(inp, probs), dict(meta)), tmp_path / "ok.voxmodel")
    assert load_bundle(ok).class_names == ["a", "b"]


def test_save_refuses_metadata_that_load_would_refuse(saved, tmp_path):
    _, meta, _ = saved
    model = load_bundle(saved[0]).model
    with pytest.raises(ModelError, match=r"refusing to save.*class_names\[1\] repeats 'a'"):
        save_bundle(Bundle(model, dict(meta, class_names=["a", "a"])), tmp_path / "dup.voxmodel")
    assert not list(tmp_path.iterdir())


def test_an_invalid_model_keras_member_is_not_file_not_found(saved, tmp_path):
    _, meta, _ = saved
    path = write_zip(tmp_path / "m.voxmodel", [("metadata.json", json.dumps(meta)), ("model.keras", b"not a zip")])
    with pytest.raises(ModelError) as err:
        load_bundle(path)
    assert "model.keras is not a Keras model file" in str(err.value) and "not found" not in str(err.value)
    inner = tmp_path / "inner.zip"
    write_zip(inner, [("weights.bin", b"0" * 10)])
    path = write_zip(tmp_path / "n.voxmodel", [("metadata.json", json.dumps(meta)),
                                               ("model.keras", inner.read_bytes())])
    with pytest.raises(ModelError, match="no config.json inside"):
        load_bundle(path)
    write_zip(inner, [("config.json", b" " * (5 << 20)), ("model.weights.h5", b"")])  # a 5 MiB architecture
    path = write_zip(tmp_path / "c.voxmodel", [("metadata.json", json.dumps(meta)),
                                               ("model.keras", inner.read_bytes())])
    with pytest.raises(ModelError, match=r"model.keras: member 'config.json' declares 5,242,880 bytes \(at most 4,1"):
        load_bundle(path)


def test_a_zip_bomb_metadata_is_refused_before_it_is_inflated(saved, tmp_path):
    _, meta, model = saved
    path = tmp_path / "bomb.voxmodel"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("metadata.json", "w", force_zip64=True) as out:  # 256 MiB of blanks, ~250 KB on disk
            out.write(json.dumps(meta)[:-1].encode())
            for _ in range(256):
                out.write(b" " * (1 << 20))
            out.write(b"}")
        zf.writestr("model.keras", model)
    assert path.stat().st_size < 2 << 20
    tracemalloc.start()
    try:
        with pytest.raises(ModelError, match=r"member 'metadata.json' declares 268,4\d\d,\d\d\d bytes"):
            read_metadata(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20  # nothing near the 256 MiB was inflated


def test_a_highly_compressed_model_member_is_refused(saved, tmp_path):
    _, meta, _ = saved
    members = [("metadata.json", json.dumps(meta)), ("model.keras", b"\0" * (20 << 20))]
    path = write_zip(tmp_path / "m.voxmodel", members, compression=zipfile.ZIP_DEFLATED)
    with pytest.raises(ModelError, match=r"'model.keras' would inflate .* \(more than 100x: a zip bomb\?\)"):
        load_bundle(path)


def test_member_tables_that_were_tampered_with(saved, tmp_path):
    _, meta, model = saved
    many = [("metadata.json", json.dumps(meta)), ("model.keras", model)] + [(f"x{i}", b"") for i in range(100)]
    with pytest.raises(ModelError, match="holds 102 members"):
        read_metadata(write_zip(tmp_path / "many.voxmodel", many))
    twice = [("metadata.json", json.dumps(meta)), ("metadata.json", json.dumps(meta)), ("model.keras", model)]
    with pytest.raises(ModelError, match="two members named 'metadata.json'"):
        read_metadata(write_zip(tmp_path / "twice.voxmodel", twice))
    big = [("metadata.json", json.dumps(dict(meta, notes="x" * (9 << 20)))), ("model.keras", model)]
    with pytest.raises(ModelError, match=r"member 'metadata.json' declares 9,4\d\d,\d\d\d bytes \(at most 8,388,608\)"):
        read_metadata(write_zip(tmp_path / "big.voxmodel", big))


def test_a_2d_model_on_3d_data_says_so_not_channels():
    spec = make_spec((16, 16), (16, 16))
    with pytest.raises(DatasetError) as err:
        preprocess_batch([np.zeros((16, 16, 16), np.float32)], spec)
    text = str(err.value)
    assert "expects 2D images of 16x16 with 1 channel(s) (input shape (16, 16, 1))" in text
    assert "(16, 16, 16) is 3D" in text and "16 channels" not in text
    with pytest.raises(DatasetError, match="expects 3D volumes of 8x8x8 .* is 2D"):
        preprocess_batch([np.zeros((8, 8), np.float32)], make_spec((8, 8, 8)))
    rgb = make_spec((32, 32, 3))
    with pytest.raises(DatasetError, match=r"expects 2D images of 32x32 with 3 channel\(s\).* has 4 channels"):
        preprocess_batch([np.zeros((32, 32, 4), np.float32)], rgb)



def test_whatever_the_schema_accepts_the_engine_can_use(saved):
    """1000 seeded mutations of a full bundle's metadata (one to three fields replaced or dropped):
    either a ModelError naming the bundle, or metadata every engine consumer reads without an
    internal error (the preprocessing spec, calibration, the consistency checks)."""
    from voxdesk.engine.model.calibration import refer_below, temperature_of
    from voxdesk.engine.model.consistency import check_volume
    from voxdesk.engine.model.preprocessing import PreprocessSpec
    from voxdesk.engine.model.schema import check_metadata
    from voxdesk.engine.volume import Volume

    vols = [Volume(np.random.default_rng(0).random((10, 9, 8)).astype(np.float32)), Volume(np.zeros((8, 8, 8)))]
    refused = 0
    for meta in mutations(full_metadata(saved[1]), 1000, seed=16):
        try:
            check_metadata(meta, "b.voxmodel")
        except ModelError as exc:
            assert str(exc).startswith(("model bundle b.voxmodel", "b.voxmodel is not a VoxDesk")), str(exc)
            refused += 1
            continue
        spec = PreprocessSpec.from_dict(meta["preprocessing"])
        assert spec.input_shape == tuple(meta["input_shape"])
        refer = refer_below(meta)
        assert temperature_of(meta) > 0 and (refer is None or 0 <= refer <= 1.01)
        assert all(isinstance(check_volume(v, meta), list) for v in vols)
    assert 300 < refused < 1000  # both outcomes were exercised


@pytest.mark.parametrize("member", ["metadata.json", "model.keras"])
def test_a_flipped_byte_is_caught_by_the_crc_while_streaming(saved, tmp_path, member):
    path, _, _ = saved
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)  # the stored bytes
    if member == "metadata.json":  # a digit becomes another digit: still valid JSON, still valid metadata
        data[data.index(b'"window_level": 40.0', start) + len(b'"window_level": ')] = ord("5")
    else:
        data[start + info.compress_size // 2] ^= 0x01
    damaged = tmp_path / "damaged.voxmodel"
    damaged.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=f"is corrupt \\(damaged member {member}: Bad CRC-32"):
        load_bundle(damaged)


def test_byte_mutations_of_a_bundle_give_only_model_errors(saved, tmp_path):
    """400 seeded byte mutations of a small bundle (zip headers, central directory, metadata):
    reading its metadata gives the metadata or a ModelError, nothing else."""
    from fixtures.bundles import byte_mutations

    _, meta, _ = saved
    small = write_zip(tmp_path / "small.voxmodel", [("metadata.json", json.dumps(meta)), ("model.keras", b"k" * 64)])
    outcomes = {"read": 0, "refused": 0}
    path = tmp_path / "m.voxmodel"
    for data in byte_mutations(small.read_bytes(), 400, seed=5):
        path.write_bytes(data)
        try:
            got = read_metadata(path)
        except ModelError as exc:
            assert str(path) in str(exc) and "\n" not in str(exc), str(exc)
            outcomes["refused"] += 1
        else:
            assert got["class_names"] and got["format"] == "voxdesk-model-bundle"
            outcomes["read"] += 1
    assert outcomes["refused"] > 200 and outcomes["read"] > 10, outcomes


def test_class_names_a_bundle_cannot_hold_are_refused_before_training():
    from voxdesk.engine.datasets import from_arrays
    from voxdesk.engine.training.config import TrainConfig
    from voxdesk.engine.training.train import train

    data = from_arrays(np.zeros((8, 6, 6, 6), np.float32), [0, 1] * 4, class_names=["ok", "bad\tname"],
                       source="labels.csv")
    with pytest.raises(ModelError, match=r"labels.csv: the class names cannot be stored.*control characters"):
        train(TrainConfig(epochs=1), data)
