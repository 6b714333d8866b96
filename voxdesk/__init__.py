"""VoxDesk: view, train on and classify 3D scans offline."""

__version__ = "0.1.0"
