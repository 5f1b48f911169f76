"""Unsaved box edits, kept in the per-user cache until they are saved or dropped.

One small JSON file per sample file edited (``$SPECGUI_CACHE_DIR/edits/<hash>.json``),
written atomically after edits, removed after a save; whatever is left after a crash is
offered back at the next start. It never touches the data folder.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..atomic_files import write_atomic
from ..audit.cache import user_cache_dir

JOURNAL_SUBDIR = "edits"
MAX_JOURNAL_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class JournalEntry:
    json_path: str
    base_sha256: str
    boxes: list
    image_shape: tuple[int, int]
    class_names: list | None = None


def journal_dir() -> Path:
    return user_cache_dir() / JOURNAL_SUBDIR


def _file_for(json_path: str) -> Path:
    return journal_dir() / (hashlib.sha256(json_path.encode("utf-8", "surrogateescape")).hexdigest()[:32] + ".json")


def write_entry(entry: JournalEntry) -> None:
    folder = journal_dir()
    folder.mkdir(parents=True, exist_ok=True)
    payload = {"json_path": entry.json_path, "base_sha256": entry.base_sha256, "boxes": entry.boxes,
               "image_shape": list(entry.image_shape), "class_names": entry.class_names}
    write_atomic(_file_for(entry.json_path), json.dumps(payload).encode("utf-8"))


def drop_entry(json_path: str) -> None:
    try:
        os.unlink(_file_for(json_path))
    except OSError:
        pass


def read_entries() -> list[JournalEntry]:
    """Every readable entry; unreadable or foreign files are skipped (the cache is disposable)."""
    entries = []
    try:
        files = sorted(journal_dir().glob("*.json"))
    except OSError:
        return []
    for path in files:
        try:
            if path.stat().st_size > MAX_JOURNAL_BYTES:
                continue
            data = json.loads(path.read_bytes())
            shape = data["image_shape"]
            entry = JournalEntry(str(data["json_path"]), str(data["base_sha256"]), list(data["boxes"]),
                                 (int(shape[0]), int(shape[1])), data.get("class_names"))
        except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):
            continue
        entries.append(entry)
    return entries
