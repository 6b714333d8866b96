"""A project (``.voxproj``) where a command takes a dataset or a bundle.

``voxdesk-cli train project.voxproj --out m.voxmodel`` trains on the project's dataset with its
training settings; a setting given on the command line (any value other than the default)
wins. ``voxdesk-cli classify project.voxproj PATH...`` classifies with the project's model.
"""
from __future__ import annotations

import dataclasses

from voxdesk.engine.project import ProjectError, is_project, load_project

ALWAYS_FROM_COMMAND_LINE = ("backup_dir", "workers", "worker_index")


def training_from_project(data: str, given):
    """(dataset path, TrainConfig) for ``train``: the project's settings, overridden by every
    field of ``given`` (the command line's TrainConfig) that differs from the default."""
    if not is_project(data):
        return data, given
    from voxdesk.engine.training.config import TrainConfig

    project = load_project(data)
    if not project.dataset:
        raise ProjectError(f"{data} names no dataset; open one in VoxDesk and save the project again")
    if project.dataset in project.missing:
        raise ProjectError(f"{data}: its dataset {project.dataset} does not exist (moved or deleted?)")
    config = project.train_config()
    default = TrainConfig()
    changes = {f.name: getattr(given, f.name) for f in dataclasses.fields(TrainConfig)
               if f.name in ALWAYS_FROM_COMMAND_LINE or getattr(given, f.name) != getattr(default, f.name)}
    return project.dataset, dataclasses.replace(config, **changes)


def bundle_from_project(path: str) -> str:
    """The bundle to use: ``path`` itself, or the model a project names."""
    if not is_project(path):
        return path
    project = load_project(path)
    if not project.model:
        raise ProjectError(f"{path} names no model; load or train one in VoxDesk and save the project again")
    if project.model in project.missing:
        raise ProjectError(f"{path}: its model {project.model} does not exist (moved or deleted?)")
    return project.model
