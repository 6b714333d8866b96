"""Which volume axes each slice plane shows, and which way round (pure, no Qt).

Display conventions (as in ITK-SNAP and most clinical viewers):

* radiological (default): axial and coronal views show the patient's Right on the screen's
  left, as if facing the patient; neurological shows Right on the right.
* sagittal views show Anterior on the left in both conventions.
* axial views have Anterior at the top; coronal and sagittal views have Superior at the top.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OPPOSITE = {"R": "L", "L": "R", "A": "P", "P": "A", "S": "I", "I": "S"}
PLANES = ("axial", "coronal", "sagittal")
_PAIR = {"R": "RL", "L": "RL", "A": "AP", "P": "AP", "S": "SI", "I": "SI"}


@dataclass(frozen=True)
class PlaneGeometry:
    plane: str
    normal: int
    """Volume axis the plane is perpendicular to (the axis its slice index steps)."""
    h_axis: int
    """Volume axis drawn horizontally."""
    v_axis: int
    """Volume axis drawn vertically."""
    flip_h: bool
    """True when the screen's x grows towards *lower* indices of ``h_axis``."""
    flip_v: bool
    """True when the screen's y (upwards) grows towards lower indices of ``v_axis``."""
    left: str
    right: str
    top: str
    bottom: str

    def slice_of(self, data: np.ndarray, index: int) -> np.ndarray:
        """The 2D slice at ``index`` as an (n_h, n_v) array (x first, y second)."""
        sl = np.take(data, int(index), axis=self.normal)
        # after np.take the remaining axes keep their order
        rest = [a for a in range(3) if a != self.normal]
        return sl if rest == [self.h_axis, self.v_axis] else sl.T


def _axis_of(axcodes, pair: str, default: int) -> int:
    for axis, code in enumerate(axcodes):
        if _PAIR.get(str(code).upper()) == pair:
            return axis
    return default


def _valid(axcodes) -> bool:
    try:
        pairs = sorted(_PAIR[str(c).upper()] for c in axcodes)
    except KeyError:
        return False
    return pairs == ["AP", "RL", "SI"]


def plane_geometry(plane: str, axcodes=("R", "A", "S"), radiological: bool = True) -> PlaneGeometry:
    if not _valid(axcodes):
        axcodes = ("R", "A", "S")
    codes = [str(c).upper() for c in axcodes]
    lr = _axis_of(codes, "RL", 0)
    ap = _axis_of(codes, "AP", 1)
    si = _axis_of(codes, "SI", 2)
    if plane == "axial":
        normal, h, v, want_left, want_top = si, lr, ap, ("R" if radiological else "L"), "A"
    elif plane == "coronal":
        normal, h, v, want_left, want_top = ap, lr, si, ("R" if radiological else "L"), "S"
    elif plane == "sagittal":
        normal, h, v, want_left, want_top = lr, ap, si, "A", "S"
    else:
        raise ValueError(f"unknown plane {plane!r}; expected one of {PLANES}")
    # Unflipped: screen-left is index 0, i.e. the opposite of where the axis grows.
    flip_h = OPPOSITE[codes[h]] != want_left
    flip_v = codes[v] != want_top
    return PlaneGeometry(
        plane=plane, normal=normal, h_axis=h, v_axis=v, flip_h=flip_h, flip_v=flip_v,
        left=want_left, right=OPPOSITE[want_left], top=want_top, bottom=OPPOSITE[want_top],
    )
