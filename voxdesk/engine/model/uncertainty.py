"""Per-case uncertainty: several stochastic or transformed passes of one model over one input.

``METHODS``:
  * ``"none"``: the single deterministic pass (what every prediction is);
  * ``"tta"``: test-time augmentation with the symmetries the model was trained with: the flips
    its training augmentation used (the bundle records it: ``metadata["training"]["augment"]``;
    never the left-right axis when the side carries the class), plus shifts of one voxel along each
    spatial axis (a convolutional network is shift-equivariant by construction, so these are a
    symmetry of every VoxDesk model; edges are repeated, not wrapped). 1 + 2 x rank views, times
    the flips' combinations;
  * ``"mc"``: Monte-Carlo dropout: the model's Dropout layers active, everything else (batch
    norm above all) in inference mode. Every VoxDesk network has its one Dropout just before the
    softmax layer, so the body runs once and only the head is sampled ``MC_PASSES`` times: the
    cost is about one pass. A model whose Dropout sits elsewhere is run whole per sample, with
    its BatchNormalization layers frozen (``trainable=False`` makes Keras run them in inference
    mode even in training mode) while the function is traced.

``sample(model, x, method, metadata)`` returns the passes' probabilities ``(S, N, K)``;
``summarise(passes, temperature)`` the temperature-scaled mean ``(N, K)`` and the per-case
uncertainty: the standard deviation across passes of the probability of the class the mean
predicts (0 for ``"none"``), read as "confidence 0.91 +- 0.04". What each method is worth, for
its cost, on the CT demo: ``benchmarks/bench_uncertainty.py`` and ``benchmarks/README.md``.
"""
from __future__ import annotations

import itertools
import threading
import weakref

import numpy as np

METHODS = ("none", "tta", "mc")
DEFAULT_METHOD = "none"
"""Chosen by ``bench_uncertainty.py`` (``benchmarks/README.md``)."""
MC_PASSES = 32
SHIFT_VOXELS = 1


def augment_of(metadata: dict | None) -> dict | None:
    """The augmentation the model was trained with: ``training.augment`` (what "auto" resolved
    to), else the configured one when it was explicit; None when unknown (older bundles, "auto")."""
    training = (metadata or {}).get("training") or {}
    aug = training.get("augment")
    if aug is None:
        aug = (training.get("config") or {}).get("augment")
    return aug if isinstance(aug, dict) else None


def trained_flip_axes(metadata: dict | None, rank: int) -> tuple[int, ...]:
    """The spatial axes the model's training augmentation flipped (none when unknown)."""
    aug = augment_of(metadata)
    if not aug or not aug.get("flips"):
        return ()
    return tuple(range(1 if aug.get("left_right_matters") else 0, rank))


def _shift(x: np.ndarray, axis: int, step: int) -> np.ndarray:
    """``x`` (N, *spatial, C) moved ``step`` voxels along spatial ``axis``, the edge repeated."""
    a = axis + 1
    n = x.shape[a]
    idx = np.clip(np.arange(n) - step, 0, n - 1)
    return np.take(x, idx, axis=a)


def tta_views(x: np.ndarray, flip_axes: tuple[int, ...]) -> list[np.ndarray]:
    """The views of a batch ``x`` (N, *spatial, C): every combination of the flips, each as is
    and shifted one voxel either way along each axis."""
    rank = x.ndim - 2
    views = []
    for r in range(len(flip_axes) + 1):
        for axes in itertools.combinations(flip_axes, r):
            base = np.flip(x, axis=tuple(a + 1 for a in axes)) if axes else x
            views.append(base)
            if r == 0:  # shifts of the unflipped input: enough to read the shift symmetry
                for axis in range(rank):
                    views += [_shift(base, axis, SHIFT_VOXELS), _shift(base, axis, -SHIFT_VOXELS)]
    return views


class _MonteCarlo:
    """Dropout-active passes of one model (thread-safe; traced once)."""

    def __init__(self, model) -> None:
        self.model = model
        self._lock = threading.Lock()
        self._fn = None

    def _build(self):
        import keras
        import tensorflow as tf

        model = self.model
        drops = [lyr for lyr in model.layers if type(lyr).__name__ == "Dropout"]
        shape = (None,) + tuple(int(d) for d in model.input_shape[1:])
        head = _head_after(model, drops[0]) if len(drops) == 1 else None
        if head is not None:
            body = keras.Model(model.inputs, drops[0].input)
            body_fn = tf.function(lambda t: body(t, training=False),
                                  input_signature=[tf.TensorSpec(shape, tf.float32)])
            drop = drops[0]

            @tf.function
            def head_fn(features, passes):
                f = tf.repeat(features[None], passes, axis=0)  # (S, N, F): one mask per pass and case
                y = drop(f, training=True)
                for layer in head:
                    y = layer(y, training=False)
                return y

            return lambda x, passes: head_fn(body_fn(tf.constant(x)), tf.constant(passes))
        frozen = [lyr for lyr in model.layers if "BatchNormalization" in type(lyr).__name__ and lyr.trainable]
        fn = tf.function(lambda t: model(t, training=True), input_signature=[tf.TensorSpec(shape, tf.float32)])
        for lyr in frozen:
            lyr.trainable = False
        try:
            fn.get_concrete_function()  # traced now, batch norm in inference mode
        finally:
            for lyr in frozen:
                lyr.trainable = True
        return lambda x, passes: tf.stack([fn(tf.constant(x)) for _ in range(passes)])

    def __call__(self, x: np.ndarray, passes: int) -> np.ndarray:
        with self._lock:
            if self._fn is None:
                self._fn = self._build()
        return np.asarray(self._fn(np.asarray(x, np.float32), int(passes)), dtype=np.float64)


def _head_after(model, drop):
    """``[softmax layer]`` when ``drop`` feeds the model's last layer directly and nothing else
    follows (every VoxDesk network), else None."""
    layers = list(model.layers)
    after = layers[layers.index(drop) + 1:]
    if len(after) != 1 or after[0].input is not drop.output or after[0].output is not model.outputs[0]:
        return None
    return after


_MC: "weakref.WeakKeyDictionary[object, _MonteCarlo]" = weakref.WeakKeyDictionary()
_MC_LOCK = threading.Lock()


def _monte_carlo(model) -> _MonteCarlo:
    with _MC_LOCK:
        hit = _MC.get(model)
        if hit is None:
            hit = _MC[model] = _MonteCarlo(model)
        return hit


def sample(model, x: np.ndarray, method: str, metadata: dict | None = None, *, passes: int = MC_PASSES) -> np.ndarray:
    """Probabilities ``(S, N, K)`` of the passes ``method`` makes over the model input ``x``
    (N, *input_shape); uncalibrated, as the model gives them."""
    from voxdesk.engine.model.predict import predictor

    method = check_method(method)
    x = np.asarray(x, np.float32)
    run = predictor(model)
    if method == "none":
        return run(x)[None]
    if method == "tta":
        views = tta_views(x, trained_flip_axes(metadata, x.ndim - 2))
        return run(np.concatenate(views)).reshape(len(views), len(x), -1)
    return _monte_carlo(model)(x, passes)


def summarise(passes: np.ndarray, temperature: float = 1.0, classes=None) -> tuple[np.ndarray, np.ndarray]:
    """(mean of the temperature-scaled passes (N, K), per case the standard deviation across
    passes of the probability of ``classes`` (N,), by default the class that mean predicts)."""
    from voxdesk.engine.model.calibration import apply_temperature

    p = np.asarray(passes, np.float64)
    scaled = np.stack([apply_temperature(q, temperature) for q in p])
    mean = scaled.mean(axis=0)
    top = mean.argmax(axis=1) if classes is None else np.asarray(classes, np.int64)
    spread = scaled[:, np.arange(len(top)), top].std(axis=0)
    return mean, spread


def check_method(method: str | None) -> str:
    """``method`` (None: ``DEFAULT_METHOD``) if it is one of ``METHODS``, else ModelError."""
    method = DEFAULT_METHOD if method is None else method
    if method not in METHODS:
        from voxdesk.engine.errors import ModelError

        raise ModelError(f"unknown uncertainty method {method!r}; choose one of {', '.join(METHODS)}")
    return method


LABELS = {"none": "", "tta": "test-time augmentation", "mc": "Monte-Carlo dropout"}
"""How the methods are named to a user."""
