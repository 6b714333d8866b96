"""Isosurface meshes the 3D view can shade: no degenerate triangles, no NaN normals.

pyqtgraph's ``MeshData`` derives vertex normals by normalising sums of face normals; a
vertex whose triangles all have zero area (marching cubes makes them where a voxel equals the
level exactly) gets 0/0 = NaN, and the "shaded" shader draws its triangles black. Here the
degenerate triangles are dropped and the normals computed once, area-weighted (pure numpy;
``mesh_data`` alone touches ``pyqtgraph.opengl``, and needs no GL context).
"""
from __future__ import annotations

import numpy as np

FALLBACK_NORMAL = np.array([0.0, 0.0, 1.0], dtype=np.float32)


def clean_mesh(verts, faces) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(vertices, faces, unit vertex normals) without zero-area or non-finite triangles."""
    verts = np.ascontiguousarray(verts, dtype=np.float32).reshape(-1, 3)
    faces = np.ascontiguousarray(faces, dtype=np.int64).reshape(-1, 3)
    if len(faces):
        tri = verts[faces]
        cross = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]).astype(np.float64)
        area2 = np.einsum("ij,ij->i", cross, cross)
        scale = float(np.ptp(verts, axis=0).max()) if len(verts) else 1.0
        keep = np.isfinite(area2) & (area2 > (1e-12 * max(scale, 1e-6) ** 2) ** 2)
        keep &= (faces[:, 0] != faces[:, 1]) & (faces[:, 1] != faces[:, 2]) & (faces[:, 0] != faces[:, 2])
        faces, cross = faces[keep], cross[keep]
    else:
        cross = np.zeros((0, 3))
    normals = np.zeros((len(verts), 3), dtype=np.float64)
    for corner in range(3):  # area-weighted: the cross product's length is twice the area
        np.add.at(normals, faces[:, corner], cross)
    length = np.linalg.norm(normals, axis=1)
    ok = length > 0
    normals[ok] /= length[ok, None]
    normals[~ok] = FALLBACK_NORMAL
    return verts, faces.astype(np.int32), normals.astype(np.float32)


def surface_mesh(data: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The isosurface of ``data`` at ``level`` (voxel coordinates), cleaned as above."""
    from pyqtgraph.functions import isosurface

    verts, faces = isosurface(np.ascontiguousarray(data, dtype=np.float32), float(level))
    return clean_mesh(verts, faces)


def mesh_data(verts, faces, normals):
    """A pyqtgraph ``MeshData`` that uses these normals instead of computing its own."""
    import pyqtgraph.opengl as gl

    md = gl.MeshData(vertexes=verts, faces=faces)
    md._vertexNormals = np.asarray(normals, dtype=np.float32)  # pyqtgraph has no public setter
    return md
