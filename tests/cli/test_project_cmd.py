"""The CLI takes a project where it takes a dataset (train) or a bundle (classify)."""
from __future__ import annotations

import json

import pytest

from voxdesk.cli import main
from voxdesk.engine.model.bundle import load_bundle
from voxdesk.engine.project import Project, save_project
from voxdesk.engine.training.augment import NO_AUGMENT
from voxdesk.engine.training.config import TrainConfig


@pytest.mark.slow
def test_train_runs_the_projects_settings_and_flags_override(tiny_h5, tmp_path, capsys):
    data, _counts = tiny_h5
    config = TrainConfig(epochs=2, batch_size=8, learning_rate=2e-3, augment=NO_AUGMENT)
    project = save_project(Project(dataset=str(data), training=config.to_dict()), tmp_path / "study.voxproj")
    out = tmp_path / "m.voxmodel"
    code = main(["train", str(project), "--out", str(out), "--seed", "3"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"on {data}" in captured.out
    used = load_bundle(out).metadata["training"]["config"]
    assert (used["epochs"], used["batch_size"], used["learning_rate"], used["seed"]) == (2, 8, 2e-3, 3)
    assert load_bundle(out).metadata["training"]["epochs_run"] == 2


def test_classify_uses_the_projects_model(tiny, tmp_path, capsys):
    project = save_project(Project(model=str(tiny.path)), tmp_path / "p.voxproj")
    path, truth, _ = tiny.heldout[1]
    csv_path = tmp_path / "rows.csv"
    code = main(["classify", str(project), str(path), "--csv", str(csv_path)])
    assert code == 0, capsys.readouterr().err
    assert truth in csv_path.read_text()


@pytest.mark.parametrize("doc, words", [
    ({}, "names no model"),
    ({"model": "gone.voxmodel"}, "does not exist"),
])
def test_a_project_without_a_usable_model_is_one_line_exit_2(tmp_path, capsys, doc, words, tiny):
    path = tmp_path / "p.voxproj"
    path.write_text(json.dumps({"format": "voxdesk-project", "format_version": 1, **doc}))
    code = main(["classify", str(path), str(tiny.heldout[0][0])])
    err = capsys.readouterr().err.strip()
    assert code == 2 and words in err and len(err.splitlines()) == 1


def test_train_on_a_project_without_a_dataset_is_refused(tmp_path, capsys):
    path = save_project(Project(training=TrainConfig().to_dict()), tmp_path / "p.voxproj")
    code = main(["train", str(path), "--out", str(tmp_path / "m.voxmodel")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "names no dataset" in err and len(err.splitlines()) == 1
