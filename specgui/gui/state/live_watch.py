"""Noticing changes on disk while the app is open: a file-system watcher plus a slow poll.

The watcher (inotify on Linux) follows the signals root and each signal's ``samples/`` and
``splits/`` folders; bursts of events (a labeller writing hundreds of files) are collapsed
by a debounce timer into one ``signal_changed`` per signal. The poll catches what watchers
miss (network file systems, folders created after the watch was set) with a cheap rescan.
The app's own split writes are rescanned by the app already: :meth:`LiveWatcher.note_own_write`
records what the signal's folders hold just after one, and a debounce window in which only
those folders changed, and still hold just that, reports nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from specgui.core.layout import SAMPLES_DIRNAME, SPLITS_DIRNAME, signal_of_folder

DEBOUNCE_MS = 300
POLL_MS = 15_000


def folder_stamp(folder: str | Path) -> tuple | None:
    """What ``folder`` holds now (names, inodes, sizes, times): an equal stamp, nothing changed."""
    try:
        with os.scandir(folder) as entries:
            stats = [(entry.name, entry.stat(follow_symlinks=False)) for entry in entries]
    except OSError:
        return None
    return tuple(sorted((name, st.st_ino, st.st_size, st.st_mtime_ns) for name, st in stats))


class LiveWatcher(QObject):
    """Facts: ``samples_changed(name)``, ``splits_changed(name)``, ``root_changed()``, ``poll_due()``."""

    samples_changed = Signal(str)
    splits_changed = Signal(str)
    root_changed = Signal()
    poll_due = Signal()

    def __init__(self, parent: QObject | None = None, *, debounce_ms: int = DEBOUNCE_MS, poll_ms: int = POLL_MS):
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._on_directory_changed)
        self._debounce = QTimer(self, singleShot=True, interval=debounce_ms)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self._poll = QTimer(self, interval=poll_ms)
        self._poll.timeout.connect(self.poll_due)
        self._signals_root: Path | None = None
        self._pending: set[tuple[str, bool]] = set()  # (signal, is_splits)
        self._root_pending = False
        self._changed: set[str] = set()  # folders changed since the last debounce
        self._own: dict[str, tuple | None] = {}  # folder -> its stamp just after the app's own write

    def watch(self, signals_root: str | Path, names) -> None:
        """Follow ``signals_root`` and the sample and split folders of ``names``."""
        self._signals_root = Path(signals_root)
        wanted = {str(self._signals_root)}
        for name in names:
            for sub in (SAMPLES_DIRNAME, SPLITS_DIRNAME):
                folder = self._signals_root / name / sub
                if folder.is_dir():
                    wanted.add(str(folder))
            wanted.add(str(self._signals_root / name))  # to see samples/ or splits/ appear
        current = set(self._watcher.directories())
        if current - wanted:
            self._watcher.removePaths(sorted(current - wanted))
        if wanted - current:
            self._watcher.addPaths(sorted(wanted - current))
        if self._poll.interval() > 0 and not self._poll.isActive():
            self._poll.start()

    def note_own_write(self, name: str) -> None:
        """The app has just written ``name``'s splits (and rescans it itself): the watcher's
        echo of that write is dropped, unless the folders changed again since."""
        if self._signals_root is not None:
            for folder in (self._signals_root / name, self._signals_root / name / SPLITS_DIRNAME):
                self._own[str(folder)] = folder_stamp(folder)

    def stop(self) -> None:
        self._debounce.stop()
        self._poll.stop()
        if self._watcher.directories():
            self._watcher.removePaths(self._watcher.directories())

    def watched(self) -> list[str]:
        return sorted(self._watcher.directories())

    def _on_directory_changed(self, path: str) -> None:
        changed = Path(path)
        if self._signals_root is None:
            return
        self._changed.add(path)
        if changed == self._signals_root:
            self._root_pending = True
        elif changed.parent == self._signals_root:
            self._pending.add((changed.name, False))
            self._pending.add((changed.name, True))  # splits/ may have appeared
        elif (found := signal_of_folder(self._signals_root, changed)) is not None:
            self._pending.add((found[0], found[1] == SPLITS_DIRNAME))
        self._debounce.start()

    def _on_debounce_timeout(self) -> None:
        if self._only_own_writes():
            self._root_pending = False
            self._pending.clear()
            return
        if self._root_pending:
            self._root_pending = False
            self._pending.clear()
            self.root_changed.emit()
            return
        pending, self._pending = sorted(self._pending), set()
        for name, is_splits in pending:
            (self.splits_changed if is_splits else self.samples_changed).emit(name)

    def _only_own_writes(self) -> bool:
        """Every folder changed since the last debounce holds what the app's own write left."""
        changed, self._changed = self._changed, set()
        own = [self._own.pop(path, None) for path in changed]
        return bool(changed) and all(stamp is not None for stamp in own) and \
            all(stamp == folder_stamp(path) for stamp, path in zip(own, changed))
