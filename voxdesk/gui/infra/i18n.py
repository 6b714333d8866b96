"""Korean and English: the one owner of translation in the GUI (the CLI stays English).

Which language: ``VOXDESK_LANGUAGE`` (``en``/``ko``, for developers and tests) wins, else the
View > Language choice stored in the settings (``ui/language``: ``system``, ``en`` or ``ko``),
else the system locale (``QLocale.system()``): Korean when it is Korean, English otherwise.
``install(app)`` (called by ``app.make_application`` before any widget exists) loads
``resources/translations/voxdesk_ko.qm`` and Qt's own ``qtbase_ko.qm`` (standard dialog
buttons: 열기, 취소, ...). A change in the menu applies at the next start (the window's
widgets are built once, with their texts; the menu says so in the chosen language).

Writing a string the user sees: ``translate("Context", "text")`` (this module's function, or
``QCoreApplication.translate``) with literal arguments, so that ``pyside6-lupdate`` finds it;
placeholders go through ``.format`` after translation (``translate("Ctx", "Opened {name}")
.format(name=...)``), never an f-string. Strings kept in module-level tables are marked with
``QT_TRANSLATE_NOOP("Context", "text")`` and translated where they are shown.

The workflow after adding strings (``make translations``, README "Translating"):

1. ``pyside6-lupdate`` rescans ``voxdesk/gui`` and updates ``resources/translations/voxdesk_ko.ts``
   (new strings arrive as ``type="unfinished"``; strings gone from the code as ``vanished``);
2. translate them (``pyside6-linguist`` or any text editor) and drop ``type="unfinished"``;
3. ``pyside6-lrelease`` compiles ``voxdesk_ko.qm``; commit both files.
``tests/gui/infra/test_i18n.py`` fails while an entry is unfinished or the .qm is stale.
"""
from __future__ import annotations

import os

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QTranslator

from voxdesk.gui.infra import settings
from voxdesk.gui.infra.resources import resource_path

SETTING = "ui/language"
ENV = "VOXDESK_LANGUAGE"
SYSTEM = "system"
LANGUAGES = {"en": "English", "ko": "한국어"}
"""Code -> the language's own name (what the menu shows, whatever the current language)."""
CHOICES = (SYSTEM, *LANGUAGES)
CATALOGUE = "translations/voxdesk_{code}.qm"
NOTE_TITLE = QT_TRANSLATE_NOOP("Language", "Language")
NOTE = QT_TRANSLATE_NOOP("Language", "VoxDesk will show the new language the next time it starts.")

SPLIT_NAMES = {"train": QT_TRANSLATE_NOOP("Splits", "train"), "val": QT_TRANSLATE_NOOP("Splits", "val"),
               "test": QT_TRANSLATE_NOOP("Splits", "test"), "all": QT_TRANSLATE_NOOP("Splits", "all"),
               "total": QT_TRANSLATE_NOOP("Splits", "total")}
"""The engine's split names (``LabelledDataset.splits`` keys) as shown in tables and lists."""

_installed: list[QTranslator] = []


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``QCoreApplication.translate``; ``pyside6-lupdate`` extracts calls of this name too."""
    return QCoreApplication.translate(context, text, disambiguation, n)


def split_name(key: str) -> str:
    """A split's name as shown (``train`` -> 학습); other names (a dataset's own) as they are."""
    return translate("Splits", SPLIT_NAMES[key]) if key in SPLIT_NAMES else key


def chosen() -> str:
    """The View > Language choice: ``system``, ``en`` or ``ko``."""
    value = str(settings.value(SETTING, SYSTEM) or SYSTEM)
    return value if value in CHOICES else SYSTEM


def set_chosen(choice: str) -> None:
    if choice not in CHOICES:
        raise ValueError(f"language {choice!r}: one of {', '.join(CHOICES)}")
    settings.set_value(SETTING, choice)


def system_language() -> str:
    return "ko" if QLocale.system().language() == QLocale.Language.Korean else "en"


def effective(choice: str | None = None) -> str:
    """The language the GUI shows: ``en`` or ``ko``."""
    env = os.environ.get(ENV, "").strip().lower()
    if choice is None and env in LANGUAGES:
        return env
    choice = chosen() if choice is None else choice
    return system_language() if choice == SYSTEM else choice


def catalogue(code: str):
    """The compiled ``.qm`` for ``code`` (None for English, the source language)."""
    return None if code == "en" else resource_path(CATALOGUE.format(code=code))


def _load(path) -> QTranslator | None:
    t = QTranslator()
    return t if path is not None and t.load(str(path)) else None


def install(app, language: str | None = None) -> str:
    """Install the translators for ``language`` (default: ``effective()``) on ``app``,
    replacing any installed before; returns the language now shown."""
    code = effective() if language is None else language
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    QLocale.setDefault(QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea) if code == "ko"
                       else QLocale.system())  # numbers and dates in Qt's own widgets
    if code == "en":
        return "en"
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for t in (_load(catalogue(code)), _load(os.path.join(qt_dir, f"qtbase_{code}.qm"))):
        if t is not None and app.installTranslator(t):
            _installed.append(t)
    return code if _installed else "en"


def in_language(code: str, context: str, text: str) -> str:
    """``text`` in language ``code`` whatever is installed (the menu's note speaks the language
    just chosen)."""
    t = _load(catalogue(code)) if code != "en" else None
    return (t.translate(context, text) or text) if t is not None else text


def language_menu(window):
    """View > Language: System / English / 한국어, exclusive; a change is stored and applies at
    the next start (a message says so, in the language chosen)."""
    from PySide6.QtGui import QActionGroup
    from PySide6.QtWidgets import QMenu, QMessageBox

    menu = QMenu(translate("Language", "Lan&guage"), window)
    menu.setObjectName("languageMenu")
    group = QActionGroup(menu)
    labels = {SYSTEM: translate("Language", "System ({language})").format(
        language=LANGUAGES[system_language()]), **LANGUAGES}
    current = chosen()
    for code in CHOICES:
        act = menu.addAction(labels[code])
        act.setObjectName(f"language_{code}")
        act.setCheckable(True)
        act.setChecked(code == current)
        act.setData(code)
        group.addAction(act)

    def picked(action) -> None:
        code = action.data()
        if code == chosen():
            return
        set_chosen(code)
        target = effective(code)
        title, note = in_language(target, "Language", NOTE_TITLE), in_language(target, "Language", NOTE)
        if getattr(window, "interactive", True):
            QMessageBox.information(window, title, note)
        window.statusBar().showMessage(note, 10000)

    group.triggered.connect(picked)
    return menu
