"""Capture-aware v1 (``group_by``): groups kept whole, no capture leak, ratio close, deterministic."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from helpers import write_sample
from specgui.core.audit.audit import audit_split
from specgui.core.audit.windows import capture_overlaps, window_of
from specgui.core.errors import SplitStateError
from specgui.core.splits.grouping import (
    CaptureRunIndex,
    capture_runs,
    grouped_membership,
    sample_groups,
    val_capture_group,
)
from specgui.core.splits.manager import SplitManager, initial_membership
from specgui.core.splits.verify import verify_splits

WINDOW = 0.1


def meta(capture: str, start: float, duration: float = WINDOW) -> dict:
    return {"source_capture": capture, "window_start_sec": round(start, 6), "window_duration_sec": duration}


def write_captures(signal_dir: Path, captures: int = 30, windows: int = 1000, seed: int = 7) -> dict[str, dict]:
    """~``windows`` windows from ``captures`` recordings of varied length (a few to ~80 windows),
    in runs of consecutive windows with quiet gaps; tiny pixels. Returns each ID's metadata."""
    rng = np.random.default_rng(seed)
    weights = rng.pareto(1.5, captures) + 0.3
    counts = np.maximum(3, np.round(weights / weights.sum() * windows)).astype(int)
    plan, n = {}, 0
    for c, count in enumerate(counts):
        start = float(rng.uniform(0, 20))
        left = int(rng.integers(1, 9))
        for _ in range(count):
            if left == 0:
                start += float(rng.uniform(0.3, 5.0))
                left = int(rng.integers(1, 9))
            left -= 1
            plan[f"s{n:05d}"] = meta(f"rec{c:02d}.rfcap", start)
            start += WINDOW
            n += 1
    for i, (sample_id, extra) in enumerate(plan.items()):
        write_sample(signal_dir / "samples", sample_id, shape=(8, 8), seed=i, extra=extra, boxes=[])
    return plan


@pytest.fixture(scope="module")
def field_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("field") / "signals"
    write_captures(root / "sig")
    return root


def copy_signal(source: Path, dest_root: Path) -> Path:
    """A fresh signal folder with the same samples (no splits)."""
    import shutil

    shutil.copytree(source / "sig" / "samples", dest_root / "sig" / "samples")
    return dest_root


# -- the rule on plain data ---------------------------------------------------------------
def test_capture_runs_join_overlapping_and_touching_windows_only():
    windows = {"a": ("r", 0.0, 0.1), "b": ("r", 0.1, 0.1), "c": ("r", 0.15, 0.1),  # touch, overlap
               "d": ("r", 0.5, 0.1), "e": ("q", 0.2, 0.1), "f": ("r", None, None), "g": (None, None, None),
               "h": ("r", 0.25 + 5e-7, 0.1)}  # 0.25 is c's end: within the float tolerance
    runs = {(r.capture, r.members) for r in capture_runs(windows)}
    assert runs == {("r", ("a", "b", "c", "h")), ("r", ("d",)), ("q", ("e",))}


def test_groups_agree_with_the_audit_no_pair_crosses_groups():
    """Random windows: every pair the audit calls a capture leak lies inside one group."""
    rng = random.Random(3)
    windows = {f"w{i}": (f"c{rng.randrange(3)}", round(rng.uniform(0, 10), 2), round(rng.uniform(0, 0.4), 2))
               for i in range(300)}
    groups = sample_groups(list(windows), windows)
    group_of = {s: g for g in groups for s in g}
    pairs = capture_overlaps(windows, windows)
    assert pairs and all(group_of[a] == group_of[b] for a, b, _ in pairs)
    assert sorted(s for g in groups for s in g) == sorted(windows)


def test_membership_takes_whole_groups_and_never_empties_a_side():
    groups = [("a", "b", "c"), ("d",), ("e", "f"), ("g", "h", "i", "j")]
    train, val = grouped_membership(groups, 0.3, 1)
    assert len(val) == 3 and sorted(train + val) == list("abcdefghij")
    for g in groups:
        assert set(g) <= set(val) or set(g) <= set(train)
    # every group bigger than the target: val still gets one group, the smallest
    train, val = grouped_membership([("a", "b", "c"), ("d", "e")], 0.2, 0)
    assert val == ["d", "e"] and train == ["a", "b", "c"]
    with pytest.raises(SplitStateError, match="one group"):
        grouped_membership([("a", "b")], 0.5, 0)


def test_val_capture_group_tells_which_val_run_a_window_joins():
    val = {"v1": ("r", 1.0, 0.1), "v2": ("r", 1.1, 0.1), "v3": ("r", 5.0, 0.1)}
    run = val_capture_group(val, ("r", 1.2, 0.1))  # touches v2
    assert run is not None and run.members == ("v1", "v2") and run.end == pytest.approx(1.2)
    assert val_capture_group(val, ("r", 1.25, 0.1)) is None
    assert val_capture_group(val, ("other", 1.1, 0.1)) is None
    assert val_capture_group(val, ("r", None, None)) is None
    index = CaptureRunIndex(val)
    assert index.run_of(("r", 4.95, 0.01)) is None and index.run_of(("r", 4.95, 0.05)).members == ("v3",)


# -- on files -----------------------------------------------------------------------------
@pytest.mark.parametrize("group_by", ["capture", "capture+pixels"])
def test_a_thousand_windows_from_thirty_captures_leave_no_capture_leak(field_root, tmp_path, group_by):
    root = copy_signal(field_root, tmp_path / "signals")
    manager = SplitManager(root)
    seen = []
    assert manager.create_initial_split("sig", 0.2, 42, group_by=group_by, progress=lambda d, t: seen.append((d, t))) == 1
    v1 = manager.read_version("sig", 1)
    n = len(v1.train) + len(v1.val)
    assert n >= 950 and abs(len(v1.val) / n - 0.2) <= 0.05
    assert v1.raw["group_by"] == group_by and v1.raw["requested_val_ratio"] == 0.2
    assert v1.raw["val_ratio"] == len(v1.val) / n and 30 < v1.raw["group_count"] < n
    assert seen and seen[-1][0] == seen[-1][1]
    report = audit_split(root, "sig")
    assert report.leak_counts()["capture"] == 0 and not report.problems
    if group_by == "capture":  # what grouping prevents
        shuffled = SplitManager(copy_signal(field_root, tmp_path / "plain"))
        shuffled.create_initial_split("sig", 0.2, 42)
        assert audit_split(tmp_path / "plain", "sig").leak_counts()["capture"] > 100
    assert verify_splits(root / "sig").capture_leaks == 0 and verify_splits(root / "sig").group_by == group_by


def test_same_ids_seed_and_option_give_identical_lists_in_the_same_order(field_root, tmp_path):
    lists = []
    for name in ("a", "b"):
        root = copy_signal(field_root, tmp_path / name)
        SplitManager(root).create_initial_split("sig", 0.25, 9, group_by="capture")
        lists.append(SplitManager(root).get_split("sig"))
    assert lists[0] == lists[1]
    other = copy_signal(field_root, tmp_path / "c")
    SplitManager(other).create_initial_split("sig", 0.25, 10, group_by="capture")
    assert set(SplitManager(other).get_split("sig")[1]) != set(lists[0][1])


def test_default_stays_the_seed_algorithm_and_writes_no_group_keys(tmp_path):
    samples = tmp_path / "signals" / "sig" / "samples"
    for i in range(12):
        write_sample(samples, f"x{i:02d}", shape=(8, 8), seed=i, extra=meta("rec", i * WINDOW))
    manager = SplitManager(tmp_path / "signals")
    manager.create_initial_split("sig", 0.25, 4)
    v1 = manager.read_version("sig", 1)
    assert (list(v1.train), list(v1.val)) == initial_membership([f"x{i:02d}" for i in range(12)], 0.25, 4)
    assert not {"group_by", "group_count", "requested_val_ratio"} & set(v1.raw)


def test_capture_plus_pixels_also_keeps_identical_pixels_together(tmp_path):
    """Pairs of pixel-identical samples from different recordings (a file copied under a new
    capture name): ``capture`` splits some pairs, ``capture+pixels`` never does."""
    samples = tmp_path / "signals" / "sig" / "samples"
    for i in range(40):
        for copy in "ab":
            write_sample(samples, f"{copy}{i:02d}", shape=(8, 8), seed=i, extra=meta(f"rec-{copy}{i}", 0.0))
    results = {}
    for group_by in ("capture", "capture+pixels"):
        manager = SplitManager(tmp_path / "signals")
        manager.create_initial_split("sig", 0.2, 1, group_by=group_by)
        results[group_by] = audit_split(tmp_path / "signals", "sig", near_threshold=0).leak_counts()["exact"]
        assert manager.read_version("sig", 1).raw["group_count"] == (80 if group_by == "capture" else 40)
        (tmp_path / "signals" / "sig" / "splits" / "v1.json").unlink()
        (tmp_path / "signals" / "sig" / "splits" / "active.json").unlink()
    assert results["capture"] > 0 and results["capture+pixels"] == 0


def test_unknown_group_by_is_refused_before_anything_is_written(tmp_path):
    write_sample(tmp_path / "signals" / "sig" / "samples", "a")
    with pytest.raises(SplitStateError, match="group_by must be"):
        SplitManager(tmp_path / "signals").create_initial_split("sig", group_by="captures")
    assert not (tmp_path / "signals" / "sig" / "splits").exists()


def test_malformed_capture_metadata_makes_groups_of_one_never_a_crash(tmp_path):
    samples = tmp_path / "signals" / "sig" / "samples"
    bad = {"str-start": {"source_capture": "rec", "window_start_sec": "0.1", "window_duration_sec": 0.1},
           "neg-dur": meta("rec", 0.1, -1.0), "nan": {"source_capture": "rec", "window_start_sec": float("nan"),
                                                      "window_duration_sec": 0.1},
           "num-capture": {"source_capture": 5, "window_start_sec": 0.1, "window_duration_sec": 0.1},
           "no-meta": {}}
    for i, (sample_id, extra) in enumerate(bad.items()):
        write_sample(samples, sample_id, shape=(8, 8), seed=i, extra=extra)
    write_sample(samples, "good1", shape=(8, 8), seed=10, extra=meta("rec", 0.0))
    write_sample(samples, "good2", shape=(8, 8), seed=11, extra=meta("rec", 0.1))
    write_sample(samples, "broken", shape=(8, 8), seed=12)
    (samples / "broken.json").write_text("{not json")
    manager = SplitManager(tmp_path / "signals")
    unguarded = tmp_path / "copy" / "signals"
    import shutil

    shutil.copytree(samples.parent, unguarded / "sig")
    assert SplitManager(unguarded).create_initial_split("sig", 0.3, 2, group_by="capture", check_samples=False) == 1
    assert SplitManager(unguarded).read_version("sig", 1).raw["group_count"] == 7  # the broken JSON alone too
    held: list = []
    assert manager.create_initial_split("sig", 0.3, 2, group_by="capture", held_back=held) == 1
    assert [(h.sample_id, h.kind) for h in held] == [("broken", "bad_labels")]  # the guard keeps it out
    v1 = manager.read_version("sig", 1)
    assert v1.raw["group_count"] == 6  # good1+good2 together, every other sample alone
    assert sorted(v1.train + v1.val) == sorted([*bad, "good1", "good2"])
    assert {"good1", "good2"} <= set(v1.train) or {"good1", "good2"} <= set(v1.val)
    assert window_of(json.loads((samples / "nan.json").read_text())) == ("rec", None, None)


def test_one_capture_run_for_everything_is_a_clear_refusal(tmp_path):
    samples = tmp_path / "signals" / "sig" / "samples"
    for i in range(5):
        write_sample(samples, f"w{i}", shape=(8, 8), seed=i, extra=meta("rec", i * WINDOW))
    with pytest.raises(SplitStateError, match="all 5 sample.*one group") as caught:
        SplitManager(tmp_path / "signals").create_initial_split("sig", group_by="capture")
    assert caught.value.path.endswith("samples") and not (samples.parent / "splits" / "v1.json").exists()


def test_the_seed_reads_and_extends_a_capture_aware_v1(tmp_path):
    seed_splits = pytest.importorskip("seed_splits", reason="../shared/seed is not present")
    samples = tmp_path / "signals" / "sig" / "samples"
    for i in range(20):
        write_sample(samples, f"w{i:02d}", shape=(8, 8), seed=i, extra=meta(f"rec{i // 5}", i * WINDOW))
    ours = SplitManager(tmp_path / "signals")
    ours.create_initial_split("sig", 0.2, 3, group_by="capture")
    seed = seed_splits.SplitManager(str(tmp_path / "signals"))
    assert tuple(seed.get_split("sig")) == ours.get_split("sig") and seed.get_active_split_version("sig") == 1
    write_sample(samples, "new", shape=(8, 8), seed=99, extra=meta("rec-new", 0.0))
    assert seed.extend_split("sig") == 2
    assert set(ours.get_split("sig")[1]) == set(ours.get_split("sig", 1)[1]) and "new" in ours.get_split("sig")[0]


# -- the demo and the CLI -----------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_root(tmp_path_factory) -> Path:
    from specgui.core.demo.writer import write_demo

    return write_demo(tmp_path_factory.mktemp("demo"), signals=3, samples=40, size=(32, 32)).signals_root


@pytest.mark.parametrize("signal", ["burst", "tone"])
def test_demo_grouped_by_capture_has_no_capture_leak_the_default_has(demo_root, tmp_path, signal, capsys):
    from tests.cli.test_cli_split import cli, cli_json

    import shutil

    root = tmp_path / "signals"
    shutil.copytree(demo_root / signal / "samples", root / signal / "samples")
    code, data, _ = cli_json(capsys, "split", "create", root, signal, "--group-by", "capture")
    info = data["version"]
    assert code == 0 and info["group_by"] == "capture" and info["group_count"] > 2
    assert abs(info["val_ratio"] - 0.2) <= 0.05
    assert audit_split(root, signal).leak_counts()["capture"] == 0
    code, text, _ = cli(capsys, "split", "verify", root, signal)
    assert code == 0 and "capture-aware (v1 grouped by capture); 0 capture leak pair(s) in v1" in text
    # the demo's own v1 (the seed's algorithm) leaks, and verify says so without calling it a problem
    assert audit_split(demo_root, signal).leak_counts()["capture"] > 0
    code, data, _ = cli_json(capsys, "split", "verify", demo_root, signal)
    assert code == 0 and data["capture_aware"] is False and data["capture_leaks"] > 0


def test_cli_group_by_refuses_unknown_values_with_exit_2(tmp_path):
    from tests.cli.test_cli_split import snapshot

    write_sample(tmp_path / "signals" / "sig" / "samples", "a", extra=meta("rec", 0.0))
    before = snapshot(tmp_path)
    run = [sys.executable, "-m", "specgui", "split", "create", str(tmp_path), "sig", "--group-by"]
    done = subprocess.run(run + ["pixels", "--json"], capture_output=True, text=True)
    data = json.loads(done.stdout)
    assert done.returncode == 2 and not data["ok"] and "--group-by" in data["error"] and "capture+pixels" in data["error"]
    done = subprocess.run(run + ["session"], capture_output=True, text=True)
    assert done.returncode == 2 and "invalid choice" in done.stderr and not done.stdout
    assert snapshot(tmp_path) == before


def test_extend_preview_names_the_val_capture_group_a_new_window_falls_in(tmp_path):
    from specgui.core.audit.capture_groups import leaking_new_samples
    from specgui.gui.widgets.checks.leak_text import describe_evidence

    samples = tmp_path / "signals" / "sig" / "samples"
    for i in range(12):  # four recordings of three back-to-back windows
        write_sample(samples, f"w{i:02d}", shape=(8, 8), seed=i, extra=meta(f"rec{i // 3}", (i % 3) * WINDOW))
    manager = SplitManager(tmp_path / "signals")
    manager.create_initial_split("sig", 0.25, 2, group_by="capture")
    val = manager.get_split("sig")[1]
    val_capture = json.loads((samples / f"{val[0]}.json").read_text())["source_capture"]
    train_capture = next(f"rec{i}" for i in range(4) if f"rec{i}" != val_capture)
    write_sample(samples, "n_val", shape=(8, 8), seed=50, extra=meta(val_capture, 0.3))  # after the val run
    write_sample(samples, "n_train", shape=(8, 8), seed=51, extra=meta(train_capture, 0.3))  # after a train run
    leaks = leaking_new_samples(manager, "sig", manager.preview_extend("sig"))
    assert {new for new, _, _ in leaks} == {"n_val"}
    evidence = leaks[0][2]
    assert evidence["val_group"] == {"start": 0.0, "end": pytest.approx(0.3), "windows": 3}
    text = describe_evidence("capture", evidence, first="new")
    assert "in val's capture group 0.00–0.30 s (3 window(s)), so not to train" in text
