"""Volume: a 3D voxel array with its geometry and where it came from.

Index convention: ``data[i, j, k]``. ``affine`` maps (i, j, k, 1) to world millimetres.
NIfTI volumes are reoriented to the closest canonical orientation (RAS+): i grows towards
the patient's Right, j towards Anterior, k towards Superior, and ``axcodes == ("R", "A", "S")``.
Arrays from NPY/HDF5 have no orientation on disk: they get unit spacing (or the spacing a
file's attributes give), an identity-like affine, ``axcodes`` ("R", "A", "S") and
``orientation_known = False`` so that the GUI can say the letters are assumed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Volume:
    data: np.ndarray
    """3D array (i, j, k); float32 when a scale was applied, else the stored dtype."""
    spacing: tuple[float, float, float] = (1.0, 1.0, 1.0)
    """Voxel size in mm along i, j, k."""
    affine: np.ndarray = field(default_factory=lambda: np.eye(4))
    """4x4 voxel-to-world (mm) matrix."""
    axcodes: tuple[str, str, str] = ("R", "A", "S")
    """Anatomical direction each axis grows towards."""
    orientation_known: bool = True
    source: str = ""
    """Path (or ``path:/dataset``) the volume came from."""
    name: str = ""
    """Short display name."""
    meta: dict[str, Any] = field(default_factory=dict)
    """Format details worth showing: n_volumes, volume_index, dataset, sample_index, ..."""
    warnings: list[str] = field(default_factory=list)
    """Things the user should know (oblique affine dropped, NaN voxels, more volumes...)."""

    def __post_init__(self) -> None:
        if self.data.ndim != 3:
            raise ValueError(f"Volume needs 3D data, got shape {self.data.shape}")
        self.spacing = tuple(float(s) for s in self.spacing)  # type: ignore[assignment]
        self.affine = np.asarray(self.affine, dtype=float)
        if not self.name and self.source:
            import os

            self.name = os.path.basename(self.source.split(":/")[0])

    @property
    def spacing_known(self) -> bool:
        """The spacing came from the file (NIfTI, DICOM, an HDF5 voxel-size attribute), not the
        1 mm default of bare arrays."""
        return bool(self.orientation_known or self.meta.get("spacing_known"))

    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(self.data.shape)  # type: ignore[return-value]

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def nan_count(self) -> int:
        if not np.issubdtype(self.data.dtype, np.floating):
            return 0
        return int(np.count_nonzero(~np.isfinite(self.data)))

    @property
    def value_range(self) -> tuple[float, float]:
        """(min, max) over finite voxels; (nan, nan) if there are none."""
        d = self.data
        if np.issubdtype(d.dtype, np.floating):
            finite = d[np.isfinite(d)]
            if finite.size == 0:
                return (float("nan"), float("nan"))
            return (float(finite.min()), float(finite.max()))
        return (float(d.min()), float(d.max()))

    def world(self, i: float, j: float, k: float) -> tuple[float, float, float]:
        """World position (mm) of voxel (i, j, k)."""
        x, y, z, _ = self.affine @ np.array([i, j, k, 1.0])
        return (float(x), float(y), float(z))

    def value(self, i: int, j: int, k: int) -> float:
        return float(self.data[i, j, k])
