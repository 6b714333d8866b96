"""The Qt-free engine shared by the GUI and the CLI.

Rule: nothing under ``voxdesk.engine`` imports PySide6, pyqtgraph, ``voxdesk.gui`` or
``voxdesk.cli``; TensorFlow/Keras are imported lazily inside the functions that need them.
"""
