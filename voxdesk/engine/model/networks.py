"""Model registry: ``build_model(name, input_shape, n_classes)``.

Each architecture is written once against a small set of layer factories and builds its 2D
twin (Conv2D, MaxPooling2D, ...) when ``input_shape`` has two spatial axes plus channels
(e.g. CIFAR-style ``(32, 32, 3)``), its 3D form for ``(D, H, W, C)``.

Every model ends in a softmax over ``n_classes`` (>= 2) and is trained with sparse categorical
cross-entropy: a binary task is simply two classes, so probabilities, metrics and Grad-CAM work
the same for binary and multi-class. Models are returned uncompiled; no Lambda layers are used,
so bundles load under Keras ``safe_mode``. TensorFlow/Keras are imported only when building.
"""
from __future__ import annotations

import numpy as np

from voxdesk.engine.errors import ModelError

MODELS: dict[str, str] = {
    "voxnet-bn": "default: a small conv net; scan-sized inputs (>= 40 voxels a side) get strided convs "
                 "to a ~12^3 map and a soft-maximum pool over it (a finding anywhere counts), small "
                 "ones (16^3) a flattened map; batch norm in the deeper blocks, dropout",
    "tutorial-conv3d": "the 3D MNIST tutorial network exactly (2 conv + max-pool, dense 256), "
                       "for comparison; overfits",
    "resnet3d-small": "a small residual network (4 stages, strided) for larger inputs, 64^3 and up",
}
DEFAULT_MODEL = "voxnet-bn"
STRIDED_STEM_SIDE = 40
"""voxnet-bn takes its scan-sized, translation-invariant form when every axis is at least this long."""
SCAN_POOL = "soft"
"""voxnet-bn's scan-form global pool: ``"soft"`` (``SoftMaxPooling``, sharpness ``SOFT_SHARPNESS``) or
``"max"`` (a global max). Issue 11 measured both (``benchmarks/README.md``): on the brain MR benchmark
(64^3, ``robust``; a lesion is ~11 of the 16^3 = 4096 feature cells) the soft pool left chance at
epoch 16, 32 or never of 36 (seeds 0-2: 95.0 / 65.0 / 50.0%), the max pool by epoch 12-18 (97.5 /
95.0 / 95.0%, pointing game 100%); on the CT demo the max pool gave 91.7 / 86.7 / 79.2% (target
>= 90%), so the default stays soft. ``bench_small_data.py`` / ``bench_demo.py --pool`` switch it."""
SOFT_SHARPNESS = 4.0
BN_MOMENTUM = 0.9
"""Keras' 0.99 left the moving statistics far from the batch statistics for the first few
hundred steps here (test accuracy fell while training accuracy rose on a 2,000-sample run)."""


_CUSTOM: dict = {}


def custom_layers() -> dict:
    """VoxDesk's own Keras layers, registered for (safe-mode) loading; call before load_model."""
    if _CUSTOM:
        return _CUSTOM
    import keras

    @keras.saving.register_keras_serializable(package="voxdesk")
    class SoftMaxPooling(keras.layers.Layer):
        """Log-sum-exp pooling over all spatial axes: ``log(mean(exp(r x))) / r`` per channel.

        Between a global average (r -> 0) and a global max (r -> inf): it reads the strongest
        evidence like a max, but its gradient reaches every location in proportion to
        ``softmax(r x)``, not only the single argmax (with a fresh network, often the body's edge,
        the largest contrast in a scan). Chosen by measurement: ``benchmarks/README.md``; near
        initialisation (activations ~0.2 sd over the map) it is close to an average (``SCAN_POOL``)."""

        def __init__(self, sharpness: float = 4.0, **kwargs):
            super().__init__(**kwargs)
            self.sharpness = float(sharpness)

        def call(self, x):
            ops = keras.ops
            axes = tuple(range(1, len(x.shape) - 1))
            n = float(np.prod([int(d) for d in x.shape[1:-1]]))
            r = self.sharpness
            return (ops.logsumexp(r * x, axis=axes) - np.log(n)) / r

        def compute_output_shape(self, input_shape):
            return (input_shape[0], input_shape[-1])

        def get_config(self):
            return {**super().get_config(), "sharpness": self.sharpness}

    _CUSTOM["SoftMaxPooling"] = SoftMaxPooling
    return _CUSTOM


class _Ops:
    """Layer factories for 2D or 3D inputs, so each architecture is written once."""

    def __init__(self, rank: int):
        from keras import layers

        self.layers = layers
        self.conv_cls = layers.Conv3D if rank == 3 else layers.Conv2D
        self.pool_cls = layers.MaxPooling3D if rank == 3 else layers.MaxPooling2D
        self.gap_cls = layers.GlobalAveragePooling3D if rank == 3 else layers.GlobalAveragePooling2D
        self.gmp_cls = layers.GlobalMaxPooling3D if rank == 3 else layers.GlobalMaxPooling2D
        self.avg_cls = layers.AveragePooling3D if rank == 3 else layers.AveragePooling2D

    def conv(self, filters, kernel=3, strides=1, padding="valid", activation=None, name=None):
        return self.conv_cls(filters, kernel, strides=strides, padding=padding, activation=activation,
                             kernel_initializer="he_uniform", use_bias=activation is not None, name=name)

    def pool(self, size=2, name=None):
        return self.pool_cls(pool_size=size, name=name)

    def gap(self, name=None):
        return self.gap_cls(name=name)


def _tutorial(ops: _Ops, inputs, n_classes):
    L = ops.layers
    x = ops.conv(32, 3, activation="relu", name="conv1")(inputs)
    x = ops.pool(2, name="pool1")(x)
    x = ops.conv(64, 3, activation="relu", name="conv2")(x)
    x = ops.pool(2, name="pool2")(x)
    x = L.Flatten(name="flatten")(x)
    x = L.Dense(256, activation="relu", kernel_initializer="he_uniform", name="dense")(x)
    return L.Dense(n_classes, activation="softmax", name="probabilities")(x)


def _conv_relu(ops: _Ops, x, filters, name, strides=1):
    """conv + bias + ReLU in one layer, no batch norm."""
    return ops.conv(filters, 3, strides=strides, padding="same", activation="relu", name=f"{name}_conv")(x)


def _conv_bn(ops: _Ops, x, filters, name, strides=1, relu=True):
    L = ops.layers
    x = ops.conv(filters, 3, strides=strides, padding="same", name=f"{name}_conv")(x)
    x = L.BatchNormalization(momentum=BN_MOMENTUM, name=f"{name}_bn")(x)
    return L.Activation("relu", name=f"{name}_relu")(x) if relu else x


def _voxnet_bn(ops: _Ops, inputs, n_classes):
    """Cheap and regularised; two forms by input size.

    Scan-sized inputs (every axis >= ``STRIDED_STEM_SIDE``, e.g. 48^3 CT): a finding can be
    anywhere, so the network is translation-invariant. Stride-2 convs (16, 32 filters) bring the
    volume down to a map of about 12-16 voxels a side (two strides at 48^3, three at 128^3), two
    batch-normalised convs (32, 48 filters) work at that scale, and a global soft-maximum pool
    (``SCAN_POOL``) reads the strongest evidence wherever it is; its 12^3 map gives heat-map cells
    of 4 voxels.

    Small inputs (16^3 3D-MNIST-like digits): conv stages (16, 32, then 3 x 64 filters) with
    max-pooling, the ~4^3 map flattened (where a stroke is matters for a digit) and dropped out.
    Batch norm only in the deeper blocks (it is slow on the large early maps). Why each choice:
    ``benchmarks/README.md``."""
    L = ops.layers
    side = min(inputs.shape[1:-1])
    if side >= STRIDED_STEM_SIDE:
        x = _conv_relu(ops, inputs, 16, "block1", strides=2)
        x = _conv_relu(ops, x, 32, "block2", strides=2)
        side //= 4
        level = 2
        while side > 16 and level < 4:  # 128^3 -> a 16^3 map, not 32^3
            level += 1
            x = _conv_relu(ops, x, 32, f"block{level}", strides=2)
            side //= 2
        x = _conv_bn(ops, x, 32, "deep_a")
        x = _conv_bn(ops, x, 48, "deep_b")
        if SCAN_POOL == "max":
            x = ops.gmp_cls(name="global_max_pool", dtype="float32")(x)
        else:  # float32 under a mixed policy too: log-sum-exp of 4x the activations loses ~0.05 in bfloat16
            x = custom_layers()["SoftMaxPooling"](SOFT_SHARPNESS, name="soft_max_pool", dtype="float32")(x)
        x = L.Dropout(0.4, name="dropout")(x)
        return _classifier(ops, x, n_classes)
    x = _conv_relu(ops, inputs, 16, "block1")
    x = ops.pool(2, name="pool1")(x)
    x = _conv_relu(ops, x, 32, "block2")
    x = ops.pool(2, name="pool2")(x)
    x = _conv_bn(ops, x, 64, "block3a")
    x = _conv_bn(ops, x, 64, "block3b")
    x = _conv_bn(ops, x, 64, "block3c")
    shrink = max(1, min(x.shape[1:-1]) // 4)
    if shrink > 1:
        x = ops.avg_cls(pool_size=shrink, name="shrink")(x)
    x = L.Flatten(name="flatten")(x)
    x = L.Dropout(0.4, name="dropout")(x)
    return _classifier(ops, x, n_classes)


def _classifier(ops: _Ops, x, n_classes):
    """The softmax layer with small initial weights (normal, std 0.01): every model starts near
    chance (first loss ~ln(classes)) instead of with large random logits (the 6^3 x 64 flattened
    map gave a first loss of 5.4 for 3 classes). Not zeros: a zero kernel passes no gradient to
    the layers below, and Adam then leaves them untouched until the kernel has grown.

    Always float32 (``dtype``), also under a mixed bfloat16/float16 policy
    (``training/precision.py``): probabilities and the loss never lose precision."""
    import keras

    init = keras.initializers.RandomNormal(stddev=0.01)
    return ops.layers.Dense(n_classes, activation="softmax", kernel_initializer=init, name="probabilities",
                            dtype="float32")(x)


def _residual(ops: _Ops, x, filters, name, strides):
    L = ops.layers
    shortcut = x
    y = _conv_bn(ops, x, filters, f"{name}_a", strides=strides)
    y = _conv_bn(ops, y, filters, f"{name}_b", relu=False)
    if strides != 1 or x.shape[-1] != filters:
        shortcut = ops.conv(filters, 1, strides=strides, padding="same", name=f"{name}_proj")(x)
        shortcut = L.BatchNormalization(momentum=BN_MOMENTUM, name=f"{name}_proj_bn")(shortcut)
    return L.Activation("relu", name=f"{name}_out")(L.Add(name=f"{name}_add")([y, shortcut]))


def _resnet_small(ops: _Ops, inputs, n_classes):
    L = ops.layers
    side = min(inputs.shape[1:-1])
    x = _conv_bn(ops, inputs, 16, "stem", strides=2 if side >= 48 else 1)
    for i, filters in enumerate((16, 32, 64, 128)):
        strides = 1 if i == 0 else 2
        x = _residual(ops, x, filters, f"stage{i + 1}", strides)
    x = ops.gap(name="gap")(x)
    x = L.Dropout(0.3, name="dropout")(x)
    return _classifier(ops, x, n_classes)


_BUILDERS = {"tutorial-conv3d": _tutorial, "voxnet-bn": _voxnet_bn, "resnet3d-small": _resnet_small}
_MIN_SIDE = {"tutorial-conv3d": 10, "voxnet-bn": 4, "resnet3d-small": 8}


def build_model(name: str, input_shape, n_classes: int):
    """An uncompiled Keras model for ``input_shape`` (spatial axes + channels), ``n_classes``."""
    if name not in _BUILDERS:
        raise ModelError(f"unknown model {name!r}; choose one of: {', '.join(MODELS)}")
    input_shape = tuple(int(v) for v in input_shape)
    if len(input_shape) not in (3, 4):
        raise ModelError(f"input shape {input_shape} must be (D, H, W, C) or (H, W, C)")
    if n_classes < 2:
        raise ModelError(f"a classifier needs at least 2 classes, got {n_classes}")
    if min(input_shape[:-1]) < _MIN_SIDE[name]:
        raise ModelError(
            f"model {name!r} needs an input of at least {_MIN_SIDE[name]} voxels per axis, "
            f"got {input_shape[:-1]}; pass a larger input size"
        )
    import keras

    ops = _Ops(len(input_shape) - 1)
    inputs = keras.Input(shape=input_shape, name="volume")
    outputs = _BUILDERS[name](ops, inputs, int(n_classes))
    return keras.Model(inputs, outputs, name=name.replace("-", "_"))
