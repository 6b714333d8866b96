"""voxdesk-cli convert SRC OUT.nii.gz: any volume VoxDesk reads, written as NIfTI with its world
geometry (the way dcm2niix users expect): a DICOM series, one HDF5/NPY/NPZ sample, one volume of
a 4D NIfTI. Written atomically; bad input is one line on stderr and exit code 2. No patient
identifiers are written (the header's description says only where it came from by format).
"""
from __future__ import annotations

from voxdesk.engine.errors import VoxdeskError
from voxdesk.engine.io import formats


def add_arguments(p) -> None:
    p.add_argument("src", help=f"a volume ({formats.describe()}; file.h5:/dataset; a DICOM folder)")
    p.add_argument("out", help="the NIfTI file to write (.nii or .nii.gz)")
    p.add_argument("--dataset", help="HDF5 dataset / NPZ array (or DICOM series number) to convert")
    p.add_argument("--index", type=int, help="sample of a stack (N, D, H, W) to convert")
    p.add_argument("--volume", type=int, help="volume of a 4D NIfTI to convert")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists (an input is never replaced)")


def run(args) -> int:
    from voxdesk.engine.io import open_volume
    from voxdesk.engine.io.nifti import write

    if not formats.is_nifti(args.out):
        raise VoxdeskError(f"{args.out}: the output is NIfTI; name it .nii or .nii.gz")
    from voxdesk.engine.io.outputs import check_output

    check_output(args.out, "nifti", inputs=[args.src], force=args.force, replace_needs_force=True)
    vol = open_volume(args.src, dataset=args.dataset, index=args.index, volume=args.volume)
    check_output(args.out, "nifti", inputs=[args.src], force=args.force, replace_needs_force=True,
                 need_bytes=vol.data.nbytes + 352)
    fmt = vol.meta.get("format", "volume")
    write(vol, args.out, description=f"VoxDesk convert from {fmt}")
    for w in vol.warnings:
        print(f"warning: {w}")
    sx, sy, sz = vol.spacing
    print(f"wrote {args.out}: {' x '.join(map(str, vol.shape))} {vol.dtype}, "
          f"{sx:g} x {sy:g} x {sz:g} mm, {''.join(vol.axcodes)}")
    return 0
