"""TensorFlow inside a Qt/OpenGL process: the two traps, handled in one place.

1. Symbol clash (a crash). The tensorflow wheel imports its core with RTLD_GLOBAL (through
   ``tensorflow.python.pywrap_dlopen_global_flags``), which puts the LLVM copy inside
   ``libtensorflow_framework.so.2`` in the process's global symbol scope. Mesa's llvmpipe then
   binds its ``llvm::`` calls to TensorFlow's LLVM and segfaults when the 3D view draws (gdb:
   ``llvm::FixedVectorType::get`` from ``swrast_dri.so`` landing in TensorFlow). Importing
   ``voxdesk.gui`` installs :func:`keep_tensorflow_symbols_local` before TensorFlow can be
   imported, so the GUI and every GUI test run TensorFlow with local symbols, in either order
   (volume first or model first).
2. The other order (also a crash): once Mesa's LLVM is in the process, importing TensorFlow
   segfaults in its library initialisers. So on OpenGL platforms :func:`prepare_for_opengl`
   maps TensorFlow's libraries (no Python import, ~0.6 s) before the first GL context.
3. A GIL stall. Python dlopens an extension while holding the GIL, and
   ``libtensorflow_cc.so`` (790 MB) takes 0.7-0.9 s to map: the GUI thread froze that long.
   Workers call :func:`preload_tensorflow_libraries` first; a ctypes foreign call releases
   the GIL, and the import then finds the libraries loaded.
"""
from __future__ import annotations

import os
import sys
import types

_STUB = "tensorflow.python.pywrap_dlopen_global_flags"


def keep_tensorflow_symbols_local() -> bool:
    """Make a later ``import tensorflow`` load its libraries RTLD_LOCAL; True when in place.

    A stub replaces the module through which TensorFlow switches to RTLD_GLOBAL; TensorFlow
    trains and predicts the same. Without effect (False) when TensorFlow is already imported.
    """
    if "tensorflow" in sys.modules:
        return symbols_are_local()
    stub = types.ModuleType(_STUB, "VoxDesk: keep TensorFlow's symbols local (voxdesk.gui.infra.tf_runtime)")
    stub.set_dlopen_flags = stub.reset_dlopen_flags = lambda: None
    stub.voxdesk_stub = True
    sys.modules[_STUB] = stub
    return True


def symbols_are_local() -> bool:
    return getattr(sys.modules.get(_STUB), "voxdesk_stub", False)


def preload_tensorflow_libraries() -> list[str]:
    """dlopen TensorFlow's big shared libraries without holding the GIL; returns those loaded.

    Linux only and best effort: on any problem the normal import does the loading.
    """
    if "tensorflow" in sys.modules or not sys.platform.startswith("linux") or os.environ.get("VOXDESK_NO_TF_PRELOAD"):
        return []
    try:
        import ctypes
        import importlib.util

        spec = importlib.util.find_spec("tensorflow")
        if spec is None or not spec.origin:
            return []
        root = os.path.dirname(spec.origin)
        libc = ctypes.CDLL(None)
        libc.dlopen.restype = ctypes.c_void_p
        libc.dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
        from voxdesk.engine.model.tf_quiet import banner_hidden

        loaded = []
        with banner_hidden():  # the libraries' initialisers print TensorFlow's start-up banner
            for name in ("libtensorflow_framework.so.2", "libtensorflow_cc.so.2"):
                path = os.path.join(root, name)
                # RTLD_NOW | RTLD_LOCAL; ctypes releases the GIL during the call
                if os.path.exists(path) and libc.dlopen(path.encode(), os.RTLD_NOW):
                    loaded.append(name)
        return loaded
    except Exception:  # an optimisation only
        return []


def check_tensorflow_loadable() -> None:
    """Raise a ModelError instead of letting ``import tensorflow`` crash beside Mesa's GL.

    Only reachable when the stub could not be installed (TensorFlow imported before
    ``voxdesk.gui``) and OpenGL's LLVM is already in the process.
    """
    if "tensorflow" in sys.modules or symbols_are_local() or not sys.platform.startswith("linux"):
        return
    try:
        with open("/proc/self/maps") as fh:
            llvm = any("libLLVM" in line for line in fh)
    except OSError:
        llvm = False
    if llvm:
        from voxdesk.engine.errors import ModelError
        from voxdesk.gui.infra.i18n import translate

        raise ModelError(translate(
            "TfRuntime", "TensorFlow cannot be loaded beside the 3D view's OpenGL in this session (it would "
            "crash the app). Restart VoxDesk, or use 'voxdesk-cli train' / 'voxdesk-cli classify'."))


def prepare_for_opengl(platform_name: str) -> None:
    """Call before the first OpenGL context on ``platform_name`` (Qt's platform plugin)."""
    keep_tensorflow_symbols_local()
    if platform_name not in ("offscreen", "minimal", ""):
        preload_tensorflow_libraries()


def warm_up_tensorflow(runner):
    """Import TensorFlow and Keras and fit a tiny model once, in a background worker (``app.main``
    does this once the window is up and idle), so that the first Train or Classify does not pay
    TensorFlow's one-time stalls of the GUI thread (0.5-0.7 s for the import, whose extension
    modules' initialisation holds the GIL, and ~250 ms for the first fit's set-up): they happen
    once, while the user reads the welcome page (``bench_gui_training.py --compare-warm``).
    The worker never delays closing.
    Returns the Worker (None when switched off with ``VOXDESK_NO_TF_WARMUP=1``)."""
    import os

    if os.environ.get("VOXDESK_NO_TF_WARMUP") or "keras" in sys.modules:
        return None

    def job(_w) -> None:
        check_tensorflow_loadable()
        preload_tensorflow_libraries()
        import keras  # noqa: F401  (the import is the point)
        import numpy as np

        from voxdesk.engine.model import networks
        from voxdesk.engine.training import train  # noqa: F401  (tf.data, callbacks, optimizers)

        # TensorFlow's one-time set-up of a first fit and predict (a ~250 ms stall otherwise)
        model = networks.build_model("voxnet-bn", (8, 8, 8, 1), 2)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(np.zeros((2, 8, 8, 8, 1), np.float32), np.zeros(2, np.int64), epochs=1, verbose=0)
        model.predict(np.zeros((1, 8, 8, 8, 1), np.float32), verbose=0)

    worker = runner.run(job, name="tf-warmup")
    worker.background = True
    return worker
