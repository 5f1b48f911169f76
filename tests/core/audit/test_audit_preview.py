"""The extend preview flags new samples whose capture window overlaps a val sample's."""

from __future__ import annotations

from pathlib import Path

import pytest

from specgui.core.audit.audit import audit_split, leaking_new_samples
from specgui.core.splits.manager import SplitManager
from tests.core.audit.test_audit_helpers import (  # noqa: F401 - cache_dir is a fixture
    cache_dir,
    spectro_image,
    window,
    write_pixels,
    write_split,
)


@pytest.fixture
def extended(tmp_path: Path, cache_dir) -> tuple[SplitManager, Path]:
    """v1: train t (cap 0..0.1), val v (cap 5..5.1); pending: near-v, touch-v, far, other-cap."""
    samples = tmp_path / "signals" / "sig" / "samples"
    plan = {"t": window("cap", 0.0), "v": window("cap", 5.0),
            "near-v": window("cap", 5.05), "touch-v": window("cap", 4.9), "far": window("cap", 9.0),
            "other-cap": window("cap-2", 5.0), "no-capture": {}}
    for i, (sample_id, meta) in enumerate(plan.items()):
        write_pixels(samples, sample_id, spectro_image(i), **meta)
    write_split(samples.parent, ["t"], ["v"])
    return SplitManager(tmp_path / "signals"), samples


def test_leaking_new_samples_names_each_pair_with_evidence(extended):
    manager, _ = extended
    preview = manager.preview_extend("sig")
    assert set(preview.added) == {"near-v", "touch-v", "far", "other-cap", "no-capture"}
    leaks = leaking_new_samples(manager, "sig", preview)
    assert [(new, val) for new, val, _ in leaks] == [("near-v", "v"), ("touch-v", "v")]
    near = leaks[0][2]
    assert near["capture"] == "cap" and near["val_window"] == [5.0, 5.1]
    assert near["overlap_sec"] == pytest.approx(0.05)
    assert leaks[1][2]["touching"]


def test_excluded_leaks_stay_pending_and_the_new_version_has_none(extended):
    manager, _ = extended
    leaking = sorted({new for new, _, _ in leaking_new_samples(manager, "sig", manager.preview_extend("sig"))})
    preview = manager.preview_extend("sig", exclude=leaking)
    assert set(preview.added) == {"far", "other-cap", "no-capture"}
    number = manager.extend_split("sig", exclude=leaking, expected_parent=preview.parent_version)
    assert number == 2
    assert set(manager.get_pending_samples("sig")) == set(leaking)
    assert [leak for leak in audit_split(manager.base_dir, "sig").leaks if leak.kind == "capture"] == []


def test_without_exclusion_the_audit_reports_the_same_pairs(extended):
    manager, _ = extended
    manager.extend_split("sig", check_samples=False)  # unguarded: the leaks reach train
    report = audit_split(manager.base_dir, "sig")
    assert {(leak.train, leak.val) for leak in report.leaks if leak.kind == "capture"} == {("near-v", "v"), ("touch-v", "v")}


def test_nothing_to_add_or_no_split_means_no_leaks(extended, tmp_path):
    manager, _ = extended
    manager.extend_split("sig", check_samples=False)
    assert leaking_new_samples(manager, "sig", manager.preview_extend("sig")) == []
    fresh = tmp_path / "fresh" / "signals"
    write_pixels(fresh / "sig" / "samples", "a", spectro_image(0), **window("cap", 0.0))
    fresh_manager = SplitManager(fresh)
    assert leaking_new_samples(fresh_manager, "sig", fresh_manager.preview_extend("sig")) == []


def test_unreadable_new_json_is_skipped_not_fatal(extended):
    manager, samples = extended
    (samples / "far.json").write_text("{not json")
    leaks = leaking_new_samples(manager, "sig", manager.preview_extend("sig"))
    assert {new for new, _, _ in leaks} == {"near-v", "touch-v"}


def test_the_preview_check_uses_capture_groups(extended):
    from specgui.core.audit.capture_groups import leaking_new_groups

    manager, _ = extended
    found = leaking_new_groups(manager, "sig", manager.preview_extend("sig"))
    assert len(found) == 1
    group, pairs = found[0]
    assert (group.kind, group.train_ids, group.val_ids, group.pair_count) == ("capture", ("near-v", "touch-v"), ("v",), 2)
    assert sorted((a, b) for a, b, _ in pairs) == [("near-v", "v"), ("touch-v", "v")]
