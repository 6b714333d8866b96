"""Training settings: ``TrainConfig``, the one validator of them, and how "auto" resolves.

The GUI's form, the CLI's flags and ``train()`` all check settings here (``TrainConfig.field_errors``
/ ``validate``; ``parse_input_size`` for the size a user types), so a value is accepted or
refused with the same message wherever it was entered.
"""
from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import asdict, dataclass

from voxdesk.engine.errors import ModelError
from voxdesk.engine.model.calibration import TARGET_RANGE
from voxdesk.engine.model.networks import DEFAULT_MODEL, MODELS
from voxdesk.engine.model.preprocessing import NORMALIZATIONS, SPACING_RANGE
from voxdesk.engine.training.augment import NO_AUGMENT, AugmentConfig
from voxdesk.engine.training.precision import PRECISIONS

MIN_STEPS = 600
"""Optimiser steps a run gets at least when its epochs are "auto" (a small network on a few
hundred scans needs a few hundred steps before it leaves chance: ``benchmarks/README.md``)."""
MIN_STEPS_SCAN = 1200
"""The same for scan-sized inputs (every axis >= ``networks.STRIDED_STEM_SIDE``: voxnet-bn's
translation-invariant form). Its soft-maximum pool starts as an average over a 12^3-16^3 map in
which a small lesion is ~0.3% of the cells, and leaving chance took 16 epochs, 32 or more than
36 on three seeds of the brain MR benchmark at 600 steps (``benchmarks/README.md``, issue 11)."""
MIN_EPOCHS = 30
"""Passes over the data an "auto" run gets at least, whatever its number of steps."""
MIN_EPOCHS_AUGMENTED = 45
"""The same for a run with augmentation: every pass shows new variants, and its training accuracy
is still climbing at 30. 3D-MNIST-like (8,000 augmented training samples), seeds 0 / 1 / 2: 83.3 /
83.3 / 84.8% test accuracy at 30 epochs, 84.7 / 85.3 / 84.6% at 45 (with ``ANNEAL_FRACTION``;
``benchmarks/README.md``, issue 11)."""
MAX_AUTO_EPOCHS = 300
SMALL_DATA = 1000
"""Below this many training samples the auto batch size is 16, else 32."""
AUTO_BATCH_MAX_VOXELS = 2 ** 26
"""The auto batch size holds at most this many voxels (64 Mi = 32 samples of 128^3, so 128^3 keeps
16 or 32; 256^3 gets 4, 512^3 1): large scans train within memory (``bench_real_sizes.py``)."""
WARMUP_FRACTION = 0.05
FINAL_LR_FRACTION = 0.01
ANNEAL_FRACTION = 0.75
"""With the cosine schedule, early stopping waits for this share of the planned epochs, and its
patience counts from there: the decay's last quarter is where a run gains most. 3D-MNIST-like seed
2 had stopped at epoch 31 of 45 with the weights of epoch 21 (81.5% test accuracy); run to the
end, its best epoch was 44 (84.6%; ``benchmarks/README.md``, issue 11)."""
LR_SCHEDULES = ("cosine", "constant")


@dataclass
class TrainConfig:
    model: str = DEFAULT_MODEL
    input_size: tuple[int, ...] | None = None
    """Spatial size the samples are resampled to; None = the dataset's sample shape."""
    target_spacing_mm: tuple[float, ...] | None = None
    """Voxel size (mm per spatial axis) every scan is resampled to before being cropped or padded
    to the input size (``PreprocessSpec.target_spacing``); None = resize to the input size, no
    millimetres. Needs data whose spacing is known (NIfTI, DICOM, HDF5 with a spacing attribute)."""
    epochs: int | None = None
    """None = auto (``plan_run``): at least ``MIN_STEPS`` optimiser steps and ``MIN_EPOCHS`` epochs
    (``MIN_EPOCHS_AUGMENTED`` with augmentation)."""
    batch_size: int | None = None
    """None = auto: 16 below ``SMALL_DATA`` training samples, else 32; at most
    ``AUTO_BATCH_MAX_VOXELS`` voxels a batch."""
    learning_rate: float = 1e-3
    """Peak learning rate (Adam), reached after the warm-up."""
    lr_schedule: str = "cosine"
    val_fraction: float = 0.2
    test_fraction: float = 0.2
    """Only used when the dataset has no ``test`` split."""
    augment: AugmentConfig | None | str = "auto"
    """An ``AugmentConfig``; None (or a config with every part off) = no augmentation; "auto"
    (``plan_augment``): ``AugmentConfig()`` from ``SMALL_DATA`` training samples, none below."""
    left_right_matters: bool = False
    """The class depends on the side: with augmentation, never flip along the left-right axis
    (applied to "auto" and to a given ``AugmentConfig`` alike; stored in the bundle)."""
    normalization: str = "auto"
    """A ``preprocessing.NORMALIZATIONS`` entry; "auto" picks one from the training data
    (``preprocessing.choose_normalization``: a CT window for Hounsfield units, else robust for
    scan-sized inputs and min-max for small ones);
    the bundle's spec records the concrete choice, so inference repeats it."""
    class_weights: bool = False
    seed: int = 0
    early_stopping_patience: int = 10
    """Epochs without a better smoothed validation loss before stopping (never before the run has
    had ``min_steps`` steps and half its planned epochs: ``early_stop_window``)."""
    precision: str = "auto"
    """``precision.PRECISIONS``: "auto" (float16 mixed on a GPU, float32 on a CPU), "float32" or
    "bfloat16" (mixed); ``precision.resolve``."""
    referral_target: float = 0.95
    """Accuracy the cases the model keeps must reach; the others say "refer to a human"
    (``model.calibration.referral_threshold``, chosen on the validation split after calibration)."""
    backup_dir: str | None = None
    in_memory_limit_mb: float = 1024.0
    workers: list[str] | None = None
    worker_index: int = 0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["augment"] = self.augment.to_dict() if isinstance(self.augment, AugmentConfig) else self.augment
        d["input_size"] = list(self.input_size) if self.input_size else None
        d["target_spacing_mm"] = list(self.target_spacing_mm) if self.target_spacing_mm else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        d = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        if isinstance(d.get("augment"), dict):
            d["augment"] = AugmentConfig.from_dict(d["augment"])
        if d.get("input_size"):
            d["input_size"] = tuple(d["input_size"])
        if d.get("target_spacing_mm"):
            d["target_spacing_mm"] = tuple(d["target_spacing_mm"])
        return cls(**d)

    def field_errors(self) -> dict[str, str]:
        """``{field: message}`` for every setting that cannot train; empty when all can."""
        e: dict[str, str] = {}
        if self.model not in MODELS:
            e["model"] = f"unknown model {self.model!r}; choose one of: {', '.join(MODELS)}"
        if self.input_size is not None:
            try:
                check_input_size(tuple(self.input_size))
            except ValueError as exc:
                e["input_size"] = str(exc)
        if self.target_spacing_mm is not None:
            try:
                check_spacing(tuple(self.target_spacing_mm))
            except ValueError as exc:
                e["target_spacing_mm"] = str(exc)
        if self.epochs is not None and not 1 <= self.epochs <= MAX_EPOCHS:
            e["epochs"] = f"between 1 and {MAX_EPOCHS}, or auto"
        if self.batch_size is not None and not 1 <= self.batch_size <= MAX_BATCH_SIZE:
            e["batch_size"] = f"between 1 and {MAX_BATCH_SIZE}, or auto"
        if not (isinstance(self.learning_rate, (int, float)) and 0 < self.learning_rate <= 1):
            e["learning_rate"] = "a number between 0 and 1, e.g. 0.001"
        if self.lr_schedule not in LR_SCHEDULES:
            e["lr_schedule"] = f"unknown learning-rate schedule {self.lr_schedule!r}; choose one of: " \
                               + ", ".join(LR_SCHEDULES)
        if not 0 <= self.val_fraction < 1:
            e["val_fraction"] = "a fraction from 0 up to (not including) 1"
        if not 0 <= self.test_fraction < 1:
            e["test_fraction"] = "a fraction from 0 up to (not including) 1"
        elif not e.get("val_fraction") and self.val_fraction + self.test_fraction >= 1:
            e["test_fraction"] = "validation and test fractions together must leave samples to train on"
        if self.normalization != "auto" and self.normalization not in NORMALIZATIONS:
            e["normalization"] = f"unknown normalisation {self.normalization!r}; choose auto or one of: " \
                                 + ", ".join(NORMALIZATIONS)
        if self.augment not in ("auto", None) and not isinstance(self.augment, AugmentConfig):
            e["augment"] = f"{self.augment!r} is not an augmentation setting (use 'auto', None or AugmentConfig)"
        if self.precision not in PRECISIONS:
            e["precision"] = f"unknown precision {self.precision!r}; choose one of: " + ", ".join(PRECISIONS)
        lo, hi = TARGET_RANGE
        if not (isinstance(self.referral_target, (int, float)) and lo <= self.referral_target <= hi):
            e["referral_target"] = f"an accuracy between {lo:g} and {hi:g} (e.g. 0.95 for 95%)"
        if self.early_stopping_patience < 1:
            e["early_stopping_patience"] = "at least 1 epoch"
        return e

    def validate(self, labels: dict[str, str] | None = None) -> "TrainConfig":
        """Raise ``ModelError`` naming every bad setting (``field: message; ...``); returns self.

        ``labels`` names the settings as the user entered them (the CLI passes its flags)."""
        errors = self.field_errors()
        if errors:
            name = (labels or {}).get
            raise ModelError("; ".join(f"{name(k, k.replace('_', ' '))}: {v}" for k, v in errors.items()))
        return self


MAX_EPOCHS = 10000
MAX_BATCH_SIZE = 4096
INPUT_SIZE_RANGE = (4, 512)


def check_input_size(sizes: tuple[int, ...], rank: int | None = None) -> tuple[int, ...]:
    """``sizes`` if it is a valid input size for samples of ``rank`` spatial axes, else ValueError."""
    lo, hi = INPUT_SIZE_RANGE
    if any(not isinstance(s, int) or not lo <= s <= hi for s in sizes):
        raise ValueError(f"each size must be between {lo} and {hi} voxels")
    if rank is not None and len(sizes) != rank:
        raise ValueError(f"the samples have {rank} spatial axes; give {rank} sizes or one")
    if len(sizes) not in (2, 3):
        raise ValueError("give 2 or 3 sizes")
    return sizes


def check_spacing(values: tuple[float, ...], rank: int | None = None) -> tuple[float, ...]:
    """``values`` if it is a valid target spacing (mm) for ``rank`` spatial axes, else ValueError."""
    lo, hi = SPACING_RANGE
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi for v in values):
        raise ValueError(f"each spacing must be between {lo:g} and {hi:g} mm")
    if rank is not None and len(values) != rank:
        raise ValueError(f"the samples have {rank} spatial axes; give {rank} spacings or one")
    if len(values) not in (2, 3):
        raise ValueError("give 2 or 3 spacings (mm)")
    return tuple(float(v) for v in values)


def parse_spacing(text: str, rank: int | None = None) -> tuple[float, ...] | None:
    """``""`` -> None; ``"1.5"`` -> that on ``rank`` (default 3) axes; ``"0.8,0.8,2"`` (or
    ``0.8x0.8x2``) -> that, in mm. ValueError with a message for a user otherwise."""
    text = text.strip().lower().removesuffix("mm").strip()
    if not text:
        return None
    parts = [p for p in re.split(r"[x×,\s]+", text) if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise ValueError("write one spacing in mm (1.5) or one per axis (0.8,0.8,2)") from None
    if not values or not all(math.isfinite(v) for v in values):
        raise ValueError("write one spacing in mm (1.5) or one per axis (0.8,0.8,2)")
    if len(values) == 1:
        values = values * (rank or 3)
    return check_spacing(values, rank)


def parse_input_size(text: str, rank: int | None = None) -> tuple[int, ...] | None:
    """``""`` -> None; ``"32"`` -> a cube of ``rank`` (default 3) axes; ``"32x32x16"`` or
    ``"32,32,16"`` -> that. ValueError with a message for a user otherwise."""
    text = text.strip()
    if not text:
        return None
    parts = [p for p in re.split(r"[x×,\s]+", text.lower()) if p]
    if not parts or not all(p.isdigit() for p in parts):
        raise ValueError("write one size (32) or one per axis (32x32x32)")
    sizes = tuple(int(p) for p in parts)
    if len(sizes) == 1:
        sizes = sizes * (rank or 3)
    return check_input_size(sizes, rank)


def min_steps(input_shape: tuple[int, ...] | None = None) -> int:
    """The optimiser steps an "auto" run gets at least, and before which it never stops early:
    ``MIN_STEPS_SCAN`` for scan-sized inputs (spatial axes then channels, every spatial axis >=
    ``networks.STRIDED_STEM_SIDE``), else ``MIN_STEPS``."""
    from voxdesk.engine.model.networks import STRIDED_STEM_SIDE

    scan_sized = input_shape is not None and min(input_shape[:-1]) >= STRIDED_STEM_SIDE
    return MIN_STEPS_SCAN if scan_sized else MIN_STEPS


def plan_run(n_train: int, config: TrainConfig, voxels: int | None = None,
             input_shape: tuple[int, ...] | None = None) -> tuple[int, int, int]:
    """(epochs, batch size, steps per epoch) for ``n_train`` training samples of ``voxels`` voxels
    (channels included; None: not known) or of ``input_shape`` (spatial axes then channels): the
    config's own values, with "auto" (None) resolved as ``TrainConfig`` says."""
    if input_shape is not None:
        voxels = int(math.prod(input_shape))
    batch_size = config.batch_size or (16 if n_train < SMALL_DATA else 32)
    if not config.batch_size and voxels:
        batch_size = min(batch_size, max(1, AUTO_BATCH_MAX_VOXELS // voxels))
    batch_size = max(1, min(batch_size, n_train))
    steps = math.ceil(n_train / batch_size)
    least = MIN_EPOCHS_AUGMENTED if plan_augment(n_train, config)[0].enabled else MIN_EPOCHS
    epochs = config.epochs or min(MAX_AUTO_EPOCHS, max(least, math.ceil(min_steps(input_shape) / steps)))
    return int(epochs), int(batch_size), int(steps)


def early_stop_window(config: TrainConfig, epochs: int, steps: int,
                      input_shape: tuple[int, ...] | None = None) -> tuple[int, int]:
    """(first epoch at which a run may stop early, epoch its patience counts from): never before
    the run's minimum steps, half its epochs, and (cosine schedule) ``ANNEAL_FRACTION`` of them."""
    anneal = math.ceil(ANNEAL_FRACTION * epochs) if config.lr_schedule == "cosine" else 0
    return max(math.ceil(min_steps(input_shape) / steps), epochs // 2, anneal), anneal


def describe_plan(config: TrainConfig, epochs: int, steps: int, batch_size: int) -> str:
    """The sentence of a run's notes that says how many epochs and steps it runs, and why."""
    auto = (f": epochs auto, at least {MIN_STEPS} optimiser steps ({MIN_STEPS_SCAN} for scan-sized inputs) and "
            f"{MIN_EPOCHS} epochs ({MIN_EPOCHS_AUGMENTED} with augmentation)")
    return (f"{epochs} epochs of {steps} steps (batch size {batch_size}"
            + (", auto" if not config.batch_size else "") + ")" + ("" if config.epochs else auto)
            + (f"; learning rate {config.learning_rate:g} with warm-up and cosine decay"
               if config.lr_schedule == "cosine" else f"; constant learning rate {config.learning_rate:g}"))


def plan_augment(n_train: int, config: TrainConfig) -> tuple[AugmentConfig, str]:
    """(the augmentation a run uses, a sentence saying what and why).

    "auto": none below ``SMALL_DATA`` training samples, where a run is still fitting when its
    budget ends and augmentation slows the fit more than it helps; ``AugmentConfig()`` from
    ``SMALL_DATA`` samples on, where runs overfit instead (``benchmarks/README.md``).
    """
    aug = config.augment
    why = "chosen by the user"
    if aug == "auto":
        if n_train >= SMALL_DATA:
            aug, why = AugmentConfig(), f"auto, from {SMALL_DATA} training samples on"
        else:
            aug, why = NO_AUGMENT, f"auto, below {SMALL_DATA} training samples: it slowed learning more than it helped"
    elif aug is None:
        aug = NO_AUGMENT
    elif not isinstance(aug, AugmentConfig):
        raise ModelError(f"augmentation {aug!r} is not an augmentation setting (use 'auto', None or AugmentConfig)")
    if config.left_right_matters and aug.enabled:
        aug = dataclasses.replace(aug, left_right_matters=True)
    if not aug.enabled:
        return aug, f"augmentation off ({why})"
    parts = [p for p, on in (("flips" + (" (not left-right)" if aug.left_right_matters else ""), aug.flips),
                             ("90-degree turns", aug.rot90 and not aug.left_right_matters),
                             (f"rotations up to {aug.rotation_deg:g} degrees", aug.rotation_deg),
                             (f"shifts up to {aug.shift:.0%}", aug.shift), ("intensity jitter", aug.intensity),
                             ("noise", aug.noise)) if on]
    return aug, f"augmentation: {', '.join(parts)} ({why})"
