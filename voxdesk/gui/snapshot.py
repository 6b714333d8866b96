"""Grab the main window as an image, OpenGL pane included.

``QWidget.grab`` composites a QOpenGLWidget's last frame but loses what GL items paint with
QPainter (pyqtgraph's GLTextItem, e.g. the 3D orientation letters); the 3D pane is therefore
re-rendered with ``grabFramebuffer`` and painted over its place in the grab.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage, QPainter


def grab_window(window) -> QImage:
    image = window.grab().toImage()
    ortho = getattr(window, "ortho", None)
    vv = getattr(ortho, "volume_view", None)
    gl = getattr(vv, "gl", None)
    if gl is None or not gl.isVisible():
        return image
    frame = gl.grabFramebuffer()
    if frame.isNull():
        return image
    top_left = gl.mapTo(window, QPoint(0, 0))
    ratio = image.devicePixelRatio() or 1.0
    target = QRect(int(top_left.x() * ratio), int(top_left.y() * ratio),
                   int(gl.width() * ratio), int(gl.height() * ratio))
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    painter.drawImage(target, frame)
    painter.end()
    return image
