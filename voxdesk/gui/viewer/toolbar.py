"""The display toolbar: window/level presets, colormap, layout and reset; wired to state."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QWidget

from voxdesk.gui.viewer.contrast import PRESETS, presets_for
from voxdesk.gui.viewer.views.colormaps import COLORMAPS
from voxdesk.gui.viewer.views.ortho_view import LAYOUTS

CUSTOM = "custom"


class DisplayToolBar(QToolBar):
    """objectNames: ``windowLevelPresets``, ``colormapBox``, ``layoutBox``."""

    layout_requested = Signal(str)

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__("Display", parent)
        self.setObjectName("displayToolBar")
        self.state = state

        self.addWidget(QLabel(" Window "))
        self.presets = QComboBox()
        self.presets.setObjectName("windowLevelPresets")
        self.presets.addItems([*PRESETS, CUSTOM])
        self.presets.setToolTip("Window/level preset (or right-drag in a view: horizontal = width, vertical = level)")
        self.presets.setMinimumContentsLength(14)
        self.addWidget(self.presets)

        self.addWidget(QLabel("  Colormap "))
        self.colormaps = QComboBox()
        self.colormaps.setObjectName("colormapBox")
        self.colormaps.addItems(list(COLORMAPS))
        self.addWidget(self.colormaps)

        self.addWidget(QLabel("  Layout "))
        self.layouts = QComboBox()
        self.layouts.setObjectName("layoutBox")
        for key, text in LAYOUTS.items():
            self.layouts.addItem(text, key)
        self.addWidget(self.layouts)

        self.presets.textActivated.connect(self._preset_chosen)
        self.colormaps.textActivated.connect(state.set_colormap)
        self.layouts.activated.connect(lambda i: self.layout_requested.emit(self.layouts.itemData(i)))
        state.display_changed.connect(self._sync)
        state.volume_changed.connect(self._fill_presets)
        self._sync()

    def _fill_presets(self, volume) -> None:
        """The presets this volume offers (its file's own window first, when it has one)."""
        self.presets.blockSignals(True)
        self.presets.clear()
        self.presets.addItems([*presets_for(volume), CUSTOM])
        self.presets.blockSignals(False)
        self._sync()

    def _preset_chosen(self, name: str) -> None:
        if name != CUSTOM:
            self.state.apply_preset(name)

    def _sync(self) -> None:
        for box, text in ((self.presets, self.state.preset), (self.colormaps, self.state.colormap)):
            box.blockSignals(True)
            i = box.findText(text)
            box.setCurrentIndex(i if i >= 0 else box.findText(CUSTOM))
            box.blockSignals(False)

    def show_layout(self, key: str) -> None:
        self.layouts.blockSignals(True)
        self.layouts.setCurrentIndex(max(self.layouts.findData(key), 0))
        self.layouts.blockSignals(False)
