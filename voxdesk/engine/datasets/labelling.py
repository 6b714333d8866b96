"""A labelling session: a folder of unlabelled scans becomes a CSV manifest, one label at a time.

``LabellingSession.start(folder, classes=..., manifest=None)`` finds the cases the way a batch
classification does (``inference.items.expand_paths``: volume files, DICOM series folders, one
case per volume of an HDF5/NPY/NPZ stack; recursive) and merges them with the manifest when one
exists (its rows, labels and classes are kept; new cases are appended). ``LabellingSession.open``
reopens a manifest. ``current`` starts at the first unlabelled case: a reopened session continues
where it stopped.

The manifest is the CSV layout ``load_dataset`` (and ``voxdesk-cli train``) already reads::

    path,label,split,patient,status,notes
    scans/a.nii.gz,tumour,,p01,labelled,
    scans/b.nii.gz,,,,unlabelled,
    stack.h5:/X[3],normal,,,unsure,look again

* ``path``: relative to the manifest's folder (``stack.h5:/X[3]``: volume 3 of a stack,
  ``DIR:2``: series 2 of a DICOM folder). Nothing is read from the files' headers: the patient
  is what the user types, never a DICOM PatientID.
* ``status``: ``labelled``, ``unlabelled``, ``unsure`` or ``skipped``. ``load_dataset`` keeps only
  ``labelled`` rows (an unsure row may carry a tentative label; it is still not trained on).
* ``split`` is left empty (training carves train/val/test by patient); a split a user typed is kept.
* Other columns of an existing manifest are kept as they were. The classes are listed on a last
  comment line (``# classes: a | b``), so a class without labels yet survives a reopening.

Every change is saved at once, atomically (``io.atomic``): a crash leaves the previous manifest or
the new one. ``undo()`` reverts the last change (label, mark, patient or notes) and saves.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from voxdesk.engine.errors import DatasetError, FileNotFound

LABELLED, UNLABELLED, UNSURE, SKIPPED = "labelled", "unlabelled", "unsure", "skipped"
STATUSES = (LABELLED, UNLABELLED, UNSURE, SKIPPED)
COLUMNS = ("path", "label", "split", "patient", "status", "notes")
MANIFEST_NAME = "labels.csv"
CLASSES_LINE = "# classes: "
MAX_CLASSES = 9  # one number key each


@dataclass
class Case:
    path: str
    """The manifest's ``path``: relative to the manifest's folder (or absolute outside it)."""
    label: str = ""
    status: str = UNLABELLED
    patient: str = ""
    notes: str = ""
    split: str = ""
    extra: dict = field(default_factory=dict)
    """Columns of an existing manifest that the session does not edit, kept as they were."""

    @property
    def is_labelled(self) -> bool:
        return self.status == LABELLED


def check_classes(classes: Iterable[str]) -> list[str]:
    """Distinct, non-empty class names (at most nine: keys 1..9); a ``DatasetError`` says why not."""
    out: list[str] = []
    for c in classes:
        c = str(c).strip()
        if not c:
            continue
        if "|" in c or "\n" in c or c.startswith("#"):
            raise DatasetError(f"class name {c!r}: use letters, digits, spaces or - _ . (no '|' or '#')")
        if c in out:
            raise DatasetError(f"class {c!r} is listed twice")
        out.append(c)
    if len(out) > MAX_CLASSES:
        raise DatasetError(f"{len(out)} classes: a labelling session takes at most {MAX_CLASSES} (keys 1..9)")
    return out


def discover(folder) -> list[str]:
    """The cases under ``folder`` as manifest entries (absolute): the batch's item discovery."""
    from voxdesk.engine.inference.items import expand_paths

    return [str(item) for item in expand_paths([os.fspath(folder)])]


class LabellingSession:
    """Cases and their labels, saved to ``manifest`` after every change."""

    def __init__(self, manifest, cases: list[Case], classes: list[str], *, root=None) -> None:
        self.manifest = Path(manifest)
        self.root = Path(root) if root is not None else self.manifest.parent
        """The folder the cases were found in."""
        self.cases = cases
        self.classes = check_classes(classes)
        self._undo: list[tuple[int, Case, list[str]]] = []
        self.current = self.first_unlabelled()
        self.on_saved: Callable[[Path], None] | None = None

    # -- opening --------------------------------------------------------------------------
    @classmethod
    def start(cls, folder, *, classes: Iterable[str] = (), manifest=None, cases=None) -> "LabellingSession":
        """A session over ``folder`` (``manifest`` defaults to ``folder/labels.csv``); an existing
        manifest's rows and classes are kept, cases found since are added as unlabelled.
        ``cases``: the entries already found (``discover``), to skip the walk."""
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise FileNotFound(f"{folder} is not a folder; choose the folder that holds the scans.")
        manifest = Path(manifest).expanduser() if manifest else folder / MANIFEST_NAME
        found = discover(folder) if cases is None else list(cases)
        old, old_classes = read_manifest(manifest) if manifest.exists() else ([], [])
        known = {absolute_entry(manifest, c.path) for c in old}
        new = [Case(relative_entry(manifest, e)) for e in found if absolute_entry(manifest, e) not in known]
        if not old and not new:
            raise DatasetError(f"no scans found in {folder} (NIfTI, DICOM series, NPY/NPZ or HDF5 files).")
        given = check_classes(classes)
        names = given + [c for c in old_classes if c not in given]
        session = cls(manifest, old + new, names, root=folder)
        if len(session.classes) < 2:
            raise DatasetError("name at least two classes (e.g. normal, tumour) to label with.")
        if new or not manifest.exists() or names != old_classes:
            session.save()
        return session

    @classmethod
    def open(cls, manifest) -> "LabellingSession":
        """Reopen a session's manifest (any CSV manifest with path and label columns)."""
        manifest = Path(manifest).expanduser()
        if not manifest.is_file():
            raise FileNotFound(f"{manifest} does not exist.")
        cases, classes = read_manifest(manifest)
        if not cases:
            raise DatasetError(f"{manifest.name} lists no cases.")
        return cls(manifest, cases, classes)

    # -- where we are -----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.cases)

    def entry(self, index: int) -> str:
        """What ``open_volume``/``expand_paths`` is given for case ``index`` (an absolute entry)."""
        return absolute_entry(self.manifest, self.cases[index].path)

    def first_unlabelled(self) -> int:
        """The first case still unlabelled (else the first skipped or unsure one, else 0)."""
        for wanted in (UNLABELLED, SKIPPED, UNSURE):
            hit = next((i for i, c in enumerate(self.cases) if c.status == wanted), None)
            if hit is not None:
                return hit
        return 0

    def next_unlabelled(self, after: int) -> int:
        """The next unlabelled case after ``after`` (wrapping round); ``after`` itself when none."""
        n = len(self.cases)
        for step in range(1, n + 1):
            i = (after + step) % n
            if self.cases[i].status == UNLABELLED:
                return i
        return min(after + 1, n - 1) if after + 1 < n else after

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for c in self.cases:
            out[c.status] = out.get(c.status, 0) + 1
        return out

    def per_class(self) -> dict[str, int]:
        out = dict.fromkeys(self.classes, 0)
        for c in self.cases:
            if c.is_labelled:
                out[c.label] = out.get(c.label, 0) + 1
        return out

    def can_train(self) -> bool:
        """At least two classes have labelled cases: ``load_dataset`` would accept the manifest."""
        return sum(1 for n in self.per_class().values() if n) >= 2

    # -- changes (each saved at once) -------------------------------------------------------
    def _change(self, index: int, **values) -> int:
        index = int(index)
        if not 0 <= index < len(self.cases):
            raise IndexError(f"no case {index}")
        before = dataclasses.replace(self.cases[index], extra=dict(self.cases[index].extra))
        self.cases[index] = dataclasses.replace(before, **values)
        self._undo.append((index, before, list(self.classes)))
        self.save()
        return index

    def assign(self, index: int, label: str) -> int:
        """Label case ``index``; returns the case to show next (the next unlabelled one)."""
        label = str(label)
        if label not in self.classes:
            raise DatasetError(f"{label!r} is not one of the classes ({', '.join(self.classes)})")
        self._change(index, label=label, status=LABELLED)
        self.current = self.next_unlabelled(index)
        return self.current

    def mark_unsure(self, index: int) -> int:
        """Mark case ``index`` unsure (a tentative label stays, not trained on); next case."""
        self._change(index, status=UNSURE)
        self.current = self.next_unlabelled(index)
        return self.current

    def skip(self, index: int) -> int:
        """Leave case ``index`` for later (not trained on); next case."""
        self._change(index, status=SKIPPED)
        self.current = self.next_unlabelled(index)
        return self.current

    def set_patient(self, index: int, patient: str) -> None:
        if patient.strip() != self.cases[index].patient:
            self._change(index, patient=patient.strip())

    def set_notes(self, index: int, notes: str) -> None:
        if notes != self.cases[index].notes:
            self._change(index, notes=notes)

    def add_class(self, name: str) -> None:
        self.classes = check_classes([*self.classes, name])
        self.save()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> int | None:
        """Revert the last change and save; the case it touched (now current), or None."""
        if not self._undo:
            return None
        index, before, classes = self._undo.pop()
        self.cases[index], self.classes = before, classes
        self.save()
        self.current = index
        return index

    # -- the manifest -----------------------------------------------------------------------
    def rows(self) -> tuple[list[str], list[list[str]]]:
        extras = list(dict.fromkeys(k for c in self.cases for k in c.extra))
        header = list(COLUMNS) + extras
        rows = [[c.path, c.label, c.split, c.patient, c.status, c.notes] + [c.extra.get(k, "") for k in extras]
                for c in self.cases]
        return header, rows

    def save(self) -> Path:
        """Write the manifest atomically (a ``VoxdeskError`` names it when that fails)."""
        import csv

        from voxdesk.engine.io.atomic import atomic_open, write_error

        header, rows = self.rows()
        try:
            with atomic_open(self.manifest, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(header)
                w.writerows(rows)
                fh.write(CLASSES_LINE + " | ".join(self.classes) + "\n")
        except OSError as exc:
            raise write_error("the labels", self.manifest, exc) from None
        if self.on_saved is not None:
            self.on_saved(self.manifest)
        return self.manifest


def read_manifest(path) -> tuple[list[Case], list[str]]:
    """(cases, classes) of a manifest: a session's, or any ``path,label`` CSV with a header."""
    from voxdesk.engine.datasets.files import GROUP_COLUMNS, LABEL_COLUMNS, PATH_COLUMNS, SPLIT_COLUMNS, _read_rows
    from voxdesk.engine.io.guard import reading

    path = Path(path)
    with reading(path):
        rows = _read_rows(path)
        text = path.read_text(encoding="utf-8-sig")
    classes = []
    for line in text.splitlines():
        if line.startswith(CLASSES_LINE):
            classes = [c.strip() for c in line[len(CLASSES_LINE):].split("|") if c.strip()]
    if not rows:
        return [], classes
    header = [c.lower() for c in rows[0][1]]
    find = lambda names: next((i for i, c in enumerate(header) if c in names), None)  # noqa: E731
    ip, il = find(PATH_COLUMNS), find(LABEL_COLUMNS)
    if ip is None or il is None:
        raise DatasetError(f"{path.name}: a labelling manifest needs a header with 'path' and 'label' columns.")
    isplit, igroup, istatus, inotes = find(SPLIT_COLUMNS), find(GROUP_COLUMNS), find(("status",)), find(("notes",))
    own = {ip, il, isplit, igroup, istatus, inotes}
    cases = []
    for n, r in rows[1:]:
        cell = lambda i: r[i] if i is not None and i < len(r) else ""  # noqa: E731,B023
        label, status = cell(il), cell(istatus).lower() or (LABELLED if cell(il) else UNLABELLED)
        if status not in STATUSES:
            raise DatasetError(f"{path.name}, row {n}: status {cell(istatus)!r} is not one of {', '.join(STATUSES)}")
        extra = {rows[0][1][i]: cell(i) for i in range(len(header)) if i not in own}
        cases.append(Case(cell(ip), label, status, cell(igroup), cell(inotes), cell(isplit), extra))
    for c in cases:  # a label outside the listed classes (a hand-edited manifest) becomes a class
        if c.label and c.label not in classes:
            classes.append(c.label)
    return cases, classes


def absolute_entry(manifest, entry: str) -> str:
    """A manifest entry as an absolute, normalised entry (relative ones from the manifest's folder)."""
    from voxdesk.engine.datasets.files import split_sample

    bare, sample = split_sample(entry)
    full = bare if os.path.isabs(bare) else os.path.join(os.path.dirname(os.path.abspath(manifest)), bare)
    return os.path.normpath(full) + (f"[{sample}]" if sample is not None else "")


def relative_entry(manifest: Path, entry: str) -> str:
    """``entry`` relative to the manifest's folder (posix), or absolute when on another drive."""
    base = os.path.dirname(os.path.abspath(manifest))
    try:
        rel = os.path.relpath(os.path.abspath(entry), base)
    except ValueError:  # another drive (Windows)
        return os.path.abspath(entry)
    return Path(rel).as_posix()


def batch_item(entry: str):
    """What ``inference.iter_classify`` is given for an entry: a ``VolumeRef`` for a volume of a
    stack (``stack.h5:/X[3]``), else the entry itself; ``str()`` of either gives the entry back."""
    from voxdesk.engine.inference.items import VolumeRef
    from voxdesk.engine.io import split_address

    path, kwargs = open_args(entry)
    if not kwargs:
        return entry
    file, inner = split_address(path)
    return VolumeRef(file, dataset=inner.lstrip("/") if inner else None, index=kwargs["index"])


def open_args(entry: str) -> tuple[str, dict]:
    """(path, ``open_volume`` keyword arguments) of an absolute manifest entry."""
    from voxdesk.engine.datasets.files import split_sample

    bare, sample = split_sample(entry)
    return bare, ({"index": sample} if sample is not None else {})


__all__ = ["LabellingSession", "Case", "read_manifest", "discover", "check_classes", "open_args", "batch_item",
           "absolute_entry", "relative_entry",
           "STATUSES", "LABELLED", "UNLABELLED", "UNSURE", "SKIPPED"]
