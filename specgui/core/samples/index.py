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
from typing import Iterable

from ..errors import DataRootError, SplitStateError
from ..layout import SAMPLES_DIRNAME, SignalPaths
from .ids import JSON_SUFFIX, NPZ_SUFFIX, all_ids_safe, unsafe_id_reason
from .stems import complete_stems_not_in, sorted_stems

class FileState(str, enum.Enum):
    """Which of a sample's two files are on disk."""

    COMPLETE = "complete"
    NPZ_MISSING = "npz_missing"
    JSON_MISSING = "json_missing"


@dataclass(frozen=True)
class SignalScan:
    """What one pass over ``{signal}/samples/`` found: sorted ID tuples, sets built on demand."""

    name: str
    signal_dir: Path
    complete: tuple[str, ...]  # IDs with both files, in plain string order
    npz_missing: tuple[str, ...] = ()  # a ``.json`` and no ``.npz``, sorted
    json_missing: tuple[str, ...] = ()  # an ``.npz`` and no ``.json``, sorted
    unsafe_names: tuple[str, ...] = ()
    samples_dir_exists: bool = True
    error: str | None = None

    @property
    def samples_dir(self) -> Path:
        return SignalPaths(self.signal_dir).samples_dir

    @property
    def splits_dir(self) -> Path:
        return SignalPaths(self.signal_dir).splits_dir

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
    def complete_ids(self) -> frozenset[str]:
        return frozenset(self.complete)

    @functools.cached_property
    def npz_missing_ids(self) -> frozenset[str]:
        return frozenset(self.npz_missing)

    @functools.cached_property
    def json_missing_ids(self) -> frozenset[str]:
        return frozenset(self.json_missing)

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
    names, error = _list_names(signal_dir / SAMPLES_DIRNAME)
    if error is not None:
        return SignalScan(signal_dir.name, signal_dir, (), samples_dir_exists=names is not None, error=error)
    stems = sorted_stems(names)
    if stems is not None:
        return SignalScan(signal_dir.name, signal_dir, stems.complete, stems.json_only, stems.npz_only)
    return _scan_names(signal_dir, [os.fsdecode(name) for name in names])


def new_complete_ids(signal_dir: str | Path, *known: Iterable[str]) -> list[str]:
    """Complete IDs on disk in none of the ``known`` groups, sorted: what an extend would add.

    The same answer as ``sorted(scan_signal(d).complete_ids.difference(*known))``, without
    making a str of every ID on disk (pending and extend on 100,000 samples ask this).
    """
    signal_dir = Path(signal_dir)
    known_ids = [i for group in known for i in group]
    names, error = _list_names(signal_dir / SAMPLES_DIRNAME)
    if error is None:
        fast = complete_stems_not_in(names, known_ids)
        if fast is not None:
            return fast
    return sorted(scan_signal(signal_dir).complete_ids.difference(known_ids))


def _list_names(samples_dir: Path) -> tuple[list[bytes] | None, str | None]:
    """Raw names in ``samples_dir`` (no decode: the fast path works on bytes), or why not.

    The names are None when the folder is not there at all; an unreadable one gives [].
    """
    try:
        return os.listdir(os.fsencode(samples_dir)), None
    except FileNotFoundError:
        return None, f"{samples_dir}: no samples/ folder"
    except NotADirectoryError:
        return None, f"{samples_dir}: not a folder"
    except PermissionError:
        return [], f"{samples_dir}: permission denied"


def _scan_names(signal_dir: Path, names: list[str]) -> SignalScan:
    """The careful path, name by name: any alphabet, and each unsafe name reported."""
    npz = [n[: -len(NPZ_SUFFIX)] for n in names if n.endswith(NPZ_SUFFIX)]
    js = [n[: -len(JSON_SUFFIX)] for n in names if n.endswith(JSON_SUFFIX)]
    unsafe: list[str] = []
    if not all_ids_safe(names):  # a stem is a prefix of its name: safe names, safe stems
        unsafe = sorted({stem for stem in npz + js if stem and unsafe_id_reason(stem) is not None})
    bad = set(unsafe) | {""}  # a file named just ".npz" or ".json" has no ID
    npz_set = frozenset(npz) - bad
    js_set = frozenset(js) - bad
    complete = npz_set & js_set
    return SignalScan(
        name=signal_dir.name,
        signal_dir=signal_dir,
        complete=tuple(sorted(complete)),
        npz_missing=tuple(sorted(js_set - complete)),
        json_missing=tuple(sorted(npz_set - complete)),
        unsafe_names=tuple(unsafe),
    )


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


def requested_ids(scan: SignalScan, requested, known: set[str], excluded: set[str]) -> list[str]:
    """The requested IDs not yet ``known`` nor ``excluded``, sorted; refuses unsafe or incomplete ones."""
    if isinstance(requested, str):
        raise SplitStateError(None, "new_sample_ids must be a list of IDs, not one string")
    wanted = sorted({s for s in requested if s not in known and s not in excluded})
    for sample_id in wanted:
        reason = unsafe_id_reason(sample_id)
        if reason:
            raise SplitStateError(scan.samples_dir, reason)
    complete = scan.complete_ids
    absent = [s for s in wanted if s not in complete]
    if absent:
        raise SplitStateError(scan.samples_dir, f"{len(absent)} requested sample(s) lack an .npz or .json, e.g. {absent[0]!r}")
    return wanted
