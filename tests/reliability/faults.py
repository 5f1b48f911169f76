"""Helpers of the reliability suite: tree snapshots, and running a check as an unprivileged user."""

from __future__ import annotations

import os
import pickle
import traceback
from pathlib import Path

import pytest

from ..corpus import make_corpus  # noqa: F401  (re-exported for the tests)

NOBODY = 65534


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every path under ``folder`` with its type, size, mtime and link target: to prove nothing was written."""
    state = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            info = os.lstat(full)
            link = os.readlink(full) if os.path.islink(full) else None
            state[os.path.relpath(full, folder)] = (info.st_mode, info.st_size, info.st_mtime_ns, link)
    return state


def run_as_unprivileged(func, *args):
    """Run ``func(*args)`` in a forked child without privileges and return its (picklable) result.

    Tests run as root in CI, and root ignores permission bits, so a chmod-based test would
    pass vacuously. Instead of skipping, the check runs in a child that drops to the
    ``nobody`` account, where the kernel enforces the bits for real. If the account
    switch is impossible (no CAP_SETUID), the test is skipped with that reason; when not
    root, ``func`` simply runs in this process. ``func`` should catch what it expects and
    return it as data: an exception it lets escape fails the test with its traceback.
    """
    if os.geteuid() != 0:
        return func(*args)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into pytest
        os.close(read_fd)
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
        except OSError as exc:
            outcome = ("setuid", str(exc))
        else:
            try:
                outcome = ("ok", func(*args))
                pickle.dumps(outcome)
            except BaseException:
                outcome = ("error", traceback.format_exc())
        with os.fdopen(write_fd, "wb") as pipe:
            pickle.dump(outcome, pipe)
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        blob = pipe.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(blob) if blob else ("error", "child died without an answer")
    if kind == "setuid":
        pytest.skip(f"cannot drop root privileges here ({value}); chmod-based checks would be vacuous as root")
    if kind == "error":
        pytest.fail(f"unprivileged child failed:\n{value}")
    return value


def outcome_of(call):
    """``("ok", result)`` or ``(exception type name, message)``: exceptions as data."""
    try:
        return ("ok", call())
    except Exception as exc:
        return (type(exc).__name__, str(exc))
