"""The dependency rule: the engine never imports Qt, pyqtgraph, the GUI or the CLI, and
loading data never imports TensorFlow."""
import subprocess
import sys
import textwrap

import pytest

BLOCKER = textwrap.dedent(
    """
    import sys, importlib.abc
    BLOCKED = {blocked!r}
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name.split(".")[0] in BLOCKED or any(name.startswith(b + ".") or name == b for b in BLOCKED if "." in b):
                raise ImportError("blocked import: " + name)
    sys.meta_path.insert(0, Block())
    """
)


def _run(code: str, blocked: list[str]) -> subprocess.CompletedProcess:
    src = BLOCKER.format(blocked=blocked) + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", src], capture_output=True, text=True, timeout=300)


ENGINE_MODULES = [
    "voxdesk.engine.volume", "voxdesk.engine.errors", "voxdesk.engine.progress",
    "voxdesk.engine.io", "voxdesk.engine.datasets", "voxdesk.engine.demo.phantoms",
    "voxdesk.engine.model.preprocessing", "voxdesk.engine.model.networks", "voxdesk.engine.training.train",
    "voxdesk.engine.training.evaluation", "voxdesk.engine.model.bundle", "voxdesk.engine.inference.classify",
    "voxdesk.engine.inference.explain", "voxdesk.engine.training.augment",
]


def test_engine_imports_without_qt_or_gui():
    code = """
    import importlib, pkgutil, voxdesk.engine as e
    names = [m.name for m in pkgutil.walk_packages(e.__path__, "voxdesk.engine.")]
    for n in names:
        importlib.import_module(n)
    print(len(names))
    """
    r = _run(code, ["PySide6", "pyqtgraph", "voxdesk.gui", "voxdesk.cli", "OpenGL"])
    assert r.returncode == 0, r.stderr
    assert int(r.stdout.strip()) >= 5


@pytest.mark.parametrize("module", ["voxdesk.engine.io", "voxdesk.engine.datasets", "voxdesk.engine.demo.phantoms"])
def test_loading_data_does_not_import_tensorflow(module):
    r = _run(f"import {module}", ["tensorflow", "keras"])
    assert r.returncode == 0, r.stderr
