"""``voxdesk-cli screenshot PATH OUT.png``: open PATH in the real main window, save a PNG.

Uses whatever display exists (X11, Wayland, Xvfb); with none, Qt's offscreen platform is used
and the 3D pane shows that OpenGL is unavailable. Nothing is written to the user's settings.
"""
from __future__ import annotations

import os
import time

from voxdesk.cli import add_force
from voxdesk.engine.errors import VoxdeskError
from voxdesk.engine.io import formats

LAYOUT_CHOICES = ("2x2", "1+3", "axial", "coronal", "sagittal", "3d")


class BadArgument(VoxdeskError):
    """A screenshot option the user can fix."""


def add_arguments(parser) -> None:
    parser.add_argument("path", help=f"volume to open ({formats.describe()}; file.h5:/dataset)")
    parser.add_argument("out", help="PNG file to write")
    parser.add_argument("--size", default="1400x900", help="window size WIDTHxHEIGHT (default 1400x900)")
    parser.add_argument("--cursor", help="cursor voxel i,j,k (default: the centre)")
    parser.add_argument("--layout", default="2x2", choices=LAYOUT_CHOICES, help="view layout (default 2x2)")
    parser.add_argument("--large", choices=("axial", "coronal", "sagittal", "3d"),
                        help="the large pane of the 1+3 layout")
    parser.add_argument("--preset", help="window/level preset, e.g. 'CT bone' or 'full range'")
    parser.add_argument("--colormap", default="grey", help="colormap (grey, viridis, inferno, ...)")
    parser.add_argument("--dataset", help="HDF5 dataset / NPZ array to show")
    parser.add_argument("--index", type=int, help="sample index in a stack")
    parser.add_argument("--volume", type=int, help="volume index in a 4D NIfTI")
    parser.add_argument("--model", help="a model bundle: classify the volume and show the prediction")
    parser.add_argument("--explain", action="store_true", help="with --model: overlay the Grad-CAM heat map")
    parser.add_argument("--train", metavar="DATA", help="train on this labelled dataset in the window first "
                        "(the Training panel's settings), and show the curves and results")
    parser.add_argument("--epochs", type=int, default=5, help="with --train: epochs (default 5)")
    parser.add_argument("--label", metavar="FOLDER", help="start a labelling session on this folder of scans "
                        "(File > New Dataset from Folder…; its labels.csv is used and updated) and show the Label "
                        "dock; with --model, the cases not labelled are ranked")
    parser.add_argument("--classes", default="", help="with --label: the classes, comma separated")
    parser.add_argument("--language", choices=("system", "en", "ko"), default="en",
                        help="the window's language (default en; system: the locale's, as the app does)")
    parser.add_argument("--class", dest="class_name",
                        help="with --explain: the class to explain (default: the predicted one)")
    add_force(parser)


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().replace("*", "x").split("x"))
    except ValueError:
        raise BadArgument(f"--size {text!r}: expected WIDTHxHEIGHT, e.g. 1400x900") from None
    if not (200 <= w <= 8000 and 150 <= h <= 8000):
        raise BadArgument(f"--size {text!r}: width 200-8000 and height 150-8000 pixels")
    return w, h


def _parse_cursor(text: str | None, shape) -> tuple[int, int, int] | None:
    if text is None:
        return None
    try:
        ijk = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise BadArgument(f"--cursor {text!r}: expected three integers i,j,k") from None
    if len(ijk) != 3:
        raise BadArgument(f"--cursor {text!r}: expected three integers i,j,k")
    if not all(0 <= v < n for v, n in zip(ijk, shape)):
        raise BadArgument(f"--cursor {text!r} is outside the volume {tuple(shape)}")
    return ijk  # type: ignore[return-value]


def _settle(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def _train_in_window(app, window, dataset, epochs: int) -> None:
    """Train as a user would: the dataset in the Dataset dock, Train pressed, until done."""
    ctl = window.training
    ctl.set_dataset(dataset)
    ctl.train_panel.form.epochs.setValue(epochs)
    window.panels["trainingDock"].raise_()
    if ctl.start() is None:
        raise BadArgument("training could not start (see the Training panel's settings)")
    while ctl.is_training:
        _settle(app, 0.1)
    if ctl.result is None:
        raise BadArgument("training failed; run 'voxdesk-cli train' on the same data for the message")


def _label_in_window(app, window, session, bundle) -> None:
    """The session in the Label dock, its current case in the views; ranked when a model is given."""
    ctl = window.labelling
    ctl._started(session)
    _settle(app, 0.3)
    while ctl.opener.busy or window.runner.running:
        _settle(app, 0.1)
    if bundle is not None:
        ctl.bundle = bundle
        ctl.rank_next()
        while ctl._ranking or ctl.opener.busy or window.runner.running:
            _settle(app, 0.1)
    _settle(app, 0.5)


def run(args) -> int:
    size = _parse_size(args.size)
    out = os.path.abspath(args.out)
    if not os.path.isdir(os.path.dirname(out)):
        raise BadArgument(f"{args.out}: the folder {os.path.dirname(out)} does not exist")
    from voxdesk.engine.io.outputs import check_output

    check_output(out, "png", inputs=[args.path, args.model, args.train], force=args.force)
    from voxdesk.engine.io import open_volume

    kwargs = {k: getattr(args, k) for k in ("dataset", "index", "volume") if getattr(args, k) is not None}
    volume = open_volume(args.path, **kwargs)
    cursor = _parse_cursor(args.cursor, volume.shape)

    from voxdesk.gui.app import display_problem

    if display_problem():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from voxdesk.gui.app import make_application
    from voxdesk.gui.viewer.contrast import PRESETS
    from voxdesk.gui.viewer.views.colormaps import COLORMAPS

    if args.preset is not None and args.preset not in PRESETS:
        raise BadArgument(f"--preset {args.preset!r}: choose one of {', '.join(PRESETS)}")
    if args.colormap not in COLORMAPS:
        raise BadArgument(f"--colormap {args.colormap!r}: choose one of {', '.join(COLORMAPS)}")

    if args.explain and not args.model:
        raise BadArgument("--explain needs --model BUNDLE")
    if args.epochs < 1:
        raise BadArgument("--epochs must be at least 1")
    dataset = None
    if args.train:
        from voxdesk.engine.datasets import load_dataset

        dataset = load_dataset(args.train)
    bundle = prediction = explanation = None
    if args.model:  # the engine's work first: a bad bundle fails before any window opens
        import voxdesk.gui  # noqa: F401  keeps TensorFlow's symbols local (voxdesk.gui.infra.tf_runtime)
        from voxdesk.engine.inference.classify import classify
        from voxdesk.engine.inference.explain import explain
        from voxdesk.engine.model.bundle import load_bundle

        bundle = load_bundle(args.model)
        prediction = classify(bundle, volume)
        if args.explain:
            explanation = explain(bundle, volume, args.class_name)

    session = None
    if args.label:
        from voxdesk.engine.datasets.labelling import LabellingSession

        session = LabellingSession.start(args.label, classes=[c for c in args.classes.split(",") if c.strip()])

    from voxdesk.gui.infra.i18n import system_language

    app = make_application(language=system_language() if args.language == "system" else args.language)
    from voxdesk.gui.app import create_window

    window = create_window(restore_layout=False)  # the default layout, not this user's
    window.persist_settings = False
    window.interactive = False  # nobody to answer a question: closing never asks
    window.state.remembered_presets.clear()  # the file's own window or auto, not this user's choice
    window.resize(*size)
    window.show_volume(volume)
    window.ortho.set_layout(args.layout, large=args.large)
    window.display_bar.show_layout(args.layout)
    window.state.set_colormap(args.colormap)
    if args.preset:
        window.state.apply_preset(args.preset)
    if bundle is not None:
        window.classify.set_bundle(bundle)
        window.classify.show_prediction(prediction)
        if explanation is not None:
            window.classify.show_explanation(explanation)
            if cursor is None:
                window.state.set_cursor(explanation.hottest_voxel)
        window.panels["classifyDock"].raise_()
        if dataset is None:  # the picture is about the prediction: give its column the height
            for name in ("trainingDock", "batchDock"):
                window.panels[name].hide()
    if cursor is not None:
        window.state.set_cursor(cursor)
    window.show()
    _settle(app, 0.8)  # layout, first paint, the 3D view's deferred updates
    if dataset is not None:
        _train_in_window(app, window, dataset, args.epochs)
    if session is not None:
        _label_in_window(app, window, session, bundle)
    vv = window.ortho.volume_view
    if vv is not None and vv.available:
        end = time.monotonic() + 5.0
        while not vv.gl.isExposed() and time.monotonic() < end and vv.gl_widget.isVisible():
            _settle(app, 0.05)
        vv.gl.update()
        _settle(app, 0.3)
    from voxdesk.gui.infra.snapshot import grab_window

    window.hide_stale_tab_bars()  # docks shown or hidden for this picture: the bars as a user sees them
    image = grab_window(window)
    if image.isNull() or not image.save(out):
        raise BadArgument(f"{args.out}: could not write the image (is the suffix .png?)")
    print(f"{out}  {image.width()}x{image.height()}  platform={app.platformName()}")
    window.close()  # no deleteLater: deleting the GL child window under Python's wrappers crashed
    return 0
