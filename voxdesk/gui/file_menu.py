"""The File menu's parts that are more than an action: Open Sample, Open Recent, opening
whatever is dropped on the window, and the Help texts.

Order of the File menu (``MainWindow._create_menus``): the Open actions (the training
workflow inserts its dataset actions after them with ``MainWindow.add_file_action``), then
Open Sample and Open Recent, then Quit, last.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QMenu, QMessageBox

from voxdesk.gui.infra import settings
from voxdesk.gui.infra.i18n import translate

SAMPLES = (  # (kind, English label; shown as translate("FileMenu", label))
    ("tumour", QT_TRANSLATE_NOOP("FileMenu", "CT phantom with a liver &tumour")),
    ("cyst", QT_TRANSLATE_NOOP("FileMenu", "CT phantom with a liver &cyst")),
    ("normal", QT_TRANSLATE_NOOP("FileMenu", "CT phantom, &normal liver")),
)
BRAIN = "brain"


def _home_short(folder: str) -> str:
    home = os.path.expanduser("~")
    return "~" + folder[len(home):] if home != "/" and (folder == home or folder.startswith(home + os.sep)) else folder


def recent_label(path: str) -> str:
    """``name — folder``: two ``demo.h5`` in different folders can be told apart."""
    p = Path(path)
    return f"{p.name}  —  {_home_short(str(p.parent))}"


def fill_recent_menu(menu: QMenu, open_path) -> None:
    menu.clear()
    files = settings.recent_files()
    for path in files:
        act = menu.addAction(recent_label(path).replace("&", "&&"))
        act.setToolTip(path)
        act.setStatusTip(path)
        act.triggered.connect(lambda _c=False, p=path: open_path(p))
    if files:
        menu.addSeparator()
        menu.addAction(translate("FileMenu", "Clear List"), settings.clear_recent_files)
    else:
        menu.addAction(translate("FileMenu", "(no recent files)")).setEnabled(False)


def fill_sample_menu(menu: QMenu, open_sample) -> None:
    """The demo's phantoms (one per class, never seen in training) and, when an installed wheel
    ships one, a real brain MRI (the MNI152 template)."""
    from voxdesk.engine.demo.store import installed_brain_mri

    for kind, text in SAMPLES:
        act = menu.addAction(translate("FileMenu", text))
        act.setObjectName(f"sample_{kind}")
        act.triggered.connect(lambda _c=False, k=kind: open_sample(k))
    if installed_brain_mri() is not None:
        menu.addSeparator()
        act = menu.addAction(translate("FileMenu", "&Brain MRI (MNI152 T1 template)"))
        act.setObjectName(f"sample_{BRAIN}")
        act.triggered.connect(lambda _c=False: open_sample(BRAIN))


def sample_path(kind: str) -> str:
    """Where sample ``kind`` is (writes the demo data the first time; runs in a worker)."""
    from voxdesk.engine.demo.store import ensure_demo_data, installed_brain_mri, sample_cases
    from voxdesk.engine.errors import VoxdeskError

    if kind == BRAIN:
        path = installed_brain_mri()
        if path is None:
            raise VoxdeskError("no brain MRI sample is installed (it comes with the nilearn package)")
        return str(path)
    cases = sample_cases(ensure_demo_data())
    if kind not in cases:
        raise VoxdeskError(f"the demo data has no {kind} case")
    return str(cases[kind])


def is_dataset(path: str) -> bool:
    """A folder or CSV that is a labelled dataset (class folders, a manifest, NPY pairs), not a
    single scan or DICOM series: what a drop on the window opens as a dataset."""
    from voxdesk.engine.datasets import detect_layout

    p = Path(path)
    if not (p.is_dir() or p.suffix.lower() == ".csv"):
        return False
    return detect_layout(p) is not None


def show_controls_help(parent) -> None:
    QMessageBox.information(parent, translate("FileMenu", "Mouse and keys"), translate(
        "FileMenu", "Left click/drag: move the cursor (all views follow)\n"
        "Wheel, Up/Down, Left/Right: step slices; Page Up/Down: 10 slices\n"
        "Ctrl+wheel: zoom; middle drag or Shift+left drag: pan; Home: reset the view\n"
        "Right drag: window (horizontal) and level (vertical)\n"
        "3D view: left drag orbits, wheel zooms, middle drag pans"))


def show_about(parent) -> None:
    from voxdesk import __version__

    QMessageBox.about(parent, translate("FileMenu", "About VoxDesk"),
                      f"VoxDesk {__version__}\n" + translate("FileMenu", "View, train on and classify 3D scans, "
                                                                         "offline."))
