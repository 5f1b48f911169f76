"""check_extend unguarded (check_samples=False): the preview with the samples held back and the capture leaks listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from specgui.core.splits.guard import CheckedPreview, check_extend
from specgui.core.splits.manager import SplitManager
from tests.core.audit.test_audit_helpers import (  # noqa: F401 - cache_dir is a fixture
    cache_dir,
    spectro_image,
    window,
    write_pixels,
    write_split,
)


@pytest.fixture
def manager(tmp_path: Path, cache_dir) -> SplitManager:
    """v1: train t, val v (cap 5..5.1); pending: near-v (leaks), far, broken (held back)."""
    samples = tmp_path / "signals" / "sig" / "samples"
    plan = {"t": window("cap", 0.0), "v": window("cap", 5.0), "near-v": window("cap", 5.05),
            "far": window("cap", 9.0), "broken": window("cap", 5.0)}
    for i, (sample_id, meta) in enumerate(plan.items()):
        write_pixels(samples, sample_id, spectro_image(i), **meta)
    write_split(samples.parent, ["t"], ["v"])
    return SplitManager(tmp_path / "signals")


def test_held_back_samples_are_neither_added_nor_checked(manager):
    checked = check_extend(manager, "sig", hold_back=["broken"], check_samples=False)
    assert isinstance(checked, CheckedPreview)
    assert [(h.sample_id, h.kind) for h in checked.held_back] == [("broken", "unreadable")]
    assert set(checked.added) == {"near-v", "far"} and checked.new_version == 2
    assert checked.leaking_ids == ("near-v",) and checked.leak_note is None


def test_without_the_leaks_is_what_extend_writes_and_they_stay_pending(manager):
    checked = check_extend(manager, "sig", hold_back=["broken"], check_samples=False)
    chosen = checked.without(checked.leaking_ids)
    assert chosen.added == ("far",) and chosen.train_count == 2 and chosen.leaks == ()
    assert [h.sample_id for h in chosen.held_back] == ["broken"] and chosen.parent_version == 1
    version = manager.extend_split("sig", list(chosen.added), expected_parent=chosen.parent_version)
    assert version == 2
    assert set(manager.get_pending_samples("sig")) == {"near-v", "broken"}


def test_leaving_out_every_new_sample_is_a_noop(manager):
    checked = check_extend(manager, "sig", hold_back=["broken", "far"], check_samples=False)
    assert checked.without(checked.added).is_noop


def test_an_unreadable_val_version_is_a_note_and_the_preview_still_stands(manager, monkeypatch):
    from specgui.core.splits import guard as checked_preview
    from specgui.core.errors import SplitFileError

    def unreadable(*_a, **_k):
        raise SplitFileError(Path("v1.json"), "malformed JSON")

    monkeypatch.setattr(checked_preview, "leaking_new_groups", unreadable)
    checked = check_extend(manager, "sig", check_samples=False)
    assert checked.leaks == () and "could not run" in checked.leak_note and "malformed JSON" in checked.leak_note
    assert set(checked.added) == {"near-v", "far", "broken"}
