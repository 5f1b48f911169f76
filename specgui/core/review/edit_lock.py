"""The edit lock of one signal: a bare ``flock`` on ``{signal}/.specgui.lock``.

A box save holds it from the hash check to the rename, so two specgui writers (two windows,
a window and ``specgui boxes --set``) cannot both pass the check. ``filelock`` (the split
lock) costs ~0.3 ms a take in its bookkeeping — half of a bare ``json.dump`` of a sample —
so on POSIX the save takes the same OS lock directly: ``flock`` on the same file, which is
what ``filelock`` takes there too, so writers of either kind still exclude each other.
Elsewhere (no ``fcntl``) the split lock's ``filelock`` is used unchanged.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from pathlib import Path
from typing import Iterator

from ..errors import SplitLockError
from ..splits.store import LOCK_NAME, split_lock

try:
    import fcntl
except ImportError:  # Windows: filelock's msvcrt lock instead
    fcntl = None  # type: ignore[assignment]

_UNSUPPORTED = (errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOLCK, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP))
_POLL_S = 0.005


@contextlib.contextmanager
def edit_lock(signal_dir: Path, timeout: float) -> Iterator[None]:
    """Hold the signal's edit lock; :class:`SplitLockError` (with the reason) when it cannot be had."""
    if fcntl is None:
        with split_lock(signal_dir, timeout=timeout):
            yield
        return
    lock_path = Path(signal_dir) / LOCK_NAME
    fd = _open_lock_file(lock_path, Path(signal_dir))
    try:
        _flock_within(fd, lock_path, timeout)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _open_lock_file(lock_path: Path, signal_dir: Path) -> int:
    # O_NOFOLLOW: a link planted at the lock's name is refused, never followed and truncated.
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(lock_path, flags, 0o644)
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise SplitLockError(signal_dir, "read-only: edits cannot be saved here") from None
        if exc.errno == errno.ELOOP:
            raise SplitLockError(lock_path, "is a symlink; refusing to lock through it") from None
        raise SplitLockError(lock_path, f"cannot open the edit lock: {exc.strerror or exc}") from None


def _flock_within(fd: int, lock_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except OSError as exc:
            if exc.errno in _UNSUPPORTED:
                raise SplitLockError(lock_path, "this file system does not support file locks; refusing to save") from None
            raise SplitLockError(lock_path, f"cannot take the edit lock: {exc.strerror or exc}") from None
        if time.monotonic() >= deadline:
            raise SplitLockError(lock_path, f"another writer held the edit lock for over {timeout:.0f} s")
        time.sleep(_POLL_S)
