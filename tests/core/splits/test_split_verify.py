"""verify_splits finds each kind of split problem, and stays quiet on a sound signal."""

from __future__ import annotations

import json
import os

from specgui.core.splits.verify import verify_splits
from specgui.core.splits.manager import SplitManager
from tests.helpers import make_signal


def _signal(tmp_path, n=10):
    make_signal(tmp_path, "sig", [f"{i:04d}" for i in range(n)])
    manager = SplitManager(tmp_path)
    manager.create_initial_split("sig")
    return manager, tmp_path / "sig", tmp_path / "sig" / "splits"


def _kinds(signal_dir):
    return sorted({p.kind for p in verify_splits(signal_dir).problems})


def _write_version(splits, number, data):
    (splits / f"v{number}.json").write_text(json.dumps(data))


def test_sound_signal_has_no_problems(tmp_path):
    manager, signal_dir, _ = _signal(tmp_path)
    make_signal(tmp_path, "sig", ["new1"])
    manager.extend_split("sig")
    report = verify_splits(signal_dir)
    assert report.ok and report.versions == (1, 2) and report.active_version == 2


def test_missing_files_are_reported_never_hidden(tmp_path):
    manager, signal_dir, _ = _signal(tmp_path)
    _, val = manager.get_split("sig")
    os.unlink(signal_dir / "samples" / f"{val[0]}.npz")
    problems = verify_splits(signal_dir).problems
    assert [p.kind for p in problems] == ["missing_file"]
    assert problems[0].sample_ids == (val[0],) and "val" in problems[0].message


def test_overlap_duplicates_unsafe_ids_and_wrong_version(tmp_path):
    manager, signal_dir, splits = _signal(tmp_path)
    train, val = manager.get_split("sig")
    _write_version(splits, 2, {"version": 3, "train_samples": train + [val[0], train[0], "../etc"],
                               "val_samples": val})
    kinds = _kinds(signal_dir)
    assert {"overlap", "duplicate", "unsafe_id", "version_mismatch"} <= set(kinds)


def test_val_drift_gap_and_malformed_files(tmp_path):
    manager, signal_dir, splits = _signal(tmp_path)
    train, val = manager.get_split("sig")
    _write_version(splits, 2, {"version": 2, "train_samples": train + val[:1], "val_samples": val[1:]})
    _write_version(splits, 4, {"version": 4})
    (splits / "v5.json").write_text("{not json")
    kinds = _kinds(signal_dir)
    assert {"val_drift", "gap", "malformed"} <= set(kinds)


def test_active_json_problems(tmp_path):
    _, signal_dir, splits = _signal(tmp_path)
    active = splits / "active.json"
    os.unlink(active)
    assert _kinds(signal_dir) == ["active_missing"]
    os.symlink("v9.json", active)
    assert _kinds(signal_dir) == ["active_broken"]
    os.unlink(active)
    os.symlink("/etc/passwd", active)
    assert _kinds(signal_dir) == ["active_broken"]
    os.unlink(active)
    os.symlink("active.json", active)  # a loop
    assert _kinds(signal_dir) == ["active_broken"]


def test_plain_copy_that_disagrees_with_its_version(tmp_path):
    manager, signal_dir, splits = _signal(tmp_path)
    train, val = manager.get_split("sig")
    active = splits / "active.json"
    os.unlink(active)
    active.write_text(json.dumps({"version": 1, "train_samples": train, "val_samples": val}))
    assert verify_splits(signal_dir).ok
    active.write_text(json.dumps({"version": 1, "train_samples": train[1:], "val_samples": val}))
    assert _kinds(signal_dir) == ["active_broken"]


def test_stale_temp_file_is_reported(tmp_path):
    _, signal_dir, splits = _signal(tmp_path)
    (splits / ".v2.json.tmp-123-abcd").write_text("{half")
    assert _kinds(signal_dir) == ["stale_temp"]
