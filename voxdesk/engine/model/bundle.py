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

Loading uses ``keras.saving.load_model(..., safe_mode=True)``: a Lambda layer (arbitrary
code), an unknown format version, a missing or corrupt member, or a model whose input shape
differs from the metadata is refused with a ``ModelError``.
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
from voxdesk.engine.io.atomic import atomic_path
from voxdesk.engine.io.formats import BUNDLE_SUFFIX
from voxdesk.engine.model.preprocessing import PreprocessSpec, PreprocessStats, preprocess_batch

BUNDLE_FORMAT_VERSION = 1
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

    def preprocess(self, arrays, stats: PreprocessStats | None = None) -> np.ndarray:
        """Raw samples -> model input batch, exactly as in training."""
        return preprocess_batch(arrays, self.spec, stats)

    @property
    def temperature(self) -> float:
        """The calibration temperature fitted at training (1.0: none)."""
        from voxdesk.engine.model.calibration import temperature_of

        return temperature_of(self.metadata)

    def calibrated(self, probs) -> np.ndarray:
        """The model's probabilities (N, K) as the bundle reports them (temperature-scaled)."""
        from voxdesk.engine.model.calibration import apply_temperature

        return apply_temperature(probs, self.temperature)

    def predict_proba(self, arrays, batch_size: int = 32) -> np.ndarray:
        """Calibrated class probabilities (N, K) for raw samples."""
        from voxdesk.engine.model.predict import predict_raw

        return self.calibrated(predict_raw(self.model, self.spec, list(arrays), batch_size=batch_size))


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
                     "notes": list(getattr(result, "notes", []))},
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
    actual = [int(v) for v in bundle.model.input_shape[1:]]
    if actual != [int(v) for v in bundle.metadata["input_shape"]]:
        raise ModelError(f"refusing to save: the model takes {tuple(actual)} but the metadata says "
                         f"{tuple(bundle.metadata['input_shape'])}")
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = dict(bundle.metadata)
    meta.update({
        "format": "voxdesk-model-bundle",
        "format_version": BUNDLE_FORMAT_VERSION,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "libraries": library_versions(),
    })
    work = Path(tempfile.mkdtemp(prefix=".voxmodel-", dir=path.parent))
    try:
        bundle.model.save(work / MODEL)
        with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr(METADATA, json.dumps(meta, indent=2, default=_json_default))
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


def _open(path) -> zipfile.ZipFile:
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"model bundle {path} does not exist or is not a file")
    try:
        zf = zipfile.ZipFile(path)
        bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ModelError(f"{path} is not a VoxDesk model bundle or is corrupt ({exc})") from None
    if bad is not None:
        raise ModelError(f"model bundle {path} is corrupt (damaged member {bad})")
    return zf


def read_metadata(path) -> dict:
    """The bundle's metadata without loading the model (no TensorFlow import)."""
    with _open(path) as zf:
        names = set(zf.namelist())
        for member in (METADATA, MODEL):
            if member not in names:
                raise ModelError(f"model bundle {path} is incomplete: {member} is missing")
        try:
            meta = json.loads(zf.read(METADATA))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ModelError(f"model bundle {path} has corrupt metadata ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != "voxdesk-model-bundle":
        raise ModelError(f"{path} is not a VoxDesk model bundle")
    version = meta.get("format_version")
    if version != BUNDLE_FORMAT_VERSION:
        raise ModelError(
            f"model bundle {path} has format version {version!r}; this VoxDesk reads version "
            f"{BUNDLE_FORMAT_VERSION} (a newer VoxDesk may be needed)"
        )
    for key in ("class_names", "input_shape", "preprocessing"):
        if key not in meta:
            raise ModelError(f"model bundle {path} metadata lacks {key!r}")
    return meta


def load_bundle(path) -> Bundle:
    """Load a bundle: metadata checks, Keras safe_mode, input-shape consistency."""
    meta = read_metadata(path)
    spec = PreprocessSpec.from_dict(meta["preprocessing"])
    import keras

    from voxdesk.engine.model.networks import custom_layers

    custom_layers()  # registered before the model is read
    work = Path(tempfile.mkdtemp(prefix="voxdesk-bundle-"))
    try:
        with _open(path) as zf:
            zf.extract(MODEL, work)
        try:
            model = keras.saving.load_model(work / MODEL, safe_mode=True, compile=False)
        except Exception as exc:  # keras raises ValueError/TypeError/OSError variants
            text = str(exc)
            if "safe_mode" in text or "Lambda" in text or "lambda" in text:
                raise ModelError(
                    f"model bundle {path} contains a Lambda layer (arbitrary Python code); "
                    "VoxDesk refuses to load it (Keras safe_mode)"
                ) from None
            raise ModelError(f"model bundle {path}: the model could not be loaded ({text[:200]})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    actual = [int(v) for v in model.input_shape[1:]]
    if actual != [int(v) for v in meta["input_shape"]] or actual != list(spec.input_shape):
        raise ModelError(
            f"model bundle {path} is inconsistent: the model takes input {tuple(actual)} but its "
            f"metadata says {tuple(meta['input_shape'])}"
        )
    n_out = int(model.output_shape[-1])
    if n_out != len(meta["class_names"]):
        raise ModelError(f"model bundle {path} is inconsistent: {n_out} outputs for "
                         f"{len(meta['class_names'])} class names")
    return Bundle(model=model, metadata=meta, path=Path(path))
