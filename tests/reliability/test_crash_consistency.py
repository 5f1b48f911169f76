"""Crash consistency: SIGKILL a split writer anywhere; every split stays whole and the next extend works.

Injected: (1) a SIGKILL right before and right after *every* file-system call of one
create, one extend and one rollback (a deterministic sweep, in forked children);
(2) CI-size random trials of the stress harness: a subprocess doing random split work,
killed at a seeded random moment or syscall (the 200-trial run is
``benchmarks/stress_splits.py``). After each kill the independent checker
(``split_checker.py``: plain json/os) checks the folder, then the next extend must succeed.
The checker itself is tested first: each invariant it claims is violated once on purpose.
"""

from __future__ import annotations

import json
import os
import shutil
import signal

import pytest

from benchmarks.stress_splits import run_crash_trials
from specgui.core.atomic_files import create_exclusive, point_link
from specgui.core.splits.manager import SplitManager
from tests.helpers import make_signal

from .split_checker import check_splits_folder, coverage_problems
from .stress_worker import SyscallKiller

IDS = [f"{i:04d}" for i in range(30)]


def _signal(root, extended=True):
    make_signal(root, "sig", IDS)
    manager = SplitManager(root)
    manager.create_initial_split("sig")
    if extended:
        make_signal(root, "sig", ["n1", "n2"])
        manager.extend_split("sig")
    return manager, root / "sig" / "splits"


def _version(splits, n):
    return json.loads((splits / f"v{n}.json").read_text())


def _rewrite(splits, n, **changes):
    data = _version(splits, n)
    data.update(changes)
    (splits / f"v{n}.json").write_text(json.dumps(data, indent=2))


FAULTS = {
    "torn file": lambda s: (s / "v2.json").write_bytes((s / "v2.json").read_bytes()[:40]),
    "overwritten": lambda s: _rewrite(s, 1, notes="rewritten"),
    "val drift": lambda s: _rewrite(s, 2, val_samples=_version(s, 2)["val_samples"][1:],
                                    val_count=len(_version(s, 2)["val_samples"]) - 1,
                                    total_samples=_version(s, 2)["total_samples"] - 1),
    "lost sample": lambda s: _rewrite(s, 2, train_samples=_version(s, 2)["train_samples"][1:],
                                      train_count=_version(s, 2)["train_count"] - 1,
                                      samples_added=1, total_samples=_version(s, 2)["total_samples"] - 1),
    "visible temp": lambda s: (s / "v3.json.tmp").write_text("{"),
    "active missing": lambda s: (s / "active.json").unlink(),
    "active dangling": lambda s: ((s / "active.json").unlink(), (s / "active.json").symlink_to("v9.json")),
    "gap": lambda s: shutil.copy(s / "v2.json", s / "v4.json"),
    "duplicate": lambda s: _rewrite(s, 2, train_samples=_version(s, 2)["train_samples"] + ["n1"],
                                    train_count=_version(s, 2)["train_count"] + 1,
                                    total_samples=_version(s, 2)["total_samples"] + 1, samples_added=3),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_the_independent_checker_sees_each_fault(tmp_path, fault):
    _manager, splits = _signal(tmp_path)
    hashes: dict[int, str] = {}
    assert check_splits_folder(splits, seen_hashes=hashes, allow_temps=False).problems == []
    FAULTS[fault](splits)
    assert check_splits_folder(splits, seen_hashes=hashes, allow_temps=False).problems, f"checker missed: {fault}"


def test_the_checker_sees_a_sample_left_out(tmp_path):
    _manager, splits = _signal(tmp_path)
    make_signal(tmp_path, "sig", ["late"])
    state = check_splits_folder(splits)
    assert any("in no split" in p for p in coverage_problems(state, tmp_path / "sig" / "samples"))


def _in_child(func) -> int:
    """Run ``func`` in a forked child; returns the signal that ended it (0 for a normal exit)."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            func()
        except BaseException:
            code = 3
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return os.WTERMSIG(status)
    assert os.WEXITSTATUS(status) == 0, "the operation failed in the child without being killed"
    return 0


def _count_calls(operation, root) -> int:
    read_fd, write_fd = os.pipe()

    def counted():
        killer = SyscallKiller(kill_at=0, after=False)
        with killer.arm():
            operation(SplitManager(root))
        os.write(write_fd, str(killer.count).encode())
    _in_child(counted)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        return int(pipe.read())


OPERATIONS = {
    "create": (lambda m: m.extend_split("sig"), False),
    "extend": (lambda m: m.extend_split("sig"), True),
    "rollback": (lambda m: m.set_active_version("sig", 1), True),
}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_a_kill_before_or_after_any_file_system_call_leaves_every_split_whole(tmp_path, name):
    operation, has_split = OPERATIONS[name]
    template = tmp_path / "template"
    if has_split:
        _signal(template)
        make_signal(template, "sig", ["pending1", "pending2"])
    else:
        make_signal(template, "sig", IDS)
    scratch = tmp_path / "scratch"
    shutil.copytree(template, scratch, symlinks=True)
    calls = _count_calls(operation, scratch)
    assert calls >= 8, f"{name} made only {calls} counted calls: is the killer wired?"
    for kill_at in range(1, calls + 1):
        for after in (False, True):
            root = tmp_path / f"k{kill_at}{'a' if after else 'b'}"
            shutil.copytree(template, root, symlinks=True)
            splits = root / "sig" / "splits"
            hashes: dict[int, str] = {}
            check_splits_folder(splits, seen_hashes=hashes, allow_missing_active=True)

            def doomed():
                killer = SyscallKiller(kill_at, after)
                with killer.arm():
                    operation(SplitManager(root))
            assert _in_child(doomed) == signal.SIGKILL
            where = f"{name}: killed {'after' if after else 'before'} call {kill_at}/{calls}"
            state = check_splits_folder(splits, seen_hashes=hashes, allow_missing_active=not has_split)
            assert state.problems == [], where
            listed = [row.version for row in SplitManager(root).list_versions("sig")]
            assert listed == sorted(state.versions), f"{where}: a reader saw {listed}"
            make_signal(root, "sig", ["after_kill"])
            new = SplitManager(root).extend_split("sig")
            state = check_splits_folder(splits, seen_hashes=hashes, allow_temps=False)
            assert state.problems == [] and state.active_version == new == state.newest, where
            assert coverage_problems(state, root / "sig" / "samples") == [], where
            shutil.rmtree(root)


def test_random_kills_ci_size():
    """20 seeded trials (timed and syscall kills, symlink and copy mode); 200 run in the benchmark."""
    summary = run_crash_trials(20, seed=20260125, episode_len=7)
    assert summary["failed_trials"] == 0, json.dumps(summary["failures"], indent=1)
    assert summary["killed"] >= 16 and set(summary["by_mode"]) == {"timed", "syscall"}
    assert summary["copy_mode_trials"] > 0


def test_write_order_survives_power_loss(tmp_path, monkeypatch):
    """Data is fsynced before it gets its name, and the folder after: the order a power cut needs."""
    log = []
    for name in ("fsync", "link", "replace", "symlink"):
        real = getattr(os, name)
        monkeypatch.setattr(os, name, lambda *a, _n=name, _r=real, **k: (log.append((_n, a)), _r(*a, **k))[1])
    create_exclusive(tmp_path / "v1.json", b"{}")
    point_link(tmp_path / "active.json", "v1.json", b"{}")
    kinds = [n for n, _ in log]
    assert kinds == ["fsync", "link", "fsync", "symlink", "replace", "fsync"], kinds
    assert str(log[1][1][1]).endswith("v1.json") and str(log[4][1][1]).endswith("active.json")
