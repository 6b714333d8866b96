"""Isosurface meshes for the 3D view, without OpenGL: no degenerate triangles, no NaN normals
(NaN normals drew black triangles), and normals that point the way pyqtgraph's did."""
from __future__ import annotations

import warnings

import numpy as np
from fixtures.gui import noise_volume_with_flat_triangles

from voxdesk.gui.viewer.views.surface import clean_mesh, mesh_data, surface_mesh


def _pyqtgraph_normals(verts, faces):
    import pyqtgraph.opengl as gl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # its own "invalid value in divide"
        return gl.MeshData(vertexes=verts, faces=faces).vertexNormals()


def test_a_level_on_the_voxel_values_gives_no_nan_normals():
    from pyqtgraph.functions import isosurface

    data = noise_volume_with_flat_triangles().data.astype(np.float32)
    raw_verts, raw_faces = isosurface(data, 100.0)
    theirs = _pyqtgraph_normals(raw_verts, raw_faces)
    assert np.isnan(theirs).any()  # the volume does produce them

    raw = raw_verts[raw_faces.astype(np.int64)]
    flat = np.linalg.norm(np.cross(raw[:, 1] - raw[:, 0], raw[:, 2] - raw[:, 0]), axis=1) == 0

    verts, faces, normals = surface_mesh(data, 100.0)
    assert flat.any() and len(faces) == len(raw_faces) - flat.sum()  # only the flat triangles went
    assert np.isfinite(normals).all()
    np.testing.assert_allclose(np.linalg.norm(normals, axis=1), 1.0, rtol=1e-5)
    tri = verts[faces]
    assert (np.linalg.norm(np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0]), axis=1) > 0).all()
    shaded = mesh_data(verts, faces, normals).vertexNormals(indexed="faces")  # what GLMeshItem draws
    assert shaded.shape == (len(faces), 3, 3) and np.isfinite(shaded).all()


def test_normals_point_out_of_a_ball_as_pyqtgraphs_do():
    n = 24
    x, y, z = np.mgrid[:n, :n, :n] - (n - 1) / 2
    ball = (1000.0 * (x**2 + y**2 + z**2 < 8**2)).astype(np.float32)
    verts, faces, normals = surface_mesh(ball, 500.0)
    theirs = _pyqtgraph_normals(verts, faces)
    ok = np.isfinite(theirs).all(axis=1)
    agree = np.einsum("ij,ij->i", normals[ok], theirs[ok])
    assert np.median(agree) > 0.95 and (agree > 0).all()  # same side as the faces' own normals
    radial = verts - (n - 1) / 2
    radial /= np.linalg.norm(radial, axis=1, keepdims=True)
    outward = np.einsum("ij,ij->i", normals, radial)
    assert np.median(outward) > 0.95 and outward.min() > 0.5  # out of the ball, along the radius


def test_an_empty_or_all_flat_mesh_is_empty_not_an_error():
    verts, faces, normals = clean_mesh(np.zeros((3, 3)), np.array([[0, 1, 2]]))
    assert len(faces) == 0 and normals.shape == (3, 3) and np.isfinite(normals).all()
    verts, faces, normals = surface_mesh(np.zeros((5, 5, 5), np.float32), 1.0)
    assert len(faces) == 0
