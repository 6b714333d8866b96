"""voxdesk-cli explain BUNDLE PATH --out heat.nii.gz [--class NAME]: a Grad-CAM heat map as NIfTI.

The map (float32, 0..1) lies on the input's own grid: for a NIfTI input it has the file's
shape, voxel order and affine, so any viewer overlays it on the original file; for NPY/HDF5
inputs it has the array's shape and VoxDesk's affine for it (identity unless known).

Exit codes: 0 written; 2 bad input, bundle or class name (one line on stderr).
"""
from __future__ import annotations

from voxdesk.cli import add_force
from voxdesk.engine.errors import VoxdeskError
from voxdesk.engine.io import formats


def add_arguments(p) -> None:
    p.add_argument("bundle", help="a model bundle (.voxmodel)")
    p.add_argument("path", help=f"one volume ({formats.describe()}; file.h5:/dataset)")
    p.add_argument("--out", required=True, help="where to write the heat map (.nii or .nii.gz)")
    p.add_argument("--class", dest="class_name", metavar="NAME",
                   help="class to explain (default: the predicted class)")
    p.add_argument("--layer", help="feature layer to explain (default: the last convolutional block)")
    from voxdesk.engine.inference.explain import METHODS

    p.add_argument("--method", choices=list(METHODS), default=METHODS[0],
                   help="hires-fine (default): HiResCAM sharpened by input x gradient at voxel resolution; "
                        "hires-cam: activation x gradient cell by cell; grad-cam: channels weighted by "
                        "their averaged gradient")
    p.add_argument("--dataset", help="HDF5 dataset or NPZ array holding the volume")
    p.add_argument("--index", type=int, help="sample of a stack")
    add_force(p)


def _file_index(path, world) -> tuple[int, ...]:
    """Voxel index, in the written file's (= the input file's) own axis order, of a world point."""
    import nibabel as nib
    import numpy as np

    ijk = np.linalg.inv(nib.load(str(path)).affine) @ np.r_[world, 1.0]
    return tuple(int(round(v)) for v in ijk[:3])


def run(args) -> int:
    out = str(args.out)
    if not formats.is_nifti(out):
        raise VoxdeskError(f"--out {out}: the heat map is written as NIfTI; name it .nii or .nii.gz")
    from voxdesk.engine.io import open_volume
    from voxdesk.engine.io.outputs import check_output

    check_output(out, "nifti", inputs=[args.bundle, args.path], force=args.force, flag="--out")
    volume = open_volume(args.path, dataset=args.dataset, index=args.index)  # fail fast, before TF
    check_output(out, "nifti", inputs=[args.bundle, args.path], force=args.force, flag="--out",
                 need_bytes=4 * int(volume.data.size) + 352)  # float32, before any compression

    from voxdesk.engine.inference.explain import explain, save_heat_map
    from voxdesk.engine.model.bundle import load_bundle

    bundle = load_bundle(args.bundle)
    e = explain(bundle, volume, args.class_name, layer=args.layer, method=args.method)
    save_heat_map(e.heat, volume, out,
                  description=f"VoxDesk Grad-CAM: {e.class_name} p={e.probability:.3f}")
    world = volume.world(*e.hottest_voxel)
    print(f"{volume.source}: explained class {e.class_name!r} (probability {e.probability:.3f}) "
          f"through layer {e.layer}")
    print(f"  hottest voxel {_file_index(out, world)} of the input file, at "
          f"({world[0]:.1f}, {world[1]:.1f}, {world[2]:.1f}) mm")
    for w in e.warnings:
        print(f"  warning: {w}")
    print(f"wrote {out}")
    return 0
