"""Addresses inside a path: ``scan.h5:/group/data`` (an HDF5 dataset or NPZ array) and
``CT_FOLDER:3`` (series 3 of a DICOM folder). A path that exists as written is never split."""
from __future__ import annotations

import os
import re

from voxdesk.engine.io import formats

_ADDRESS = re.compile(r"^(?P<file>.+?(?:" + "|".join(re.escape(s) for s in formats.ADDRESSABLE_SUFFIXES)
                      + r")):(?P<inner>/?[^:\\]*)$", re.IGNORECASE)


def split_address(path: str | os.PathLike) -> tuple[str, str | None]:
    """``"scan.h5:/g/data"`` -> ``("scan.h5", "/g/data")``; a DICOM folder's series
    ``"CT_DIR:3"`` -> ``("CT_DIR", "3")``; plain paths -> ``(path, None)``."""
    text = os.fspath(path)
    if os.path.exists(text):
        return text, None
    m = _ADDRESS.match(text)
    if m:
        return m.group("file"), (m.group("inner") or None)
    head, sep, tail = text.rpartition(":")
    if sep and tail and not any(c in tail for c in "/\\") and os.path.exists(head):
        fmt = formats.detect(head)
        if fmt is not None and fmt.name == "dicom":
            return head, tail
    return text, None
