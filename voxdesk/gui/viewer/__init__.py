"""The viewer: linked slice views and the 3D pane, the display toolbar, histogram, info and
readout, and opening files without blocking the window.
"""
