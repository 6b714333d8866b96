"""The training settings form: every choice of ``TrainConfig`` with field-level validation.

Defaults come from the engine (``TrainConfig()``, ``AugmentConfig()``, ``DEFAULT_MODEL``).
Spin boxes refuse out-of-range values by construction; free-text fields (input size,
learning rate) and choices that depend on the dataset (input size rank, batch size larger
than the dataset) show a message right under the field. ``errors()`` lists what blocks
training; ``validity_changed(bool)`` tells the panel to enable or disable Train.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from voxdesk.engine.model.calibration import REFERRAL_CONFIDENCE, TARGET_RANGE
from voxdesk.engine.model.networks import DEFAULT_MODEL, MODELS
from voxdesk.engine.model.preprocessing import NORMALIZATIONS, split_sample_shape
from voxdesk.engine.training.augment import AugmentConfig
from voxdesk.engine.training.config import (
    AUTO_BATCH_MAX_VOXELS,
    MIN_EPOCHS,
    MIN_EPOCHS_AUGMENTED,
    MIN_STEPS,
    MIN_STEPS_SCAN,
    SMALL_DATA,
    TrainConfig,
    parse_input_size,
    parse_spacing,
)
from voxdesk.engine.training.precision import PRECISIONS
from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.infra.style import tones

MODEL_HELP = {  # the engine's MODELS texts, for translation (tests check they match the engine's)
    "voxnet-bn": QT_TRANSLATE_NOOP("Models", "default: a small conv net; scan-sized inputs (>= 40 voxels a side) get "
                                   "strided convs to a ~12^3 map and a soft-maximum pool over it (a finding anywhere "
                                   "counts), small ones (16^3) a flattened map; batch norm in the deeper blocks, "
                                   "dropout"),
    "tutorial-conv3d": QT_TRANSLATE_NOOP("Models", "the 3D MNIST tutorial network exactly (2 conv + max-pool, "
                                         "dense 256), for comparison; overfits"),
    "resnet3d-small": QT_TRANSLATE_NOOP("Models", "a small residual network (4 stages, strided) for larger inputs, "
                                        "64^3 and up"),
}
CHOICE_NAMES = (QT_TRANSLATE_NOOP("TrainForm", "auto"), QT_TRANSLATE_NOOP("TrainForm", "none"),
                QT_TRANSLATE_NOOP("TrainForm", "on"), QT_TRANSLATE_NOOP("TrainForm", "off"))
"""Choices shown translated (``translate("TrainForm", key)``); the others (minmax, zscore, ...)
are the engine's names, as in the CLI. Each combo item keeps its key as item data."""


def model_help(name: str) -> str:
    text = MODELS.get(name, "")
    return translate("Models", MODEL_HELP[name]) if MODEL_HELP.get(name) == text else text


class TrainForm(QWidget):
    validity_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainForm")
        d, a = TrainConfig(), AugmentConfig()
        self._rank: int | None = None
        self._n_train: int | None = None
        self._messages: dict[str, QLabel] = {}
        self._errors: dict[str, str] = {}

        self.model_combo = QComboBox()
        self.model_combo.setObjectName("modelCombo")
        for name in MODELS:
            self.model_combo.addItem(name, name)
            self.model_combo.setItemData(self.model_combo.count() - 1, model_help(name), 3)  # Qt.ToolTipRole
        self.model_combo.setCurrentIndex(list(MODELS).index(DEFAULT_MODEL))
        self.model_help = QLabel()
        self.model_help.setWordWrap(True)
        self.model_help.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.model_help.setMinimumHeight(44)
        self.model_help.setStyleSheet(f"QLabel {{ color: {tones(self)['muted']}; font-size: 11px; }}")
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        self._model_changed()

        self.input_size = QLineEdit()
        self.input_size.setObjectName("inputSizeEdit")
        self.input_size.setPlaceholderText(translate("TrainForm", "the dataset's shape"))
        self.input_size.setToolTip(translate("TrainForm", "Resample every sample to this size: 32 (a cube) or "
                                             "32x32x32. Empty: keep the shape."))

        self.spacing = QLineEdit()
        self.spacing.setObjectName("spacingEdit")
        self.spacing.setPlaceholderText(translate("TrainForm", "none: resize to the input size"))
        self.spacing.setToolTip(translate(
            "TrainForm", "Resample every scan to this voxel size in mm before cropping or padding it to the "
                         "input size: 1.5 (every axis) or 0.8,0.8,2. One voxel is then the same size in every "
                         "scan. Needs files that record their spacing (NIfTI, DICOM). Empty: no millimetres."))
        # 0 shows as "auto": the engine plans epochs and batch size from the dataset (plan_run).
        self.epochs = QSpinBox(objectName="epochsSpin", minimum=0, maximum=1000, value=d.epochs or 0,
                               specialValueText=translate("TrainForm", "auto"))
        self.epochs.setToolTip(translate("TrainForm", "auto: enough epochs for at least {steps} optimiser steps "
                                         "({scan} for scans of 40 voxels a side or more) and at least {epochs} "
                                         "epochs ({aug} with augmentation), with warm-up and cosine decay").format(
            steps=MIN_STEPS, scan=MIN_STEPS_SCAN, epochs=MIN_EPOCHS, aug=MIN_EPOCHS_AUGMENTED))
        self.batch_size = QSpinBox(objectName="batchSizeSpin", minimum=0, maximum=4096, value=d.batch_size or 0,
                                   specialValueText=translate("TrainForm", "auto"))
        self.batch_size.setToolTip(translate("TrainForm", "auto: 16 for fewer than {n} training samples, else "
                                                          "32; at most {mv} Mi voxels a batch (256³ scans: 4)").format(
            n=SMALL_DATA, mv=AUTO_BATCH_MAX_VOXELS // 2**20))
        self.learning_rate = QLineEdit(f"{d.learning_rate:g}")
        self.learning_rate.setObjectName("learningRateEdit")
        self.val_fraction = QDoubleSpinBox(objectName="valFractionSpin", minimum=0.0, maximum=0.5,
                                           singleStep=0.05, decimals=2, value=d.val_fraction)
        self.val_fraction.setToolTip(translate("TrainForm", "Held out of the training split for model selection when "
                                               "the dataset has no validation split."))
        self.normalization = QComboBox(objectName="normalizationCombo")
        for key in NORMALIZATIONS:
            self.normalization.addItem(translate("TrainForm", key), key)
        self.normalization.setCurrentIndex(self.normalization.findData(d.normalization))
        self.class_weights = QCheckBox(translate("TrainForm", "balance classes"), objectName="classWeightsCheck")
        self.class_weights.setChecked(d.class_weights)
        self.class_weights.setToolTip(translate("TrainForm", "Weight the loss by inverse class frequency (for "
                                                             "imbalanced data)"))
        self.seed = QSpinBox(objectName="seedSpin", minimum=0, maximum=2**31 - 1, value=d.seed)
        self.precision = QComboBox(objectName="precisionCombo")

        for value, text in zip(PRECISIONS, (translate("TrainForm", "auto"), translate("TrainForm", "float32"),
                                            translate("TrainForm", "bfloat16 (mixed)"))):
            self.precision.addItem(text, value)
        self.precision.setCurrentIndex(max(self.precision.findData(d.precision), 0))
        self.precision.setToolTip(translate(
            "TrainForm", "auto: float16 mixed precision on a GPU, float32 on a CPU. bfloat16 mixed trains faster "
            "from 32^3 voxels on a CPU with bfloat16 instructions but was less accurate on the CT demo. The saved "
            "model predicts in float32 either way."))

        lo, hi = TARGET_RANGE
        self.refer_target = QDoubleSpinBox(objectName="referTargetSpin", minimum=100 * lo, maximum=100 * hi,
                                           decimals=1, singleStep=1.0, value=100 * d.referral_target, suffix=" %")
        self.refer_target.setToolTip(translate(
            "TrainForm", "Accuracy the cases the model keeps must reach. After training, the confidence threshold "
            "that reaches it on the validation split (with {conf} confidence) is stored in the model; "
            "less confident cases say \"refer to a human\".").format(conf=f"{REFERRAL_CONFIDENCE:.0%}"))

        self.augment_mode = QComboBox(objectName="augmentModeCombo")
        for value in ("auto", "on", "off"):
            self.augment_mode.addItem(translate("TrainForm", value), value)
        self.augment_mode.setToolTip(translate("TrainForm", "auto: off below {n} training samples (measured: it "
                                               "slows learning on small datasets more than it helps), on from "
                                               "there").format(n=SMALL_DATA))
        self.augment = QGroupBox(translate("TrainForm", "Augmentation"), objectName="augmentGroup")
        self.flips = QCheckBox(translate("TrainForm", "random flips"), objectName="augFlips", checked=a.flips)
        self.flips.setToolTip(translate("TrainForm", "Mirror training scans: a lesion mirrored is still a lesion"))
        self.left_right = QCheckBox(translate("TrainForm", "left/right matters (no left-right flips)"),
                                    objectName="augLeftRight", checked=d.left_right_matters)
        self.left_right.setToolTip(translate("TrainForm", "Tick when the class depends on the side (e.g. left vs "
                                             "right hemisphere); stored in the model bundle"))
        self.rot90 = QCheckBox(translate("TrainForm", "90° rotations"), objectName="augRot90", checked=a.rot90)
        self.rotation = QDoubleSpinBox(objectName="augRotation", minimum=0, maximum=45, value=a.rotation_deg,
                                       suffix=" °", decimals=0)
        self.shift = QDoubleSpinBox(objectName="augShift", minimum=0, maximum=0.3, singleStep=0.05, value=a.shift)
        self.intensity = QDoubleSpinBox(objectName="augIntensity", minimum=0, maximum=0.5, singleStep=0.05,
                                        value=a.intensity)
        self.noise = QDoubleSpinBox(objectName="augNoise", minimum=0, maximum=0.2, singleStep=0.01, value=a.noise,
                                    decimals=3)
        aug = QFormLayout(self.augment)
        aug.addRow(translate("TrainForm", "mode"), self.augment_mode)
        aug.addRow(self.flips)
        aug.addRow(self.left_right)
        aug.addRow(self.rot90)
        aug.addRow(translate("TrainForm", "rotation up to"), self.rotation)
        aug.addRow(translate("TrainForm", "shift (fraction)"), self.shift)
        aug.addRow(translate("TrainForm", "intensity jitter"), self.intensity)
        aug.addRow(translate("TrainForm", "noise (std)"), self.noise)

        form = QFormLayout()
        form.addRow(translate("TrainForm", "Model"), self.model_combo)
        form.addRow("", self.model_help)
        self._add(form, translate("TrainForm", "Input size"), self.input_size, "input_size")
        self._add(form, translate("TrainForm", "Voxel spacing (mm)"), self.spacing, "target_spacing_mm")
        form.addRow(translate("TrainForm", "Epochs"), self.epochs)
        self._add(form, translate("TrainForm", "Batch size"), self.batch_size, "batch_size")
        self._add(form, translate("TrainForm", "Learning rate"), self.learning_rate, "learning_rate")
        form.addRow(translate("TrainForm", "Validation fraction"), self.val_fraction)
        form.addRow(translate("TrainForm", "Normalisation"), self.normalization)
        form.addRow(translate("TrainForm", "Class weights"), self.class_weights)
        form.addRow(translate("TrainForm", "Seed"), self.seed)
        form.addRow(translate("TrainForm", "Precision"), self.precision)
        form.addRow(translate("TrainForm", "Kept-case accuracy"), self.refer_target)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.augment)

        self.augment_mode.currentIndexChanged.connect(self._augment_mode_changed)
        self._augment_mode_changed()
        self.input_size.textChanged.connect(self.validate)
        self.spacing.textChanged.connect(self.validate)
        self.learning_rate.textChanged.connect(self.validate)
        self.batch_size.valueChanged.connect(self.validate)
        self.val_fraction.valueChanged.connect(self.validate)
        self.validate()

    def _add(self, form: QFormLayout, label: str, widget: QWidget, key: str) -> None:
        msg = QLabel(objectName=f"{key}Message")
        msg.setWordWrap(True)
        msg.setVisible(False)
        self._messages[key] = msg
        form.addRow(label, widget)
        form.addRow("", msg)

    def _augment_mode_changed(self, *_):
        """The parts are editable when augmentation is on; "auto" uses the defaults shown."""
        on = self.augment_mode.currentData() == "on"
        for w in (self.flips, self.rot90, self.rotation, self.shift, self.intensity, self.noise):
            w.setEnabled(on)

    def _model_changed(self, *_):
        self.model_help.setText(model_help(self.model_combo.currentData()))

    # -- dataset-dependent checks -------------------------------------------------------
    def set_dataset(self, dataset) -> None:
        """Remember the dataset's spatial rank and training size for the field checks."""
        self._rank, self._n_train = None, None
        if dataset is not None:
            shape = dataset.sample_shape
            if shape is not None:
                self._rank = len(split_sample_shape(shape)[0])
            split = dataset.splits.get("train") or dataset.splits.get("all")
            self._n_train = len(split) if split is not None else None
            self.input_size.setPlaceholderText(
                "×".join(map(str, split_sample_shape(shape)[0])) if shape
                else translate("TrainForm", "required: shapes differ"))
        self.validate()

    def _show(self, key: str, text: str, error: bool) -> None:
        msg = self._messages[key]
        msg.setText(text)
        msg.setStyleSheet(f"QLabel {{ color: {tones(self)['error' if error else 'warn']}; font-size: 11px; }}")
        msg.setVisible(bool(text))
        if error and text:
            self._errors[key] = text

    def validate(self, *_) -> bool:
        """Check the fields with the engine's own rules (``TrainConfig.field_errors``)."""
        self._errors = {}
        try:
            candidate = self._candidate()
            errors = candidate.field_errors()
        except ValueError as exc:  # a field that does not even parse: _candidate names it
            candidate, errors = None, dict([exc.args[0]])
        for key in ("input_size", "target_spacing_mm", "learning_rate"):
            self._show(key, errors.get(key, ""), bool(errors.get(key)))
        for key, text in errors.items():  # settings without their own message line
            self._errors.setdefault(key, text)
        n = self._n_train
        if candidate is not None and n is not None and (candidate.batch_size or 0) > n:  # auto never is
            self._show("batch_size", translate("TrainForm", "larger than the {n} training samples: one batch per "
                                                "epoch").format(n=n), False)
        else:
            self._show("batch_size", "", False)
        ok = not self._errors
        self.validity_changed.emit(ok)
        return ok

    def errors(self) -> dict[str, str]:
        self.validate()
        return dict(self._errors)

    def _candidate(self) -> TrainConfig:
        """The TrainConfig the fields describe, unchecked; ValueError(("field", message)) when a
        field's text cannot be read at all."""
        try:
            size = parse_input_size(self.input_size.text(), self._rank)
        except ValueError as exc:
            raise ValueError(("input_size", str(exc))) from None
        try:
            spacing = parse_spacing(self.spacing.text(), self._rank)
        except ValueError as exc:
            raise ValueError(("target_spacing_mm", str(exc))) from None
        try:
            lr = float(self.learning_rate.text().strip())
        except ValueError:
            raise ValueError(("learning_rate",
                translate("TrainForm", "a number between 0 and 1, e.g. 0.001"))) from None
        mode = self.augment_mode.currentData()
        augment = "auto" if mode == "auto" else None
        if mode == "on":
            augment = AugmentConfig(flips=self.flips.isChecked(), rot90=self.rot90.isChecked(),
                                    rotation_deg=self.rotation.value(), shift=self.shift.value(),
                                    intensity=self.intensity.value(), noise=self.noise.value())
        return TrainConfig(
            model=self.model_combo.currentData(), input_size=size, target_spacing_mm=spacing,
            epochs=self.epochs.value() or None, batch_size=self.batch_size.value() or None,
            learning_rate=lr, val_fraction=self.val_fraction.value(),
            augment=augment, normalization=self.normalization.currentData(),
            class_weights=self.class_weights.isChecked(), seed=self.seed.value(),
            left_right_matters=self.left_right.isChecked(), precision=self.precision.currentData(),
            referral_target=round(self.refer_target.value() / 100, 4))

    def config(self) -> TrainConfig:
        """The TrainConfig the fields describe; ValueError listing the field messages if invalid."""
        errors = self.errors()
        if errors:
            raise ValueError("; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in errors.items()))
        return self._candidate()
