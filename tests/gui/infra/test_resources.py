"""The icon and the style sheet are found in a checkout (and the wheel's package data names them)."""
from __future__ import annotations

from pathlib import Path

import pytest

from voxdesk.gui.infra.resources import resource_path, style_sheet

REPO = Path(__file__).resolve().parents[3]


def test_checkout_resources_are_found():
    assert resource_path("icons/voxdesk.svg") == REPO / "resources" / "icons" / "voxdesk.svg"
    assert resource_path("qss/voxdesk.qss") == REPO / "resources" / "qss" / "voxdesk.qss"
    assert "QDockWidget::title" in style_sheet()


def test_the_application_is_styled(qapp):
    from voxdesk.gui.app import make_application

    app = make_application()
    assert "QDockWidget::title" in app.styleSheet()
    assert not app.windowIcon().isNull()


def test_package_data_ships_the_resources():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    for package, folder in (("voxdesk.resources.icons", "icons"), ("voxdesk.resources.qss", "qss")):
        assert package in config["packages"]
        patterns = config["package-data"][package]
        shipped = [p for p in (REPO / "resources" / folder).iterdir() if any(p.match(g) for g in patterns)]
        assert shipped, f"no file of resources/{folder} is package data"
