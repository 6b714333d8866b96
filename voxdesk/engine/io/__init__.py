"""Volume readers, one per format, chosen by suffix.

CONTRACT:
  ``open_volume(path, *, dataset=None, index=None, volume=None) -> Volume``
      path may carry an HDF5 address: ``"scan.h5:/group/data"``; ``dataset`` names an HDF5
      dataset or an NPZ array; ``index`` picks a sample from a stack (N, D, H, W[, C]);
      ``volume`` picks a volume of a 4D NIfTI (default 0, with a warning that there are more).
      Raises ``NeedsChoice`` (with ``.choices``) when a file holds several candidates and none
      was named, and other ``VoxdeskError`` subclasses for bad input.
  ``probe(path) -> FileInfo``: what the file holds (HDF5 tree, NPZ arrays, NIfTI header,
      NPY header) without reading voxel data.
  ``SUPPORTED_SUFFIXES``: for file dialogs.
"""
