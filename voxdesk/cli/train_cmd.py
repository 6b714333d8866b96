"""voxdesk-cli train: train a model on a labelled dataset and save a model bundle.

Prints one progress line per epoch (a bar that redraws in place on a terminal), a summary
table at the end, and writes the training history as CSV next to the bundle
(``<bundle>.history.csv``). Multi-worker: run the same command on every machine with
``--workers host:port,host:port --worker-index I`` (worker 0 is the chief and writes ``--out``;
other workers write ``<out>.worker<I>`` so that nothing collides on a shared disk).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from voxdesk.cli import add_force

FLAGS = {"model": "--model", "input_size": "--input-size", "target_spacing_mm": "--spacing", "epochs": "--epochs",
         "batch_size": "--batch-size",
         "learning_rate": "--lr", "lr_schedule": "--lr-schedule", "val_fraction": "--val-fraction",
         "normalization": "--normalization", "early_stopping_patience": "--patience",
         "precision": "--precision", "referral_target": "--refer-target"}
"""The flag each TrainConfig field is set with, for the engine's validation messages."""


def _fraction_or_percent(text: str) -> float:
    """"0.95" or "95" (percent) -> 0.95; TrainConfig checks the range."""
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an accuracy (e.g. 0.95 or 95)") from None
    return value / 100 if value > 1 else value


def _size(text: str) -> tuple[int, ...]:
    from voxdesk.engine.training.config import parse_input_size

    try:
        return parse_input_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"input size {text!r}: {exc}") from None


def _spacing(text: str) -> tuple[float, ...]:
    from voxdesk.engine.training.config import parse_spacing

    try:
        return parse_spacing(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"spacing {text!r}: {exc}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_argument(parser)
    parser.add_argument("--out", required=True, metavar="BUNDLE", help="model bundle file to write (.voxmodel)")
    add_training_arguments(parser)


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", metavar="DATA", help="labelled dataset (3D MNIST h5, MedMNIST npz, folder, CSV, ...) "
                        "or a VoxDesk project (.voxproj: its dataset and training settings; flags override)")


def add_training_arguments(parser: argparse.ArgumentParser, *, distributed: bool = True) -> None:
    """The recipe's flags (``FLAGS`` and the rest), shared with ``crossval``; ``distributed``
    adds the crash-resume and multi-worker ones, which only a single training can use."""
    from voxdesk.engine.model.networks import DEFAULT_MODEL, MODELS

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = "models:\n" + "\n".join(f"  {k}: {v}" for k, v in MODELS.items())
    parser.add_argument("--model", default=DEFAULT_MODEL, choices=list(MODELS), help=f"default {DEFAULT_MODEL}")
    from voxdesk.engine.training import config as plan

    parser.add_argument("--epochs", type=int, default=None,
                        help=f"default auto: enough for {plan.MIN_STEPS} optimiser steps ({plan.MIN_STEPS_SCAN} for "
                             f"scans of 40 voxels a side or more), at least {plan.MIN_EPOCHS} epochs "
                             f"({plan.MIN_EPOCHS_AUGMENTED} with augmentation)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help=f"default auto: 16 below {plan.SMALL_DATA} training samples, else 32; at most "
                             f"{plan.AUTO_BATCH_MAX_VOXELS // 2**20} Mi voxels a batch (256^3: 4)")
    parser.add_argument("--input-size", type=_size, default=None, metavar="D,H,W",
                        help="resample samples to this size (default: the samples' own size)")
    parser.add_argument("--spacing", type=_spacing, default=None, metavar="MM[,MM,MM]",
                        help="resample every scan to this voxel size in mm first, then crop/pad it to the "
                             "input size (default: none, resize to the input size); needs files with a "
                             "known spacing (NIfTI, DICOM, HDF5 with a 'spacing' attribute)")
    parser.add_argument("--lr", type=float, default=1e-3, help="initial learning rate (Adam)")
    from voxdesk.engine.model.preprocessing import NORMALIZATIONS

    parser.add_argument("--normalization", default="auto", choices=list(NORMALIZATIONS),
                        help="intensity normalisation; auto (default): a CT window (level 40, width 400) "
                             "when the data looks like CT in Hounsfield units, else robust (percentiles) for "
                             "scans of 40 voxels a side or more and min-max for smaller inputs")
    parser.add_argument("--augment", choices=["auto", "on", "off"], default="auto",
                        help="auto (default): off below 1,000 training samples, where it slows learning more "
                             "than it helps, small rotations/shifts/intensity/noise from there on")
    parser.add_argument("--no-augment", action="store_const", const="off", dest="augment",
                        help="the same as --augment off")
    parser.add_argument("--flips", action="store_true",
                        help="augment with random flips and 90-degree turns too (implies --augment on)")
    parser.add_argument("--left-right-matters", action="store_true",
                        help="the class depends on the side: never flip or turn the left-right axis")
    parser.add_argument("--val-fraction", type=float, default=0.2,
                        help="validation fraction of the training split when the data has no 'val' split")
    parser.add_argument("--class-weights", action="store_true", help="balance classes by weighting the loss")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--patience", type=int, default=10,
                        help="early-stopping patience in epochs of the smoothed validation loss (default 10)")
    from voxdesk.engine.training.precision import PRECISIONS

    # checked by TrainConfig (one line naming the flag), not by argparse's choices (usage + error)
    parser.add_argument("--precision", default="auto", metavar="{" + ",".join(PRECISIONS) + "}",
                        help="auto (default): float16 mixed precision on a GPU, float32 on a CPU; bfloat16 (mixed) "
                             "trains faster from 32^3 voxels on a CPU with bfloat16 instructions but was less "
                             "accurate on the CT demo; the saved model predicts in float32 either way")
    parser.add_argument("--refer-target", type=_fraction_or_percent, default=0.95, metavar="ACCURACY",
                        help="accuracy the cases the model keeps must reach, as 0.95 or 95 (default 95%%): "
                             "cases less confident than the threshold chosen for it on the validation split "
                             "are marked 'refer to a human'")
    parser.add_argument("--lr-schedule", default="cosine", choices=["cosine", "constant"],
                        help="cosine (default): warm-up, then cosine decay to 1%% of --lr; constant: --lr throughout")
    if not distributed:
        return
    parser.add_argument("--backup-dir", default=None, help="folder for crash-resume checkpoints")
    parser.add_argument("--workers", default=None, metavar="HOST:PORT,...",
                        help="multi-worker training: every worker's address, same list on each")
    parser.add_argument("--worker-index", type=int, default=0, help="this worker's index in --workers")
    add_force(parser)


def _bar(frac: float, width: int = 24) -> str:
    done = int(round(frac * width))
    return "[" + "#" * done + "." * (width - done) + "]"


def _epoch_line(info: dict) -> str:
    parts = [f"epoch {info['epoch']:>3}/{info['epochs']} {_bar(info['epoch'] / info['epochs'])}",
             f"loss {info.get('loss', float('nan')):.4f}", f"acc {info.get('accuracy', float('nan')):.4f}"]
    if "val_loss" in info:
        parts += [f"val_loss {info['val_loss']:.4f}", f"val_acc {info.get('val_accuracy', float('nan')):.4f}"]
    parts += [f"lr {info['learning_rate']:.2g}", f"{info['samples_per_s']:.0f} samples/s",
              f"{info['seconds']:.1f} s", f"ETA {info['eta_s']:.0f} s"]
    return "  ".join(parts)


def _summary(result, out: Path, history_csv: Path) -> str:
    m = result.test_metrics or {}
    t = result.timings
    rows = [
        ("model", result.config.model), ("input", "x".join(map(str, result.spec.input_shape))),
        ("classes", ", ".join(result.class_names)),
        ("samples train/val/test", "/".join(str(result.split_sizes[k]) for k in ("train", "val", "test"))),
        ("validation from", result.split_sizes["val_source"]), ("test from", result.split_sizes["test_source"]),
        ("normalisation", result.spec.normalization),
        ("voxel spacing", " x ".join(f"{v:g}" for v in result.spec.target_spacing) + " mm"
         if result.spec.target_spacing else "none (resized to the input size)"),
        ("precision", result.precision + ("" if result.precision == "float32" else " mixed")
         + (" (auto)" if result.config.precision == "auto" else "")),
        ("epochs run / best", f"{result.epochs_run} / {result.best_epoch}"),
        ("best val_loss", f"{min(result.history.get('val_loss', [float('nan')])):.4f}"),
    ]
    if m.get("n"):
        ci = m.get("accuracy_ci")
        rows.append(("test accuracy", f"{m['accuracy']:.4f}" + (f" (95% CI {ci[0]:.3f}-{ci[1]:.3f})" if ci else "")))
        rows.append(("test ROC AUC", f"{m['roc_auc']:.4f}" if m.get("roc_auc") is not None else "n/a"))
        rows.append(("test ECE", f"{m['ece']:.4f}"))
    rows += [("training time", f"{t['fit_s']:.1f} s ({t['train_samples_per_s']:.0f} samples/s)"),
             ("strategy", result.strategy), ("bundle", str(out)), ("history CSV", str(history_csv))]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"  {k:<{width}}  {v}" for k, v in rows)


def config_from_args(args: argparse.Namespace):
    """The validated ``TrainConfig`` of ``add_training_arguments``' flags (ModelError naming the flag)."""
    from voxdesk.engine.training.augment import NO_AUGMENT, AugmentConfig
    from voxdesk.engine.training.config import TrainConfig
    from voxdesk.engine.training.distribute import parse_workers

    if args.flips:
        augment = AugmentConfig(flips=True, rot90=True)
    else:
        augment = {"auto": "auto", "on": AugmentConfig(), "off": NO_AUGMENT}[args.augment]
    return TrainConfig(model=args.model, input_size=args.input_size, target_spacing_mm=args.spacing,
                       epochs=args.epochs,
                       batch_size=args.batch_size, learning_rate=args.lr, val_fraction=args.val_fraction,
                       augment=augment, normalization=args.normalization, class_weights=args.class_weights,
                       seed=args.seed, early_stopping_patience=args.patience,
                       backup_dir=getattr(args, "backup_dir", None), lr_schedule=args.lr_schedule,
                       left_right_matters=args.left_right_matters, precision=args.precision,
                       referral_target=args.refer_target, workers=parse_workers(getattr(args, "workers", None)),
                       worker_index=getattr(args, "worker_index", 0)).validate(FLAGS)


def run(args: argparse.Namespace) -> int:
    from voxdesk.engine.datasets import load_dataset
    from voxdesk.engine.progress import Cancelled

    config = config_from_args(args)  # validated before reading data
    out = Path(args.out)
    if config.workers and args.worker_index != 0:
        out = out.with_name(f"{out.name}.worker{args.worker_index}")
    from voxdesk.cli.project_args import training_from_project
    from voxdesk.engine.io.outputs import check_output

    data, config = training_from_project(args.data, config)
    # Both outputs, before the data is read and the model trained: not an input, not another
    # kind of file (unless --force), a folder that can be written with room for the bundle.
    inputs = [args.data, data, args.backup_dir]
    check_output(out, "bundle", inputs=inputs, force=args.force, flag="--out")
    check_output(out.with_name(out.name + ".history.csv"), "csv", inputs=inputs, force=args.force,
                 flag="--out (its history CSV)")
    dataset = load_dataset(data)
    for w in dataset.warnings:
        print(f"warning: {w}", file=sys.stderr)
    from voxdesk.engine.training.train import train

    tty = sys.stdout.isatty()

    def on_batch(info):
        if tty:
            frac = info["batch"] / info["steps"]
            sys.stdout.write(f"\repoch {info['epoch']:>3}/{info['epochs']} {_bar(frac)} "
                             f"loss {info.get('loss', 0):.4f} ETA {info['eta_s']:.0f} s   ")
            sys.stdout.flush()

    def on_epoch(info):
        print(("\r" if tty else "") + _epoch_line(info), flush=True)

    print(f"training {config.model} on {data} ({len(dataset.class_names)} classes)", flush=True)
    try:
        result = train(config, dataset, on_epoch=on_epoch, on_batch=on_batch)
    except Cancelled:  # pragma: no cover - the CLI passes no cancel token
        return 130
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    for note in result.notes:
        print(f"note: {note}", flush=True)
    result.save(out)
    from voxdesk.engine.training.history import write_history_csv

    history_csv = write_history_csv(result.history, out.with_name(out.name + ".history.csv"))
    print("\nsummary")
    print(_summary(result, out, history_csv))
    return 0
