"""What the window remembers between runs, in QSettings: root, geometry, splitters, view.

``SPECGUI_SETTINGS_FILE`` (an INI path) replaces the user's settings store; tests and the
headless screenshot use it so they never read or write the user's settings.
"""

from __future__ import annotations

import json
import os

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "specgui"
APPLICATION = "specgui"
SETTINGS_ENV = "SPECGUI_SETTINGS_FILE"


def open_settings() -> QSettings:
    """The settings store: the file named by ``SPECGUI_SETTINGS_FILE``, else the user's."""
    path = os.environ.get(SETTINGS_ENV)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


class AppSettings:
    """Typed accessors over one QSettings; junk stored values read as "not set"."""

    def __init__(self, store: QSettings | None = None):
        self.store = store if store is not None else open_settings()

    def last_root(self) -> str | None:
        value = self.store.value("last_root")
        return value if isinstance(value, str) and value else None

    def set_last_root(self, root: str) -> None:
        self.store.setValue("last_root", root)

    def blob(self, key: str) -> QByteArray | None:
        """A saved Qt state (geometry, splitter), or None."""
        value = self.store.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_blob(self, key: str, value: QByteArray) -> None:
        self.store.setValue(key, value)

    def view_settings(self) -> dict:
        """The spectrogram view's settings as saved (colormap, levels, ...), {} if none."""
        raw = self.store.value("view/settings")
        try:
            value = json.loads(raw) if isinstance(raw, str) else None
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def set_view_settings(self, settings: dict) -> None:
        self.store.setValue("view/settings", json.dumps(settings))

    def sync(self) -> None:
        self.store.sync()
