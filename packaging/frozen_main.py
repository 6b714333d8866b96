"""Entry point of the frozen (PyInstaller) app: one analysis, two executables.

``voxdesk`` starts the desktop app and ``voxdesk-cli`` the headless tools; both are built from
this script and told apart by the name they were started under. ``freeze_support`` lets the
demo's spawned phantom makers (a process pool) start the same executable as a worker.
"""
import multiprocessing
import os
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if os.path.basename(sys.argv[0]).startswith("voxdesk-cli"):
        from voxdesk.cli import main
    else:
        from voxdesk.gui.app import main
    raise SystemExit(main())
