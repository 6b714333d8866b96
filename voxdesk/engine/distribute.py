"""Which ``tf.distribute`` strategy training runs under (TensorFlow's own; nothing home-made).

* ``workers`` given (``["host:port", ...]``, the same list on every worker, plus this worker's
  index) or ``TF_CONFIG`` set with more than one worker -> ``MultiWorkerMirroredStrategy``;
* several GPUs visible -> ``MirroredStrategy``;
* otherwise the default strategy (one CPU or GPU).

Multi-worker follows TensorFlow's recipe: start the same command on every worker; worker 0 is
the chief. The strategy must be created before any other TensorFlow work in the process.
"""
from __future__ import annotations

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


def is_chief(strategy) -> bool:
    """True on the single-process strategies and on worker 0 of a cluster."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not getattr(resolver, "task_type", None):
        return True
    return resolver.task_type in ("chief", None) or (resolver.task_type == "worker" and resolver.task_id == 0)


def describe(strategy) -> str:
    import tensorflow as tf

    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        name = "MultiWorkerMirroredStrategy"
    else:
        name = type(strategy).__name__.lstrip("_").replace("DefaultDistributionStrategy", "default")
    return f"{name} ({strategy.num_replicas_in_sync} replica(s))"
