"""Model bundles: ONE file a user can move, holding the ``.keras`` model and its metadata.

Format (``BUNDLE_FORMAT_VERSION`` 1): a zip (stored, no compression) with
  * ``metadata.json`` - format version, class names, input shape, preprocessing spec,
    training config and seed, dataset fingerprint, metrics, history, library versions,
    creation time (UTC, ISO 8601);
  * ``model.keras``   - the Keras 3 native model file.

Why one file rather than a folder: ``os.replace`` of a file is atomic on POSIX and Windows, so
a save writes ``<name>.tmp-XXXX`` next to the target, fsyncs it and renames it over the old
bundle: a crash leaves either the old bundle or the new one, never a half-written one (a folder
cannot be swapped atomically over an existing folder). Any zip tool can still read the
metadata, and :func:`read_metadata` does so without importing TensorFlow (model cards, GUI).

Loading checks, in this order, each refusal a ``ModelError`` naming the bundle: the zip's member
table and declared sizes (``archive``: no zip bombs, streamed, bounded), every metadata field
(``schema``: types, ranges, distinct class names, spec consistent with ``input_shape``), the inner
``model.keras`` (a bounded Keras zip), ``keras.saving.load_model(..., safe_mode=True)`` (a Lambda
layer, i.e. arbitrary code, is refused), and the model against the metadata (``check_model``:
input shape, one softmax output per class name; raw scores are never shown as confidence).
``save_bundle`` runs the same schema and model checks before writing.
"""
from __future__ import annotations

import datetime as _dt
import json
import platform
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from voxdesk.engine.errors import ModelError
from voxdesk.engine.io.atomic import atomic_path, work_dir
from voxdesk.engine.io.formats import BUNDLE_SUFFIX
from voxdesk.engine.model.archive import MAX_METADATA, check_keras_file, extract_member, open_bundle, read_member
from voxdesk.engine.model.preprocessing import PreprocessSpec, PreprocessStats, preprocess_batch
from voxdesk.engine.model.schema import FORMAT, FORMAT_VERSION, check_metadata

BUNDLE_FORMAT_VERSION = FORMAT_VERSION
SUFFIX = BUNDLE_SUFFIX
METADATA = "metadata.json"
MODEL = "model.keras"


@dataclass
class Bundle:
    model: Any
    metadata: dict = field(default_factory=dict)
    path: Path | None = None

    @property
    def class_names(self) -> list[str]:
        return list(self.metadata["class_names"])

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.metadata["input_shape"])

    @property
    def spec(self) -> PreprocessSpec:
        return PreprocessSpec.from_dict(self.metadata["preprocessing"])

    @property
    def metrics(self) -> dict | None:
        return self.metadata.get("metrics")

    def preprocess(self, arrays, stats: PreprocessStats | None = None, spacings=None) -> np.ndarray:
        """Raw samples -> model input batch, exactly as in training (``spacings``: their voxel
        sizes in mm, for a model that resamples to a target spacing)."""
        return preprocess_batch(arrays, self.spec, stats, spacings)

    @property
    def temperature(self) -> float:
        """The calibration temperature fitted at training (1.0: none)."""
        from voxdesk.engine.model.calibration import temperature_of

        return temperature_of(self.metadata)

    def calibrated(self, probs) -> np.ndarray:
        """The model's probabilities (N, K) as the bundle reports them (temperature-scaled)."""
        from voxdesk.engine.model.calibration import apply_temperature

        return apply_temperature(probs, self.temperature)

    def predict_proba(self, arrays, batch_size: int = 32, spacings=None) -> np.ndarray:
        """Calibrated class probabilities (N, K) for raw samples (``spacings`` as in ``preprocess``)."""
        from voxdesk.engine.model.predict import predict_raw

        return self.calibrated(predict_raw(self.model, self.spec, list(arrays), batch_size=batch_size,
                                           spacings=spacings))


def library_versions() -> dict:
    import importlib.metadata as md

    out = {"python": platform.python_version()}
    for name in ("voxdesk", "keras", "tensorflow", "tensorflow-cpu", "numpy", "scipy", "scikit-learn"):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            pass
    return out


def bundle_from_result(result) -> Bundle:
    """A Bundle (not yet saved) from a ``training.TrainResult``."""
    cfg = result.config
    meta = {
        "class_names": list(result.class_names),
        "input_shape": list(result.spec.input_shape),
        "preprocessing": result.spec.to_dict(),
        "model_name": cfg.model,
        "training": {"config": cfg.to_dict(), "seed": cfg.seed, "best_epoch": result.best_epoch,
                     "epochs_run": result.epochs_run, "cancelled": result.cancelled,
                     "split_sizes": result.split_sizes, "timings": result.timings,
                     "warnings": result.warnings, "strategy": result.strategy,
                     "precision": getattr(result, "precision", "float32"),
                     "notes": list(getattr(result, "notes", [])),
                     "augment": getattr(result, "augment", None) or None},
        "dataset_fingerprint": result.dataset_fingerprint,
        "sample_digests": getattr(result, "sample_digests", {}) or None,
        "metrics": result.test_metrics,
        "history": result.history,
        "calibration": {k: v for k, v in (getattr(result, "calibration", {}) or {}).items() if k != "note"} or None,
    }
    from voxdesk.engine.model.consistency import STATS_KEY

    if getattr(result, "data_stats", None):
        meta[STATS_KEY] = result.data_stats
    return Bundle(model=result.model, metadata=meta)


def save_bundle(obj, path) -> Path:
    """Save a Bundle or TrainResult atomically to ``path`` (a file; ``.voxmodel`` suggested)."""
    bundle = obj if isinstance(obj, Bundle) else bundle_from_result(obj)
    path = Path(path)
    if path.is_dir():
        raise ModelError(f"{path} is a folder; give a file name for the bundle (e.g. model{SUFFIX})")
    meta = dict(bundle.metadata)
    meta.update({
        "format": FORMAT,
        "format_version": BUNDLE_FORMAT_VERSION,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "libraries": library_versions(),
    })
    text = json.dumps(meta, indent=2, default=_json_default)
    # The reader's checks, before a byte is written: VoxDesk never writes a bundle it would refuse.
    where = f"{path} (refusing to save)"
    if len(text.encode()) > MAX_METADATA:
        raise ModelError(f"model bundle {where}: its metadata would be {len(text.encode()):,} bytes "
                         f"(at most {MAX_METADATA:,})")
    meta = check_metadata(json.loads(text), where)
    check_model(bundle.model, meta, where)
    path.parent.mkdir(parents=True, exist_ok=True)
    work = work_dir(path.parent, path.name)  # named by host and PID: a killed save's is cleaned next time
    try:
        bundle.model.save(work / MODEL)
        with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr(METADATA, text)
            zf.write(work / MODEL, MODEL)
    except OSError as exc:
        raise ModelError(f"could not save the model bundle to {path}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    bundle.metadata = meta
    bundle.path = path
    return path


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (set, tuple)):
        return list(o)
    return str(o)


def read_metadata(path) -> dict:
    """The bundle's metadata without loading the model (no TensorFlow import), checked against
    ``schema.SCHEMA``; the zip's members are bounded before reading (``archive``)."""
    path = Path(path)
    zf, members = open_bundle(path)
    with zf:
        for member in (METADATA, MODEL):
            if member not in members:
                raise ModelError(f"model bundle {path} is incomplete: {member} is missing")
        data = read_member(zf, members[METADATA], f"model bundle {path}", MAX_METADATA)
    try:
        meta = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"model bundle {path} has corrupt metadata ({exc})") from None
    except RecursionError:
        raise ModelError(f"model bundle {path} has corrupt metadata (nested too deeply)") from None
    return check_metadata(meta, str(path))


def _softmax_problem(model) -> str | None:
    """Why ``model``'s output is not a probability per class (None when it ends in a softmax)."""
    outputs = getattr(model, "outputs", None) or []
    if len(outputs) != 1:
        return f"it has {len(outputs)} outputs (VoxDesk needs one: the class probabilities)"
    history = getattr(outputs[0], "_keras_history", None)
    layer = history[0] if history else (model.layers[-1] if model.layers else None)
    while layer is not None and hasattr(layer, "layers") and getattr(layer, "outputs", None):
        inner = layer.outputs[0]._keras_history[0] if hasattr(layer.outputs[0], "_keras_history") else None
        if inner is None or inner is layer:
            break
        layer = inner  # a nested model: its own output layer decides
    if layer is None:
        return "it has no layers"
    if type(layer).__name__ == "Softmax":
        return None
    try:
        activation = layer.get_config().get("activation")
    except Exception:  # a layer without a config has no activation to read
        activation = None
    if isinstance(activation, dict):
        activation = activation.get("config", {}).get("name") or activation.get("class_name")
    if activation == "softmax":
        return None
    return (f"its last layer {layer.name!r} has activation {activation or 'none'!r}, not softmax: its outputs "
            "are raw scores, not probabilities summing to 1 over the classes, and VoxDesk will not show them "
            "as confidence")


def check_model(model, meta: dict, where: str) -> None:
    """Refuse a model that does not match its metadata: input shape, one softmax output per class."""
    inputs = getattr(model, "inputs", None) or [None]
    if len(inputs) != 1:
        raise ModelError(f"model bundle {where} is refused: the model has {len(inputs)} inputs "
                         "(VoxDesk feeds it one scan)")
    actual = [int(v) if v is not None else None for v in model.input_shape[1:]]
    if actual != list(meta["input_shape"]):
        raise ModelError(f"model bundle {where} is inconsistent: the model takes input {tuple(actual)} but "
                         f"its metadata says input_shape {tuple(meta['input_shape'])}")
    problem = _softmax_problem(model)
    if problem:
        raise ModelError(f"model bundle {where} is refused: {problem}")
    shape = tuple(model.output_shape)
    if len(shape) != 2 or shape[-1] != len(meta["class_names"]):
        raise ModelError(f"model bundle {where} is inconsistent: the model has output shape {shape[1:]} "
                         f"for {len(meta['class_names'])} class_names")


def load_bundle(path) -> Bundle:
    """Load a bundle: metadata schema, bounded zip, Keras safe_mode, model/metadata consistency."""
    path = Path(path)
    meta = read_metadata(path)
    import keras

    from voxdesk.engine.model.networks import custom_layers

    custom_layers()  # registered before the model is read
    where = f"model bundle {path}"
    work = Path(tempfile.mkdtemp(prefix="voxdesk-bundle-"))
    try:
        zf, members = open_bundle(path)
        with zf:
            model_file = extract_member(zf, members[MODEL], work / MODEL, where)
        check_keras_file(model_file, where)
        try:
            model = keras.saving.load_model(model_file, safe_mode=True, compile=False)
        except Exception as exc:  # keras raises ValueError/TypeError/OSError variants
            text = " ".join(str(exc).split())  # one line: the CLI prints it as is
            if "safe_mode" in text or "Lambda" in text or "lambda" in text:
                raise ModelError(
                    f"model bundle {path} contains a Lambda layer (arbitrary Python code); "
                    "VoxDesk refuses to load it (Keras safe_mode)"
                ) from None
            raise ModelError(f"model bundle {path}: the model could not be loaded ({text[:200]})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    check_model(model, meta, str(path))
    return Bundle(model=model, metadata=meta, path=path)
