"""The classify panel's worker jobs: plain functions around the engine, run on QThreads.

Each job runs in a worker thread (see ``voxdesk.gui.workers``) and returns plain data. They
import the engine's model code (and with it TensorFlow) only there, never in the GUI thread.
:func:`tf_guard` refuses, with a message, to load TensorFlow after Mesa's OpenGL started
(that crashes the process; see ``train_worker``).
"""
from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import Signal

from voxdesk.engine.errors import VoxdeskError
from voxdesk.gui.workers import Worker


def keep_tensorflow_symbols_local() -> bool:
    """Make ``import tensorflow`` load its libraries RTLD_LOCAL instead of RTLD_GLOBAL.

    The tensorflow wheel imports ``_pywrap_tensorflow_internal`` with RTLD_GLOBAL (through
    ``tensorflow.python.pywrap_dlopen_global_flags``), which puts the LLVM copy inside
    ``libtensorflow_framework.so.2`` in the process's global symbol scope. Mesa's llvmpipe,
    loaded later with the first OpenGL context, then binds its ``llvm::`` calls to TensorFlow's
    LLVM and segfaults (seen here: ``llvm::FixedVectorType::get`` from ``swrast_dri.so`` when the
    3D view first draws text, after a model was loaded or trained before any volume was shown).
    A stub for that module keeps the default (local) flags; TensorFlow trains and predicts alike.
    Call before TensorFlow is imported; returns whether the stub is in place.
    """
    import sys
    import types

    name = "tensorflow.python.pywrap_dlopen_global_flags"
    if "tensorflow" in sys.modules:
        return name in sys.modules and getattr(sys.modules[name], "voxdesk_stub", False)
    stub = types.ModuleType(name, "VoxDesk: TensorFlow's libraries stay RTLD_LOCAL (see classify_jobs)")
    stub.set_dlopen_flags = stub.reset_dlopen_flags = lambda: None
    stub.voxdesk_stub = True
    sys.modules[name] = stub
    return True


def tf_guard() -> None:
    from voxdesk.gui.train_worker import check_tensorflow_loadable

    check_tensorflow_loadable()


def load_model(path: str) -> tuple[Any, str]:
    """(Bundle, model id) of a saved bundle."""
    tf_guard()
    from voxdesk.engine.bundle import load_bundle
    from voxdesk.engine.inference import model_id

    bundle = load_bundle(path)
    return bundle, model_id(bundle)


def classify_volume(bundle, volume):
    tf_guard()
    from voxdesk.engine.inference import classify

    return classify(bundle, volume)


def explain_volume(bundle, volume, class_name: str | None, with_prediction: bool):
    """(Prediction or None, Explanation)."""
    tf_guard()
    from voxdesk.engine.explain import explain

    prediction = classify_volume(bundle, volume) if with_prediction else None
    return prediction, explain(bundle, volume, class_name)


def open_case(bundle, ref):
    """(Volume, Explanation) of one batch row's item (a path, ``VolumeRef`` or dataset sample)."""
    from voxdesk.engine.inference import VolumeRef
    from voxdesk.engine.volume import Volume

    if ref is None:
        raise VoxdeskError("this row has nothing to open")
    volume = ref if isinstance(ref, Volume) else (ref.open() if hasattr(ref, "open") else VolumeRef(os.fspath(ref)).open())
    if not isinstance(volume, Volume):
        raise VoxdeskError(f"{ref} is not a 3D volume; the viewer cannot show it")
    tf_guard()
    from voxdesk.engine.explain import explain

    return volume, explain(bundle, volume)


def batch_items(kind: str, paths, training_dataset=None) -> tuple[list, Any]:
    """(items for ``iter_classify``, the dataset opened for them or None)."""
    from voxdesk.engine.inference import dataset_items, expand_paths

    if kind in ("folder", "files"):
        items = expand_paths(paths)
        if not items:
            raise VoxdeskError(f"no volume files found in {', '.join(map(str, paths))}")
        return items, None
    if kind == "training":
        if training_dataset is None:
            raise VoxdeskError("no training dataset is open")
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


class BatchWorker(Worker):
    """Classifies many items; ``rows_ready(list)`` after each model batch, in input order.

    ``returned`` carries ``(n_rows, dataset or None)``; a cancel arrives as ``errored(Cancelled)``
    after the rows finished so far were sent.
    """

    rows_ready = Signal(object)
    started_items = Signal(int)

    def __init__(self, bundle, kind: str, paths, training_dataset=None, batch_size: int = 16) -> None:
        super().__init__(self._job, name="batch-classify")
        self.bundle, self.kind, self.paths = bundle, kind, list(paths or [])
        self.training_dataset = training_dataset
        self.batch_size = batch_size
        self._buffer: list = []
        self.dataset = None

    def _flush(self, fraction: float, message: str = "") -> None:
        if self._buffer:
            rows, self._buffer = self._buffer, []
            self.rows_ready.emit(rows)
        self.report(fraction, message)

    def _job(self, _worker):
        self.report(0.0, "finding the volumes…")
        items, dataset = batch_items(self.kind, self.paths, self.training_dataset)
        self.dataset = dataset  # rows of a dataset read their samples from it: keep it open
        self.started_items.emit(len(items))
        self.cancel_token.raise_if_cancelled()
        self.report(0.0, "starting the model…")
        tf_guard()
        from voxdesk.engine.inference import iter_classify

        n = 0
        for row in iter_classify(self.bundle, items, batch_size=self.batch_size, progress=self._flush,
                                 cancel=self.cancel_token):
            self._buffer.append(row)
            n += 1
        self._flush(1.0, f"classified {n}/{len(items)}")
        return n, dataset
