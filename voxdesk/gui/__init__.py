"""The PySide6 desktop app.

Importing any part of it, before the QApplication exists:
* keeps TensorFlow's symbols out of the global scope, where Mesa's OpenGL would bind to
  TensorFlow's LLVM and crash (``tf_runtime``), and its start-up banner off the terminal
  (``engine.model.tf_quiet``, shared with the CLI);
* shares OpenGL contexts application-wide: pyqtgraph caches compiled shader programs
  globally, so a second 3D view (a new window, a screenshot) would otherwise draw with
  program ids from a dead context ("glUseProgram: invalid value").
"""
from PySide6.QtCore import QCoreApplication, Qt

from voxdesk.engine.model.tf_quiet import quiet_tensorflow
from voxdesk.gui.infra.tf_runtime import keep_tensorflow_symbols_local

keep_tensorflow_symbols_local()
quiet_tensorflow()  # TensorFlow's start-up banner off the terminal (shared with voxdesk-cli)

if QCoreApplication.instance() is None:
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
