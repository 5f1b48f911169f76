"""What the window remembers between runs, in QSettings: root, sample shown, geometry, splitters, view,
the autosave choice.

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

    def last_sample(self, root: str) -> tuple[str, str] | None:
        """``(signal, sample_id)`` last shown in folder ``root``, None if none (or another folder)."""
        try:
            value = json.loads(self.store.value("last_sample") or "")
        except (TypeError, ValueError):
            return None
        if not isinstance(value, dict) or value.get("root") != root:
            return None
        signal, sample_id = value.get("signal"), value.get("sample_id")
        return (signal, sample_id) if isinstance(signal, str) and isinstance(sample_id, str) else None

    def set_last_sample(self, root: str, signal: str, sample_id: str) -> None:
        self.store.setValue("last_sample", json.dumps({"root": root, "signal": signal, "sample_id": sample_id}))

    def blob(self, key: str) -> QByteArray | None:
        """A saved Qt state (geometry, splitter), or None."""
        value = self.store.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_blob(self, key: str, value: QByteArray) -> None:
        self.store.setValue(key, value)

    def ask_before_extend(self) -> bool:
        """Whether *Extend* shows its preview for a confirm first (off by default: one click writes)."""
        return str(self.store.value("splits/ask_before_extend", "false")).lower() == "true"

    def set_ask_before_extend(self, ask: bool) -> None:
        self.store.setValue("splits/ask_before_extend", "true" if ask else "false")

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

    def autosave(self) -> bool:
        """Box edits saved on their own shortly after each change (off unless turned on)."""
        value = self.store.value("edit/autosave")
        return value is True or (isinstance(value, str) and value.lower() == "true")

    def set_autosave(self, on: bool) -> None:
        self.store.setValue("edit/autosave", bool(on))

    def sync(self) -> None:
        self.store.sync()
