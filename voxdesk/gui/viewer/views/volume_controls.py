"""The 3D pane's controls: what to draw, the surface level (with its number), reset camera.

They sit in a flow layout that wraps onto a second row in a narrow pane, so the 3D pane can
be as small as a "one large + three small" slot without forcing its column wider than the
others (one row of them needed ~490 px).
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSizePolicy,
    QSlider,
    QToolButton,
    QWidget,
)

from voxdesk.gui.infra.i18n import translate


class FlowLayout(QLayout):
    """Items left to right, wrapping to a new row when the width runs out (heightForWidth)."""

    def __init__(self, parent=None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items = []
        self.setSpacing(spacing)

    def addItem(self, item) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _arrange(self, rect, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and row_height > 0:
                x, y, row_height = area.x(), y + row_height + self.spacing(), 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self.spacing()
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + m.bottom()


class VolumeControls(QWidget):
    """objectNames: ``isoLevel`` (slider), ``isoValue`` (its number), ``resetCamera``."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("volumeControls")
        flow = FlowLayout(self)
        flow.setContentsMargins(4, 0, 4, 2)
        self.show_volume = QCheckBox(translate("VolumeControls", "Volume"))
        self.show_volume.setChecked(True)
        self.show_surface = QCheckBox(translate("VolumeControls", "Surface"))
        self.show_planes = QCheckBox(translate("VolumeControls", "Slices"))
        self.show_planes.setToolTip(translate("VolumeControls", "Textured slice planes at the cursor (clearest with "
                                                                "Volume off)"))
        for w in (self.show_volume, self.show_surface, self.show_planes):
            flow.addWidget(w)

        level = QWidget()
        row = QHBoxLayout(level)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.iso_slider = QSlider(Qt.Orientation.Horizontal)
        self.iso_slider.setObjectName("isoLevel")
        self.iso_slider.setRange(0, 1000)
        self.iso_slider.setToolTip(translate("VolumeControls", "Surface level, in the volume's units (tick Surface to "
                                                               "use it)"))
        self.iso_slider.setEnabled(False)
        self.iso_slider.setFixedWidth(90)
        self.iso_label = QLabel("")
        self.iso_label.setObjectName("isoValue")
        self.iso_label.setToolTip(translate("VolumeControls", "The surface level: the value the surface is drawn at"))
        self.iso_label.setMinimumWidth(44)
        self.iso_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(QLabel(translate("VolumeControls", "Level")))
        row.addWidget(self.iso_slider)
        row.addWidget(self.iso_label)
        flow.addWidget(level)

        self.reset = QToolButton()
        self.reset.setText(translate("VolumeControls", "Reset"))
        self.reset.setObjectName("resetCamera")
        self.reset.setToolTip(translate("VolumeControls", "Reset the camera: the whole volume, from the front-right "
                                         "(also View > Reset Views)"))
        flow.addWidget(self.reset)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
