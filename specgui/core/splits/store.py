"""The files of one signal's ``splits/`` folder: version listing, ``active.json``, the lock."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..atomic_files import create_exclusive, point_link
from ..errors import SplitFileError, SplitLockError
from ..fs import read_json
from ..layout import ACTIVE_NAME
from .json_format import dumps_split
from .version import VERSION_FILE_RE, SplitVersion, read_split_version, version_file_name

if TYPE_CHECKING:
    import filelock

LOCK_NAME = ".specgui.lock"
#: How long a split operation waits for another writer before giving up.
LOCK_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class ActivePointer:
    """What ``active.json`` says, without following it anywhere unsafe."""

    version: int | None
    kind: str  # "symlink", "copy", "missing" or "broken"
    problem: str | None = None


def version_numbers(splits_dir: Path) -> list[int]:
    """The N of every ``vN.json`` in the folder, ascending (one directory pass)."""
    try:
        with os.scandir(splits_dir) as entries:
            found = [VERSION_FILE_RE.match(e.name) for e in entries]
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise SplitFileError(splits_dir, f"cannot list: {exc.strerror or exc}") from None
    return sorted(int(m.group(1)) for m in found if m)


def read_active_pointer(splits_dir: Path) -> ActivePointer:
    """Resolve ``active.json`` to a version number; a symlink must name a ``vN.json`` beside it."""
    active = splits_dir / ACTIVE_NAME
    try:
        info = os.lstat(active)
    except FileNotFoundError:
        return ActivePointer(None, "missing", f"{active}: missing")
    except OSError as exc:
        return ActivePointer(None, "broken", f"{active}: cannot read: {exc.strerror or exc}")
    if stat.S_ISLNK(info.st_mode):
        target = os.readlink(active)
        match = VERSION_FILE_RE.match(target)
        if not match:
            return ActivePointer(None, "broken", f"{active}: symlink to {target!r}, not to a vN.json in the splits folder")
        version = int(match.group(1))
        if not (splits_dir / target).is_file() or os.path.islink(splits_dir / target):
            return ActivePointer(version, "broken", f"{active}: dangling symlink to {target} (file missing)")
        return ActivePointer(version, "symlink")
    if not stat.S_ISREG(info.st_mode):
        return ActivePointer(None, "broken", f"{active}: not a file or symlink")
    try:
        version = read_json(active, SplitFileError).get("version")
    except (SplitFileError, AttributeError):
        return ActivePointer(None, "broken", f"{active}: plain copy that is not a valid split file")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        return ActivePointer(None, "broken", f"{active}: plain copy with no valid 'version'")
    if not (splits_dir / version_file_name(version)).is_file():
        return ActivePointer(version, "broken", f"{active}: copy of v{version}, but v{version}.json is missing")
    return ActivePointer(version, "copy")


def write_new_version(splits_dir: Path, data: dict) -> Path:
    """Create ``v{data['version']}.json`` exclusively and durably; never overwrites."""
    path = splits_dir / version_file_name(data["version"])
    create_exclusive(path, dumps_split(data).encode("ascii"))
    return path


def point_active(splits_dir: Path, version: SplitVersion) -> str:
    """Point ``active.json`` at ``version`` (symlink, else a plain copy), atomically."""
    def fallback() -> bytes:  # encoded only where symlinks fail
        return dumps_split(version.raw).encode("ascii")

    return point_link(splits_dir / ACTIVE_NAME, version_file_name(version.version), fallback)


def highest_valid_version(splits_dir: Path) -> SplitVersion | None:
    """The newest version file that reads cleanly (used to recover from a bad ``active.json``)."""
    for number in reversed(version_numbers(splits_dir)):
        try:
            return read_split_version(splits_dir / version_file_name(number), number)
        except SplitFileError:
            continue
    return None


def _native_lock(lock_path: Path, timeout: float) -> filelock.BaseFileLock:
    """A real OS lock, never filelock's marker-file fallback (filelock >= 4 falls back on ENOSYS).

    The fallback does not exclude clients that do have ``flock``, and it takes the empty lock
    file those clients leave behind for a held lock (60 s wait, then "another writer").
    Without it, a file system with no locks gives ENOSYS, reported below as unsupported.
    Imported here: only writers lock, and the window starts faster without it.
    """
    import filelock

    try:
        return filelock.FileLock(str(lock_path), timeout=timeout, fallback_to_soft=False)
    except TypeError:  # filelock 3.x: no fallback exists, it raises NotImplementedError itself
        return filelock.FileLock(str(lock_path), timeout=timeout)


@contextlib.contextmanager
def split_lock(splits_dir: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Cross-process lock on one signal's splits (``filelock``; flock on POSIX).

    Raises :class:`SplitLockError` with the reason when the folder is read-only, the file
    system does not support locks, or another writer holds it past ``timeout``.
    """
    lock_path = splits_dir / LOCK_NAME
    lock = _native_lock(lock_path, timeout)
    try:
        lock.acquire()
    except TimeoutError:  # filelock.Timeout is one
        raise SplitLockError(lock_path, f"another writer held the split lock for over {timeout:.0f} s") from None
    except PermissionError:
        raise SplitLockError(splits_dir, "no write permission: split changes are disabled here") from None
    except NotImplementedError:
        raise SplitLockError(lock_path, "this file system does not support file locks; refusing to write splits") from None
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES):
            raise SplitLockError(splits_dir, "read-only: split changes are disabled here") from None
        if exc.errno in (errno.ENOLCK, errno.ENOSYS, errno.EOPNOTSUPP):
            raise SplitLockError(lock_path, "this file system does not support file locks; refusing to write splits") from None
        raise SplitLockError(lock_path, f"cannot take the split lock: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        lock.release()
