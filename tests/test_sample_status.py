"""Sample status against a version: train, val, pending, invalid, missing."""

from __future__ import annotations

import os

from specgui.core.sample_status import SampleStatus, signal_status
from specgui.core.splits import SplitManager
from tests.helpers import make_signal


def test_every_status_appears_where_it_should(tmp_path):
    make_signal(tmp_path, "sig", [f"{i:04d}" for i in range(10)])
    manager = SplitManager(tmp_path)
    manager.create_initial_split("sig")
    train, val = manager.get_split("sig")
    make_signal(tmp_path, "sig", ["new"])
    os.unlink(tmp_path / "sig" / "samples" / f"{val[0]}.npz")
    os.unlink(tmp_path / "sig" / "samples" / f"{train[0]}.npz")
    os.unlink(tmp_path / "sig" / "samples" / f"{train[0]}.json")
    (tmp_path / "sig" / "samples" / "half.npz").write_bytes(b"")
    status = signal_status(manager.scan("sig"), manager.resolve_active("sig").version, failed={train[1]: "bad"})
    s = status.statuses
    assert s["new"] is SampleStatus.PENDING
    assert s[train[0]] is SampleStatus.MISSING and "not on disk" in status.reasons[train[0]]
    assert s[val[0]] is SampleStatus.INVALID and ".npz is missing" in status.reasons[val[0]]
    assert s["half"] is SampleStatus.INVALID
    assert s[train[1]] is SampleStatus.INVALID and status.reasons[train[1]] == "bad"
    assert s[train[2]] is SampleStatus.TRAIN and s[val[1]] is SampleStatus.VAL
    counts = status.counts()
    assert counts == {"train": 6, "val": 1, "pending": 1, "invalid": 3, "missing": 1}
    assert list(status.ids) == sorted(status.ids)


def test_without_a_split_everything_complete_is_pending(tmp_path):
    make_signal(tmp_path, "sig", ["a", "b"])
    status = signal_status(SplitManager(tmp_path).scan("sig"), None)
    assert status.version is None and status.counts()["pending"] == 2
