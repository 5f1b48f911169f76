"""Sample status against a version: train, val, pending, invalid, missing."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from specgui.core.samples.status import SampleStatus, signal_status
from specgui.core.splits.manager import SplitManager
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


def _reference_statuses(complete, npz_missing, json_missing, train, val, failed):
    """The rules spelled out one ID at a time, to check the vectorised version against."""
    statuses = {i: SampleStatus.PENDING for i in complete}
    statuses.update({i: SampleStatus.INVALID for i in (*npz_missing, *json_missing)})
    for side, status in ((train, SampleStatus.TRAIN), (val, SampleStatus.VAL)):
        for i in side:
            current = statuses.get(i)
            if current is SampleStatus.PENDING:
                statuses[i] = status
            elif current is None:
                statuses[i] = SampleStatus.MISSING
    for i in failed:
        if i in statuses and statuses[i] is not SampleStatus.MISSING:
            statuses[i] = SampleStatus.INVALID
    return statuses


ids = st.text(alphabet="0123456789ab", min_size=1, max_size=3)


@settings(max_examples=300, deadline=None)
@given(st.lists(ids, unique=True, max_size=30), st.data())
def test_vectorised_statuses_follow_the_rules_id_by_id(pool, data):
    from pathlib import Path

    from specgui.core.samples.index import SignalScan
    from specgui.core.splits.version import SplitVersion

    def pick(source):
        return sorted(data.draw(st.sets(st.sampled_from(source))) if source else set())

    on_disk = pick(pool)
    half = pick(on_disk)
    npz_missing = pick(half)
    json_missing = sorted(set(half) - set(npz_missing))
    complete = sorted(set(on_disk) - set(half))
    train = pick(pool)
    val = sorted(set(pick(pool)) - set(train))
    failed = {i: f"bad {i}" for i in pick(pool)}
    scan = SignalScan("sig", Path("sig"), tuple(complete), tuple(npz_missing), tuple(json_missing))
    split = SplitVersion(3, tuple(train), tuple(val), Path("v3.json"), {}) if data.draw(st.booleans()) else None
    status = signal_status(scan, split, failed)
    expected = _reference_statuses(complete, npz_missing, json_missing, train if split else (), val if split else (), failed)
    assert status.statuses == expected
    assert list(status.ids) == sorted(expected)
    assert set(status.reasons) == {i for i, s in expected.items() if s in (SampleStatus.INVALID, SampleStatus.MISSING)}
