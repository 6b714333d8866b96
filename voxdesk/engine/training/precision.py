"""Training precision: the ``TrainConfig.precision`` setting, how "auto" resolves, and the one
place that sets Keras' global dtype policy (and puts it back).

* ``float32``: everything in float32 (VoxDesk's behaviour before the setting existed).
* ``bfloat16``: Keras ``mixed_bfloat16``: weights stay float32, convolutions compute in bfloat16
  (oneDNN runs them on AVX512_BF16 / AMX). The softmax layer computes in float32 in every
  policy (``networks._classifier``), so probabilities and the loss stay float32.
* ``auto``: ``mixed_float16`` on a GPU, float32 on every CPU. bfloat16 trains ~1.1-1.6x faster
  from 32^3 voxels on a CPU with bfloat16 instructions (``benchmarks/bench_precision.py``) but
  missed issue 18's accuracy parity (within 1 point of float32 over seeds) on the CT demo
  (``bench_demo.py --precision float32,bfloat16``, seeds 0-7: mean 84.7% against 89.8%, median
  89.2% against 91.7%; one bfloat16 run stayed near chance), so it is used only when chosen;
  figures in ``benchmarks/README.md``.

The policy is set only inside ``policy_scope`` (``train()`` builds and fits there) and restored
afterwards, so inference and other code never see it; the trained model is rebuilt in float32
(``as_float32``) before calibration, evaluation and saving, so a bundle holds a float32 model and
loads and predicts the same whatever the policy of the process that loads it.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

PRECISIONS = ("auto", "float32", "bfloat16")
"""The user's choices (GUI, CLI ``--precision``, ``TrainConfig.precision``)."""
RESOLVED = ("float32", "bfloat16", "float16")
"""What a run used (the bundle's ``training.precision``): float16 is mixed_float16 on a GPU."""
KERAS_POLICY = {"float32": "float32", "bfloat16": "mixed_bfloat16", "float16": "mixed_float16"}
BF16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_flags(cpuinfo: str | Path = "/proc/cpuinfo") -> set[str]:
    """The CPU's feature flags (Linux ``/proc/cpuinfo``); empty where they cannot be read.

    TensorFlow has no public check of oneDNN's bfloat16 support, so the kernel's flags decide."""
    if not sys.platform.startswith("linux") and str(cpuinfo) == "/proc/cpuinfo":
        return set()
    try:
        text = Path(cpuinfo).read_text(errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return set(value.split())
    return set()


def cpu_has_bf16(flags: set[str] | None = None) -> bool:
    return bool(set(BF16_CPU_FLAGS) & (cpu_flags() if flags is None else flags))


def has_gpu() -> bool:
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def resolve(setting: str, input_shape=None, *, flags: set[str] | None = None,
            gpu: bool | None = None) -> tuple[str, str]:
    """(the precision a run uses, one of ``RESOLVED``; a sentence saying why) for ``setting``.
    ``input_shape`` (spatial axes + channels) no longer changes the choice; ``flags``/``gpu`` are for tests."""
    if setting not in PRECISIONS:
        raise ValueError(f"unknown precision {setting!r}; choose one of: {', '.join(PRECISIONS)}")
    if setting == "float32":
        return "float32", "precision float32 (chosen by the user)"
    bf16 = cpu_has_bf16(flags)
    if setting == "bfloat16":
        why = "chosen by the user" if bf16 else "chosen by the user; this CPU has no bfloat16 instructions, " \
                                               "so it is emulated and likely slower"
        return "bfloat16", f"precision bfloat16 mixed ({why})"
    if has_gpu() if gpu is None else gpu:
        return "float16", "precision float16 mixed (auto: a GPU)"
    if not bf16:
        return "float32", "precision float32 (auto: a CPU)"
    return "float32", ("precision float32 (auto: a CPU; bfloat16, faster from 32^3 voxels on this one, "
                       "is used only when chosen: it was less accurate on the CT demo)")


@contextlib.contextmanager
def policy_scope(precision: str):
    """Keras' global dtype policy for ``precision`` (one of ``RESOLVED``) inside, the previous one after."""
    import keras

    old = keras.config.dtype_policy()
    keras.config.set_dtype_policy(KERAS_POLICY[precision])
    try:
        yield
    finally:
        keras.config.set_dtype_policy(old)


def as_float32(model, build):
    """``model`` (trained under a mixed policy) rebuilt in float32 with the same weights (a mixed
    policy keeps its variables in float32, so nothing is rounded); ``build()`` makes the float32
    twin (called under the float32 policy). A float32 model is returned as it is."""
    if all(layer.dtype_policy.name == "float32" for layer in model.layers):
        return model
    with policy_scope("float32"):
        twin = build()
    twin.set_weights(model.get_weights())
    return twin
