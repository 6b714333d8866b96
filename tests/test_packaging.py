"""The wheel must contain every sub-package and the app's resources."""
import pathlib

import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_every_python_package_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "voxdesk").rglob("__init__.py")
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert config["package-dir"]["voxdesk.resources"] == "resources"
    assert (ROOT / "resources" / "icons" / "voxdesk.svg").is_file()
    assert (ROOT / "resources" / "qss" / "voxdesk.qss").is_file()
    assert (ROOT / "resources" / "translations" / "voxdesk_ko.qm").is_file()
    assert "*.qm" in config["package-data"]["voxdesk.resources.translations"]
