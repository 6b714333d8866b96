"""Labelled collections of volumes: one ``load_dataset(path)`` for every layout.

CONTRACT (used by training, the GUI dataset panel and the CLI; keep it stable):

``load_dataset(path) -> LabelledDataset`` recognises
  * 3D MNIST HDF5 (``X_train``/``y_train``/``X_test``/``y_test``, flat 4096 = 16^3 vectors),
  * MedMNIST ``.npz`` (``train_images``/``train_labels``, ``val_*``, ``test_*``),
  * a folder with one sub-folder per class of volume files,
  * a CSV manifest ``path,label[,split]``,
  * an HDF5 or NPY/NPZ pair of X (stack) and y arrays.

``LabelledDataset.splits`` maps split names (``"train"``, ``"val"``, ``"test"``, or just
``"all"`` when the source has no predefined split) to ``Split`` objects. Each ``Split`` has
``samples`` (a ``Samples``: lazy, indexable, one 3D (or 2D for image stacks) array per item,
optionally with a trailing channel axis) and ``labels`` (int64 array of class indices into
``class_names``). Large HDF5 datasets stay on disk: ``Samples`` reads one item (or a batch of
indices) at a time.

Resources: a dataset that reads lazily from an open HDF5 file owns that file; call
``dataset.close()`` (or use ``with load_dataset(path) as ds:``) when done with it.

``detect_layout(path) -> str | None`` says cheaply (headers and names only, never voxel data)
whether ``path`` is a labelled dataset and which layout, so that ``voxdesk-cli info`` can choose
between volume info and dataset info.

Recognition rules (names are matched case-insensitively; ``valid``/``validation`` -> ``val``):
  * HDF5 (.h5/.hdf5/.he5/.hdf) and NPZ: root arrays ``X_<split>``/``y_<split>``,
    ``<split>_images``/``<split>_labels`` or ``<split>_x``/``<split>_y`` give predefined splits;
    otherwise ``X``/``y`` or ``images``/``labels`` give one split ``"all"``. HDF5 X arrays stay on
    disk; NPZ arrays are read into memory (compressed members cannot be read lazily).
    Integer labels may carry names: an HDF5 attribute ``class_names`` on the y dataset, or an
    NPZ array ``class_names``.
  * NPY: a folder holding ``X.npy`` + ``y.npy`` (or ``X_train.npy`` + ``y_train.npy``... as
    above), or the X file itself with its partner beside it (``X.npy`` -> ``y.npy``,
    ``scans_x.npy`` -> ``scans_y.npy``, ``images.npy`` -> ``labels.npy``). X is memory-mapped.
  * A folder of class folders ``root/<class>/**/<volume files>``, or split folders
    ``root/train/<class>/...``, ``root/test/<class>/...``: samples are files read on demand.
  * A ``.csv`` manifest ``path,label[,split]``: paths relative to the CSV's folder; an optional
    header names the columns; ``,`` ``;`` or tab separated.
Flat sample vectors whose length is a perfect cube (3D MNIST: 4096 = 16^3) become cubes.
"""
from __future__ import annotations

from pathlib import Path

from voxdesk.engine.datasets.base import (  # the public vocabulary, importable from the package
    ArraySamples,
    LabelledDataset,
    Samples,
    Split,
    encode_labels,
    from_arrays,
)
from voxdesk.engine.errors import DatasetError, FileNotFound, UnsupportedFormat
from voxdesk.engine.io import formats

__all__ = ["load_dataset", "detect_layout", "LabelledDataset", "Split", "Samples", "ArraySamples",
           "from_arrays", "encode_labels"]


def _kind(p: Path) -> str:
    name = p.name.lower()
    if p.is_dir():
        return "dir"
    if name.endswith(".csv"):
        return "csv"
    fmt = formats.find_format(name)
    return {"hdf5": "h5", "npz": "npz", "npy": "npy"}.get(fmt.name if fmt else "", "other")


def detect_layout(path) -> str | None:
    """The layout name if ``path`` looks like a labelled dataset, else None.

    Cheap: reads directory listings, HDF5/NPZ member names and CSV headers, never voxel data;
    never raises (an unreadable file is simply not recognised here; loading it explains why).
    """
    from voxdesk.engine.datasets import arrays, files

    p = Path(path)
    try:
        kind = _kind(p) if p.exists() else "missing"
        if kind == "dir":
            return arrays.detect_npy(p) or files.detect_folder(p)
        if kind == "csv":
            return "csv"
        if kind == "h5":
            return arrays.detect_h5(p)
        if kind == "npz":
            return arrays.detect_npz(p)
        if kind == "npy":
            return arrays.detect_npy(p)
    except Exception:  # detection must never fail; load_dataset explains
        return None
    return None


def load_dataset(path) -> LabelledDataset:
    """Load a labelled dataset in any supported layout (see the module docstring).

    Raises ``FileNotFound``, ``CorruptFile``, ``UnsupportedFormat`` or ``DatasetError`` with a
    message a user can act on.
    """
    from voxdesk.engine.io.guard import reading

    p = Path(path).expanduser()
    if not p.exists():
        raise FileNotFound(f"{p} does not exist; check the path (and that the drive is mounted).")

    with reading(p):  # a damaged file: one VoxdeskError naming it, as for a volume
        loaded = _load(p, _kind(p))
    if loaded is not None:
        return loaded
    if formats.find_format(p):
        raise DatasetError(
            f"{p.name} is a single volume, not a labelled dataset. Open it as a volume, or put "
            "volumes in one folder per class (or list them in a CSV file with their labels)."
        )
    raise UnsupportedFormat(
        f"{p.name}: VoxDesk reads labelled datasets from a folder of class folders, a .csv "
        f"manifest, or arrays in {', '.join(formats.ARRAY_SUFFIXES)} files."
    )


def _load(p: Path, kind: str) -> LabelledDataset | None:
    from voxdesk.engine.datasets import arrays, files

    if kind == "dir":
        if arrays.detect_npy(p):
            return arrays.load_npy(p)
        return files.load_folder(p)
    if kind == "csv":
        return files.load_csv(p)
    if kind == "h5":
        return arrays.load_h5(p)
    if kind == "npz":
        return arrays.load_npz(p)
    if kind == "npy":
        return arrays.load_npy(p)
    return None
