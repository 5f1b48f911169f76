"""Which split version a request means: the one asked for, or the active one.

The one place that answers "this version or the active one" (the manager, the audit, split
health, the sanity pass and the window all ask it). A missing or broken ``active.json``
falls back to the highest valid version, with a note saying so; no split at all is
:class:`SplitNotFoundError`.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ..errors import SplitFileError, SplitNotFoundError
from ..layout import ACTIVE_NAME
from .results import ActiveResolution
from .store import highest_valid_version, read_active_pointer, version_numbers
from .version import SplitVersion, read_split_version, version_file_name


class RecoveredActiveWarning(UserWarning):
    """``active.json`` was missing or broken; the highest valid version was used instead."""


def read_version(splits_dir: Path, version: int) -> SplitVersion:
    """``vN.json`` of ``splits_dir``, read strictly; :class:`SplitNotFoundError` if absent."""
    path = splits_dir / version_file_name(version)
    if not path.exists():
        raise SplitNotFoundError(path, f"split version v{version} does not exist")
    return read_split_version(path, version)


def resolve_active(splits_dir: Path) -> ActiveResolution:
    """The active version; when ``active.json`` is missing or broken, the highest valid one."""
    pointer = read_active_pointer(splits_dir)
    if pointer.problem is None and pointer.version is not None:
        return ActiveResolution(read_split_version(splits_dir / version_file_name(pointer.version), pointer.version))
    fallback = highest_valid_version(splits_dir)
    if fallback is None:
        if version_numbers(splits_dir):
            raise SplitFileError(splits_dir, f"{pointer.problem}, and no version file is readable")
        if pointer.kind == "missing":
            return ActiveResolution(None)
        raise SplitFileError(splits_dir, f"{pointer.problem}, and there are no version files")
    note = f"{pointer.problem}; using v{fallback.version}, the highest valid version"
    return ActiveResolution(fallback, recovered=True, note=note)


def version_or_active(splits_dir: Path, signal: str, version: int | None) -> tuple[int, str | None]:
    """The number of ``version``, or of the active one, without reading a sound pointer's file
    (a lenient reader reads it); the note says when ``active.json`` was unusable."""
    if version is not None:
        return version, None
    pointer = read_active_pointer(splits_dir)
    if pointer.problem is None and pointer.version is not None:
        return pointer.version, None
    resolution = resolve_active(splits_dir)
    if resolution.version is None:
        raise SplitNotFoundError(splits_dir / ACTIVE_NAME, f"{signal} has no split yet")
    return resolution.version.version, resolution.note or f"active.json unusable; using v{resolution.version.version}"


def read_split(splits_dir: Path, signal: str, version: int | None, stacklevel: int = 2) -> SplitVersion:
    """``version`` of ``signal``, or the active one, read strictly; a recovered ``active.json``
    warns (:class:`RecoveredActiveWarning`)."""
    if version is not None:
        return read_version(splits_dir, version)
    resolution = resolve_active(splits_dir)
    if resolution.recovered:
        warnings.warn(resolution.note, RecoveredActiveWarning, stacklevel=stacklevel + 1)
    if resolution.version is None:
        raise SplitNotFoundError(splits_dir / ACTIVE_NAME, f"{signal} has no split yet")
    return resolution.version
