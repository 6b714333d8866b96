"""Korean and English: the window in Korean shows no English left over, the catalogue is
complete and compiled from the current sources, and the language choice persists."""
from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QWidget,
)

from voxdesk.gui.infra import i18n

ROOT = Path(__file__).resolve().parents[3]
TS = ROOT / "resources" / "translations" / "voxdesk_ko.ts"
QM = ROOT / "resources" / "translations" / "voxdesk_ko.qm"
LRELEASE = shutil.which("pyside6-lrelease") or str(Path(__import__("sys").executable).with_name("pyside6-lrelease"))

ALLOWED = {
    # names, formats and standard abbreviations that Korean text keeps as they are
    "VoxDesk",
    "float32", "bfloat16", "float16", "CPU", "GPU", "MC", "Mi", "labels", "csv",
    "DICOM", "NIfTI", "HDF5", "NPY", "NPZ", "CSV", "PNG", "HTML", "Grad-CAM", "CAM", "Grad",
    "ROC", "AUC", "ECE", "Brier", "TensorFlow", "OpenGL", "PyOpenGL", "NumPy", "MNIST", "MNI152",
    "CT", "MR", "MRI", "T1", "HU", "F1", "voxdesk-cli", "cursor", "train", "classify", "voxmodel",
    "Ctrl", "Shift", "Home", "Page", "Up", "Down", "Enter", "ETA", "RAS", "mm", "std",
    # the engine's own names for models, normalisations and colormaps (also the CLI's options)
    "voxnet-bn", "tutorial-conv3d", "resnet3d-small", "minmax", "zscore", "percentile", "robust", "ct-window",
    "min-max", "z-score", "viridis", "inferno", "magma", "plasma", "cividis", "hot", "turbo",
    # what the test volume brings: its name, file and data type
    "coded", "npy", "int32", "empty", "blob", "memory", "xy-arrays",
    # each language's own name in View > Language; Qt's platform name in the 3D pane's message
    "English", "offscreen",
}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]|[A-Za-z]")


def english_left(text: str) -> list[str]:
    """The English words in ``text`` (markup, entities, shortcuts and allowed names removed)."""
    text = re.sub(r"<[^>]+>|&[a-z]+;|&#\d+;|\(&\w\)", " ", text).replace("&", "")
    text = re.sub(r"[\w.-]*\.(voxmodel|voxproj|nii|gz|h5|hdf5|he5|hdf|dcm|npy|npz|csv|png|html)\b", " ", text)
    text = re.sub(r"\b\d+(x\d+)+\b", " ", text)  # sizes: 32x32x32
    words = [w for w in WORD.findall(text) if w not in ALLOWED]
    return [w for w in words if len(w) > 1 and not re.fullmatch(r"\d*[DdK]|[ijkxyzTWLpRASPI]", w)]


def shown_texts(window) -> list[tuple[str, str]]:
    """(where, text) for what the window shows a user: titles, labels, buttons, menus and their
    actions, tabs, headers, combo items, placeholders, tooltips and plot labels."""
    out: list[tuple[str, str]] = [("window", window.windowTitle())]
    for dock in window.findChildren(QDockWidget):
        out.append((f"dock {dock.objectName()}", dock.windowTitle()))
    for menu in window.findChildren(QMenu):
        out.append((f"menu {menu.objectName()}", menu.title()))
        for act in menu.actions():
            out += [(f"action in {menu.title()}", act.text()), (f"tip of {act.text()}", act.toolTip())]
    for w in window.findChildren(QWidget):
        name = f"{type(w).__name__} {w.objectName()}"
        if isinstance(w, (QLabel, QAbstractButton)):
            out.append((name, w.text()))
        if isinstance(w, QGroupBox):
            out.append((name, w.title()))
        if isinstance(w, (QLineEdit, QPlainTextEdit)):
            out.append((name, w.placeholderText()))
        if isinstance(w, QComboBox):
            out += [(name, w.itemText(i)) for i in range(w.count())]
        if isinstance(w, QTabWidget):
            out += [(name, w.tabText(i)) for i in range(w.count())]
        if isinstance(w, QProgressBar):
            out.append((name, w.format()))
        if isinstance(w, QTableView) and w.model() is not None:
            m = w.model()
            out += [(name, str(m.headerData(c, __import__("PySide6.QtCore").QtCore.Qt.Horizontal) or ""))
                    for c in range(m.columnCount())]
        if isinstance(w, QTreeWidget):
            out += [(name, w.headerItem().text(c)) for c in range(w.columnCount())]
        if hasattr(w, "getPlotItem"):
            item = w.getPlotItem()
            out += [(name, item.getAxis(side).labelText) for side in ("left", "bottom")]
            out.append((name, item.titleLabel.text))
        out.append((f"tip of {name}", w.toolTip()))
    return [(where, text) for where, text in out if text]


@pytest.fixture
def korean(monkeypatch):
    monkeypatch.setenv(i18n.ENV, "ko")
    yield
    app = QApplication.instance()
    if app is not None:
        i18n.install(app, "en")


def binary_metrics():
    import numpy as np

    from voxdesk.engine.training.evaluation import evaluate_predictions

    y = np.array([0, 0, 0, 1, 1, 1])
    probs = np.array([[.9, .1], [.6, .4], [.3, .7], [.4, .6], [.2, .8], [.7, .3]])
    return evaluate_predictions(y, probs, ["empty", "blob"], n_bootstrap_auc=10)


def test_the_window_in_korean_leaves_no_english(qtbot, korean, coded_volume, tiny_dataset):
    from voxdesk.gui.app import create_window, make_application

    app = make_application()
    assert i18n.effective() == "ko" and i18n._installed, "the Korean catalogue did not load"
    win = create_window(restore_layout=False)
    win.persist_settings = False
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    win.show_volume(coded_volume)  # the info panel, slice labels and W/L boxes with a volume
    win.training.set_dataset(tiny_dataset)  # the Dataset dock's counts and lists, the form's checks
    win.training.train_panel.results.show_metrics(binary_metrics(), header="voxnet-bn")  # Results tab
    win.training.train_panel.curves.set_history({"loss": [1.0, .5, .6, .7, .8], "val_loss": [1.0, .6, .7, .8, .9],
                                                  "accuracy": [.5] * 5, "val_accuracy": [.5] * 5}, 2)
    for menu in win.findChildren(QMenu):
        menu.aboutToShow.emit()  # Open Recent, Train and Classify fill or update when opened
    texts = shown_texts(win)
    assert len(texts) > 150
    left = [(where, text, english_left(text)) for where, text in texts if english_left(text)]
    assert left == [], "English left in the Korean window:\n" + "\n".join(map(str, left))
    assert "학습" in [d.windowTitle() for d in win.findChildren(QDockWidget)]
    assert win.findChild(QAbstractButton, "welcomeOpen").text() == "열기"  # not 열기(O): the mnemonic goes
    assert app.translate("QPlatformTheme", "Cancel") == "취소"  # Qt's own buttons (qtbase_ko)
    win.close()


def test_the_walk_catches_english(qtbot, window):
    """The check above is not vacuous: in English, it finds English."""
    assert len([t for _w, t in shown_texts(window) if english_left(t)]) > 100


def test_the_catalogue_is_complete_and_the_qm_is_built_from_it(tmp_path):
    root = ET.parse(TS).getroot()
    assert root.get("language") == "ko_KR"
    messages = list(root.iter("message"))
    unfinished = [m.findtext("source") for m in messages
                  if m.find("translation").get("type") in ("unfinished", "vanished", "obsolete")
                  or not (m.findtext("translation") or "").strip()]
    assert len(messages) > 400 and unfinished == []
    for m in messages:  # every placeholder survives translation
        src, ko = m.findtext("source"), m.findtext("translation")
        assert sorted(re.findall(r"\{\w*\}", src)) == sorted(re.findall(r"\{\w*\}", ko)), src
    rebuilt = tmp_path / "rebuilt.qm"
    subprocess.run([LRELEASE, str(TS), "-qm", str(rebuilt)], check=True, capture_output=True)
    assert rebuilt.read_bytes() == QM.read_bytes(), "run `make translations` and commit the .qm"


def test_the_qm_is_found_and_translates():
    path = i18n.catalogue("ko")
    assert path is not None and path.name == "voxdesk_ko.qm"
    t = QTranslator()
    assert t.load(str(path))
    assert t.translate("TrainPanel", "Train") == "학습" and t.translate("Display", "CT soft tissue") == "CT 연부조직"


def test_engine_texts_copied_for_translation_match_the_engine():
    """The model descriptions and card labels are the engine's (Qt-free) words, repeated where
    lupdate can find them: a change in the engine must be repeated there."""
    from voxdesk.engine.model.card import FIELDS
    from voxdesk.engine.model.networks import MODELS
    from voxdesk.gui.classify.card import FIELD_LABELS
    from voxdesk.gui.training.form import MODEL_HELP

    assert MODEL_HELP == MODELS
    assert FIELD_LABELS == dict(FIELDS)


def test_the_language_choice_persists_and_system_follows_the_locale(qtbot, window, monkeypatch):
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.delenv(i18n.ENV, raising=False)
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, title, text: said.append((title, text)))
    assert i18n.chosen() == "system"
    monkeypatch.setattr(QLocale, "system", lambda: QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea))
    assert i18n.effective() == "ko"
    monkeypatch.setattr(QLocale, "system", lambda: QLocale(QLocale.Language.German))
    assert i18n.effective() == "en"

    menu = window.findChild(QMenu, "languageMenu")
    actions = {a.data(): a for a in menu.actions()}
    assert [a.text() for a in menu.actions()][1:] == ["English", "한국어"]
    actions["ko"].trigger()
    assert actions["ko"].isChecked() and not actions["system"].isChecked()
    assert said == [("언어", "VoxDesk를 다음에 시작할 때 새 언어로 표시합니다.")]  # in the language chosen
    from voxdesk.gui.infra import settings

    assert settings.value(i18n.SETTING) == "ko"  # written to the settings file, read by the next start
    assert i18n.chosen() == "ko" and i18n.effective() == "ko"
    actions["en"].trigger()
    assert said[-1] == ("Language", "VoxDesk will show the new language the next time it starts.")
    assert i18n.effective() == "en"
    with pytest.raises(ValueError):
        i18n.set_chosen("fr")
