"""OrthoView: the three linked slice views and the 3D pane, in a 2x2 grid or one large view.

The views share ``state`` and never know each other; this widget only arranges them.
The 3D pane (``views.volume_view``, OpenGL) is imported and built when the first volume
arrives, so the window appears without paying for OpenGL.
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from voxdesk.gui.infra.i18n import translate
from voxdesk.gui.viewer.views.slice_view import SliceView

LAYOUTS: dict[str, str] = {  # key -> English label; shown as translate("OrthoView", label)
    "2x2": QT_TRANSLATE_NOOP("OrthoView", "2 x 2 (three slices + 3D)"),
    "1+3": QT_TRANSLATE_NOOP("OrthoView", "One large + three small"),
    "axial": QT_TRANSLATE_NOOP("OrthoView", "Axial only"),
    "coronal": QT_TRANSLATE_NOOP("OrthoView", "Coronal only"),
    "sagittal": QT_TRANSLATE_NOOP("OrthoView", "Sagittal only"),
    "3d": QT_TRANSLATE_NOOP("OrthoView", "3D only"),
}
PANES = ("axial", "sagittal", "coronal", "3d")  # 2x2 reading order (as in ITK-SNAP)


class OrthoView(QWidget):
    layout_changed = Signal(str)

    def __init__(self, state, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("orthoView")
        self.state = state
        self.views: dict[str, SliceView] = {p: SliceView(state, p) for p in ("axial", "coronal", "sagittal")}
        self.volume_view = None  # built lazily (OpenGL)
        self._pane3d = QWidget()
        self._pane3d.setObjectName("volumePane")
        self._pane3d.setStyleSheet("background: #0c0c10;")
        pane_layout = QVBoxLayout(self._pane3d)
        pane_layout.setContentsMargins(0, 0, 0, 0)
        hint = QLabel(translate("OrthoView", "3D view: open a volume"))
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setStyleSheet("color: #777;")
        self._pane3d_hint = hint
        pane_layout.addWidget(hint)
        self.panes: dict[str, QWidget] = {**self.views, "3d": self._pane3d}
        self._last_focused = self.views["axial"]
        for view in self.views.values():
            view.installEventFilter(self)

        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(3)
        self.current_layout = ""
        self.large = "axial"
        self.set_layout("2x2")
        state.volume_changed.connect(self._on_volume)

    # -- 3D pane ----------------------------------------------------------------------
    def _on_volume(self, volume) -> None:
        if volume is not None:
            self.ensure_volume_view()

    def ensure_volume_view(self):
        """Build the 3D pane now (imports OpenGL); returns the VolumeView."""
        if self.volume_view is None:
            from voxdesk.gui.viewer.views.volume_view import VolumeView

            self.volume_view = VolumeView(self.state)
            self._pane3d_hint.hide()
            self._pane3d.layout().addWidget(self.volume_view)
        return self.volume_view

    # -- keyboard focus ---------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.FocusIn and obj in self.views.values():
            self._last_focused = obj
        return False

    def focus_view(self) -> None:
        """Give the keyboard back to the slice view used last (a shown one), so that the arrow
        keys step slices again after a toolbar control."""
        view = self._last_focused
        if view.isHidden():
            shown = [v for v in self.views.values() if not v.isHidden()]
            view = shown[0] if shown else view
        view.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- layout -----------------------------------------------------------------------
    def set_layout(self, name: str, large: str | None = None) -> None:
        """``name`` is a key of LAYOUTS; ``large`` picks the big pane for "1+3"."""
        if name not in LAYOUTS:
            raise ValueError(f"unknown layout {name!r}; choose one of {', '.join(LAYOUTS)}")
        if large in self.panes:
            self.large = large
        for pane in self.panes.values():
            self.grid.removeWidget(pane)
            pane.hide()
        for i in range(4):
            self.grid.setRowStretch(i, 0)
            self.grid.setColumnStretch(i, 0)
        if name == "2x2":
            for idx, key in enumerate(PANES):
                self.grid.addWidget(self.panes[key], idx // 2, idx % 2)
            self.grid.setRowStretch(0, 1)
            self.grid.setRowStretch(1, 1)
            self.grid.setColumnStretch(0, 1)
            self.grid.setColumnStretch(1, 1)
            shown = list(PANES)
        elif name == "1+3":
            big = self.large
            small = [k for k in PANES if k != big]
            self.grid.addWidget(self.panes[big], 0, 0, 3, 1)
            for row, key in enumerate(small):
                self.grid.addWidget(self.panes[key], row, 1)
                self.grid.setRowStretch(row, 1)
            # 2:1 gives the large pane all its height as width for a square slice, and leaves the
            # small column room for the 3D controls in two rows (no minimum width forcing it wider)
            self.grid.setColumnStretch(0, 2)
            self.grid.setColumnStretch(1, 1)
            shown = [big, *small]
        else:
            self.grid.addWidget(self.panes[name], 0, 0)
            self.grid.setRowStretch(0, 1)
            self.grid.setColumnStretch(0, 1)
            shown = [name]
        for key in shown:
            self.panes[key].show()
        self.current_layout = name
        self.layout_changed.emit(name)

    def reset_views(self) -> None:
        for view in self.views.values():
            view.reset_view()
        if self.volume_view is not None:
            self.volume_view.reset_camera()
