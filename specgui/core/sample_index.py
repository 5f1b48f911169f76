"""The sample index: one ``os.scandir`` pass per signal, no stat per file.

A sample ID is any file stem that has an ``.npz`` or a ``.json`` in ``samples/``; it is
*complete* when it has both. IDs are kept in plain string order, whatever their shape.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataRootError
from .sample_ids import JSON_SUFFIX, NPZ_SUFFIX, unsafe_id_reason

SAMPLES_DIRNAME = "samples"
SPLITS_DIRNAME = "splits"


class FileState(str, enum.Enum):
    """Which of a sample's two files are on disk."""

    COMPLETE = "complete"
    NPZ_MISSING = "npz_missing"
    JSON_MISSING = "json_missing"


@dataclass(frozen=True)
class SignalScan:
    """What one pass over ``{signal}/samples/`` found."""

    name: str
    signal_dir: Path
    complete: tuple[str, ...]
    npz_missing: tuple[str, ...]
    json_missing: tuple[str, ...]
    unsafe_names: tuple[str, ...] = ()
    symlinked: frozenset[str] = field(default_factory=frozenset)
    samples_dir_exists: bool = True
    error: str | None = None

    @property
    def samples_dir(self) -> Path:
        return self.signal_dir / SAMPLES_DIRNAME

    @property
    def splits_dir(self) -> Path:
        return self.signal_dir / SPLITS_DIRNAME

    def file_state(self, sample_id: str) -> FileState | None:
        """The state of ``sample_id`` on disk, or None when neither file exists."""
        if sample_id in self._complete_set:
            return FileState.COMPLETE
        if sample_id in self._npz_missing_set:
            return FileState.NPZ_MISSING
        if sample_id in self._json_missing_set:
            return FileState.JSON_MISSING
        return None

    @property
    def _complete_set(self) -> frozenset[str]:
        return _cached_set(self, "complete")

    @property
    def _npz_missing_set(self) -> frozenset[str]:
        return _cached_set(self, "npz_missing")

    @property
    def _json_missing_set(self) -> frozenset[str]:
        return _cached_set(self, "json_missing")

    def complete_set(self) -> frozenset[str]:
        """The complete IDs as a set (built once, then cached)."""
        return self._complete_set


def _cached_set(scan: SignalScan, attr: str) -> frozenset[str]:
    key = "_set_" + attr
    cached = scan.__dict__.get(key)
    if cached is None:
        cached = frozenset(getattr(scan, attr))
        object.__setattr__(scan, key, cached)
    return cached


def scan_signal(signal_dir: str | Path) -> SignalScan:
    """One directory pass over ``signal_dir/samples``; never raises for a missing folder."""
    signal_dir = Path(signal_dir)
    samples_dir = signal_dir / SAMPLES_DIRNAME
    npz: set[str] = set()
    js: set[str] = set()
    unsafe: list[str] = []
    symlinked: set[str] = set()
    try:
        with os.scandir(samples_dir) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(NPZ_SUFFIX):
                    stem, bucket = name[: -len(NPZ_SUFFIX)], npz
                elif name.endswith(JSON_SUFFIX):
                    stem, bucket = name[: -len(JSON_SUFFIX)], js
                else:
                    continue
                if not stem:
                    continue
                if unsafe_id_reason(stem) is not None:
                    unsafe.append(name)
                    continue
                bucket.add(stem)
                if entry.is_symlink():
                    symlinked.add(stem)
    except FileNotFoundError:
        return _empty(signal_dir, exists=False, error=f"{samples_dir}: no samples/ folder")
    except NotADirectoryError:
        return _empty(signal_dir, exists=False, error=f"{samples_dir}: not a folder")
    except PermissionError:
        return _empty(signal_dir, exists=True, error=f"{samples_dir}: permission denied")
    return SignalScan(
        name=signal_dir.name,
        signal_dir=signal_dir,
        complete=tuple(sorted(npz & js)),
        npz_missing=tuple(sorted(js - npz)),
        json_missing=tuple(sorted(npz - js)),
        unsafe_names=tuple(sorted(unsafe)),
        symlinked=frozenset(symlinked),
    )


def _empty(signal_dir: Path, *, exists: bool, error: str) -> SignalScan:
    return SignalScan(signal_dir.name, signal_dir, (), (), (), samples_dir_exists=exists, error=error)


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
