"""VoxDesk: view, train on and classify 3D scans offline.

Developer map
=============

Layers (``tests/test_architecture.py`` checks every arrow, lazy imports included)::

    voxdesk.cli ──┐
                  ├──> voxdesk.engine   (no Qt, no pyqtgraph; TensorFlow only inside functions)
    voxdesk.gui ──┘

* ``engine/errors.py``, ``progress.py``, ``volume.py``: the vocabulary; they import nothing else
  of VoxDesk. Every user-facing failure is a ``VoxdeskError`` whose message says what to do.
  ``engine/readahead.py`` (``ordered_map``) is the one bounded read-ahead: streamed training
  batches and batch classification read the next items on reader threads, in order.
* ``engine/io/``: one reader per format (``dicom`` + ``dicom_series`` for DICOM), ``formats.py``
  (THE format table: suffixes, content detection, dialog filters, help texts), ``address.py``
  (``PATH:/dataset``, ``FOLDER:N``), ``atomic.py`` (every file VoxDesk writes goes through it;
  it cleans what killed writers left), ``outputs.py`` (the one check of an output path, made
  before the work: never an input, never another kind of file unless forced, a writable folder)
  and ``guard.py`` (every read goes through it: declared sizes checked against the file and the
  memory first, any library error leaves as one VoxdeskError naming the file; fuzzed in tests).
* ``engine/datasets/``: ``load_dataset(path)`` for every labelled layout (``base``, ``arrays``,
  ``files``), ``splits`` (train/val/test, fingerprints, leakage checks), ``folds`` (K folds for
  cross-validation, by patient when there are groups) and ``labelling`` (a session labelling a
  folder of scans into a CSV manifest, saved atomically after every change; undo).
* ``engine/model/``: what a bundle holds, where training and inference meet: ``networks``,
  ``preprocessing`` with ``resample`` (resize, or millimetres: a target spacing, then crop/pad;
  and the inverse for heat maps), ``consistency``, ``predict`` (the one predict path),
  ``uncertainty`` (per-case spread: test-time augmentation or Monte-Carlo dropout),
  ``calibration`` (temperature and referral threshold), ``bundle`` with ``schema`` (THE metadata.json schema,
  checked on load and before save) and ``archive`` (the bundle's zip read with bounded sizes),
  ``card`` (the model card's own words), ``tf_quiet`` (TensorFlow's start-up banner off the
  terminal, for the CLI and the GUI).
* ``engine/training/``: ``train()`` and its ``config`` (the one settings validator), ``augment``,
  ``callbacks``, ``distribute``, ``evaluation``, ``history``, ``precision`` (float32 / bfloat16 /
  auto, and the only code that sets Keras' global dtype policy: around build and fit, restored
  after; the saved model is float32); ``crossval`` (K-fold: ``train()`` per
  fold) and ``crossval_report`` (t intervals, fold CSV/JSON). Never imports ``inference``.
* ``engine/inference/``: ``classify``, ``items`` (what a batch classifies), ``explain`` (Grad-CAM
  family), ``faithfulness`` (pointing game), ``report`` (the CSV columns of the CLI and the GUI
  batch export), ``suggest`` (which unlabelled case to label next: entropy or margin). Never imports ``training``.
* ``engine/demo/``: the built-in CT phantoms and the benchmarks' generators (no downloads).
* ``gui/``: ``app.py`` (start-up), ``main_window.py`` (builds the viewer, the training and the
  classify workflows, and owns the one close policy), ``state.py`` (the ``ViewerState``);
  ``infra/`` (workers, errors, actions, docks, settings, resources, style, tf_runtime, snapshot,
  plots, section; ``accessibility``: every control's accessible name, from one place;
  ``focus``: Tab in reading order, no traps; ``i18n``: the language and its translators; every
  shown string is ``translate("Context", "text")``, README "Translating"),
  ``viewer/`` (views, toolbar, histogram, info, readout, opener, chooser), ``training/`` and
  ``classify/`` (a controller each, plus their panels and jobs), ``labelling/`` (the Label dock:
  File > New Dataset from Folder…). The GUI never imports the CLI.
* ``cli/``: ``voxdesk-cli``, one module per command (``add_arguments``, ``run``); only
  ``screenshot_cmd`` may import the GUI. Bad input: one line on stderr, exit code 2.

The ViewerState contract: widgets never call each other. They read and set one state object
(one volume, one cursor, one overlay, display choices) and listen to its signals; a click sets
``state.set_cursor(...)`` and every view follows. Controllers talk to their panels through the
panels' public methods and signals.

The worker rule: anything that reads files, trains or predicts runs on a QThread through the
window's one ``WorkerRunner`` (``gui/infra/workers.py``): Python owns the worker and its thread,
the thread is quit and waited on, nothing is connected to ``deleteLater`` (that crashed the
process in 3 of 40 runs here), and a worker never calls ``moveToThread`` from its own thread
(PySide holds the GIL while it waits for Qt's locks: that froze the window once). Callbacks are
slots of QObjects in the GUI thread, so Qt queues them. Errors reach the user through
``gui/infra/errors.report_error``.

Traps: TensorFlow's symbols must stay local to it or Mesa's OpenGL binds to its LLVM and
crashes (``gui/infra/tf_runtime.py``, done before the QApplication exists); OpenGL contexts are
shared application-wide for pyqtgraph's cached shaders (``gui/__init__.py``); under Qt's
``offscreen`` platform the 3D view degrades to a message; ``import tensorflow`` takes 5-8 s here,
so the window shows first and TensorFlow loads in the worker. A pyqtgraph plot takes the mouse
wheel (it zooms) from the dock scrolling around it: every plot in a dock goes through
``gui/infra/plots.wheel_scrolls_parent``; a dock that keeps controls in a fixed bar scrolls only
its body, in one scroll area (``gui/infra/docks.panel_scrolls_itself``).
"""

__version__ = "0.1.0"
