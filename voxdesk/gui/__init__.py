"""The PySide6 desktop app.

Importing any part of it, before the QApplication exists:
* shares OpenGL contexts application-wide: pyqtgraph caches compiled shader programs
  globally, so a second 3D view (a new window, a screenshot) would otherwise draw with
  program ids from a dead context ("glUseProgram: invalid value").
"""
from PySide6.QtCore import QCoreApplication, Qt

if QCoreApplication.instance() is None:
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
