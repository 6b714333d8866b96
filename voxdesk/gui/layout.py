"""The window's default dock sizes (``MainWindow.arrange_docks``), and the Training dock's
growth the first time a dataset opens.

The scan views keep most of the window: a narrow dataset column on the left, the
volume/classify column on the right with the levels histogram below it, and the
training/batch tabs along the bottom: low while no dataset is open (the welcome page needs
the room), at working height once one is (the curves need it).
"""
from __future__ import annotations

from PySide6.QtCore import Qt

TRAINING_DOCK_EMPTY, TRAINING_DOCK = 200, 360


def default_dock_sizes(window) -> None:
    H, V = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
    training = TRAINING_DOCK_EMPTY if window.training.dataset is None else TRAINING_DOCK
    for names, sizes, orientation in (
        (["datasetDock"], [270], H),
        (["volumeDock"], [340], H),
        (["trainingDock"], [training], V),
        (["volumeDock", "levelsDock"], [560, 190], V),
    ):
        docks = [window.panels[n] for n in names if n in window.panels]
        if len(docks) == len(names):
            window.resizeDocks(docks, sizes, orientation)
    for name in ("volumeDock", "trainingDock"):
        if name in window.panels:
            window.panels[name].raise_()


def grow_training_dock(window, dataset) -> None:
    """Give the Training dock its working height the first time a dataset opens (once)."""
    dock = window.panels.get("trainingDock")
    if dataset is None or dock is None or getattr(window, "_training_dock_grown", False):
        return
    window._training_dock_grown = True
    if dock.height() < TRAINING_DOCK and not dock.isFloating():
        window.resizeDocks([dock], [TRAINING_DOCK], Qt.Orientation.Vertical)
