"""The extension guard: every bad kind is held back with its reason, a fixed file returns,
``check_samples=False`` / ``--no-check`` is the original behaviour, ``verify --deep`` names broken samples."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

from specgui.core.review.states import set_review_states
from specgui.core.splits.guard import check_extend
from specgui.core.splits.manager import SplitManager
from tests.cli.test_cli_split import cli_json
from tests.helpers import write_sample

SHAPE = (32, 48)


def _pixels(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, SHAPE, dtype=np.uint8)


def _write(samples: Path, sample_id: str, pixels: np.ndarray, meta: dict | None = None) -> None:
    samples.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(samples / f"{sample_id}.npz", spectrogram=pixels)
    (samples / f"{sample_id}.json").write_text(json.dumps({"boxes": [], **(meta or {})}))


@pytest.fixture
def root(tmp_path) -> Path:
    """v1 of ten distinct samples (v0..v9, each its own capture window), then one new sample per kind."""
    samples = tmp_path / "signals" / "sig" / "samples"
    for i in range(10):
        _write(samples, f"v{i}", _pixels(i), {"source_capture": f"rec{i}", "window_start_sec": 0.0,
                                              "window_duration_sec": 1.0})
    manager = SplitManager(tmp_path / "signals")
    manager.create_initial_split("sig", 0.3, 1)
    val = manager.read_version("sig", 1).val
    _write(samples, "good", _pixels(100))
    (samples / "not_zip.npz").write_bytes(b"this is not a zip file")
    (samples / "not_zip.json").write_text('{"boxes": []}')
    _write(samples, "truncated", _pixels(101))
    blob = (samples / "truncated.npz").read_bytes()
    (samples / "truncated.npz").write_bytes(blob[: len(blob) // 2])
    np.savez_compressed(samples / "float.npz", spectrogram=_pixels(102).astype(np.float32))
    (samples / "float.json").write_text('{"boxes": []}')
    np.savez_compressed(samples / "cube.npz", spectrogram=np.zeros((4, 32, 48), np.uint8))
    (samples / "cube.json").write_text('{"boxes": []}')
    _write(samples, "small", np.random.default_rng(103).integers(0, 256, (16, 16), dtype=np.uint8))
    _write(samples, "bad_json", _pixels(104))
    (samples / "bad_json.json").write_text("{not json")
    _write(samples, "box_out", _pixels(105))
    (samples / "box_out.json").write_text(json.dumps({"boxes": [{"x_min": 0, "y_min": 0, "x_max": 99, "y_max": 5}]}))
    twin = np.load(samples / f"{val[0]}.npz")["spectrogram"]
    _write(samples, "dup", twin)
    near = twin.copy()
    near[0, :4] ^= 1  # a few pixels off: same perceptual hash region
    _write(samples, "near", near)
    _write(samples, "overlap", _pixels(106), {"source_capture": f"rec{val[1][1:]}", "window_start_sec": 0.5,
                                              "window_duration_sec": 1.0})
    _write(samples, "excluded", _pixels(107))
    set_review_states(samples.parent, ["excluded"], "exclude", note="not a signal")
    return tmp_path / "signals"


EXPECTED = {"not_zip": "unreadable", "truncated": "unreadable", "float": "unreadable", "cube": "unreadable",
            "small": "unreadable", "bad_json": "bad_labels", "box_out": "bad_labels", "dup": "leak_exact",
            "near": "leak_near", "overlap": "leak_capture", "excluded": "excluded"}


def test_every_kind_is_held_back_with_a_reason_naming_the_problem(root):
    manager = SplitManager(root)
    checked = check_extend(manager, "sig")
    assert checked.added == ("good",)
    kinds = {h.sample_id: h.kind for h in checked.held_back}
    assert kinds == EXPECTED
    reasons = {h.sample_id: h.reason for h in checked.held_back}
    assert "not_zip.npz" in reasons["not_zip"] and "bad_json.json" in reasons["bad_json"]
    assert "16x16" in reasons["small"] and "32x48" in reasons["small"]
    assert "box 0" in reasons["box_out"] and reasons["excluded"] == "not a signal"
    val = manager.read_version("sig", 1).val
    assert val[0] in reasons["dup"] and val[0] in reasons["near"] and val[1] in reasons["overlap"]


def test_extend_writes_only_the_good_sample_and_a_fixed_file_returns(root):
    manager = SplitManager(root)
    held: list = []
    assert manager.extend_split("sig", held_back=held) == 2
    assert {h.sample_id for h in held} == set(EXPECTED)
    assert manager.read_version("sig", 2).raw["samples_added"] == 1
    assert set(manager.get_pending_samples("sig")) == set(EXPECTED)  # held back = still pending
    assert manager.extend_split("sig") == 2  # nothing left to add: no empty version is written
    assert not (root / "sig" / "splits" / "v3.json").exists()
    samples = root / "sig" / "samples"
    _write(samples, "bad_json", _pixels(104))  # the labeler fixes the file: checked again, goes in
    assert manager.extend_split("sig") == 3
    assert manager.read_version("sig", 3).train[-1] == "bad_json"


def test_check_samples_false_is_the_original_behaviour(root):
    manager = SplitManager(root)
    pending = manager.get_pending_samples("sig")
    assert manager.extend_split("sig", check_samples=False) == 2
    assert set(manager.read_version("sig", 2).train[-len(pending):]) == set(pending)  # every pending sample


def test_create_keeps_unreadable_samples_out_and_v1_is_the_seeds_without_them(tmp_path):
    samples = tmp_path / "signals" / "sig" / "samples"
    for i in range(12):
        write_sample(samples, f"{i:04d}", seed=i)
    clean = tmp_path / "clean" / "signals"
    import shutil

    shutil.copytree(samples.parent, clean / "sig")
    (samples / "0099.npz").write_bytes(b"PK\x03\x04 truncated")
    (samples / "0099.json").write_text('{"boxes": []}')
    held: list = []
    SplitManager(tmp_path / "signals").create_initial_split("sig", held_back=held)
    SplitManager(clean).create_initial_split("sig", check_samples=False)
    ours = json.loads((samples.parent / "splits" / "v1.json").read_text())
    seeds = json.loads((clean / "sig" / "splits" / "v1.json").read_text())
    assert [h.sample_id for h in held] == ["0099"]
    assert (ours["train_samples"], ours["val_samples"]) == (seeds["train_samples"], seeds["val_samples"])


def test_verdicts_are_cached_per_file_state(root, monkeypatch):
    from specgui.core.audit import verdicts

    manager = SplitManager(root)
    check_extend(manager, "sig")
    calls = []
    real = verdicts.judge_files
    monkeypatch.setattr(verdicts, "judge_files", lambda *a: calls.append(a[0]) or real(*a))
    again = check_extend(manager, "sig", workers=1)
    assert calls == [] and {h.sample_id: h.kind for h in again.held_back} == EXPECTED
    npz = root / "sig" / "samples" / "good.npz"
    os.utime(npz, ns=(npz.stat().st_atime_ns, npz.stat().st_mtime_ns + 1_000_000))
    check_extend(manager, "sig", workers=1)
    assert [Path(p).name for p in calls] == ["good.npz"]


def test_cli_extend_reports_held_back_exit_1_and_no_check(root, capsys):
    code, data, _ = cli_json(capsys, "split", "extend", root, "sig", "--dry-run")
    assert code == 1 and data["added_ids"] == ["good"] and data["dry_run"] is True
    assert {h["sample_id"]: h["kind"] for h in data["held_back"]} == EXPECTED
    assert not (root / "sig" / "splits" / "v2.json").exists()
    code, data, _ = cli_json(capsys, "split", "extend", root, "sig")
    assert code == 1 and data["new_version"] == 2 and data["added_ids"] == ["good"]
    code, data, _ = cli_json(capsys, "split", "extend", root, "sig")
    assert code == 1 and data["changed"] is False and not (root / "sig" / "splits" / "v3.json").exists()
    code, data, _ = cli_json(capsys, "split", "extend", root, "sig", "--no-check")
    assert code == 1 and data["held_back"] == [{"sample_id": "excluded", "kind": "excluded", "reason": "not a signal"}]
    assert set(data["added_ids"]) == set(EXPECTED) - {"excluded"}


def test_cli_verify_deep_names_broken_samples(root, capsys):
    cli_json(capsys, "split", "extend", root, "sig", "--no-check")
    code, data, _ = cli_json(capsys, "split", "verify", root, "sig")
    assert code == 0  # the split files agree with each other
    code, data, _ = cli_json(capsys, "split", "verify", root, "sig", "--deep")
    assert code == 1 and data["ok"] is False
    named = {u["sample_id"]: u["kind"] for u in data["unusable"]}
    assert named == {k: v for k, v in EXPECTED.items() if v in ("unreadable", "bad_labels")}


def test_cli_create_lists_held_back_and_leak_warnings(tmp_path, capsys):
    samples = tmp_path / "signals" / "sig" / "samples"
    for i in range(10):
        _write(samples, f"s{i}", _pixels(i))
    for i in range(10):
        _write(samples, f"t{i}", _pixels(i))  # every pixel array twice: some pairs straddle train/val
    (samples / "zz.npz").write_bytes(b"nope")
    (samples / "zz.json").write_text('{"boxes": []}')
    code, data, _ = cli_json(capsys, "split", "create", tmp_path / "signals", "sig")
    assert code == 1 and [h["sample_id"] for h in data["held_back"]] == ["zz"]
    assert data["version"]["total_samples"] == 20
    assert data["warnings"] and all(w["kind"] == "leak_exact" for w in data["warnings"])
