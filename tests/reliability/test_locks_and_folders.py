"""Locks and folders: unsupported or busy locks, read-only data, missing folders, unreadable files.

Injected: ``flock`` failing as on file systems without locks (ENOSYS, ENOLCK, EOPNOTSUPP,
monkeypatched), a lock held by another open file, EROFS on every write (monkeypatched),
a really read-only tree (permission bits, checked as the unprivileged ``nobody`` in a
forked child because root ignores them) and a really read-only mount (``unshare`` + a
read-only bind mount, where the sandbox allows it), a signal folder without ``samples/``,
and a split write refused for each of those, with the reason and nothing written.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from specgui.core.errors import SampleError, SplitLockError, SplitStateError
from specgui.core.samples.loading import load_sample
from specgui.core.splits.store import split_lock
from specgui.core.splits.manager import SplitManager
from tests.helpers import make_signal

from .faults import run_as_unprivileged, snapshot

IDS = [f"{i:04d}" for i in range(10)]
LOCK = ".specgui.lock"


def _signal(root):
    make_signal(root, "sig", IDS)
    manager = SplitManager(root)
    manager.create_initial_split("sig")
    make_signal(root, "sig", ["new0"])
    return manager, root / "sig" / "splits"


def _without_lock_file(state: dict) -> dict:
    return {k: v for k, v in state.items() if not k.endswith(LOCK)}


@pytest.mark.parametrize("code", ["ENOSYS", "ENOLCK", "EOPNOTSUPP"])
def test_a_file_system_without_locks_is_a_clear_immediate_error(tmp_path, monkeypatch, code):
    manager, splits = _signal(tmp_path)
    before = snapshot(tmp_path)

    def no_locks(_fd, _operation):
        raise OSError(getattr(errno, code), os.strerror(getattr(errno, code)))
    monkeypatch.setattr(fcntl, "flock", no_locks)
    started = time.monotonic()
    with pytest.raises(SplitLockError, match="does not support file locks") as err:
        manager.extend_split("sig")
    assert time.monotonic() - started < 5, "refused only after a timeout"
    assert str(splits) in str(err.value)
    assert _without_lock_file(snapshot(tmp_path)) == _without_lock_file(before)
    assert manager.get_split("sig")[1]  # reads keep working


def test_a_lock_held_elsewhere_times_out_with_a_clear_error(tmp_path):
    _manager, splits = _signal(tmp_path)
    with open(splits / LOCK, "a") as other:  # another open file description: another writer
        fcntl.flock(other, fcntl.LOCK_EX)
        with pytest.raises(SplitLockError, match="another writer held the split lock"):
            with split_lock(splits, timeout=0.3):
                pass


def test_eroFS_on_writes_is_refused_with_the_reason(tmp_path, monkeypatch):
    manager, splits = _signal(tmp_path)
    before = snapshot(tmp_path)
    real_open = os.open

    def read_only_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)
    monkeypatch.setattr(os, "open", read_only_open)
    for write in (lambda: manager.extend_split("sig"), lambda: manager.set_active_version("sig", 1)):
        with pytest.raises(SplitLockError, match="read-only"):
            write()
    assert manager.get_split("sig")[1] and load_sample(tmp_path / "sig" / "samples", "0001")
    assert snapshot(tmp_path) == before


def _make_read_only(folder):
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o444)
        os.chmod(dirpath, 0o555)


def _read_only_outcomes(root):
    """What a labeller without write access gets: reads work, each write is refused with the reason."""
    from .faults import outcome_of  # imported in the child too
    manager = SplitManager(root)
    return {
        "get_split": outcome_of(lambda: len(manager.get_split("sig")[0])),
        "load_sample": outcome_of(lambda: load_sample(root / "sig" / "samples", "0001").spectrogram.shape),
        "list_versions": outcome_of(lambda: [r.problem for r in manager.list_versions("sig")]),
        "extend": outcome_of(lambda: manager.extend_split("sig")),
        "activate": outcome_of(lambda: manager.set_active_version("sig", 1)),
        "create_other": outcome_of(lambda: manager.create_initial_split("fresh")),
    }


def test_a_read_only_tree_reads_and_refuses_writes_with_the_reason(public_tmp):
    manager, _splits = _signal(public_tmp)
    make_signal(public_tmp, "fresh", IDS)
    _make_read_only(public_tmp)
    os.chmod(public_tmp, 0o755)
    before = snapshot(public_tmp)
    got = run_as_unprivileged(_read_only_outcomes, public_tmp)
    assert got["get_split"][0] == "ok" and got["load_sample"][0] == "ok"
    assert got["list_versions"] == ("ok", [None])
    for key in ("extend", "activate"):
        assert got[key][0] == "SplitLockError" and "no write permission" in got[key][1], got[key]
    assert snapshot(public_tmp) == before


def test_creating_a_first_split_in_a_read_only_signal_says_why(public_tmp):
    make_signal(public_tmp, "fresh", IDS)
    _make_read_only(public_tmp)
    os.chmod(public_tmp, 0o755)
    got = run_as_unprivileged(_read_only_outcomes, public_tmp)
    assert got["create_other"][0] == "SplitLockError", got["create_other"]


def test_unreadable_files_are_named_and_the_pass_keeps_going(public_tmp):
    manager, splits = _signal(public_tmp)
    samples = public_tmp / "sig" / "samples"
    os.chmod(samples / "0001.npz", 0o000)
    os.chmod(samples / "0002.json", 0o000)
    shutil.copy(splits / "v1.json", splits / "v2.json")
    os.chmod(splits / "v2.json", 0o000)

    def outcomes(root):
        from .faults import outcome_of
        loads = {sid: outcome_of(lambda sid=sid: load_sample(root / "sig" / "samples", sid).sample_id)
                 for sid in ("0001", "0002", "0003")}
        rows = [(r.version, r.problem) for r in SplitManager(root).list_versions("sig")]
        return loads, rows
    loads, rows = run_as_unprivileged(outcomes, public_tmp)
    assert loads["0003"] == ("ok", "0003")
    assert loads["0001"][0] == "SampleError" and "0001.npz: permission denied" in loads["0001"][1]
    assert loads["0002"][0] == "SampleError" and "0002.json: permission denied" in loads["0002"][1]
    assert rows[0] == (1, None) and rows[1][0] == 2 and "permission denied" in rows[1][1]


def test_permission_denied_is_named_even_where_bits_are_ignored(tmp_path, monkeypatch):
    """The same refusal, injected: always runs, root or not."""
    _manager, _splits = _signal(tmp_path)
    samples = tmp_path / "sig" / "samples"
    real_open = os.open

    def denied(path, flags, *args, **kwargs):
        if os.fspath(path).endswith(("0001.npz", "0002.json")):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)
    monkeypatch.setattr(os, "open", denied)
    for sid, name in (("0001", "0001.npz"), ("0002", "0002.json")):
        with pytest.raises(SampleError, match=f"{name}: permission denied"):
            load_sample(samples, sid)
    assert load_sample(samples, "0003").sample_id == "0003"


def test_a_signal_folder_without_samples_is_named_and_nothing_is_written(tmp_path):
    (tmp_path / "empty_sig").mkdir()
    manager = SplitManager(tmp_path)
    before = snapshot(tmp_path)
    for write in (lambda: manager.create_initial_split("empty_sig"), lambda: manager.extend_split("empty_sig")):
        with pytest.raises(SplitStateError, match="samples"):
            write()
    assert manager.get_pending_samples("empty_sig") == []
    assert snapshot(tmp_path) == before


_RO_MOUNT_CHILD = """
import json, sys
from pathlib import Path
from specgui.core.splits.manager import SplitManager
root = Path(sys.argv[1])
manager = SplitManager(root)
out = {"get_split": len(manager.get_split("sig")[1])}
try:
    manager.extend_split("sig")
    out["extend"] = "accepted"
except Exception as exc:
    out["extend"] = f"{type(exc).__name__}: {exc}"
print(json.dumps(out))
"""


def test_a_read_only_mount_refuses_writes_with_the_reason(public_tmp):
    """A real EROFS: the data folder bind-mounted read-only in a private mount namespace."""
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs root and unshare(1) for a private read-only bind mount; EROFS is also injected above")
    _signal(public_tmp)
    before = snapshot(public_tmp)
    script = (f'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && '
              f'exec "{sys.executable}" -c "$2" "$1"')
    done = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(public_tmp), _RO_MOUNT_CHILD],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0 and not done.stdout:
        pytest.skip(f"this sandbox cannot make a read-only mount: {done.stderr.strip()[-200:]}")
    got = json.loads(done.stdout)
    assert got["get_split"] >= 1
    assert got["extend"].startswith("SplitLockError") and "read-only" in got["extend"], got
    assert snapshot(public_tmp) == before
