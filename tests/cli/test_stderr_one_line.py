"""stderr is one line, also when the command loads TensorFlow: its start-up banner (absl's
notice, oneDNN, CPU features) is kept off the terminal (``engine/model/tf_quiet.py``)."""
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

pytest.importorskip("tensorflow")


def _user_env() -> dict:
    """The environment a user has: no TF_CPP_MIN_LOG_LEVEL (the test suite sets one)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    return env


def _bad_bundle(path):
    """Metadata that passes, a model that is not a Keras file: TensorFlow loads, then it fails."""
    from voxdesk.engine.model.bundle import BUNDLE_FORMAT_VERSION
    from voxdesk.engine.model.preprocessing import PreprocessSpec

    meta = {"format": "voxdesk-model-bundle", "format_version": BUNDLE_FORMAT_VERSION,
            "class_names": ["a", "b"], "input_shape": [8, 8, 8, 1],
            "preprocessing": PreprocessSpec(spatial_shape=(8, 8, 8)).to_dict()}
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", json.dumps(meta))
        zf.writestr("model.keras", b"this is not a keras file")
    return path


def test_a_bad_bundle_is_one_line_on_stderr_and_exit_2(tmp_path):
    bundle = _bad_bundle(tmp_path / "bad.voxmodel")
    scan = tmp_path / "x.npy"
    np.save(scan, np.zeros((8, 8, 8), np.float32))
    r = subprocess.run([sys.executable, "-m", "voxdesk.cli", "classify", str(bundle), str(scan)],
                       capture_output=True, text=True, env=_user_env(), timeout=300)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith("voxdesk-cli: error: ") and "bad.voxmodel" in r.stderr


PRELUDES = {
    "cli": "from voxdesk.engine.model.tf_quiet import quiet_tensorflow\nquiet_tensorflow()\n",
    # the GUI maps TensorFlow's libraries before importing it (gui/infra/tf_runtime.py)
    "gui-preload": "import voxdesk.gui\nfrom voxdesk.gui.infra.tf_runtime import preload_tensorflow_libraries\n"
                   "assert preload_tensorflow_libraries()\n",
}


@pytest.mark.parametrize("prelude", list(PRELUDES))
def test_loading_tensorflow_prints_nothing_but_real_errors(prelude):
    code = (PRELUDES[prelude] +
            "import tensorflow as tf\n"
            "tf.constant(1.0) + 1\n"
            "import sys; print('after', file=sys.stderr)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_user_env(), timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stderr == "after\n"


def test_the_banner_filter_keeps_what_is_not_banner():
    from voxdesk.engine.model.tf_quiet import drop_banner

    text = ("WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
            "I0000 00:00:1796180895.736954   24327 port.cc:153] oneDNN custom operations are on.\n"
            "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow "
            "with the appropriate compiler flags.\n"
            "E0000 00:00:1796180895.736954   24327 cuda.cc:1] a real failure\n"
            "Traceback (most recent call last):\n")
    assert drop_banner(text) == ("E0000 00:00:1796180895.736954   24327 cuda.cc:1] a real failure\n"
                                 "Traceback (most recent call last):\n")


def test_library_warnings_stay_off_stderr(tmp_path):
    """nibabel warns (RuntimeWarning: invalid value in divide) on an all-zero affine: the user
    reads one line about the file, not library warnings."""
    import struct

    import nibabel as nib

    path = tmp_path / "zero_affine.nii"
    nib.save(nib.Nifti1Image(np.ones((8, 8, 8), np.float32), np.eye(4)), str(path))
    raw = bytearray(path.read_bytes())
    raw[252:254], raw[254:256], raw[280:328] = struct.pack("<h", 0), struct.pack("<h", 1), bytes(48)
    path.write_bytes(bytes(raw))
    r = subprocess.run([sys.executable, "-m", "voxdesk.cli", "info", str(path)],
                       capture_output=True, text=True, env=_user_env(), timeout=300)
    assert "Warning" not in r.stderr, r.stderr
    assert r.returncode == 0 or r.stderr.count("\n") == 1, r.stderr
