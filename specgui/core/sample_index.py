"""The sample index: one ``os.listdir`` pass per signal, no stat per file.

A sample ID is any file stem that has an ``.npz`` or a ``.json`` in ``samples/``; it is
*complete* when it has both. IDs are kept in plain string order, whatever their shape.
"""

from __future__ import annotations

import enum
import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import DataRootError
from .sample_ids import JSON_SUFFIX, NPZ_SUFFIX, all_ids_safe, unsafe_id_reason

SAMPLES_DIRNAME = "samples"
SPLITS_DIRNAME = "splits"


class FileState(str, enum.Enum):
    """Which of a sample's two files are on disk."""

    COMPLETE = "complete"
    NPZ_MISSING = "npz_missing"
    JSON_MISSING = "json_missing"


@dataclass(frozen=True)
class SignalScan:
    """What one pass over ``{signal}/samples/`` found (ID sets; sorted views built on demand)."""

    name: str
    signal_dir: Path
    complete_ids: frozenset[str]
    npz_missing_ids: frozenset[str] = frozenset()
    json_missing_ids: frozenset[str] = frozenset()
    unsafe_names: tuple[str, ...] = ()
    samples_dir_exists: bool = True
    error: str | None = None

    @property
    def samples_dir(self) -> Path:
        return self.signal_dir / SAMPLES_DIRNAME

    @property
    def splits_dir(self) -> Path:
        return self.signal_dir / SPLITS_DIRNAME

    @functools.cached_property
    def symlinked(self) -> frozenset[str]:
        """Stems with a symlinked ``.npz`` or ``.json``: one more listing, made only when asked,
        since the hot paths (pending, extend) never need it and names alone list faster."""
        try:
            with os.scandir(self.samples_dir) as entries:
                return frozenset(e.name.rsplit(".", 1)[0] for e in entries
                                 if e.name.endswith((NPZ_SUFFIX, JSON_SUFFIX)) and e.is_symlink())
        except OSError:
            return frozenset()

    @functools.cached_property
    def complete(self) -> tuple[str, ...]:
        """IDs with both files, in plain string order."""
        return tuple(sorted(self.complete_ids))

    @functools.cached_property
    def npz_missing(self) -> tuple[str, ...]:
        """IDs with a ``.json`` but no ``.npz``, sorted."""
        return tuple(sorted(self.npz_missing_ids))

    @functools.cached_property
    def json_missing(self) -> tuple[str, ...]:
        """IDs with an ``.npz`` but no ``.json``, sorted."""
        return tuple(sorted(self.json_missing_ids))

    def file_state(self, sample_id: str) -> FileState | None:
        """The state of ``sample_id`` on disk, or None when neither file exists."""
        if sample_id in self.complete_ids:
            return FileState.COMPLETE
        if sample_id in self.npz_missing_ids:
            return FileState.NPZ_MISSING
        if sample_id in self.json_missing_ids:
            return FileState.JSON_MISSING
        return None


def scan_signal(signal_dir: str | Path) -> SignalScan:
    """One directory pass over ``signal_dir/samples``; never raises for a missing folder."""
    signal_dir = Path(signal_dir)
    samples_dir = signal_dir / SAMPLES_DIRNAME
    try:
        names = os.listdir(samples_dir)  # names only: ~30% faster than scandir on 200,000 entries
    except FileNotFoundError:
        return _empty(signal_dir, exists=False, error=f"{samples_dir}: no samples/ folder")
    except NotADirectoryError:
        return _empty(signal_dir, exists=False, error=f"{samples_dir}: not a folder")
    except PermissionError:
        return _empty(signal_dir, exists=True, error=f"{samples_dir}: permission denied")
    npz, js = _sample_stems(names)
    unsafe: list[str] = []
    # A stem is a prefix of its name, so names free of unsafe marks give safe stems (bar "").
    if not all_ids_safe(names, all_str=True):
        unsafe = sorted({stem for stem in npz + js if stem and unsafe_id_reason(stem) is not None})
        bad = set(unsafe)
        npz = [stem for stem in npz if stem not in bad]
        js = [stem for stem in js if stem not in bad]
    npz_set = frozenset(npz)
    complete = npz_set.intersection(js)
    if len(complete) == len(npz_set) == len(js) and "" not in complete:  # the usual case: all whole
        return SignalScan(signal_dir.name, signal_dir, complete, unsafe_names=tuple(unsafe))
    no_id = frozenset(("",))  # a file named just ".npz" or ".json" has no ID
    npz_set, js_set, complete = npz_set - no_id, frozenset(js) - no_id, complete - no_id
    return SignalScan(
        name=signal_dir.name,
        signal_dir=signal_dir,
        complete_ids=complete,
        npz_missing_ids=js_set - complete,
        json_missing_ids=npz_set - complete,
        unsafe_names=tuple(unsafe),
    )


def _sample_stems(names: list[str]) -> tuple[list[str], list[str]]:
    """Stems of the ``.npz`` and of the ``.json`` names, via numpy's string ufuncs.

    About twice as fast as a Python loop over 200,000 names (numpy >= 2.3); the loop is kept
    for older numpy.
    """
    strings = getattr(np, "strings", None)
    if names and strings is not None and hasattr(strings, "slice"):
        listing = np.array(names)
        stems = []
        for suffix in (NPZ_SUFFIX, JSON_SUFFIX):
            matching = listing[strings.endswith(listing, suffix)]
            stems.append(strings.slice(matching, 0, -len(suffix)).tolist())
        return stems[0], stems[1]
    return ([n[: -len(NPZ_SUFFIX)] for n in names if n.endswith(NPZ_SUFFIX)],
            [n[: -len(JSON_SUFFIX)] for n in names if n.endswith(JSON_SUFFIX)])


def _empty(signal_dir: Path, *, exists: bool, error: str) -> SignalScan:
    return SignalScan(signal_dir.name, signal_dir, frozenset(), samples_dir_exists=exists, error=error)


def resolve_signals_root(root: str | Path) -> Path:
    """The folder holding one subfolder per signal: ``root/signals`` if present, else ``root``."""
    root = Path(root)
    if not root.exists():
        raise DataRootError(root, "folder not found")
    if not root.is_dir():
        raise DataRootError(root, "not a folder")
    nested = root / "signals"
    return nested if nested.is_dir() else root


def list_signals(signals_root: str | Path) -> list[str]:
    """Names of the signal folders (any non-hidden subfolder), sorted."""
    signals_root = Path(signals_root)
    try:
        with os.scandir(signals_root) as entries:
            names = [e.name for e in entries if not e.name.startswith(".") and e.is_dir()]
    except PermissionError:
        raise DataRootError(signals_root, "permission denied") from None
    except OSError as exc:
        raise DataRootError(signals_root, f"cannot list: {exc.strerror or exc}") from None
    return sorted(names)
