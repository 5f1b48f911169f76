"""SplitManager: each defect of the seed's split code (format.md's list) is fixed, format kept.

Where cheap, a control runs the seed on the same files to show the test would catch the
defect: the assertion on specgui is the one that matters.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import threading
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from specgui.core.errors import SplitVersionExistsError
from specgui.core.splits import manager as splits_module
from specgui.core.splits.manager import RecoveredActiveWarning, SplitManager
from specgui.core.splits.verify import verify_splits
from tests.cli.test_cli_split import snapshot, touch_samples
from tests.conftest import seed_module_or_none


def _signal(root: Path, n: int = 20, name: str = "sig") -> SplitManager:
    touch_samples(root / name, [f"{i:04d}" for i in range(n)])
    manager = SplitManager(root)
    manager.create_initial_split(name)
    return manager


def _load(root: Path, version: int, name: str = "sig") -> dict:
    return json.loads((root / name / "splits" / f"v{version}.json").read_text())


def _seed(root: Path):
    """The seed's SplitManager on ``root`` for a control, or None where ../shared/seed is absent."""
    seed_splits = seed_module_or_none("seed_splits")
    return seed_splits.SplitManager(str(root)) if seed_splits else None


def _quiet(func, *args):
    with contextlib.redirect_stdout(io.StringIO()):
        return func(*args)


# -- defect: a missing active.json makes extend_split rebuild v1 ------------------------------
def test_missing_active_recovers_from_highest_version_and_never_rebuilds_v1(tmp_path):
    manager = _signal(tmp_path)
    touch_samples(tmp_path / "sig", ["a1", "a2"])
    assert manager.extend_split("sig") == 2
    splits = tmp_path / "sig" / "splits"
    v1_bytes = (splits / "v1.json").read_bytes()
    os.unlink(splits / "active.json")
    touch_samples(tmp_path / "sig", ["b1"])
    control = tmp_path / "control"
    shutil.copytree(tmp_path / "sig", control / "sig", symlinks=True)

    with pytest.warns(RecoveredActiveWarning, match="active.json: missing; using v2"):
        assert manager.get_active_split_version("sig") == 2
    assert manager.extend_split("sig") == 3
    assert (splits / "v1.json").read_bytes() == v1_bytes
    v3 = _load(tmp_path, 3)
    assert v3["parent_version"] == 2 and v3["samples_added"] == 1
    assert v3["val_samples"] == _load(tmp_path, 1)["val_samples"]
    assert v3["train_samples"] == _load(tmp_path, 2)["train_samples"] + ["b1"]
    assert os.readlink(splits / "active.json") == "v3.json"

    if seed := _seed(control):  # control: the seed starts over
        assert _quiet(seed.extend_split, "sig") == 1
        assert (control / "sig" / "splits" / "v1.json").read_bytes() != v1_bytes


# -- defect: a dangling active.json symlink is written through -------------------------------
@pytest.mark.parametrize("target", ["v7.json", "../../escaped.json"])
def test_dangling_active_symlink_is_replaced_never_written_through(tmp_path, target):
    manager = _signal(tmp_path)
    splits = tmp_path / "sig" / "splits"
    os.unlink(splits / "active.json")
    os.symlink(target, splits / "active.json")
    touch_samples(tmp_path / "sig", ["new"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert manager.extend_split("sig") == 2  # extend itself recovers silently; readers warn
    assert not os.path.lexists(splits / target)
    assert os.readlink(splits / "active.json") == "v2.json"


def test_dangling_symlink_with_no_symlink_support_becomes_a_plain_copy(tmp_path, monkeypatch):
    manager = _signal(tmp_path)
    splits = tmp_path / "sig" / "splits"
    os.unlink(splits / "active.json")
    os.symlink("v7.json", splits / "active.json")
    control = tmp_path / "control"
    shutil.copytree(tmp_path / "sig", control / "sig", symlinks=True)
    touch_samples(tmp_path / "sig", ["new"])
    touch_samples(control / "sig", ["new"])

    def no_symlinks(*args, **kwargs):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "symlink", no_symlinks)
    assert manager.extend_split("sig") == 2
    active = splits / "active.json"
    assert not os.path.lexists(splits / "v7.json")
    assert not active.is_symlink() and json.loads(active.read_text()) == _load(tmp_path, 2)

    # control: the seed rebuilds v1 and its copy fallback writes through the dangling link
    if seed := _seed(control):
        _quiet(seed.extend_split, "sig")
        assert (control / "sig" / "splits" / "v7.json").exists()


# -- defect: train/val rebuilt from a set, so order changes from run to run ------------------
_EXTEND_SCRIPT = """
import sys
sys.path.insert(0, {seed_dir!r})
from specgui.core.splits.manager import SplitManager
import contextlib, io
if sys.argv[2] == "seed":
    import seed_splits
cls = seed_splits.SplitManager if sys.argv[2] == "seed" else SplitManager
with contextlib.redirect_stdout(io.StringIO()):
    cls(sys.argv[1]).extend_split("sig")
"""


def _extend_in_subprocess(root: Path, hash_seed: str, which: str) -> None:
    from tests.conftest import SEED_DIR

    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    code = _EXTEND_SCRIPT.format(seed_dir=str(SEED_DIR))
    subprocess.run([sys.executable, "-c", code, str(root), which], check=True, env=env)


def test_two_runs_on_the_same_files_write_byte_identical_lists(tmp_path):
    base = tmp_path / "base"
    _signal(base, n=40)
    touch_samples(base / "sig", [f"n{i:02d}" for i in range(15)])
    copies = {}
    sides = ("specgui", "seed") if seed_module_or_none("seed_splits") else ("specgui",)  # the seed: a control
    for which in sides:
        for hash_seed in ("1", "2"):
            root = tmp_path / f"{which}-{hash_seed}"
            shutil.copytree(base, root, symlinks=True)
            _extend_in_subprocess(root, hash_seed, which)
            copies[which, hash_seed] = _load(root, 2)
    ours_a, ours_b = copies["specgui", "1"], copies["specgui", "2"]
    for key in ("train_samples", "val_samples"):
        assert ours_a[key] == ours_b[key]
    assert ours_a["train_samples"][:32] == _load(base, 1)["train_samples"]  # parent order kept, new appended
    if "seed" in sides:
        seed_a, seed_b = copies["seed", "1"], copies["seed", "2"]
        assert seed_a["train_samples"] != seed_b["train_samples"]  # control: the seed's set order moves


# -- defect: random.seed changes global state ------------------------------------------------
def test_create_initial_split_leaves_the_global_random_state_alone(tmp_path):
    touch_samples(tmp_path / "sig", [f"{i:04d}" for i in range(30)])
    random.seed(1234)
    before = random.getstate()
    SplitManager(tmp_path).create_initial_split("sig", random_seed=7)
    assert random.getstate() == before
    shutil.rmtree(tmp_path / "sig" / "splits")
    if seed := _seed(tmp_path):
        _quiet(seed.create_initial_split, "sig", 0.2, 7)
        assert random.getstate() != before  # control


def test_created_at_is_timezone_aware_utc_now(tmp_path):
    manager = _signal(tmp_path)
    touch_samples(tmp_path / "sig", ["x"])
    manager.extend_split("sig")
    for version in (1, 2):
        stamp = _load(tmp_path, version)["created_at"]
        assert stamp.endswith("Z")
        parsed = datetime.fromisoformat(stamp)
        assert parsed.utcoffset() == timedelta(0)
        assert abs(datetime.now(timezone.utc) - parsed) < timedelta(minutes=5)


# -- defect: writes not atomic; two writers can write the same vN.json -----------------------
def test_extend_picks_max_plus_one_and_never_overwrites_an_existing_version(tmp_path):
    manager = _signal(tmp_path)
    splits = tmp_path / "sig" / "splits"
    foreign = b'{"version": 3, "train_samples": [], "val_samples": [], "notes": "someone else"}'
    (splits / "v3.json").write_bytes(foreign)
    touch_samples(tmp_path / "sig", ["x"])
    assert manager.extend_split("sig") == 4
    assert (splits / "v3.json").read_bytes() == foreign
    v4 = _load(tmp_path, 4)
    assert v4["parent_version"] == 1 and v4["train_samples"][-1] == "x"


def test_a_stale_version_listing_cannot_overwrite_a_version(tmp_path, monkeypatch):
    manager = _signal(tmp_path)
    touch_samples(tmp_path / "sig", ["x"])
    manager.extend_split("sig")
    touch_samples(tmp_path / "sig", ["y"])
    splits = tmp_path / "sig" / "splits"
    monkeypatch.setattr(splits_module, "version_numbers", lambda folder: [1])  # blind to v2
    before = snapshot(splits)
    with pytest.raises(SplitVersionExistsError, match="v2.json"):
        manager.extend_split("sig")
    assert snapshot(splits) == before


def _extend_ids(root: str, ids: list[str], barrier, results=None) -> int:
    barrier.wait()
    version = SplitManager(root).extend_split("sig", ids)
    if results is not None:
        results.put(version)
    return version


def _check_two_writers(tmp_path: Path, results: list[int], a: list[str], b: list[str]) -> None:
    assert sorted(results) == [2, 3]
    v1, v2, v3 = (_load(tmp_path, n) for n in (1, 2, 3))
    assert v2["parent_version"] == 1 and v3["parent_version"] == 2
    assert set(v3["train_samples"]) == set(v1["train_samples"]) | set(a) | set(b)
    assert v3["val_samples"] == v2["val_samples"] == v1["val_samples"]
    assert os.readlink(tmp_path / "sig" / "splits" / "active.json") == "v3.json"
    assert verify_splits(tmp_path / "sig").ok


def test_two_threads_extending_at_once_get_consecutive_versions_and_lose_nothing(tmp_path):
    _signal(tmp_path)
    a, b = [f"a{i}" for i in range(5)], [f"b{i}" for i in range(7)]
    touch_samples(tmp_path / "sig", a + b)
    barrier, results = threading.Barrier(2), []
    threads = [threading.Thread(target=lambda ids=ids: results.append(_extend_ids(str(tmp_path), ids, barrier)))
               for ids in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    _check_two_writers(tmp_path, results, a, b)


def test_two_processes_extending_at_once_get_consecutive_versions_and_lose_nothing(tmp_path):
    _signal(tmp_path)
    a, b = [f"a{i}" for i in range(5)], [f"b{i}" for i in range(7)]
    touch_samples(tmp_path / "sig", a + b)
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_extend_ids, args=(str(tmp_path), ids, barrier, queue)) for ids in (a, b)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    _check_two_writers(tmp_path, results, a, b)


# -- defect: a missing sample is skipped with a print, so val shrinks unnoticed --------------
def test_a_vanished_val_sample_is_reported_and_never_dropped(tmp_path):
    manager = _signal(tmp_path)
    _, val = manager.get_split("sig")
    gone = val[0]
    for suffix in (".npz", ".json"):
        os.unlink(tmp_path / "sig" / "samples" / f"{gone}{suffix}")
    touch_samples(tmp_path / "sig", ["x"])
    assert manager.extend_split("sig") == 2
    assert manager.get_split("sig")[1] == val
    problems = [p for p in verify_splits(tmp_path / "sig").problems if p.kind == "missing_file"]
    assert problems and all(gone in p.sample_ids for p in problems)
    assert gone not in manager.get_pending_samples("sig")
