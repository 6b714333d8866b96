"""Projects: a small JSON manifest of relative paths that survives a move, and refuses damage."""
from __future__ import annotations

import json
import shutil

import pytest

from voxdesk.engine.project import Project, ProjectError, load_project, save_project
from voxdesk.engine.training.config import TrainConfig


def _files(root):
    (root / "scans").mkdir(parents=True)
    (root / "scans" / "a.nii.gz").write_bytes(b"x")
    (root / "data.h5").write_bytes(b"x")
    (root / "m.voxmodel").write_bytes(b"x")


def test_round_trip_with_relative_paths_survives_moving_the_folder(tmp_path):
    root = tmp_path / "study"
    _files(root)
    config = TrainConfig(epochs=7, batch_size=8, learning_rate=3e-4, left_right_matters=True)
    project = Project(volume={"path": str(root / "scans" / "a.nii.gz"), "dataset": None, "index": 2},
                      dataset=str(root / "data.h5"), training=config.to_dict(), model=str(root / "m.voxmodel"),
                      view={"layout": "1+3", "colormap": "hot", "radiological": False, "cursor": [1, 2, 3]})
    written = save_project(project, root / "study")
    assert written == root / "study.voxproj"
    doc = json.loads(written.read_text())
    assert doc["volume"]["path"] == "scans/a.nii.gz" and doc["dataset"] == "data.h5" and doc["model"] == "m.voxmodel"
    assert "study" not in json.dumps(doc["volume"])  # nothing absolute
    moved = tmp_path / "elsewhere"
    shutil.move(str(root), str(moved))
    back = load_project(moved / "study.voxproj")
    assert back.volume == {"path": str(moved / "scans" / "a.nii.gz"), "dataset": None, "index": 2}
    assert back.dataset == str(moved / "data.h5") and back.model == str(moved / "m.voxmodel")
    assert back.train_config() == config and back.view["layout"] == "1+3" and back.missing == []


def test_missing_files_are_listed_not_fatal(tmp_path):
    save_project(Project(dataset=str(tmp_path / "gone.h5")), tmp_path / "p.voxproj")
    assert load_project(tmp_path / "p.voxproj").missing == [str(tmp_path / "gone.h5")]


@pytest.mark.parametrize("content, words", [
    ("not json", "not a readable VoxDesk project"),
    ('{"format": "other"}', "not a VoxDesk project"),
    ('{"format": "voxdesk-project", "format_version": 99}', "newer VoxDesk"),
    ('{"format": "voxdesk-project", "format_version": 1, "volume": {"path": 5}}', "the volume must be a path"),
    ('{"format": "voxdesk-project", "format_version": 1, "volume": {"path": "a", "index": -1}}', "index"),
    ('{"format": "voxdesk-project", "format_version": 1, "training": {"epochs": "many"}}', "training settings"),
    ('{"format": "voxdesk-project", "format_version": 1, "training": {"model": "nope"}}', "unknown model"),
    ('{"format": "voxdesk-project", "format_version": 1, "training": [1]}', "object of settings"),
])
def test_a_damaged_project_is_one_clear_error(tmp_path, content, words):
    path = tmp_path / "bad.voxproj"
    path.write_text(content)
    with pytest.raises(ProjectError, match=words) as info:
        load_project(path)
    assert str(path) in str(info.value)


def test_a_huge_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.voxproj"
    path.write_bytes(b" " * (2 << 20))
    with pytest.raises(ProjectError, match="larger than"):
        load_project(path)


def test_view_keeps_only_known_keys_of_the_right_type(tmp_path):
    path = tmp_path / "v.voxproj"
    path.write_text(json.dumps({"format": "voxdesk-project", "format_version": 1,
                                "view": {"layout": "2x2", "colormap": 3, "evil": "x"}}))
    assert load_project(path).view == {"layout": "2x2"}
