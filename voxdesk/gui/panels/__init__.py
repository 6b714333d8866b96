"""Dock panels added to the main window by small install functions.

Training: ``voxdesk.gui.panels.training_dock.install_training(main_window, state)``. Importing
this package is cheap (no TensorFlow, no panel modules).
"""
