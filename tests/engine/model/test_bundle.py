"""Model bundles: round trip, atomic save, refusals (Lambda, version, corrupt, shape)."""
import json
import zipfile

import numpy as np
import pytest

from voxdesk.engine.errors import ModelError
from voxdesk.engine.model.bundle import BUNDLE_FORMAT_VERSION, Bundle, load_bundle, read_metadata, save_bundle
from voxdesk.engine.model.networks import build_model
from voxdesk.engine.model.preprocessing import make_spec, preprocess_volume

keras = pytest.importorskip("keras")


def _bundle(shape=(8, 8, 8), classes=("a", "b")):
    spec = make_spec(shape)
    model = build_model("voxnet-bn", spec.input_shape, len(classes))
    meta = {"class_names": list(classes), "input_shape": list(spec.input_shape),
            "preprocessing": spec.to_dict(), "metrics": {"accuracy": 0.5}}
    return Bundle(model=model, metadata=meta)


def _rewrite(path, member, data):
    with zipfile.ZipFile(path) as zf:
        items = {n: zf.read(n) for n in zf.namelist()}
    items[member] = data
    with zipfile.ZipFile(path, "w") as zf:
        for n, d in items.items():
            if d is not None:
                zf.writestr(n, d)


def test_round_trip_keeps_model_metadata_and_preprocessing(tmp_path):
    b = _bundle()
    path = save_bundle(b, tmp_path / "m.voxmodel")
    meta = read_metadata(path)
    assert meta["format_version"] == BUNDLE_FORMAT_VERSION and meta["class_names"] == ["a", "b"]
    assert "keras" in meta["libraries"] and meta["created"].endswith("+00:00")
    loaded = load_bundle(path)
    x = np.random.default_rng(0).random((3, 10, 10, 10))
    np.testing.assert_allclose(loaded.predict_proba(list(x)), b.predict_proba(list(x)), atol=1e-5)
    np.testing.assert_array_equal(loaded.preprocess([x[0]])[0], preprocess_volume(x[0], loaded.spec))
    assert loaded.input_shape == (8, 8, 8, 1) and loaded.metrics == {"accuracy": 0.5}
    assert not list(tmp_path.glob(".*"))  # no temporary leftovers


def test_failed_save_keeps_previous_bundle(tmp_path, monkeypatch):
    path = save_bundle(_bundle(classes=("old", "ones")), tmp_path / "m.voxmodel")
    before = path.read_bytes()
    b = _bundle(classes=("new", "ones"))
    real_write = zipfile.ZipFile.write

    def crash(self, *a, **k):
        real_write(self, *a, **k)
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(zipfile.ZipFile, "write", crash)
    with pytest.raises(ModelError, match="could not save"):
        save_bundle(b, path)
    assert path.read_bytes() == before
    assert read_metadata(path)["class_names"] == ["old", "ones"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.voxmodel"]


def test_lambda_layer_is_refused(tmp_path):
    inp = keras.Input((8, 8, 8, 1))
    x = keras.layers.Lambda(lambda t: t * 2)(inp)
    x = keras.layers.GlobalAveragePooling3D()(x)
    out = keras.layers.Dense(2, activation="softmax")(x)
    b = _bundle()
    b.model = keras.Model(inp, out)
    path = save_bundle(b, tmp_path / "lambda.voxmodel")
    with pytest.raises(ModelError, match="Lambda"):
        load_bundle(path)


def test_unknown_version_missing_and_corrupt_files(tmp_path):
    path = save_bundle(_bundle(), tmp_path / "m.voxmodel")
    meta = read_metadata(path)
    with pytest.raises(ModelError, match="does not exist"):
        load_bundle(tmp_path / "nope.voxmodel")
    (tmp_path / "junk.voxmodel").write_bytes(b"not a zip at all")
    with pytest.raises(ModelError, match="corrupt|not a VoxDesk"):
        load_bundle(tmp_path / "junk.voxmodel")
    truncated = tmp_path / "cut.voxmodel"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ModelError):
        load_bundle(truncated)
    _rewrite(path, "metadata.json", json.dumps({**meta, "format_version": 99}))
    with pytest.raises(ModelError, match="format version 99"):
        load_bundle(path)
    _rewrite(path, "metadata.json", None)
    with pytest.raises(ModelError, match="metadata.json is missing"):
        load_bundle(path)


def test_input_shape_mismatch_is_refused(tmp_path):
    path = save_bundle(_bundle(), tmp_path / "m.voxmodel")
    meta = read_metadata(path)
    other = make_spec((16, 16, 16))
    meta.update(input_shape=list(other.input_shape), preprocessing=other.to_dict())
    _rewrite(path, "metadata.json", json.dumps(meta))
    with pytest.raises(ModelError, match="inconsistent"):
        load_bundle(path)
