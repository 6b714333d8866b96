"""Grab the main window as an image, OpenGL pane included.

The 3D view is a native child QOpenGLWindow (see ``views.gl_window``), which
``QWidget.grab`` cannot see; it is rendered with ``grabFramebuffer`` and painted over its
place in the grab.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage, QPainter


def grab_window(window) -> QImage:
    image = window.grab().toImage()
    ortho = getattr(window, "ortho", None)
    vv = getattr(ortho, "volume_view", None)
    gl = getattr(vv, "gl", None)
    host = getattr(vv, "gl_widget", None)  # the QWidget the GL view sits in
    if gl is None or host is None or not host.isVisible():
        return image
    frame = gl.grabFramebuffer()
    if frame.isNull():
        return image
    top_left = host.mapTo(window, QPoint(0, 0))
    ratio = image.devicePixelRatio() or 1.0
    target = QRect(int(top_left.x() * ratio), int(top_left.y() * ratio),
                   int(host.width() * ratio), int(host.height() * ratio))
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    painter.drawImage(target, frame)
    painter.end()
    return image
