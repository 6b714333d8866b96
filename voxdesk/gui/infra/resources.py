"""Finding the app's resources (icon, style sheet, translations) in a checkout or an installed package."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QPolygonF

_PACKAGE = Path(__file__).resolve().parents[2]  # .../voxdesk (this file is voxdesk/gui/infra/resources.py)
CANDIDATE_DIRS = (
    _PACKAGE.parent / "resources",  # a checkout / editable install: <repo>/resources
    _PACKAGE / "resources",  # an installed package: voxdesk/resources
)


def resource_path(relative: str) -> Path | None:
    for base in CANDIDATE_DIRS:
        p = base / relative
        if p.is_file():
            return p
    return None


def _drawn_icon() -> QIcon:
    """The same cube icon drawn with QPainter, for builds that lack the SVG."""
    pix = QPixmap(64, 64)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor("#1a2436"))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(2, 2, 60, 60, 11, 11)
    faces = (("#f0c35a", [(32, 10), (53, 21), (32, 33), (11, 21)]),
             ("#5aa9e6", [(11, 21), (32, 33), (32, 55), (11, 44)]),
             ("#7fd18b", [(32, 33), (53, 21), (53, 44), (32, 55)]))
    for color, pts in faces:
        p.setBrush(QColor(color))
        p.drawPolygon(QPolygonF([QPointF(x, y) for x, y in pts]))
    p.end()
    return QIcon(pix)


def app_icon() -> QIcon:
    path = resource_path("icons/voxdesk.svg")
    if path is not None:
        icon = QIcon(str(path))
        if not icon.pixmap(32, 32).isNull():  # the SVG icon engine may be missing
            return icon
    return _drawn_icon()


def style_sheet() -> str:
    path = resource_path("qss/voxdesk.qss")
    return path.read_text(encoding="utf-8") if path is not None else ""
