"""Projects (``.voxproj``): what was open, and how, in one small JSON manifest.

A project names files; it never holds patient data or voxels. Paths are stored relative to the
project file's folder (absolute when on another drive), so a project folder can be moved or
copied with its scans. Read back with :func:`load_project`, which checks every field and
resolves the paths; a missing file is reported, not fatal (``Project.missing``).

Fields (all optional but ``format``/``format_version``):

* ``volume``: the scan in the views: ``{"path", "dataset", "index"}`` (an HDF5/NPZ address and
  a stack index, as ``open_volume`` takes them);
* ``dataset``: the labelled dataset in the Dataset dock (file or folder);
* ``training``: the training settings (``TrainConfig.to_dict``): what ``voxdesk-cli train
  project.voxproj`` runs again;
* ``model``: the model bundle the Classify dock uses (``.voxmodel``);
* ``view``: layout, colormap, radiological convention, cursor, window/level, and the class of
  the heat map shown (``heat_map``: it is computed again on open, not stored);
* ``window_state``: the dock arrangement (Qt's saveState, base64).

The GUI writes and reads it (File > Save Project / Open Project); the CLI's ``train`` and
``classify`` take a project where they take a dataset or a bundle.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from voxdesk.engine.errors import VoxdeskError
from voxdesk.engine.io.atomic import atomic_open, write_error
from voxdesk.engine.io.formats import PROJECT_SUFFIX

FORMAT = "voxdesk-project"
FORMAT_VERSION = 1
MAX_BYTES = 1 << 20
"""A project is a few kilobytes; anything larger is not one (refused before parsing)."""
VIEW_KEYS = {"layout": str, "colormap": str, "radiological": bool, "cursor": list, "levels": list,
             "heat_map": str}
"""``heat_map``: the class whose Grad-CAM overlay was shown (recomputed on open, never stored)."""


class ProjectError(VoxdeskError):
    """The project file is missing, damaged, or names something it cannot hold."""


@dataclass
class Project:
    volume: dict | None = None
    """``{"path": absolute path, "dataset": str | None, "index": int | None}``"""
    dataset: str | None = None
    training: dict | None = None
    model: str | None = None
    view: dict = field(default_factory=dict)
    window_state: str | None = None
    path: Path | None = None
    """Where it was read from or written to."""
    missing: list[str] = field(default_factory=list)
    """Files the project names that do not exist (filled by ``load_project``)."""

    def train_config(self):
        """The stored training settings as a ``TrainConfig`` (defaults when none are stored)."""
        from voxdesk.engine.training.config import TrainConfig

        try:
            config = TrainConfig.from_dict(self.training or {})
            errors = config.field_errors()
        except (TypeError, ValueError) as exc:
            raise ProjectError(f"{self.path}: the training settings cannot be read ({exc})") from None
        if errors:
            raise ProjectError(f"{self.path}: the training settings are not valid: "
                               + "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in errors.items()))
        return config


def is_project(path) -> bool:
    return str(path).lower().endswith(PROJECT_SUFFIX)


def _rel(path: str | None, base: Path) -> str | None:
    if not path:
        return None
    p = os.path.abspath(path)
    try:
        return Path(os.path.relpath(p, base)).as_posix()
    except ValueError:  # another drive (Windows)
        return p


def _abs(value, base: Path, what: str, source: Path) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        raise ProjectError(f"{source}: {what} must be a path, not {value!r}")
    return os.path.normpath(os.path.join(base, value))


def save_project(project: Project, path) -> Path:
    """Write ``project`` atomically to ``path`` (``.voxproj`` added when missing)."""
    path = Path(path)
    if not is_project(path):
        path = path.with_name(path.name + PROJECT_SUFFIX)
    base = path.parent.resolve()
    volume = None
    if project.volume and project.volume.get("path"):
        volume = {"path": _rel(project.volume["path"], base), "dataset": project.volume.get("dataset"),
                  "index": project.volume.get("index")}
    doc = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "saved": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "volume": volume, "dataset": _rel(project.dataset, base), "training": project.training,
        "model": _rel(project.model, base), "view": dict(project.view), "window_state": project.window_state,
    }
    try:
        with atomic_open(path) as fh:
            json.dump(doc, fh, indent=2)
            fh.write("\n")
    except OSError as exc:
        raise write_error("the project", path, exc, ProjectError) from None
    project.path = path
    return path


def load_project(path) -> Project:
    """Read and check a project; paths come back absolute. ``ProjectError`` says what is wrong."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ProjectError(f"{path} does not exist or is not a file")
    if path.stat().st_size > MAX_BYTES:
        raise ProjectError(f"{path} is not a VoxDesk project (larger than {MAX_BYTES // 1024} KB)")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ProjectError(f"{path} is not a readable VoxDesk project ({type(exc).__name__})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ProjectError(f"{path} is not a VoxDesk project (no \"format\": \"{FORMAT}\")")
    version = doc.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ProjectError(f"{path} was written by a newer VoxDesk (project format {version}); update VoxDesk")
    base = path.parent.resolve()
    project = Project(path=path)
    volume = doc.get("volume")
    if volume is not None:
        if not isinstance(volume, dict):
            raise ProjectError(f"{path}: \"volume\" must be an object")
        index, inner = volume.get("index"), volume.get("dataset")
        if index is not None and (not isinstance(index, int) or isinstance(index, bool) or index < 0):
            raise ProjectError(f"{path}: the volume's index must be a whole number >= 0, not {index!r}")
        if inner is not None and not isinstance(inner, str):
            raise ProjectError(f"{path}: the volume's dataset must be a name, not {inner!r}")
        project.volume = {"path": _abs(volume.get("path"), base, "the volume", path), "dataset": inner,
                          "index": index}
    project.dataset = _abs(doc.get("dataset"), base, "the dataset", path)
    project.model = _abs(doc.get("model"), base, "the model", path)
    training = doc.get("training")
    if training is not None and not isinstance(training, dict):
        raise ProjectError(f"{path}: \"training\" must be an object of settings")
    project.training = training
    view = doc.get("view") or {}
    if not isinstance(view, dict):
        raise ProjectError(f"{path}: \"view\" must be an object")
    project.view = {k: v for k, v in view.items() if k in VIEW_KEYS and isinstance(v, VIEW_KEYS[k])}
    state = doc.get("window_state")
    project.window_state = state if isinstance(state, str) and len(state) < 64 * 1024 else None
    for p in (project.volume or {}).get("path"), project.dataset, project.model:
        if p and not os.path.exists(p):
            project.missing.append(p)
    if training is not None:
        project.train_config()  # refuse unreadable settings now, not when training starts
    return project
