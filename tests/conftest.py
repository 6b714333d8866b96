"""Suite-wide settings: headless Qt, quiet TensorFlow, per-test user data and settings."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("VOXDESK_LANGUAGE", "en")  # the GUI's English texts, whatever this machine's locale

import pytest

# The app's own TensorFlow configuration, before any test module imports TensorFlow: its
# symbols stay local, or Mesa's OpenGL (the Xvfb pass) binds to TensorFlow's LLVM and crashes.
from voxdesk.gui.infra.tf_runtime import keep_tensorflow_symbols_local

keep_tensorflow_symbols_local()

# Shared fixtures, one module per topic (tests/fixtures/); helpers are imported by name.
pytest_plugins = ["fixtures.gui", "fixtures.classify", "fixtures.classify_gui", "fixtures.training", "fixtures.outputs",
                  "fixtures.labelling"]


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Demo data, QSettings and caches go to a temporary folder, never the user's home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("VOXDESK_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "share"))
    yield


@pytest.fixture(autouse=True)
def unsaved_prompt(monkeypatch):
    """The Save / Discard / Cancel prompt never blocks a test: it answers ``.answer`` ("discard"
    unless a test sets it) and records what it was asked (``.asked``)."""
    from voxdesk.gui.training import unsaved

    class Prompt:
        answer = unsaved.DISCARD
        asked: list[str] = []

    prompt = Prompt()
    prompt.asked = []

    def ask(parent, doing):
        prompt.asked.append(doing)
        return prompt.answer

    monkeypatch.setattr(unsaved, "ask_unsaved", ask)
    return prompt
