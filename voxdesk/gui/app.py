"""``voxdesk [--sample] [PATH]``: start the desktop app.

Starts fast: TensorFlow is never imported here (training and classification import it in
their workers), and the OpenGL 3D view is built when the first volume arrives.
"""
from __future__ import annotations

import argparse
import os
import sys

from voxdesk.engine.io import formats

NO_DISPLAY_PLATFORMS = ("offscreen", "minimal", "vnc", "linuxfb", "eglfs")


def display_problem(environ=None, platform: str | None = None) -> str | None:
    """One line explaining why no window can be shown here, or None when one can."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux") and "bsd" not in platform:
        return None  # Windows and macOS always have a display server
    qpa = environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if qpa in NO_DISPLAY_PLATFORMS:
        return None
    has_x = bool(environ.get("DISPLAY"))
    has_wayland = bool(environ.get("WAYLAND_DISPLAY"))
    if (qpa == "xcb" and has_x) or (qpa.startswith("wayland") and has_wayland):
        return None
    if not qpa and (has_x or has_wayland):
        return None
    return ("voxdesk: no display found (DISPLAY and WAYLAND_DISPLAY are not set); "
            "the desktop app needs one; use 'voxdesk-cli' for headless work (voxdesk-cli --help)")


def parse_args(argv=None) -> argparse.Namespace:
    from voxdesk import __version__

    p = argparse.ArgumentParser(prog="voxdesk", description="VoxDesk: view, train on and classify 3D scans.")
    p.add_argument("path", nargs="?", help=f"a volume to open ({formats.describe()})")
    p.add_argument("--sample", action="store_true", help="open the built-in demo sample volume")
    p.add_argument("--version", action="version", version=f"voxdesk {__version__}")
    return p.parse_args(argv)


def dark_palette():
    from PySide6.QtGui import QColor, QPalette

    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#1e2128", QPalette.ColorRole.WindowText: "#e2e4e9",
        QPalette.ColorRole.Base: "#15171c", QPalette.ColorRole.AlternateBase: "#1b1e24",
        QPalette.ColorRole.ToolTipBase: "#2b2f38", QPalette.ColorRole.ToolTipText: "#e2e4e9",
        QPalette.ColorRole.Text: "#e2e4e9", QPalette.ColorRole.Button: "#2a2e37",
        QPalette.ColorRole.ButtonText: "#e2e4e9", QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Highlight: "#3d7bd9", QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#6aa8ff", QPalette.ColorRole.PlaceholderText: "#80848d",
    }
    for role, color in roles.items():
        pal.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b6f78"))
    return pal


def make_application(argv=None, *, language: str | None = None):
    """The QApplication (reused when one exists, e.g. under pytest-qt), styled, with the
    translators for ``language`` (``en``/``ko``; default: ``infra.i18n.effective()``) installed,
    before any widget is built."""
    from PySide6.QtWidgets import QApplication

    from voxdesk.gui.infra import accessibility, focus, i18n
    from voxdesk.gui.infra.resources import app_icon, style_sheet

    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else [sys.argv[0]])
    app.setApplicationName("VoxDesk")
    app.setOrganizationName("VoxDesk")
    app.setApplicationDisplayName("VoxDesk")
    app.setDesktopFileName("io.github.voxdesk.voxdesk")  # packaging/io.github.voxdesk.voxdesk.desktop
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    app.setStyleSheet(style_sheet())
    app.setWindowIcon(app_icon())
    i18n.install(app, language)
    accessibility.install(app)  # every dialog's controls named when it opens
    focus.install_focus_ring(app)
    return app


def create_window(path: str | None = None, *, sample: bool = False, restore_layout: bool = True):
    """The main window with every panel installed, then the volume (if any) opening."""
    from PySide6.QtGui import QGuiApplication

    from voxdesk.gui.infra.tf_runtime import prepare_for_opengl
    from voxdesk.gui.main_window import MainWindow

    prepare_for_opengl(QGuiApplication.platformName())  # before the 3D view's first GL context
    window = MainWindow()
    window.arrange_docks(restore=restore_layout)
    if sample:
        window.open_sample()
    elif path:
        window.open_anything(path)
    return window


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    app = make_application()
    window = create_window(args.path, sample=args.sample)
    window.show()
    from PySide6.QtCore import QTimer

    from voxdesk.gui.infra.tf_runtime import warm_up_tensorflow

    QTimer.singleShot(1500, lambda: warm_up_tensorflow(window.runner))  # the first Train does not stall
    return int(app.exec())


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
