"""TensorFlow and the OpenGL 3D view in one process, in both orders (run under Xvfb).

TensorFlow's wheel loads its core with RTLD_GLOBAL; Mesa's llvmpipe then bound to
TensorFlow's LLVM and the app segfaulted when the 3D view drew. ``voxdesk.gui`` keeps
TensorFlow's symbols local (``tf_runtime``). Each order runs in a subprocess so that a crash
is a clean test failure, not a dead test run.
"""
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.gl

SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    from PySide6.QtTest import QTest
    from voxdesk.engine.volume import Volume
    from voxdesk.gui.app import make_application, create_window
    from voxdesk.gui.infra.snapshot import grab_window

    order = sys.argv[1]
    app = make_application()
    w = create_window()
    w.persist_settings = False
    w.resize(1200, 800)
    w.show()

    def use_tensorflow():
        from voxdesk.engine.model.networks import build_model
        model = build_model("voxnet-bn", (16, 16, 16, 1), 2)
        out = np.asarray(model(np.zeros((1, 16, 16, 16, 1), np.float32)))
        assert out.shape == (1, 2)

    def show_volume(seed):
        z, y, x = np.mgrid[:24, :24, :24]
        ball = ((x - 12) ** 2 + (y - 12) ** 2 + (z - 12) ** 2 < 64).astype(np.float32) * (100 + seed)
        w.show_volume(Volume(ball, spacing=(1, 1, 1), name=f"ball{seed}"))
        QTest.qWait(1500)

    if order == "tf-first":
        use_tensorflow()
        show_volume(1)
    else:
        show_volume(1)
        use_tensorflow()
        show_volume(2)
    host = w.ortho.volume_view
    image = grab_window(w)
    top_left = host.mapTo(w, host.rect().topLeft())
    region = image.copy(top_left.x(), top_left.y(), host.width(), host.height())
    grey_image = region.convertToFormat(region.Format.Format_Grayscale8)
    grey = np.frombuffer(grey_image.constBits(), np.uint8, count=grey_image.sizeInBytes())
    print("BRIGHT", int((grey > 60).sum()))
    """
)


@pytest.mark.parametrize("order", ["tf-first", "volume-first"])
def test_tensorflow_and_3d_view_share_a_process(order):
    r = subprocess.run([sys.executable, "-c", SCRIPT, order], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr[-1500:]}"
    bright = int(r.stdout.split("BRIGHT")[1].split()[0])
    assert bright > 500, "the 3D pane drew nothing"
