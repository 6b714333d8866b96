"""Grad-CAM heat maps (3D, and 2D for 2D models) on the volume's own grid.

``grad_cam(model, x, class_index=None, layer=None)`` works on the model-input grid: it picks the
last convolutional feature map (the last Conv layer, followed through the BatchNorm/Activation/
Add layers that keep its shape, so a ResNet stage's ReLU output or voxnet's last ReLU is used;
a nested sub-model with a spatial output counts as one feature layer), takes the gradient of
the class's pre-softmax score (the logit: the input of the final softmax Dense layer times its
kernel, so a confident model's gradients do not vanish) with ``tf.GradientTape``, and combines
activations and gradients as ``method`` says (``METHODS``: HiResCAM cell by cell, sharpened at
voxel resolution by default; classic Grad-CAM weights each channel by its spatially averaged
gradient), sums over channels, applies ReLU and normalises to [0, 1]. The feature-map result is
resampled to the input grid (linearly, each feature cell placed where the network centres it:
``_cell_geometry``). voxnet-bn's map is 12^3 for a 48^3 scan, so a cell is 4 voxels: fine enough
to point at a lesion of 3 voxels' radius.

Faithfulness helpers: ``foreground_mask`` (the body), ``pointing_hit`` (is the hottest voxel on
the finding?) and ``heat_share`` (how much of the heat lies in a region); ``explain`` reports
when the map's maximum lies outside the body and then gives the hottest voxel inside it.

``explain(bundle, volume, class_name=None)`` preprocesses the volume exactly as training did
(via :mod:`voxdesk.engine.inference.classify`), runs Grad-CAM and resamples the map back to the
volume's grid, undoing the preprocessing's resize (corner-aligned, as ``preprocessing`` zooms),
so ``Explanation.heat[i, j, k]`` overlays ``volume.data[i, j, k]`` voxel for voxel.

``save_heat_map(heat, volume, path)`` writes it as NIfTI; for a NIfTI input the map is put
back in the file's on-disk orientation with the file's affine, so it overlays the original
file in any viewer. TensorFlow is imported only inside the functions.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voxdesk.engine.errors import ModelError, VoxdeskError
from voxdesk.engine.inference.faithfulness import foreground_mask
from voxdesk.engine.io.atomic import atomic_path, write_error
from voxdesk.engine.io.formats import is_nifti
from voxdesk.engine.volume import Volume

__all__ = ["Explanation", "explain", "grad_cam", "find_feature_layer", "to_volume_grid", "save_heat_map"]

_KEEP_SHAPE = ("BatchNormalization", "Activation", "ReLU", "LeakyReLU", "Add", "Dropout",
               "SpatialDropout", "LayerNormalization", "GroupNormalization", "PReLU", "ELU")


@dataclass
class Explanation:
    heat: np.ndarray
    """float32 in [0, 1], same shape as ``volume.data`` (overlay voxel for voxel)."""
    class_name: str
    class_index: int
    probability: float
    """The model's probability for ``class_name`` on this volume."""
    hottest_voxel: tuple[int, ...]
    """(i, j, k) of the maximum of ``heat`` inside the body (``foreground_mask``); the overall
    maximum when no heat lies inside it."""
    hottest_in_body: bool = True
    """False when the map's overall maximum lies outside the body (air, background); a warning
    then says so and ``hottest_voxel`` is the hottest voxel inside the body."""
    layer: str = ""
    """The feature layer the map was computed on."""
    probabilities: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    """Input-consistency warnings, then ``heat_notes``."""
    heat_notes: list[str] = field(default_factory=list)
    """What to know about the map itself: empty (no evidence anywhere), or its maximum outside the body."""


def _is_conv(layer) -> bool:
    name = type(layer).__name__
    return name.startswith(("Conv", "SeparableConv", "DepthwiseConv")) and "Transpose" not in name


def _out_shape(layer):
    try:
        shape = layer.output.shape
    except (AttributeError, ValueError):
        return None
    return tuple(shape) if shape is not None else None


def find_feature_layer(model, layer: str | None = None):
    """The top-level layer whose output Grad-CAM explains (see the module docstring)."""
    spatial_rank = len(model.input_shape)  # batch + spatial + channels
    layers = [lyr for lyr in model.layers if type(lyr).__name__ != "InputLayer"]
    if layer is not None:
        for lyr in layers:
            if lyr.name == layer:
                if len(_out_shape(lyr) or ()) != spatial_rank:
                    raise ModelError(f"layer {layer!r} has no spatial output {_out_shape(lyr)}; "
                                     "Grad-CAM needs a convolutional feature map")
                return lyr
        for lyr in layers:
            inner = getattr(lyr, "layers", None)
            if inner and any(sub.name == layer for sub in inner):
                raise ModelError(f"layer {layer!r} is inside the nested model {lyr.name!r}; "
                                 f"name {lyr.name!r} or a top-level layer instead")
        raise ModelError(f"the model has no layer {layer!r}")
    spatial = [i for i, lyr in enumerate(layers) if len(_out_shape(lyr) or ()) == spatial_rank]
    convs = [i for i in spatial if _is_conv(layers[i]) or getattr(layers[i], "layers", None)]
    if not convs:
        raise ModelError("the model has no convolutional layer to explain (Grad-CAM needs one)")
    best = convs[-1]
    shape = _out_shape(layers[best])
    for i in range(best + 1, len(layers)):
        lyr = layers[i]
        if _out_shape(lyr) != shape or not type(lyr).__name__.startswith(_KEEP_SHAPE):
            break
        best = i
    return layers[best]


def _logit_source(model):
    """(tensor whose Dense transform gives the logits, dense layer) or (None, None)."""
    last = model.layers[-1]
    act = getattr(last, "activation", None)
    if type(last).__name__ == "Dense" and getattr(act, "__name__", "") == "softmax":
        return last.input, last
    return None, None


_CACHE: dict = {}
_LOCK = threading.Lock()


def _cam_function(model, feature_layer):
    """A cached tf.function (x, class_index) -> (cam on the feature grid, probabilities)."""
    import keras
    import tensorflow as tf

    key = (id(model), feature_layer.name)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0]() is model:
            return hit[1], hit[2]
    pre, dense = _logit_source(model)
    try:
        outputs = [feature_layer.output, model.outputs[0]] + ([pre] if pre is not None else [])
        sub = keras.Model(model.inputs, outputs)
    except Exception as exc:  # keras raises Value/AttributeError variants (disconnected, unbuilt)
        raise ModelError(f"cannot explain this model through layer {feature_layer.name!r}: {exc}") from None
    spatial_axes = list(range(1, len(model.input_shape) - 1))

    @tf.function(input_signature=[tf.TensorSpec((None,) + tuple(model.input_shape[1:]), tf.float32),
                                  tf.TensorSpec((), tf.int32)], reduce_retracing=True)
    def cam_fn(x, class_index):
        with tf.GradientTape() as tape:
            tape.watch(x)
            outs = sub(x, training=False)
            feats, probs = outs[0], outs[1]
            tape.watch(feats)
            if dense is not None:
                scores = tf.matmul(outs[2], dense.kernel) + (dense.bias if dense.use_bias else 0.0)
            else:
                scores = probs
            score = tf.reduce_sum(scores[:, class_index])
        grads, input_grads = tape.gradient(score, [feats, x])
        weights = tf.reduce_mean(grads, axis=spatial_axes, keepdims=True)
        return {"grad-cam": tf.nn.relu(tf.reduce_sum(feats * weights, axis=-1)),
                "hires-cam": tf.nn.relu(tf.reduce_sum(feats * grads, axis=-1)),
                "input": tf.reduce_sum(tf.abs(input_grads * x), axis=-1)}, probs

    import weakref

    geometry = _cell_geometry(tf, sub, tuple(model.input_shape[1:]))
    with _LOCK:
        _CACHE[key] = (weakref.ref(model), cam_fn, geometry)
    return cam_fn, geometry


def _cell_geometry(tf, sub, input_shape):
    """(scale, offset) per spatial axis: feature-map cell j is centred on input voxel
    ``scale * j + offset``. Measured, not assumed: the centre of mass of the input gradient of the
    middle cell (on a random input). TF's "same" padding centres a stride-2 cell on input 2j + 1
    for even sizes, "valid" convolutions shift it by half their kernel, so a plain cell-centred
    zoom puts the heat 1.5 voxels (48^3, voxnet-bn) off where the network looked."""
    from scipy import ndimage

    x = tf.constant(np.random.default_rng(0).random((1,) + input_shape).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        feats = sub(x, training=False)[0]
        middle = tuple(int(n) // 2 for n in feats.shape[1:-1])
        target = tf.reduce_sum(feats[(0,) + middle])
    grad = tape.gradient(target, x)
    spatial = np.asarray(input_shape[:-1], float)
    scale = spatial / np.asarray(feats.shape[1:-1], float)
    offset = (scale - 1) / 2  # cell-centred: the fallback when no gradient reaches the input
    if grad is not None:
        g = np.abs(np.asarray(grad)[0]).sum(-1)
        if g.sum() > 0:
            offset = np.asarray(ndimage.center_of_mass(g)) - scale * np.asarray(middle)
    return scale, offset


def _to_input_grid(cam: np.ndarray, shape, geometry) -> np.ndarray:
    """Linear interpolation of a feature-map ``cam`` at every input voxel, cells placed where
    ``_cell_geometry`` measured them (edge cells extended)."""
    from scipy import ndimage

    scale, offset = geometry
    coords = [(np.arange(n) - o) / s for n, s, o in zip(shape, scale, offset)]
    grid = np.meshgrid(*coords, indexing="ij", sparse=False)
    return ndimage.map_coordinates(cam.astype(np.float32), grid, order=1, mode="nearest").astype(np.float32)


def _resize(a: np.ndarray, shape, *, grid_mode: bool) -> np.ndarray:
    from scipy import ndimage

    shape = tuple(int(s) for s in shape)
    if a.shape == shape:
        return a.astype(np.float32, copy=False)
    factors = [t / s for t, s in zip(shape, a.shape)]
    out = ndimage.zoom(a.astype(np.float32), factors, order=1, mode="nearest", grid_mode=grid_mode)
    if out.shape != shape:  # rounding safety net
        out = out[tuple(slice(0, t) for t in shape)]
        out = np.pad(out, [(0, t - s) for t, s in zip(shape, out.shape)], mode="edge")
    return out


def _normalised(a: np.ndarray) -> np.ndarray:
    a = np.clip(np.nan_to_num(a.astype(np.float32), nan=0.0), 0.0, None)
    top = float(a.max()) if a.size else 0.0
    return a / top if top > 0 else np.zeros_like(a)


FINE_SIGMA = 2.0
"""Voxels: the Gaussian that smooths the input-resolution factor of ``hires-fine``."""
METHODS = ("hires-fine", "hires-cam", "grad-cam")
"""``hires-cam``: each feature-map cell's activations times the score's gradient there, summed
over channels (HiResCAM, Draelos & Carin 2020); ``grad-cam``: activations times the gradient
averaged over the whole map (Grad-CAM, Selvaraju et al. 2017); ``hires-fine`` (the default):
the HiResCAM map (on the model's 12^3 cells) times |input x its gradient| at voxel resolution,
smoothed over ``FINE_SIGMA`` voxels, as Guided Grad-CAM sharpens Grad-CAM. hires-fine points at
the finding most often in the pointing game (``benchmarks/bench_demo.py``, figures in
``benchmarks/README.md``); with a pooled head grad-cam's averaged gradient also lends weight to
what a channel sees everywhere (the body's outline, the air)."""


def grad_cam(model, x, class_index: int | None = None, layer: str | None = None, method: str = "hires-fine"):
    """Grad-CAM of one input ``x`` (model input shape, with or without a batch axis of 1).

    Returns ``(heat, class_index, probabilities)``: ``heat`` float32 in [0, 1] on the
    model-input spatial grid, the explained class (``argmax`` when ``class_index`` is None) and
    the model's class probabilities for ``x``.
    """
    import tensorflow as tf

    x = np.asarray(x, np.float32)
    want = tuple(model.input_shape[1:])
    if x.shape == want:
        x = x[None]
    if x.shape[1:] != want or len(x) != 1:
        raise ModelError(f"Grad-CAM takes one input of shape {want}, got {x.shape}")
    n_classes = int(model.output_shape[-1])
    if class_index is not None and not 0 <= int(class_index) < n_classes:
        raise ModelError(f"class index {class_index} is out of range (the model has {n_classes} classes)")
    if method not in METHODS:
        raise ModelError(f"unknown explanation method {method!r}; choose one of: {', '.join(METHODS)}")
    feature_layer = find_feature_layer(model, layer)
    fn, geometry = _cam_function(model, feature_layer)
    if class_index is None:
        probs = np.asarray(fn(tf.constant(x), tf.constant(0, tf.int32))[1])[0]
        class_index = int(np.argmax(probs))
    cams, probs = fn(tf.constant(x), tf.constant(int(class_index), tf.int32))
    if method == "hires-fine":
        from scipy import ndimage

        coarse = _normalised(_to_input_grid(np.asarray(cams["hires-cam"])[0], want[:-1], geometry))
        fine = _normalised(ndimage.gaussian_filter(np.asarray(cams["input"])[0], FINE_SIGMA))
        heat = _normalised(coarse * fine)
    else:
        heat = _normalised(_to_input_grid(np.asarray(cams[method])[0], want[:-1], geometry))
    return heat, int(class_index), np.asarray(probs)[0].astype(float)


def to_volume_grid(heat: np.ndarray, volume_shape, spec=None, spacing=None) -> np.ndarray:
    """Undo the preprocessing resize: model-input grid -> the raw volume's grid, in [0, 1].

    The preprocessing zooms corner-aligned (``grid_mode=False``), so the inverse does too. With a
    spec that resamples to a target spacing, the inverse is ``resample.to_source_grid`` with the
    volume's ``spacing`` (the window put back where it was cut, 0 heat outside it). For a 2D model
    whose samples carry a channel axis (H, W, C), the map is repeated over channels.
    """
    volume_shape = tuple(int(s) for s in volume_shape)
    spatial = volume_shape[:heat.ndim]
    if spec is not None and spec.target_spacing is not None:
        from voxdesk.engine.model.resample import to_source_grid

        sp = None if spacing is None else tuple(spacing)[:heat.ndim]
        out = _normalised(to_source_grid(heat, spatial, sp, spec))
    else:
        out = _normalised(_resize(heat, spatial, grid_mode=False))
    if len(volume_shape) > heat.ndim:
        out = np.repeat(out[..., None], volume_shape[-1], axis=-1)
    return out.astype(np.float32)


def explain(bundle, volume: Volume, class_name: str | None = None, *, layer: str | None = None,
            method: str = "hires-fine") -> Explanation:
    """Grad-CAM for ``class_name`` (default: the predicted class) on ``volume``'s grid."""
    from voxdesk.engine.inference.classify import prepare, spacing_of

    prepared = prepare(bundle, volume)
    names = prepared.class_names
    class_index = None
    if class_name is not None:
        if class_name not in names:
            raise ModelError(f"the model has no class {class_name!r}; its classes are {', '.join(names)}")
        class_index = names.index(class_name)
    heat_in, class_index, probs = grad_cam(bundle.model, prepared.x, class_index, layer, method)
    probs = bundle.calibrated(probs[None])[0]  # the probabilities classify shows
    heat = to_volume_grid(heat_in, volume.shape, bundle.spec, spacing_of(volume))
    notes: list[str] = []  # about the map itself; the input's own warnings come first in .warnings
    if not heat.any():
        notes.append(f"the heat map is empty: no region of this scan raises the score of "
                        f"{names[class_index]!r}, so it cannot say where the model looked")
    hottest = tuple(int(v) for v in np.unravel_index(int(np.argmax(heat)), heat.shape))
    in_body = True
    if heat.any() and np.ndim(volume.data) == 3:
        body = foreground_mask(volume.data)
        if body.any() and not body[hottest]:
            in_body = False
            inside = np.where(body, heat, -1.0)
            if inside.max() > 0:
                hottest_inside = tuple(int(v) for v in np.unravel_index(int(np.argmax(inside)), heat.shape))
                notes.append(f"the heat map's maximum {hottest} lies outside the body (in air or "
                                f"background); the hottest voxel inside the body is {hottest_inside}")
                hottest = hottest_inside
            else:
                notes.append("the heat map lies entirely outside the body (in air or background): "
                                "it shows no evidence in the anatomy")
    return Explanation(
        heat=heat, class_name=names[class_index], class_index=int(class_index),
        probability=float(probs[class_index]), hottest_voxel=hottest, hottest_in_body=in_body,
        layer=find_feature_layer(bundle.model, layer).name,
        probabilities={n: float(p) for n, p in zip(names, probs)},
        warnings=list(prepared.warnings) + notes, heat_notes=notes,
    )


def _on_disk_image(heat: np.ndarray, volume: Volume):
    """(data, affine, original image or None): ``heat`` in the source file's own voxel order."""
    import nibabel as nib
    from nibabel import orientations as ornt_mod

    src = volume.source.split(":/")[0] if volume.source else ""
    if volume.meta.get("format") != "nifti" or not os.path.isfile(src):
        return heat, volume.affine, None
    try:
        orig = nib.load(src)
    except Exception:  # the file changed since; the RAS grid is still correct in world space
        return heat, volume.affine, None
    to_disk = ornt_mod.ornt_transform(ornt_mod.io_orientation(volume.affine),
                                      ornt_mod.io_orientation(orig.affine))
    data = ornt_mod.apply_orientation(heat, to_disk)
    affine = volume.affine @ ornt_mod.inv_ornt_aff(to_disk, heat.shape)
    if data.shape == tuple(orig.shape[:3]) and np.allclose(affine, orig.affine, atol=1e-4):
        return data, orig.affine, orig
    return heat, volume.affine, None


def save_heat_map(heat: np.ndarray, volume: Volume, path, *, description: str = "") -> Path:
    """Write ``heat`` (on ``volume``'s grid) as NIfTI, atomically (write, then rename).

    A NIfTI source gets its on-disk voxel order, affine and qform/sform codes back, so the map
    overlays the original file voxel for voxel; other sources get ``volume.affine``.
    """
    import nibabel as nib

    heat = np.asarray(heat, np.float32)
    if heat.shape != volume.shape:
        raise VoxdeskError(f"heat map shape {heat.shape} does not match the volume's {volume.shape}")
    path = Path(path)
    name = path.name.lower()
    if not is_nifti(path):
        raise VoxdeskError(f"{path.name}: the heat map is written as NIfTI; name it .nii or .nii.gz")
    data, affine, orig = _on_disk_image(heat, volume)
    img = nib.Nifti1Image(np.ascontiguousarray(data, np.float32), affine)
    qcode = int(orig.header["qform_code"]) if orig is not None else 1
    scode = int(orig.header["sform_code"]) if orig is not None else 1
    img.set_qform(affine, code=qcode or 1)
    img.set_sform(affine, code=scode or 1)
    img.header.set_xyzt_units("mm")
    img.header["descrip"] = (description or "VoxDesk Grad-CAM heat map")[:79].encode("ascii", "replace")
    img.header["cal_min"], img.header["cal_max"] = 0.0, 1.0
    try:
        with atomic_path(path, suffix=".nii.gz" if name.endswith(".gz") else ".nii") as tmp:
            nib.save(img, str(tmp))
    except OSError as exc:
        raise write_error("the heat map", path, exc) from None
    return path
