"""Persistent preferences: window geometry, last folder, recent files, display choices.

One INI file, ``$XDG_CONFIG_HOME/VoxDesk/VoxDesk.ini`` on Linux (``~/.config`` when unset).
The path is computed on every call (not cached by Qt), so tests that point XDG_CONFIG_HOME
at a temporary folder never touch the user's settings.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 10


def settings_path() -> Path:
    override = os.environ.get("VOXDESK_SETTINGS")
    if override:
        return Path(override)
    if sys.platform.startswith("linux") or os.environ.get("XDG_CONFIG_HOME"):
        base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        return Path(base) / "VoxDesk" / "VoxDesk.ini"
    return Path(QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "VoxDesk", "VoxDesk").fileName())


def settings() -> QSettings:
    return QSettings(str(settings_path()), QSettings.Format.IniFormat)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value]


def recent_files() -> list[str]:
    return _as_list(settings().value("recent/files"))


def add_recent_file(path: str) -> list[str]:
    path = os.path.abspath(path)
    files = [path] + [f for f in recent_files() if f != path]
    files = files[:MAX_RECENT]
    s = settings()
    s.setValue("recent/files", files)
    s.sync()
    return files


def clear_recent_files() -> None:
    s = settings()
    s.remove("recent/files")
    s.sync()


def last_folder() -> str:
    value = settings().value("paths/last_folder", "")
    return str(value) if value and os.path.isdir(str(value)) else os.path.expanduser("~")


def set_last_folder(folder: str) -> None:
    s = settings()
    s.setValue("paths/last_folder", os.path.abspath(folder))
    s.sync()


def window_presets(modalities) -> dict[str, str]:
    """modality -> the window preset last chosen for it (``view/preset_<modality>``)."""
    s = settings()
    found = {m: s.value(f"view/preset_{m}") for m in modalities}
    return {m: str(v) for m, v in found.items() if v}


def set_window_preset(modality: str, name: str) -> None:
    s = settings()
    s.setValue(f"view/preset_{modality}", name)
    s.sync()


def value(key: str, default=None):
    return settings().value(key, default)


def set_value(key: str, value) -> None:
    s = settings()
    s.setValue(key, value)
    s.sync()


def flag(key: str, default: bool = False) -> bool:
    """A yes/no preference (the INI file stores ``true``/``false`` as text)."""
    v = settings().value(key, default)
    return v if isinstance(v, bool) else str(v).strip().lower() in ("true", "1", "yes")
