"""Per-user cache of audit fingerprints, so a second audit of 10,000 samples takes seconds.

One JSON file per signal folder under ``$SPECGUI_CACHE_DIR`` (tests), else
``$XDG_CACHE_HOME/specgui``, else ``~/.cache/specgui``; never inside the data folder,
which may be read-only, shared, or under version control. An entry is reused only while
its file's path (signal folder + sample ID), size and ``mtime_ns`` are unchanged. A
corrupt, foreign or old-format cache is ignored and rebuilt; failing to write it is
reported, never fatal. Writes are atomic (temp file + rename).

The file is JSON Lines: a header object, then arrays of at most :data:`CHUNK_ROWS` rows
``[table, sample_id, *entry]``. The window reads and writes it on a worker thread, and one
``json.loads`` of a whole 100,000-sample cache (33 MB) holds the GIL for ~0.4 s, freezing
the window; a line of 2,000 rows takes a few ms. Entries are kept as tuples, which Python's
collector stops tracking after one look (300,000 lists made each collection walk them).
Caches of the earlier single-object format are still read.
"""

from __future__ import annotations

import hashlib
import json
import os
from itertools import islice
from pathlib import Path

from ..atomic_files import write_atomic
from .hashes import HASH_ALGORITHM, PHASH_BYTES

CACHE_FORMAT = 2
READS_FORMATS = (1, 2)
CHUNK_ROWS = 2_000  # rows per line: parsed or written in one call of a few ms
CACHE_SUBDIR = "audit"

StatKey = tuple[int, int]  # (size, mtime_ns)
VerdictKey = tuple[int, int, int, int, int, int]  # (size, mtime_ns, inode) of the .npz, then of the .json


def user_cache_dir() -> Path:
    """The specgui cache folder for this user (not created here)."""
    override = os.environ.get("SPECGUI_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "specgui"


def stat_key(path: str | os.PathLike) -> StatKey | None:
    """(size, mtime_ns) of a file, following symlinks; None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def npz_state(path: str | os.PathLike) -> tuple[StatKey | None, tuple[int, int, int, int] | None]:
    """(size, mtime_ns) of a file, following symlinks, and its (device, inode, size, mtime_ns)
    when it has other hard links (``cp -l``), which then share one fingerprint; (None, None)
    when it cannot be stat'ed. A file with one link needs no identity: none is kept for it."""
    try:
        st = os.stat(path)
    except OSError:
        return None, None
    return (st.st_size, st.st_mtime_ns), ((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) if st.st_nlink > 1 else None)


def _inside(path: Path, folder: Path) -> bool:
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([path, folder]) == folder


class AuditCache:
    """Fingerprints (``pixels``) and capture windows (``windows``) of one signal's samples.

    ``pixels[id] = (size, mtime_ns, exact_hex, phash_hex, rows, cols)`` keyed by the
    ``.npz``; ``windows[id] = (size, mtime_ns, capture, start, duration)`` keyed by the
    ``.json``; ``verdicts[id] = (npz_size, npz_mtime_ns, npz_inode, json_size, json_mtime_ns,
    json_inode, kind, reason)``: the extension guard's load check of both files (``kind`` None
    when they load). ``note`` says why the cache was ignored or not saved, if it was.
    """

    def __init__(self, signal_dir: str | os.PathLike, *, folder: str | os.PathLike | None = None,
                 data_root: str | os.PathLike | None = None, enabled: bool = True):
        self.signal_dir = os.path.realpath(signal_dir)
        self.folder = Path(folder) if folder is not None else user_cache_dir()
        self.note: str | None = None
        self.enabled = enabled
        guard = Path(data_root) if data_root is not None else Path(self.signal_dir)
        if enabled and _inside(self.folder, guard):
            self.enabled = False
            self.note = f"cache folder {self.folder} lies inside the data folder; not caching"
        digest = hashlib.sha256(self.signal_dir.encode("utf-8", "surrogateescape")).hexdigest()[:24]
        self.path = self.folder / CACHE_SUBDIR / f"{digest}.json"
        self.pixels: dict[str, tuple] = {}
        self.windows: dict[str, tuple] = {}
        self.verdicts: dict[str, tuple] = {}
        self.dirty = False
        if self.enabled:
            self._load()

    # -- reading ---------------------------------------------------------------------
    def _load(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                header = json.loads(fh.readline())
                if not self._header_ok(header):
                    self.note = f"cache {self.path} is foreign, old or corrupt; rebuilt"
                    self.dirty = True
                    return
                if header["format"] == 1:  # one JSON object holding every table
                    self._add_tables(header)
                    self.dirty = True  # rewritten in lines at the next save: one big parse only once
                    return
                for line in fh:
                    self._add_rows(json.loads(line))
        except FileNotFoundError:
            return
        except (OSError, ValueError, RecursionError, TypeError) as exc:
            self.pixels, self.windows, self.verdicts = {}, {}, {}
            self.note = f"cache {self.path} unreadable ({type(exc).__name__}); rebuilt"
            self.dirty = True

    def _header_ok(self, header) -> bool:
        return (isinstance(header, dict) and header.get("format") in READS_FORMATS
                and header.get("algorithm") == HASH_ALGORITHM and header.get("signal_dir") == self.signal_dir
                and (header["format"] == 2 or (isinstance(header.get("pixels"), dict)
                                               and isinstance(header.get("windows"), dict))))

    def _add_tables(self, data: dict) -> None:
        """Format 1: ``{"pixels": {id: entry}, "windows": {...}, "verdicts": {...}}``."""
        for key, (table, entry_ok) in zip(("pixels", "windows", "verdicts"), self._tables().values()):
            entries = data.get(key)
            if isinstance(entries, dict):  # verdicts are absent from caches written before the guard
                table.update((k, tuple(v)) for k, v in entries.items() if entry_ok(v))

    def _add_rows(self, rows) -> None:
        """One line of format 2: ``[[table, id, *entry], ...]``; a bad row is dropped alone."""
        if not isinstance(rows, list):
            raise ValueError("a line is not an array of rows")
        tables = self._tables()
        for row in rows:
            if type(row) is list and len(row) > 2 and type(row[0]) is str and type(row[1]) is str:
                found = tables.get(row[0])
                entry = row[2:]
                if found is not None and found[1](entry):
                    found[0][row[1]] = tuple(entry)

    def _tables(self) -> dict:
        return {"p": (self.pixels, _pixels_entry_ok), "w": (self.windows, _window_entry_ok),
                "v": (self.verdicts, _verdict_entry_ok)}

    def get_pixels(self, sample_id: str, key: StatKey | None) -> tuple[str, bytes, tuple[int, int]] | None:
        """(exact hash, perceptual hash, shape) cached for this exact file state, else None."""
        entry = self.pixels.get(sample_id)
        if key is None or entry is None or (entry[0], entry[1]) != key:
            return None
        try:
            phash = bytes.fromhex(entry[3])
        except ValueError:  # not hex: decoded again, and the entry replaced
            return None
        return entry[2], phash, (entry[4], entry[5])

    def get_window(self, sample_id: str, key: StatKey | None) -> tuple | None:
        """(capture, start, duration) cached for this exact ``.json`` state, else None."""
        entry = self.windows.get(sample_id)
        if key is None or entry is None or (entry[0], entry[1]) != key:
            return None
        return entry[2:]

    def get_verdict(self, sample_id: str, key: VerdictKey | None) -> tuple[str | None, str | None] | None:
        """(kind, reason) cached for this exact state of both files, else None; kind None: both load."""
        entry = self.verdicts.get(sample_id)
        if key is None or entry is None or tuple(entry[:6]) != key:
            return None
        return entry[6], entry[7]

    # -- writing ---------------------------------------------------------------------
    def put_verdict(self, sample_id: str, key: VerdictKey | None, kind: str | None, reason: str | None) -> None:
        if key is not None:
            self.verdicts[sample_id] = (*key, kind, reason)
            self.dirty = True

    def put_pixels(self, sample_id: str, key: StatKey | None, exact: str, phash: bytes, shape) -> None:
        if key is not None:
            self.pixels[sample_id] = (key[0], key[1], exact, phash.hex(), int(shape[0]), int(shape[1]))
            self.dirty = True

    def put_window(self, sample_id: str, key: StatKey | None, capture, start, duration) -> None:
        if key is not None:
            self.windows[sample_id] = (key[0], key[1], capture, start, duration)
            self.dirty = True

    def save(self, keep: set[str] | frozenset[str] | None = None) -> bool:
        """Write the cache atomically (entries of IDs in ``keep`` only); False if it could not."""
        if not self.enabled:
            return False
        if keep is not None:
            before = len(self.pixels) + len(self.windows) + len(self.verdicts)
            self.pixels = {k: v for k, v in self.pixels.items() if k in keep}
            self.windows = {k: v for k, v in self.windows.items() if k in keep}
            self.verdicts = {k: v for k, v in self.verdicts.items() if k in keep}
            self.dirty |= before != len(self.pixels) + len(self.windows) + len(self.verdicts)
        if not self.dirty:
            return True
        header = {"format": CACHE_FORMAT, "algorithm": HASH_ALGORITHM, "signal_dir": self.signal_dir}
        rows = ((name, k, *v) for name, (table, _ok) in self._tables().items() for k, v in table.items())
        lines = [json.dumps(header)]
        while chunk := list(islice(rows, CHUNK_ROWS)):  # a chunk's rows are freed before the next one is made
            lines.append(json.dumps(chunk, separators=(",", ":")))
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, b"".join((line + "\n").encode("utf-8") for line in lines))  # line by line: short GIL holds
        except OSError as exc:
            self.note = f"cache {self.path} not saved: {exc.strerror or exc}"
            return False
        self.dirty = False
        return True


# Entry checks run once per cached sample when the cache is read (300,000 times for a
# 100,000-sample signal): one ``map(type, ...)`` each, not a chain of isinstance calls
# (``type(v) is int`` also refuses ``True``). A perceptual hash that is not hex is found when
# it is used (``get_pixels``), and counts as a miss.
_NONE = type(None)
_STR_OR_NONE = frozenset((str, _NONE))
_NUMBER_OR_NONE = frozenset((int, float, _NONE))
_PIXELS_TYPES = (int, int, str, str, int, int)
_VERDICT_KEY_TYPES = (int,) * 6


def _pixels_entry_ok(entry) -> bool:
    return (type(entry) is list and tuple(map(type, entry)) == _PIXELS_TYPES
            and len(entry[3]) == 2 * PHASH_BYTES)


def _window_entry_ok(entry) -> bool:
    if type(entry) is not list or len(entry) != 5:
        return False
    size, mtime, capture, start, duration = map(type, entry)
    return (size is int and mtime is int and capture in _STR_OR_NONE and start in _NUMBER_OR_NONE
            and duration in _NUMBER_OR_NONE)


def _verdict_entry_ok(entry) -> bool:
    if type(entry) is not list or len(entry) != 8:
        return False
    types = tuple(map(type, entry))
    return types[:6] == _VERDICT_KEY_TYPES and types[6] in _STR_OR_NONE and types[7] in _STR_OR_NONE
