"""SplitManager beyond the seed's API: preview, stale-parent guard, requested IDs, refusals that
write nothing, rollback and diff."""

from __future__ import annotations

import json

import pytest

from specgui.core.errors import SplitNotFoundError, SplitStateError, SplitVersionExistsError, StaleSplitError
from tests.cli.test_cli_split import snapshot, touch_samples
from tests.core.splits.test_splits import _load, _signal


def test_preview_writes_nothing_and_matches_what_extend_writes(tmp_path):
    manager = _signal(tmp_path)
    touch_samples(tmp_path / "sig", ["z1", "z0"])
    before = snapshot(tmp_path)
    preview = manager.preview_extend("sig")
    assert snapshot(tmp_path) == before
    assert (preview.parent_version, preview.new_version, preview.added) == (1, 2, ("z0", "z1"))
    assert manager.extend_split("sig", expected_parent=1) == 2
    assert _load(tmp_path, 2)["train_samples"][-2:] == ["z0", "z1"]


def test_stale_expected_parent_is_refused(tmp_path):
    manager = _signal(tmp_path)
    touch_samples(tmp_path / "sig", ["x"])
    manager.extend_split("sig")
    touch_samples(tmp_path / "sig", ["y"])
    with pytest.raises(StaleSplitError, match="active is v2"):
        manager.extend_split("sig", expected_parent=1)
    assert manager.get_active_split_version("sig") == 2


def test_requested_ids_must_exist_and_be_safe(tmp_path):
    manager = _signal(tmp_path)
    before = snapshot(tmp_path)
    for bad, match in ((["nope"], "lack an .npz"), (["../x"], "path separator"), ("0001", "not one string")):
        with pytest.raises(SplitStateError, match=match):
            manager.extend_split("sig", bad)
    assert snapshot(tmp_path) == before


def test_refusals_write_nothing_not_even_a_lock_file(tmp_path):
    manager = _signal(tmp_path)
    (tmp_path / "empty").mkdir()
    before = snapshot(tmp_path)
    for call, error in ((lambda: manager.create_initial_split("sig"), SplitVersionExistsError),
                        (lambda: manager.create_initial_split("empty"), SplitStateError),
                        (lambda: manager.set_active_version("sig", 5), SplitNotFoundError),
                        (lambda: manager.set_active_version("ghost", 1), SplitNotFoundError)):
        with pytest.raises(error):
            call()
    assert snapshot(tmp_path) == before


def test_activate_rolls_back_and_refuses_a_version_whose_val_differs(tmp_path):
    manager = _signal(tmp_path)
    touch_samples(tmp_path / "sig", ["x"])
    manager.extend_split("sig")
    manager.set_active_version("sig", 1)
    assert manager.get_active_split_version("sig") == 1
    v1 = _load(tmp_path, 1)
    bad = {**v1, "version": 3, "val_samples": v1["val_samples"][1:], "val_count": len(v1["val_samples"]) - 1}
    (tmp_path / "sig" / "splits" / "v3.json").write_text(json.dumps(bad))
    before = snapshot(tmp_path)
    with pytest.raises(SplitStateError, match="differs from v1"):
        manager.set_active_version("sig", 3)
    assert snapshot(tmp_path) == before


def test_diff_and_version_list(tmp_path):
    manager = _signal(tmp_path)
    touch_samples(tmp_path / "sig", ["x", "w"])
    manager.extend_split("sig")
    diff = manager.diff_versions("sig", 1, 2)
    assert diff.train_added == ("w", "x") and not diff.train_removed and diff.val_unchanged
    assert manager.diff_versions("sig", 2, 1).train_removed == ("w", "x")
    rows = manager.list_versions("sig")
    assert [(r.version, r.is_active, r.samples_added) for r in rows] == [(1, False, None), (2, True, 2)]
