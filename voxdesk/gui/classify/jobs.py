"""The classify panel's worker jobs: plain functions around the engine, run on QThreads.

Each job runs in a worker thread (see ``voxdesk.gui.infra.workers``) and returns plain data. They
import the engine's model code (and with it TensorFlow) only there, never in the GUI thread.
:func:`tf_guard` refuses, with a message, to load TensorFlow after Mesa's OpenGL started
(that crashes the process; see ``train_worker``).
"""
from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import Signal

from voxdesk.engine.errors import VoxdeskError
from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.infra.workers import Worker


def tf_guard() -> None:
    from voxdesk.gui.infra.tf_runtime import check_tensorflow_loadable

    check_tensorflow_loadable()


def load_model(path: str) -> tuple[Any, str]:
    """(Bundle, model id) of a saved bundle."""
    tf_guard()
    from voxdesk.engine.inference.classify import model_id
    from voxdesk.engine.model.bundle import load_bundle

    bundle = load_bundle(path)
    return bundle, model_id(bundle)


def classify_volume(bundle, volume, uncertainty: str | None = None):
    tf_guard()
    from voxdesk.engine.inference.classify import classify

    return classify(bundle, volume, uncertainty=uncertainty)


def explain_volume(bundle, volume, class_name: str | None, with_prediction: bool, uncertainty: str | None = None):
    """(Prediction or None, Explanation)."""
    tf_guard()
    from voxdesk.engine.inference.explain import explain

    prediction = classify_volume(bundle, volume, uncertainty) if with_prediction else None
    return prediction, explain(bundle, volume, class_name)


def open_case(bundle, ref):
    """(Volume, Explanation) of one batch row's item (a path, ``VolumeRef`` or dataset sample)."""
    from voxdesk.engine.inference.items import VolumeRef
    from voxdesk.engine.volume import Volume

    if ref is None:
        raise VoxdeskError(translate("Batch", "this row has nothing to open"))
    if isinstance(ref, Volume):
        volume = ref
    else:
        volume = ref.open() if hasattr(ref, "open") else VolumeRef(os.fspath(ref)).open()
    if not isinstance(volume, Volume):
        raise VoxdeskError(translate("Batch", "{ref} is not a 3D volume; the viewer cannot show it").format(ref=ref))
    tf_guard()
    from voxdesk.engine.inference.explain import explain

    return volume, explain(bundle, volume)


def batch_items(kind: str, paths, training_dataset=None) -> tuple[list, Any]:
    """(items for ``iter_classify``, the dataset opened for them or None)."""
    from voxdesk.engine.inference.items import dataset_items, expand_paths

    if kind in ("folder", "files"):
        items = expand_paths(paths)
        if not items:
            raise VoxdeskError(
                translate("Batch", "no volume files found in {paths}").format(paths=", ".join(map(str, paths))))
        return items, None
    if kind == "training":
        if training_dataset is None:
            raise VoxdeskError(translate("Batch", "no training dataset is open"))
        return dataset_items(training_dataset, "test"), None
    if kind == "dataset":
        from voxdesk.engine.datasets import load_dataset

        dataset = load_dataset(paths[0])
        try:
            return dataset_items(dataset, "test"), dataset
        except Exception:
            if hasattr(dataset, "close"):
                dataset.close()
            raise
    raise VoxdeskError(f"unknown batch source {kind!r}")


def _leakage(bundle, dataset) -> str | None:
    """The loud sentence when the dataset's test split holds samples the model trained on."""
    from voxdesk.engine.datasets.splits import describe_overlap, overlap_with_training, sample_digest

    trained = bundle.metadata.get("sample_digests")
    if not trained or dataset is None or "test" not in dataset.splits:
        return None
    samples = dataset.splits["test"].samples
    digests = [sample_digest(samples[i]) for i in range(len(samples))]
    return describe_overlap(overlap_with_training(digests, trained), len(digests))


class BatchWorker(Worker):
    """Classifies many items; ``rows_ready(list)`` after each model batch, in input order.

    ``returned`` carries ``(n_rows, dataset or None)``; a cancel arrives as ``errored(Cancelled)``
    after the rows finished so far were sent.
    """

    rows_ready = Signal(object)
    started_items = Signal(int)

    def __init__(self, bundle, kind: str, paths, training_dataset=None, batch_size: int = 16,
                 uncertainty: str | None = None) -> None:
        super().__init__(self._job, name="batch-classify")
        self.bundle, self.kind, self.paths = bundle, kind, list(paths or [])
        self.training_dataset = training_dataset
        self.batch_size = batch_size
        self.uncertainty = uncertainty
        self._buffer: list = []
        self.dataset = None

    def _flush(self, fraction: float, message: str = "") -> None:
        if self._buffer:
            rows, self._buffer = self._buffer, []
            self.rows_ready.emit(rows)
        self.report(fraction, message)

    def _job(self, _worker):
        self.report(0.0, translate("Batch", "finding the volumes…"))
        items, dataset = batch_items(self.kind, self.paths, self.training_dataset)
        self.dataset = dataset  # rows of a dataset read their samples from it: keep it open
        leakage = None
        if self.kind in ("dataset", "training"):
            leakage = _leakage(self.bundle, dataset if dataset is not None else self.training_dataset)
        self.started_items.emit(len(items))
        self.cancel_token.raise_if_cancelled()
        self.report(0.0, translate("Batch", "starting the model…"))
        tf_guard()
        from voxdesk.engine.inference.classify import iter_classify

        n = 0
        for row in iter_classify(self.bundle, items, batch_size=self.batch_size, progress=self._flush,
                                 cancel=self.cancel_token, uncertainty=self.uncertainty):
            self._buffer.append(row)
            n += 1
        self._flush(1.0, translate("Batch", "classified {n}/{total}").format(n=n, total=len(items)))
        return n, dataset, leakage
