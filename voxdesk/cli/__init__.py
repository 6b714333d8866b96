"""voxdesk-cli: the headless twin of the GUI, on the same Qt-free engine.

Each sub-command lives in its own module ``voxdesk.cli.<name>`` exposing
``add_arguments(parser)`` and ``run(args) -> int``. Modules are imported only when their
command runs, so ``voxdesk-cli info`` never pays for TensorFlow or Qt.

Errors a user can fix (``VoxdeskError``) print one line on stderr and exit with code 2; so does
an output that would overwrite an input, a file of another kind (unless ``--force``) or a folder
that cannot be written (``voxdesk.engine.io.outputs``, checked before the work starts).
TensorFlow's start-up banner and library warnings stay off stderr (``VOXDESK_DEBUG=1`` shows
warnings and tracebacks).
"""
from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
import warnings

COMMANDS = {
    "info": "show what a volume or labelled dataset file holds",
    "demo": "write the built-in demo datasets to a folder",
    "train": "train a model on a labelled dataset and save a model bundle",
    "crossval": "cross-validate the training recipe: K folds, per-fold metrics, mean and 95% interval",
    "evaluate": "evaluate a model bundle on a labelled dataset's test split",
    "report": "write a one-page HTML report of a model bundle on a labelled dataset",
    "card": "show or set a model bundle's card: intended use, limitations, author, licence",
    "classify": "classify volumes (files or folders) with a model bundle",
    "suggest": "rank unlabelled scans by the model's uncertainty: which to label next (CSV)",
    "explain": "write a 3D Grad-CAM heat map as NIfTI on the input's grid",
    "convert": "write any volume VoxDesk reads (DICOM series, HDF5/NPY sample, NIfTI) as NIfTI",
    "screenshot": "open a volume in the main window and save a PNG of it",
}


FORCE_HELP = ("replace an existing output even when it holds something else (a scan, a dataset); "
              "an input is never overwritten")


def add_force(parser) -> None:
    """The ``--force`` flag of every command that writes a file (``voxdesk.engine.io.outputs``)."""
    parser.add_argument("--force", action="store_true", help=FORCE_HELP)


def _finite(value):
    if type(value).__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        value = value.item()  # a numpy scalar
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def dumps_json(obj, **kwargs) -> str:
    """JSON text of ``obj`` that is JSON: NaN and infinities become ``null`` (Python's ``json``
    would write ``NaN``), anything else unknown its ``str``."""
    import json

    kwargs.setdefault("default", str)
    return json.dumps(_finite(obj), allow_nan=False, **kwargs)


def _command_module(name: str):
    return importlib.import_module(f"voxdesk.cli.{name}_cmd")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    from voxdesk import __version__

    parser = argparse.ArgumentParser(
        prog="voxdesk-cli", description="VoxDesk headless tools for 3D scans."
    )
    parser.add_argument("--version", action="version", version=f"voxdesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    argv = sys.argv[1:] if argv is None else argv
    argv_command = next((a for a in argv if not a.startswith("-")), None)
    for name, help_text in COMMANDS.items():
        p = sub.add_parser(name, help=help_text.replace("%", "%%"), description=help_text)  # help is %-formatted
        # Only the command being run needs its full argument list (and its imports).
        if name == argv_command or argv_command not in COMMANDS:
            _command_module(name).add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    from voxdesk.engine.errors import VoxdeskError
    from voxdesk.engine.model.tf_quiet import quiet_tensorflow

    quiet_tensorflow()  # before anything imports TensorFlow: its banner is not our one line
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(argv).parse_args(argv)
    debug = bool(os.environ.get("VOXDESK_DEBUG"))
    try:
        with warnings.catch_warnings():
            if not debug:  # what matters is in the engine's own warnings, printed by the command
                warnings.simplefilter("ignore")
            return int(_command_module(args.command).run(args) or 0)
    except VoxdeskError as exc:
        print(f"voxdesk-cli: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("voxdesk-cli: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: still one line, unless debugging
        if debug:
            raise
        print(
            f"voxdesk-cli: internal error: {type(exc).__name__}: {exc} "
            "(set VOXDESK_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
