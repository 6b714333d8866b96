"""Classify volumes with a model bundle: ``classify`` one, ``iter_classify``/``classify_many`` many.

Preprocessing is the bundle's own (``preprocessing.preprocess_volume`` with the bundle's
``PreprocessSpec``), the very function training used, so a volume is prepared identically.

Speed: the model is called through a cached ``tf.function`` (traced once per bundle for any
batch size), not ``model.predict`` (which builds a data pipeline per call and is slow for one
sample). Many volumes are read one by one, preprocessed one by one (so one bad file only
spoils its own row) and sent to the model in batches of ``batch_size``; on a machine with more
than ``SERIAL_MAX_CORES`` cores the next batch is read on reader threads while the model
predicts the current one (``readahead.ordered_map``; ``benchmarks/bench_batch_inference.py``).

Each ``Prediction`` carries warnings a clinician should see next to it: the reader's (NaN
voxels, oblique scan, several volumes in the file), preprocessing's (NaN/Inf replaced) and the
input-consistency checks of :mod:`voxdesk.engine.model.consistency` (shape, spacing, orientation,
intensity range against the training data). TensorFlow is imported only when a model runs.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np

from voxdesk.engine.errors import ModelError, VoxdeskError
from voxdesk.engine.inference.items import VolumeRef, expand_paths
from voxdesk.engine.progress import Cancelled, CancelToken, ProgressFn, no_progress
from voxdesk.engine.volume import Volume

SERIAL_MAX_CORES = 2
"""Batch classification reads serially on machines with this many cores or fewer: on this
project's 2-core machine, reading the next batch on reader threads while the model predicts was
7-15% slower than reading serially (``bench_batch_inference.py``, idle machine: 64^3 98 vs 106,
128^3 11.9 vs 14.0 volumes/s): the model already keeps both cores busy."""

__all__ = ["Prediction", "Row", "Prepared", "classify", "iter_classify", "classify_many", "prepare", "model_id",
           "file_sha256"]


@dataclass
class Prediction:
    class_name: str
    class_index: int
    confidence: float
    """Probability of the predicted class."""
    probabilities: dict[str, float]
    """Every class's probability, in the bundle's class order."""
    warnings: list[str] = field(default_factory=list)
    model_id: str = ""
    source: str = ""
    refer: bool = False
    """The confidence is below the bundle's referral threshold (chosen on validation for its
    target accuracy): a human should read this case."""
    uncertainty: float | None = None
    """How much the predicted class's probability varies across the passes of
    ``uncertainty_method`` (standard deviation: "confidence 0.91 +- 0.04"); None for a single pass."""
    uncertainty_method: str = "none"
    """``model.uncertainty.METHODS``: "none" (a single pass), "tta" or "mc"."""


@dataclass
class Row:
    """One item of a batch run: a prediction, or the error that prevented one."""

    source: str
    """What was classified: a path, ``file.h5:/X[3]``, ``X_test[12]``..."""
    prediction: Prediction | None = None
    error: str | None = None
    sha256: str | None = None
    """sha256 of the file (paths only, when requested)."""
    label: str | None = None
    """The true label when the item has one (a labelled dataset's split)."""
    index: int = 0
    """Position of the item in the input."""
    timestamp: str = ""
    """When the row was produced, ISO 8601 UTC."""
    ref: Any = None
    """The item itself (a path or ``VolumeRef``), so a GUI can open the case again."""

    @property
    def ok(self) -> bool:
        return self.prediction is not None


# ----------------------------------------------------------------------------- bundle helpers
@dataclass
class Prepared:
    x: np.ndarray
    """Model input (no batch axis), preprocessed exactly as in training."""
    warnings: list[str]
    class_names: list[str]


class _Runner:
    """Per-bundle cache: spec, class names, model id and the traced predict function."""

    def __init__(self, bundle) -> None:
        self.spec = bundle.spec
        self.class_names = list(bundle.class_names)
        self.metadata = dict(bundle.metadata)
        self.model_id = model_id(bundle)
        self._model = bundle.model
        self._path = getattr(bundle, "path", None)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Calibrated probabilities (the bundle's temperature applied)."""
        from voxdesk.engine.model.calibration import apply_temperature, temperature_of
        from voxdesk.engine.model.predict import predictor

        return apply_temperature(predictor(self._model)(x), temperature_of(self.metadata))

    def uncertainty(self, x: np.ndarray, probs: np.ndarray, method: str) -> np.ndarray | None:
        """Per case the spread of the shown class's probability across ``method``'s passes."""
        if method == "none":
            return None
        from voxdesk.engine.model.calibration import temperature_of
        from voxdesk.engine.model.uncertainty import sample, summarise

        passes = sample(self._model, x, method, self.metadata)
        return summarise(passes, temperature_of(self.metadata), probs.argmax(axis=1))[1]


_RUNNERS: dict[int, tuple] = {}
_RUNNERS_LOCK = threading.Lock()


def _runner(bundle) -> _Runner:
    key = id(bundle)
    with _RUNNERS_LOCK:
        hit = _RUNNERS.get(key)
        if hit is not None and hit[0]() is bundle and hit[1]._model is bundle.model \
                and hit[1]._path == getattr(bundle, "path", None):
            return hit[1]
        runner = _Runner(bundle)
        _RUNNERS[key] = (weakref.ref(bundle, lambda _r, k=key: _RUNNERS.pop(k, None)), runner)
        return runner


def file_sha256(path) -> str:
    """Hex sha256 of what ``path`` reads (a file's bytes; a DICOM series' files)."""
    from voxdesk.engine.io import content_sha256

    return content_sha256(path)


def model_id(bundle) -> str:
    """A short stable id: sha256 of the bundle file (or of its metadata when never saved)."""
    path = getattr(bundle, "path", None)
    if path is not None and Path(path).is_file():
        digest = file_sha256(path)
    else:
        digest = hashlib.sha256(json.dumps(bundle.metadata, sort_keys=True, default=str).encode()).hexdigest()
    name = bundle.metadata.get("model_name", "model")
    return f"{name}-{digest[:12]}"


def _check_rank(volume, spec) -> None:
    shape = tuple(volume.data.shape)
    if spec.spatial_rank == 3 and len(shape) != 3 + bool(spec.source_has_channels):
        raise ModelError(f"the model classifies 3D volumes; this input has shape {shape}")
    if spec.spatial_rank == 2:
        ok = len(shape) == 2 or (len(shape) == 3 and shape[-1] in (1, spec.channels))
        if not ok:
            raise ModelError(
                f"the model classifies 2D images of {'x'.join(map(str, spec.spatial_shape))} with "
                f"{spec.channels} channel(s); this input is {'x'.join(map(str, shape))}"
            )


def _prepare(runner: _Runner, volume) -> Prepared:
    from voxdesk.engine.model.consistency import check_volume
    from voxdesk.engine.model.preprocessing import PreprocessStats, preprocess_volume

    _check_rank(volume, runner.spec)
    stats = PreprocessStats()
    x = preprocess_volume(volume.data, runner.spec, stats, spacing_of(volume))
    warnings = list(getattr(volume, "warnings", []))
    warnings += [w for w in stats.warnings() if w not in warnings]
    if isinstance(volume, Volume):
        warnings += check_volume(volume, runner.metadata)
    return Prepared(x=x, warnings=warnings, class_names=runner.class_names)


def spacing_of(volume) -> tuple | None:
    """The volume's voxel size (mm) when its file gave one, else None (preprocessing then treats
    it as 1 mm and warns, for a model that resamples to a target spacing)."""
    return tuple(volume.spacing) if getattr(volume, "spacing_known", False) else None


def prepare(bundle, volume: Volume) -> Prepared:
    """The model input for ``volume`` (training's preprocessing) and its warnings."""
    return _prepare(_runner(bundle), volume)


def _prediction(runner: _Runner, probs: np.ndarray, warnings, source: str, spread=None,
                method: str = "none") -> Prediction:
    from voxdesk.engine.model.calibration import refer_below

    idx = int(np.argmax(probs))
    threshold = refer_below(runner.metadata)
    return Prediction(
        class_name=runner.class_names[idx], class_index=idx, confidence=float(probs[idx]),
        probabilities={n: float(p) for n, p in zip(runner.class_names, probs)},
        warnings=list(warnings), model_id=runner.model_id, source=source,
        refer=threshold is not None and float(probs[idx]) < threshold,
        uncertainty=None if spread is None else float(spread), uncertainty_method=method,
    )


def classify(bundle, volume: Volume, *, uncertainty: str | None = None) -> Prediction:
    """Classify one volume. Raises ``ModelError`` when it cannot fit the model at all.

    ``uncertainty``: ``model.uncertainty.METHODS`` (None: its ``DEFAULT_METHOD``); the class,
    confidence and referral are the single pass's either way, the method adds the spread."""
    from voxdesk.engine.model.uncertainty import check_method

    method = check_method(uncertainty)
    runner = _runner(bundle)
    prepared = _prepare(runner, volume)
    probs = runner.predict(prepared.x[None])
    spread = runner.uncertainty(prepared.x[None], probs, method)
    return _prediction(runner, probs[0], prepared.warnings, getattr(volume, "source", ""),
                       None if spread is None else spread[0], method)


# ----------------------------------------------------------------------------- many volumes
def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _open_item(item):
    from voxdesk.engine.io import split_address
    from voxdesk.engine.io.common import refuse_special

    if isinstance(item, Volume):
        return item
    if isinstance(item, (str, os.PathLike)):
        refuse_special(split_address(os.fspath(item))[0])  # before anything opens a pipe
        return VolumeRef(os.fspath(item)).open()
    return item.open()


def _try_sha256(path: str) -> str | None:
    from voxdesk.engine.io import split_address

    file = split_address(path)[0]
    if not (os.path.isfile(file) or os.path.isdir(file)):
        return None  # a pipe or a device would block or never end; its row says what it is
    try:
        return file_sha256(path)
    except (VoxdeskError, OSError):
        return None  # opening it reports the problem in its row


def _hashed_of(item) -> str | None:
    """What a row's sha256 covers: the file (a stack's samples share it), or the DICOM series."""
    if isinstance(item, (str, os.PathLike)):
        from voxdesk.engine.io import split_address

        file, _inner = split_address(item)
        return os.fspath(item) if os.path.isdir(file) else file
    if isinstance(item, VolumeRef):
        return item.path
    return None


def _read_row(runner: _Runner, item, index: int, hash_files: bool, hashes: dict) -> tuple[Row, Prepared | None]:
    """One item read, checked and preprocessed (on a reader thread): its row, and its model
    input unless reading failed (then ``row.error`` says why, on one line)."""
    source = item.source if isinstance(item, Volume) else str(item)
    row = Row(source=source, index=index, label=getattr(item, "label", None), ref=item)
    try:
        file = _hashed_of(item)
        if hash_files and file is not None:
            if file not in hashes:  # two readers may both hash one stack's file: same answer
                hashes[file] = _try_sha256(file)
            row.sha256 = hashes[file]
        return row, _prepare(runner, _open_item(item))
    except VoxdeskError as exc:
        row.error = str(exc)
    except Exception as exc:  # one bad file is its row, never the end of the batch
        row.error = f"{source}: could not be read ({type(exc).__name__}: {exc})"
    return row, None


def iter_classify(
    bundle,
    items: Iterable,
    *,
    batch_size: int = 16,
    hash_files: bool = True,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    uncertainty: str | None = None,
    read_ahead: int | None = None,
) -> Iterator[Row]:
    """Classify many items, yielding one :class:`Row` per item, in input order.

    Items: paths (files; expand folders first with :func:`expand_paths`), ``VolumeRef``,
    ``Volume`` objects or :func:`dataset_items`. An unreadable or unusable item yields a row
    with ``error`` set; the others go on. Raises ``Cancelled`` between batches once ``cancel``
    is set (rows already yielded stay valid). ``uncertainty`` as in :func:`classify`.

    Reading overlaps prediction: up to ``read_ahead`` items are read and preprocessed on reader
    threads (``readahead.ordered_map``) while the model predicts the current batch; 0 reads
    serially. Default (None): ``batch_size`` (the next batch) on a machine with more than
    ``SERIAL_MAX_CORES`` cores, else serial. Memory: at most ``batch_size + read_ahead`` model
    inputs at once.
    """
    from voxdesk.engine.model.uncertainty import check_method
    from voxdesk.engine.readahead import ordered_map

    method = check_method(uncertainty)
    runner = _runner(bundle)
    items = list(items)
    total = max(len(items), 1)
    size = max(1, batch_size)
    if read_ahead is None:
        read_ahead = size if (os.cpu_count() or 1) > SERIAL_MAX_CORES else 0
    ahead = max(0, int(read_ahead))
    hashes: dict[str, str | None] = {}  # samples of one stack share their file's hash
    reads = ordered_map(lambda job: _read_row(runner, job[1], job[0], hash_files, hashes),
                        enumerate(items), ahead=ahead)
    try:
        for start in range(0, len(items), size):
            if cancel is not None:
                cancel.raise_if_cancelled()
            chunk = [next(reads) for _ in range(min(size, len(items) - start))]
            ready = [(row, prep) for row, prep in chunk if prep is not None]
            if ready:
                x = np.stack([p.x for _, p in ready])
                probs = runner.predict(x)
                spreads = runner.uncertainty(x, probs, method)
                for i, ((row, prep), pr) in enumerate(zip(ready, probs)):
                    row.prediction = _prediction(runner, pr, prep.warnings, row.source,
                                                 None if spreads is None else spreads[i], method)
            for row, _ in chunk:
                row.timestamp = _now()
                yield row
            done = start + len(chunk)
            progress(done / total, f"classified {done}/{len(items)}")
    finally:
        reads.close()  # a cancel or an abandoned iteration stops the readers


def classify_many(
    bundle,
    items: Iterable,
    *,
    batch_size: int = 16,
    hash_files: bool = True,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    uncertainty: str | None = None,
) -> list[Row]:
    """All rows of :func:`iter_classify` as a list. Path items go through :func:`expand_paths`
    (folders walked, stacks split into one item per volume).

    On cancel raises ``Cancelled`` whose ``rows`` attribute holds the rows finished so far.
    """
    items = [x for i in items for x in (expand_paths([i]) if isinstance(i, (str, os.PathLike)) else [i])]
    rows: list[Row] = []
    try:
        for row in iter_classify(bundle, items, batch_size=batch_size, hash_files=hash_files,
                                 progress=progress, cancel=cancel, uncertainty=uncertainty):
            rows.append(row)
    except Cancelled as exc:
        exc.rows = rows  # type: ignore[attr-defined]
        raise
    return rows
