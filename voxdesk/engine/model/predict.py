"""The one way a VoxDesk model is run on input: training's evaluation, ``Bundle.predict_proba``
and inference's ``classify`` all call ``predictor(model)``.

A ``Predictor`` holds one traced ``tf.function`` per model (input signature: any batch size of
the model's input shape), so repeated calls never retrace and every caller gets the same numbers
for the same input. ``predict_raw`` preprocesses raw samples with the bundle's spec first, in
batches, exactly as in training.
"""
from __future__ import annotations

import threading
import weakref
from typing import Callable, Iterable, Sequence

import numpy as np

from voxdesk.engine.model.preprocessing import PreprocessSpec, PreprocessStats, preprocess_batch


class Predictor:
    """Class probabilities for preprocessed batches of one model (thread-safe)."""

    def __init__(self, model) -> None:
        self.model = model
        self.n_classes = int(model.output_shape[-1])
        self._fn = None
        self._lock = threading.Lock()

    @property
    def traced(self):
        """The traced function (None before the first call); tests read its tracing count."""
        return self._fn

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """``x``: (N, *input_shape) float32 model input -> (N, K) float64 probabilities."""
        import tensorflow as tf

        with self._lock:
            if self._fn is None:
                model = self.model
                shape = (None,) + tuple(int(d) for d in model.input_shape[1:])
                self._fn = tf.function(lambda t: model(t, training=False),
                                       input_signature=[tf.TensorSpec(shape, tf.float32)])
        if len(x) == 0:
            return np.empty((0, self.n_classes), np.float64)
        return np.asarray(self._fn(tf.constant(np.asarray(x, np.float32))), dtype=np.float64)


_CACHE: "weakref.WeakKeyDictionary[object, Predictor]" = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def predictor(model) -> Predictor:
    """The cached ``Predictor`` of ``model`` (one trace per model object)."""
    with _CACHE_LOCK:
        hit = _CACHE.get(model)
        if hit is None:
            hit = _CACHE[model] = Predictor(model)
        return hit


def predict_raw(model, spec: PreprocessSpec, fetch: Callable[[Sequence[int]], list] | Iterable, n: int | None = None,
                *, stats: PreprocessStats | None = None, batch_size: int = 32,
                progress=None, on_raw: Callable[[list], None] | None = None,
                spacings: Callable[[Sequence[int]], list] | Sequence | None = None) -> np.ndarray:
    """Probabilities (N, K) for raw samples, preprocessed with ``spec`` in batches.

    ``fetch`` is either a list of raw arrays, or a function ``indices -> list of raw arrays``
    (a dataset split's ``samples.batch``) with ``n`` samples in all. ``on_raw`` sees each raw batch
    (evaluation hashes the samples it scores); ``progress(fraction, message)`` is called per batch.
    ``spacings``: the samples' voxel sizes (mm), a list or a function ``indices -> list`` called
    after ``fetch``; used only when ``spec`` resamples to a target spacing.
    """
    if not callable(fetch):
        items = list(fetch)
        n, fetch = len(items), (lambda idx: [items[i] for i in idx])
    run = predictor(model)
    out = []
    for start in range(0, n, batch_size):
        raw = fetch(range(start, min(n, start + batch_size)))
        if on_raw is not None:
            on_raw(raw)
        sp = None
        if spacings is not None and spec.target_spacing is not None:
            idx = range(start, min(n, start + batch_size))
            sp = spacings(idx) if callable(spacings) else [spacings[i] for i in idx]
        out.append(run(preprocess_batch(raw, spec, stats, sp)))
        if progress is not None:
            progress(min(n, start + batch_size) / max(n, 1), "evaluating")
    return np.concatenate(out) if out else np.empty((0, run.n_classes), np.float64)
