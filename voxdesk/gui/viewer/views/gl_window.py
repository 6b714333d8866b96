"""pyqtgraph's 3D view as a QOpenGLWindow hosted in a window container.

A QOpenGLWidget makes Qt compose the *whole* top-level window through OpenGL on every
repaint; with software OpenGL (llvmpipe, Xvfb, VMs) that cost ~70 ms per frame and held slice
stepping to ~9 frames/s. A native child QOpenGLWindow renders on its own, so the 2D views
repaint at full speed (measured ~38 fps vs 9 fps on 512x512 slices under Xvfb).
"""
from __future__ import annotations

from pyqtgraph.opengl.GLViewWidget import GLViewMixin
from PySide6.QtCore import QRect
from PySide6.QtOpenGL import QOpenGLWindow
from PySide6.QtWidgets import QWidget

_CRADLE = None
ORBIT_DEGREES_PER_PIXEL = 0.3
"""pyqtgraph turns one pixel of drag into one degree (160 px = a half turn, hard to aim);
here a drag across a 600 px pane turns the volume by 180 degrees."""


class GLViewWindow(GLViewMixin, QOpenGLWindow):
    def orbit(self, azim, elev) -> None:
        """Damped orbit (mouse drags and arrow keys): ORBIT_DEGREES_PER_PIXEL per pixel."""
        super().orbit(azim * ORBIT_DEGREES_PER_PIXEL, elev * ORBIT_DEGREES_PER_PIXEL)

    def devicePixelRatioF(self) -> float:
        return float(self.devicePixelRatio())

    def rect(self) -> QRect:  # QWidget API that pyqtgraph's GLTextItem uses
        return QRect(0, 0, self.width(), self.height())

    def deviceWidth(self) -> int:
        return int(self.width() * self.devicePixelRatio())

    def deviceHeight(self) -> int:
        return int(self.height() * self.devicePixelRatio())


def surface_format():
    """The default format with a depth buffer: a QOpenGLWindow gets none unless asked (a
    QOpenGLWidget does), and without one a surface's far side was drawn over its near side,
    as dark patches and triangles."""
    from PySide6.QtGui import QSurfaceFormat

    fmt = QSurfaceFormat(QSurfaceFormat.defaultFormat())
    fmt.setDepthBufferSize(24)
    return fmt


def make_gl_view():
    """(view, widget): the GL view to add items to, and the QWidget to put in a layout."""
    from PySide6.QtGui import QOpenGLContext

    share = QOpenGLContext.globalShareContext()  # pyqtgraph caches shader programs globally
    # Created with a (temporary) parent so that shiboken marks it C++-owned: the container
    # takes it over and deletes it; a Python-owned window was deleted twice (segfault at exit).
    global _CRADLE
    if _CRADLE is None:
        from PySide6.QtGui import QWindow

        _CRADLE = QWindow()
    view = GLViewWindow(share, QOpenGLWindow.UpdateBehavior.NoPartialUpdate, _CRADLE)
    view.setFormat(surface_format())
    container = QWidget.createWindowContainer(view)
    container.setMinimumSize(120, 90)
    return view, container
