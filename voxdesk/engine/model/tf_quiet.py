"""TensorFlow without its start-up banner on the terminal, for the CLI and the GUI alike.

``import tensorflow`` (2.21) writes to file descriptor 2 from C++ before its logging is set up:
``WARNING: All log messages before absl::InitializeLog() ...``, ``I0000 ... oneDNN custom
operations are on ...`` (twice), ``This TensorFlow binary is optimized ...``.
``TF_CPP_MIN_LOG_LEVEL`` does not silence the first lines, and ``TF_ENABLE_ONEDNN_OPTS=0``
would (oneDNN must stay on: it is what makes Conv3D fast on CPUs). So :func:`quiet_tensorflow`

* sets ``TF_CPP_MIN_LOG_LEVEL=2`` (unless the user set it) for what TensorFlow logs later;
* installs an import hook that runs TensorFlow's own import inside :func:`banner_hidden`:
  fd 2 goes to a temporary file, then every line that is not one of those banner lines is
  written back (a real error still reaches the terminal);
* lowers TensorFlow's and absl's Python loggers to errors once TensorFlow is imported.

Nothing is imported here: the hook only acts when something imports TensorFlow.
"""
from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import os
import re
import sys
import tempfile

BANNER = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IW]\d{4} [\d:. ]+\s*\d+ \S+:\d+\] .*"
    r"|To enable the following instructions: .*rebuild TensorFlow with the appropriate compiler flags\.)$"
)
"""Lines TensorFlow prints while loading: absl's notice and its INFO/WARNING log lines."""


def drop_banner(text: str) -> str:
    """``text`` without TensorFlow's start-up lines."""
    return "".join(line for line in text.splitlines(keepends=True) if not BANNER.match(line.rstrip("\n")))


@contextlib.contextmanager
def banner_hidden():
    """Send file descriptor 2 to a temporary file; on leaving, write back what is not banner
    (everything, when the block raised). For whatever loads TensorFlow's libraries (the import;
    the GUI's ``tf_runtime.preload_tensorflow_libraries``, whose dlopen prints it too)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    failed = False
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield
        except BaseException:
            failed = True
            raise
        finally:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            text = tmp.read().decode("utf-8", "replace")
            rest = text if failed else drop_banner(text)
            if rest:
                with contextlib.suppress(Exception):
                    sys.stderr.write(rest)
                    sys.stderr.flush()


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader) -> None:
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        with banner_hidden():
            self._loader.exec_module(module)
        _quiet_python_loggers()

    def __getattr__(self, name):  # get_resource_reader, is_package, ...
        return getattr(self._loader, name)


class _QuietFinder(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` with the path finder and wraps its loader. It stays in place: a
    ``find_spec`` call that imports nothing (``tf_runtime`` looks for the libraries) must not
    use it up."""

    def find_spec(self, name, path, target=None):
        if name != "tensorflow":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _QuietLoader(spec.loader)
        return spec


def _quiet_python_loggers() -> None:
    import logging

    for name in ("tensorflow", "absl", "h5py"):
        logging.getLogger(name).setLevel(logging.ERROR)


def quiet_tensorflow() -> None:
    """Keep TensorFlow's start-up lines off the terminal (idempotent; call before importing it)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "tensorflow" in sys.modules:
        _quiet_python_loggers()
        return
    if not any(isinstance(f, _QuietFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietFinder())
