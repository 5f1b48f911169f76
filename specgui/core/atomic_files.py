"""Crash-safe writes: temp file, fsync, rename; exclusive creation; link swaps.

Temp files are hidden (``.NAME.tmp-PID-RANDOM``) so no reader that lists ``v*.json`` ever
sees one; :func:`remove_stale_temps` clears those left by a killed writer.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path
from typing import Callable

from .errors import SplitFileError, SplitVersionExistsError

TEMP_MARKER = ".tmp-"


def _temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}{TEMP_MARKER}{os.getpid()}-{secrets.token_hex(4)}")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # some platforms/file systems cannot open folders; the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_temp(path: Path, data: bytes) -> Path:
    tmp = _temp_path(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink_quietly(tmp)
        raise
    os.close(fd)
    return tmp


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Replace ``path`` (the directory entry itself, never a symlink's target) with ``data``."""
    path = Path(path)
    tmp = _write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _fsync_dir(path.parent)


def create_exclusive(path: str | os.PathLike, data: bytes) -> None:
    """Create ``path`` with ``data``, complete or not at all; never overwrite an existing file.

    Uses a hard link from a fully written temp file, which fails if the name exists. Where
    the file system has no hard links, falls back to an existence check plus rename, which
    is exclusive among specgui writers because callers hold the split lock.
    """
    path = Path(path)
    tmp = _write_temp(path, data)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise SplitVersionExistsError(path, "already exists; split versions are never overwritten") from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            if os.path.lexists(path):
                raise SplitVersionExistsError(path, "already exists; split versions are never overwritten") from None
            os.replace(tmp, path)
    finally:
        _unlink_quietly(tmp)
    _fsync_dir(path.parent)


def point_link(link: str | os.PathLike, target_name: str, fallback_data: bytes | Callable[[], bytes]) -> str:
    """Make ``link`` a symlink to ``target_name`` (same folder) atomically; returns ``"symlink"``.

    The old entry is replaced by rename, so a dangling or hostile old link is never written
    through. Where symlinks are not possible, writes ``fallback_data`` (or what it returns,
    when callable: a 100,000-ID copy is only encoded where it is needed) as a plain copy,
    atomically too, and returns ``"copy"``.
    """
    link = Path(link)
    tmp = _temp_path(link)
    try:
        os.symlink(target_name, tmp)
    except (OSError, NotImplementedError):
        try:
            write_atomic(link, fallback_data() if callable(fallback_data) else fallback_data)
        except IsADirectoryError:
            raise _folder_in_the_way(link) from None
        return "copy"
    try:
        os.replace(tmp, link)
    except BaseException as exc:
        _unlink_quietly(tmp)
        if isinstance(exc, IsADirectoryError):
            raise _folder_in_the_way(link) from None
        raise
    _fsync_dir(link.parent)
    return "symlink"


def _folder_in_the_way(link: Path) -> SplitFileError:
    """A folder where the link belongs cannot be replaced by rename; say so instead of EISDIR."""
    return SplitFileError(link, "is a folder, so it cannot point to a split version; move it away "
                                "(nothing in it was touched)")


def stale_temps(folder: str | os.PathLike) -> list[Path]:
    """Temp files a killed writer left in ``folder``."""
    try:
        with os.scandir(folder) as entries:
            return [Path(e.path) for e in entries if e.name.startswith(".") and TEMP_MARKER in e.name]
    except OSError:
        return []


def remove_stale_temps(folder: str | os.PathLike) -> int:
    """Delete leftover temp files (call only while holding the folder's lock); returns how many."""
    removed = 0
    for path in stale_temps(folder):
        try:
            os.unlink(path)
            removed += 1
        except OSError:
            pass
    return removed
