"""The dependency rules (see the developer map in ``voxdesk/__init__.py``):

* the engine never imports Qt, pyqtgraph, OpenGL, the GUI or the CLI, and loads TensorFlow only
  inside functions; loading data never imports TensorFlow at all;
* the GUI never imports the CLI; of the CLI only ``screenshot_cmd`` may import the GUI;
* the engine's vocabulary (errors, progress, volume, readahead) imports nothing else of VoxDesk;
* training and inference are siblings that meet only in ``engine.model``;
* no import circles, lazy imports included.

The static checks read every import statement (function-level ones too) with ``ast``; the
subprocess checks import the real modules with the forbidden packages blocked.
"""
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


# -- static rules over the import graph ---------------------------------------------------------
from import_graph import cycles, graph, imports, modules  # noqa: E402

MODULES = modules()
KNOWN = set(MODULES)
VOCABULARY = {"voxdesk.engine.errors", "voxdesk.engine.progress", "voxdesk.engine.volume", "voxdesk.engine.readahead"}


def _violations(rule) -> list[str]:
    out = []
    for mod, path in MODULES.items():
        for name, line, top in imports(path, KNOWN):
            why = rule(mod, name, top)
            if why:
                out.append(f"{path.relative_to(path.parents[len(mod.split('.')) - 1])}:{line} {mod} -> {name}: {why}")
    return out


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_engine_imports_no_ui_and_tensorflow_only_lazily():
    def rule(mod, name, top):
        if not _under(mod, "voxdesk.engine"):
            return None
        if any(_under(name, p) for p in ("PySide6", "pyqtgraph", "OpenGL", "voxdesk.gui", "voxdesk.cli")):
            return "the engine is Qt-free and knows no front end"
        if top and any(_under(name, p) for p in ("tensorflow", "keras")):
            return "TensorFlow only inside the functions that need it"
        return None

    assert _violations(rule) == []


def test_gui_never_imports_cli_and_only_screenshot_imports_gui():
    def rule(mod, name, top):
        if _under(mod, "voxdesk.gui") and _under(name, "voxdesk.cli"):
            return "what GUI and CLI share lives in the engine"
        if _under(mod, "voxdesk.cli") and _under(name, "voxdesk.gui") and mod != "voxdesk.cli.screenshot_cmd":
            return "only the screenshot command drives the GUI"
        return None

    assert _violations(rule) == []


def test_vocabulary_imports_nothing_else_of_voxdesk():
    def rule(mod, name, top):
        if mod in VOCABULARY and _under(name, "voxdesk") and name not in VOCABULARY:
            return "errors, progress and volume are the vocabulary everything else uses"
        return None

    assert _violations(rule) == []


def test_training_and_inference_meet_only_in_the_model_package():
    pairs = (("voxdesk.engine.training", "voxdesk.engine.inference"),
             ("voxdesk.engine.inference", "voxdesk.engine.training"))

    def rule(mod, name, top):
        if any(_under(mod, a) and _under(name, b) for a, b in pairs):
            return "share through voxdesk.engine.model (what a bundle holds)"
        return None

    assert _violations(rule) == []


def test_no_import_circles():
    assert cycles(graph()) == []


def test_cycle_finder_finds_a_circle():
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(g) == [["a", "b", "c"]]


def test_no_module_is_over_400_lines():
    """One responsibility per file; a module that grows past 400 lines is split by what it does."""
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}
