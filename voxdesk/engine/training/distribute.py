"""Which ``tf.distribute`` strategy training runs under (TensorFlow's own; nothing home-made).

* ``workers`` given (``["host:port", ...]``, the same list on every worker, plus this worker's
  index) or ``TF_CONFIG`` set with more than one worker -> ``MultiWorkerMirroredStrategy``;
* several GPUs visible -> ``MirroredStrategy``;
* otherwise the default strategy (one CPU or GPU).

Multi-worker follows TensorFlow's recipe: start the same command on every worker; worker 0 is
the chief. The strategy must be created before any other TensorFlow work in the process.

Keras 3 ``model.fit`` under ``MultiWorkerMirroredStrategy`` needs ``fit_context``
(keras-team/keras#20585, tensorflow#72388): see its docstring. Gradients are still all-reduced
by TensorFlow's collectives (the Keras optimizer does it in the replica context); nothing here
exchanges anything by hand.
"""
from __future__ import annotations

import contextlib
import json
import os

from voxdesk.engine.errors import ModelError


def parse_workers(text: str | None) -> list[str] | None:
    """``"host:port,host:port"`` -> list, validated."""
    if not text:
        return None
    workers = [w.strip() for w in text.split(",") if w.strip()]
    for w in workers:
        host, _, port = w.rpartition(":")
        if not host or not port.isdigit():
            raise ModelError(f"worker address {w!r} is not host:port")
    return workers


def tf_config_for(workers: list[str], index: int) -> dict:
    if not 0 <= index < len(workers):
        raise ModelError(f"worker index {index} is out of range for {len(workers)} workers")
    return {"cluster": {"worker": list(workers)}, "task": {"type": "worker", "index": int(index)}}


def cluster_from_env() -> tuple[list[str], int] | None:
    """(workers, index) from ``TF_CONFIG``, or None when it is unset or has one worker."""
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        return None
    try:
        cfg = json.loads(raw)
        workers = list(cfg.get("cluster", {}).get("worker", []))
        index = int(cfg.get("task", {}).get("index", 0))
    except (ValueError, TypeError, AttributeError) as exc:
        raise ModelError(f"TF_CONFIG is not valid JSON cluster config: {exc}") from None
    return (workers, index) if len(workers) > 1 else None


def choose_strategy(workers: list[str] | None = None, worker_index: int = 0):
    """The strategy for this process; sets ``TF_CONFIG`` when ``workers`` are given."""
    if workers:
        if len(workers) > 1:
            os.environ["TF_CONFIG"] = json.dumps(tf_config_for(workers, worker_index))
        else:
            workers = None
    import tensorflow as tf

    if workers or cluster_from_env():
        return tf.distribute.MultiWorkerMirroredStrategy()
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


def describe(strategy) -> str:
    import tensorflow as tf

    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        name = "MultiWorkerMirroredStrategy"
    else:
        name = type(strategy).__name__.lstrip("_").replace("DefaultDistributionStrategy", "default")
    return f"{name} ({strategy.num_replicas_in_sync} replica(s))"


def _batch_norm_layers(layer):
    import keras

    for sub in getattr(layer, "layers", None) or ():
        if isinstance(sub, keras.layers.BatchNormalization):
            yield sub
        yield from _batch_norm_layers(sub)


def _with_batch_axis(step):
    """``step`` whose outputs (the logs) get a leading axis of 1.

    Keras reduces the per-replica logs with ``strategy.reduce("MEAN", v, axis=0)`` in
    multi-worker mode, which fails on the scalar loss/metrics ("Invalid reduction dimension 0
    for input with 0 dimensions"); with a leading axis the same call is a plain mean over the
    replicas and the logs come back as scalars again.
    """
    import tensorflow as tf

    def stepped(data):
        return tf.nest.map_structure(lambda v: tf.expand_dims(v, 0), step(data))

    return stepped


@contextlib.contextmanager
def fit_context(strategy, model):
    """Around ``model.fit`` (inside ``strategy.scope()``): makes Keras 3 fit work multi-worker.

    A no-op unless ``strategy`` is a ``MultiWorkerMirroredStrategy``. Otherwise, for the
    duration of the block:

    * the model's build is deferred to tracing (``_distribute_strategy = None``), as Keras does
      for models made outside a strategy; Keras' eager "symbolic build" reduces a PerReplica
      batch across workers and fails;
    * ``train_step``/``test_step`` return their logs with a leading axis (``_with_batch_axis``),
      so that Keras' cross-worker mean of the logs works; every worker sees the same logs, so
      EarlyStopping/ReduceLROnPlateau/best-weights decisions agree;
    * BatchNormalization layers compute their batch statistics over the global batch
      (``synchronized=True``, an all-reduce). Keras 3 creates the moving mean/variance with
      no aggregation, so with per-worker statistics every worker ends with different moving
      statistics (different models); synchronised, all workers hold the same weights. The
      flag is set back afterwards, so the saved model config is the same as single-process.
    """
    import tensorflow as tf

    if not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        yield
        return
    bns = [layer for layer in _batch_norm_layers(model) if not layer.synchronized]
    model._distribute_strategy = None
    model.train_step = _with_batch_axis(model.train_step)
    model.test_step = _with_batch_axis(model.test_step)
    for layer in bns:
        layer.synchronized = True
    try:
        yield
    finally:
        for layer in bns:
            layer.synchronized = False
        for name in ("train_step", "test_step"):
            model.__dict__.pop(name, None)
