"""``specgui audit --json``: leak groups, the capped pair list, ``--all-pairs``, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.test_audit_cli import _run
from tests.core.audit.test_audit_helpers import (  # noqa: F401 - cache_dir is a fixture
    cache_dir,
    spectro_image,
    window,
    write_pixels,
    write_split,
)


@pytest.fixture
def grouped(tmp_path: Path, cache_dir) -> Path:
    """One image copied 12 times (8 train, 4 val: 32 pairs), one copied 3 times all in train,
    a distinct pair in train/val, and one capture whose windows overlap across the sides."""
    samples = tmp_path / "signals" / "sig" / "samples"
    write_pixels(samples, "big-00", spectro_image(1, shape=(32, 48)))
    for k in range(1, 12):
        shutil.copy(samples / "big-00.npz", samples / f"big-{k:02d}.npz")
        shutil.copy(samples / "big-00.json", samples / f"big-{k:02d}.json")
    for k in range(3):
        write_pixels(samples, f"train-only-{k}", spectro_image(2, shape=(32, 48)))
    write_pixels(samples, "t-cap", spectro_image(3), **window("rec", 0.0, 1.0))
    write_pixels(samples, "v-cap", spectro_image(4), **window("rec", 0.5, 1.0))
    train = [f"big-{k:02d}" for k in range(8)] + [f"train-only-{k}" for k in range(3)] + ["t-cap"]
    val = [f"big-{k:02d}" for k in range(8, 12)] + ["v-cap"]
    write_split(samples.parent, train, val)
    return tmp_path / "signals"


def test_json_lists_groups_and_caps_pairs(capsys, grouped):
    code, out, _ = _run(capsys, "audit", grouped, "sig", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False and data["leak_group_count"] == 2
    assert data["leak_group_counts"] == {"exact": 1, "near": 0, "capture": 1}
    exact, capture = data["leak_groups"]
    assert set(exact) >= {"kind", "train_count", "val_count", "train_ids", "val_ids", "evidence"}
    assert (exact["kind"], exact["train_count"], exact["val_count"]) == ("exact", 8, 4)
    assert exact["train_ids"] == [f"big-{k:02d}" for k in range(8)]
    assert exact["val_ids"] == [f"big-{k:02d}" for k in range(8, 12)]
    assert exact["evidence"]["shape"] == [32, 48] and len(exact["evidence"]["hash"]) == 32
    assert (capture["kind"], capture["train_ids"], capture["val_ids"]) == ("capture", ["t-cap"], ["v-cap"])
    assert capture["evidence"]["capture"] == "rec"
    assert data["leak_count"] == 33 and data["leak_counts"] == {"exact": 32, "near": 0, "capture": 1}
    assert len(data["leaks"]) == 21 and data["leaks_truncated"] == 12  # 20 of the exact group's 32, 1 capture
    assert not any("train-only" in json.dumps(g) for g in data["leak_groups"])


def test_all_pairs_lifts_the_cap(capsys, grouped):
    code, out, _ = _run(capsys, "audit", grouped, "sig", "--json", "--all-pairs")
    data = json.loads(out)
    assert code == 1 and len(data["leaks"]) == 33 and data["leaks_truncated"] == 0
    assert {(p["train"], p["val"]) for p in data["leaks"] if p["kind"] == "exact"} == {
        (f"big-{t:02d}", f"big-{v:02d}") for t in range(8) for v in range(8, 12)}


def test_plain_text_names_groups(capsys, grouped):
    code, out, _ = _run(capsys, "audit", grouped, "sig")
    assert code == 1
    assert "2 leak group(s): 1 exact, 0 near, 1 capture (33 train/val pairs)" in out
    assert "[exact] 8 train (big-00, big-01, big-02 +5 more) ~ 4 val" in out


def test_copies_all_in_train_are_no_leak(capsys, grouped):
    samples = grouped / "sig" / "samples"
    write_split(samples.parent, [f"big-{k:02d}" for k in range(12)] + ["train-only-0", "train-only-1"],
                ["v-cap"], version=1)
    (samples / "v-cap.json").write_text(json.dumps({"sample_id": "v-cap", "boxes": []}))  # no shared capture
    code, out, _ = _run(capsys, "audit", grouped, "sig", "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] is True
    assert data["leak_groups"] == [] and data["leaks"] == [] and data["leaks_truncated"] == 0
