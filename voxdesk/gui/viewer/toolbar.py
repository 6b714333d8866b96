"""The display toolbar: window/level presets and numbers, colormap, layout; wired to state.

The combos take no keyboard focus from a click (Tab still reaches them) and hand it back to
the slice views once used (``done``), so the arrow keys keep stepping slices. A chosen preset
is remembered per modality (CT, MR, other) in the settings and starts every later scan of
that kind.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QToolBar, QWidget

from voxdesk.gui.infra import settings
from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.viewer.contrast import MODALITIES, PRESETS, full_range, presets_for
from voxdesk.gui.viewer.views.colormaps import COLORMAPS
from voxdesk.gui.viewer.views.ortho_view import LAYOUTS

CUSTOM = "custom"
SPIN_LIMIT = 1e9
SHOWN_NAMES = (
    QT_TRANSLATE_NOOP("Display", "auto (1-99%)"), QT_TRANSLATE_NOOP("Display", "full range"),
    QT_TRANSLATE_NOOP("Display", "CT brain"), QT_TRANSLATE_NOOP("Display", "CT soft tissue"),
    QT_TRANSLATE_NOOP("Display", "CT lung"), QT_TRANSLATE_NOOP("Display", "CT bone"),
    QT_TRANSLATE_NOOP("Display", "file's window"), QT_TRANSLATE_NOOP("Display", "custom"),
    QT_TRANSLATE_NOOP("Display", "grey"),
)
"""The preset and colormap names (``contrast``, ``colormaps``: Qt-free keys, also the CLI's) as
shown: ``translate("Display", key)``; each combo item keeps its key as item data."""


def shown(key: str) -> str:
    return translate("Display", key)


def decimals_for(span: float) -> int:
    """Decimals the W/L boxes show for data spanning ``span``: 0 for CT's thousands of HU,
    more for data in [0, 1]."""
    if not span > 0 or not math.isfinite(span):
        return 2
    return int(min(6, max(0, 3 - math.floor(math.log10(span)))))


class DisplayToolBar(QToolBar):
    """objectNames: ``windowLevelPresets``, ``windowWidthSpin``, ``windowLevelSpin``,
    ``colormapBox``, ``layoutBox``."""

    layout_requested = Signal(str)
    done = Signal()
    """A combo was used (or a number entered): the views may take the keyboard back."""

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(translate("Display", "Display"), parent)
        self.setObjectName("displayToolBar")
        self.state = state
        state.remembered_presets.update(settings.window_presets(MODALITIES))

        self.addWidget(QLabel(" " + translate("Display", "Window") + " "))
        self.presets = self._combo("windowLevelPresets", [*PRESETS, CUSTOM])
        self.presets.setToolTip(translate("Display", "Window/level preset, remembered for the next scan of the same "
                                          "kind (CT, MR, other); or right-drag in a view: horizontal = width, "
                                          "vertical = level"))
        self.presets.setMinimumContentsLength(14)

        self.width_spin = self._spin("windowWidthSpin", translate("Display", " W "),
                                     translate("Display", "Window width (data units; HU for CT)"))
        self.level_spin = self._spin("windowLevelSpin", translate("Display", " L "),
                                     translate("Display", "Window level, the centre of the window"))

        self.addWidget(QLabel("  " + translate("Display", "Colormap") + " "))
        self.colormaps = self._combo("colormapBox", list(COLORMAPS))

        self.addWidget(QLabel("  " + translate("Display", "Layout") + " "))
        self.layouts = self._combo("layoutBox", [])
        for key, text in LAYOUTS.items():
            self.layouts.addItem(translate("OrthoView", text), key)

        self.presets.textActivated.connect(self._preset_chosen)
        self.colormaps.textActivated.connect(lambda text: state.set_colormap(self._key(self.colormaps, text)))
        self.layouts.activated.connect(lambda i: self.layout_requested.emit(self.layouts.itemData(i)))
        for box in (self.presets, self.colormaps, self.layouts):
            box.activated.connect(lambda _i: self.done.emit())
        for spin in (self.width_spin, self.level_spin):
            spin.valueChanged.connect(self._window_typed)
            spin.lineEdit().returnPressed.connect(self.done.emit)
        state.display_changed.connect(self._sync)
        state.volume_changed.connect(self._fill_presets)
        self._sync()

    def _combo(self, name: str, items: list[str]) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        for key in items:
            box.addItem(shown(key), key)
        box.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the keyboard with the views
        self.addWidget(box)
        return box

    def _spin(self, name: str, label: str, tip: str) -> QDoubleSpinBox:
        text = QLabel(label)
        text.setToolTip(tip)
        self.addWidget(text)
        spin = QDoubleSpinBox()
        spin.setObjectName(name)
        spin.setToolTip(translate("Display", "{tip}; type a number and press Enter, or use the arrows").format(tip=tip))
        spin.setRange(-SPIN_LIMIT, SPIN_LIMIT)
        spin.setKeyboardTracking(False)  # applied on Enter or arrows, not on each digit typed
        spin.setAccelerated(True)
        spin.setMinimumWidth(80)
        spin.setMaximumWidth(110)  # its range (+-1e9) would make it twice as wide
        spin.setEnabled(False)
        self.addWidget(spin)
        return spin

    def _fill_presets(self, volume) -> None:
        """The presets this volume offers (its file's own window first, when it has one), and
        W/L boxes with steps and decimals that suit its values."""
        self.presets.blockSignals(True)
        self.presets.clear()
        for key in (*presets_for(volume), CUSTOM):
            self.presets.addItem(shown(key), key)
        self.presets.blockSignals(False)
        if volume is not None:
            lo, hi = full_range(volume.data)
            span = hi - lo
            for spin in (self.width_spin, self.level_spin):
                spin.blockSignals(True)
                spin.setDecimals(decimals_for(span))
                spin.setSingleStep(max(span / 100.0, 10.0 ** -spin.decimals()))
                spin.blockSignals(False)
            self.width_spin.setMinimum(10.0 ** -self.width_spin.decimals())
        self._sync()

    @staticmethod
    def _key(box: QComboBox, text: str) -> str:
        """The key of the item showing ``text`` (a key itself is taken as it is)."""
        i = box.findText(text)
        return str(box.itemData(i)) if i >= 0 and box.itemData(i) is not None else text

    def _preset_chosen(self, text: str) -> None:
        name = self._key(self.presets, text)
        if name == CUSTOM:
            return
        kind = self.state.choose_preset(name)
        if kind is not None:
            settings.set_window_preset(kind, name)

    def _window_typed(self, _value: float) -> None:
        if self.state.volume is not None:
            self.state.set_window(self.width_spin.value(), self.level_spin.value())

    def _sync(self) -> None:
        for box, text in ((self.presets, self.state.preset), (self.colormaps, self.state.colormap)):
            box.blockSignals(True)
            i = box.findData(text)
            box.setCurrentIndex(i if i >= 0 else box.findData(CUSTOM))
            box.blockSignals(False)
        has_volume = self.state.volume is not None
        for spin, number in zip((self.width_spin, self.level_spin), self.state.window):
            spin.blockSignals(True)
            spin.setEnabled(has_volume)
            spin.setValue(number)
            spin.blockSignals(False)

    def show_layout(self, key: str) -> None:
        self.layouts.blockSignals(True)
        self.layouts.setCurrentIndex(max(self.layouts.findData(key), 0))
        self.layouts.blockSignals(False)
