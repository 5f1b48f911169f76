"""``specgui demo``: a realistic, deterministic tree that the rest of specgui can read."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from specgui.cli.main import main
from specgui.core.demo.writer import GAP_SEC, WINDOW_SEC, hex_id, write_demo
from specgui.core.demo.signals import KINDS, clamp_box, noise_floor, render, to_uint8
from specgui.core.samples.loading import load_sample
from specgui.core.splits.verify import verify_splits
from specgui.core.splits.manager import SplitManager
from tests.cli.test_cli_split import snapshot

FORMAT_KEYS = {"sample_id", "source_capture", "time_offset_sec", "duration_sec", "window_start_sec",
               "window_duration_sec", "center_freq_mhz", "center_freq_hz", "sample_rate_mhz", "sample_rate",
               "created_at", "created_by", "coordinate_format", "spectrogram_params", "boxes", "original_boxes"}
SIZE = (64, 96)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    report = write_demo(root, signals=5, samples=16, seed=3, size=SIZE)
    return root, report


def _samples(root: Path, signal: str) -> list[dict]:
    folder = root / "signals" / signal / "samples"
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def test_tree_splits_and_pending(demo):
    root, report = demo
    assert [s.name for s in report.signals] == list(KINDS)
    manager = SplitManager(root)
    for i, s in enumerate(report.signals):
        expected = 16 + (2 if i == 0 else 0)  # min(5, max(1, 16 // 8)) pending windows on the first
        assert s.samples == expected == len(list((root / "signals" / s.name / "samples").glob("*.npz")))
        if s.name == "wideband":  # the last signal has no split yet
            assert manager.get_active_split_version(s.name) == 0 and s.pending == 16
            continue
        train, val = manager.get_split(s.name)
        assert (len(train), len(val), s.split_version) == (13, 3, 1)
        assert len(manager.get_pending_samples(s.name)) == s.pending == (2 if i == 0 else 0)
        assert verify_splits(root / "signals" / s.name).ok
    assert report.total_samples == 16 * 5 + 2


def test_metadata_is_the_fields_shape(demo):
    root, _ = demo
    for signal in KINDS:
        for meta in _samples(root, signal):
            assert set(meta) == FORMAT_KEYS
            assert meta["center_freq_hz"] == meta["center_freq_mhz"] * 1e6
            assert meta["sample_rate"] == meta["sample_rate_mhz"] * 1e6
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", meta["created_at"])
            assert meta["spectrogram_params"]["output_size"] == list(SIZE)
            assert all(b["label"] == "signal" and b["confidence"] is None for b in meta["boxes"])
            if signal == "tone":
                assert re.fullmatch(r"\d{4}", meta["sample_id"])
            else:
                assert meta["sample_id"] == hex_id(meta["source_capture"], meta["window_start_sec"])


def test_boxes_inside_the_image_and_real_units_agree(demo):
    root, _ = demo
    rows, cols = SIZE
    for signal in KINDS:
        for meta in _samples(root, signal):
            assert meta["boxes"] and len(meta["boxes"]) == len(meta["original_boxes"])
            top = meta["center_freq_mhz"] + meta["sample_rate_mhz"] / 2
            for box, real in zip(meta["boxes"], meta["original_boxes"]):
                assert 0 <= box["x_min"] < box["x_max"] <= cols - 1 and 0 <= box["y_min"] < box["y_max"] <= rows - 1
                start, span = meta["window_start_sec"], meta["window_duration_sec"]
                assert real["time_start_sec"] == pytest.approx(start + box["x_min"] * span / cols, abs=1e-6)
                assert real["time_end_sec"] == pytest.approx(start + box["x_max"] * span / cols, abs=1e-6)
                assert real["freq_end_mhz"] == pytest.approx(top - box["y_min"] * meta["sample_rate_mhz"] / rows, abs=1e-6)
                assert start <= real["time_start_sec"] < real["time_end_sec"] <= start + span
                assert top - meta["sample_rate_mhz"] <= real["freq_start_mhz"] < real["freq_end_mhz"] <= top


def test_samples_load_through_the_safe_loader(demo):
    root, _ = demo
    for signal in KINDS:
        folder = root / "signals" / signal / "samples"
        for npz in sorted(folder.glob("*.npz"))[:4]:
            sample = load_sample(folder, npz.stem)
            assert sample.spectrogram.dtype == np.uint8 and sample.spectrogram.shape == SIZE
            with zipfile.ZipFile(npz) as archive:
                assert archive.infolist()[0].compress_type == zipfile.ZIP_DEFLATED  # as the field writes


def test_windows_come_in_runs_of_consecutive_windows_within_each_capture(demo):
    """Back-to-back windows (the audit's capture leaks) in runs, quiet gaps between the runs
    (so a capture-aware split can keep runs apart)."""
    root, _ = demo
    for signal in KINDS:
        by_capture: dict[str, list[float]] = {}
        for meta in _samples(root, signal):
            by_capture.setdefault(meta["source_capture"], []).append(meta["window_start_sec"])
        assert len(by_capture) == 2
        for starts in by_capture.values():
            steps = np.diff(sorted(starts))
            consecutive = np.isclose(steps, WINDOW_SEC)
            assert consecutive.any() and (~consecutive).any()  # 8 windows, runs of at most 6
            assert (steps[~consecutive] >= WINDOW_SEC + GAP_SEC[0] - 1e-9).all()


@pytest.mark.parametrize("kind", KINDS)
def test_emitters_are_where_the_boxes_say(kind):
    """Pixels brighter than any noise pixel lie inside the boxes, and every box holds some."""
    rng = np.random.default_rng(11)
    threshold = to_uint8(noise_floor(rng, 256, 256)).max()  # the brightest that noise alone gets
    for _ in range(10):
        pixels, boxes = render(kind, rng, 256, 256)
        mask = np.zeros(pixels.shape, bool)
        for x0, y0, x1, y1 in boxes:
            assert pixels[y0:y1 + 1, x0:x1 + 1].max() > threshold
            mask[y0:y1 + 1, x0:x1 + 1] = True
        bright = pixels > threshold
        assert (bright & mask).sum() / bright.sum() > 0.95


def test_clamp_box_forces_max_above_min_inside_the_image():
    assert clamp_box(-5, -5, -1, -2, 10, 20) == (0, 0, 1, 1)
    assert clamp_box(25, 12, 30, 12, 10, 20) == (18, 8, 19, 9)
    assert clamp_box(3, 4, 3, 4, 10, 20) == (3, 4, 4, 5)


def test_deterministic_for_a_seed_and_different_for_another(tmp_path):
    runs = {}
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        write_demo(tmp_path / name, signals=2, samples=4, seed=seed, size=(32, 32), compressed=False)
        folder = tmp_path / name / "signals" / "burst" / "samples"
        runs[name] = {p.name: (p.read_bytes() if p.suffix == ".json" else np.load(p)["spectrogram"].tobytes())
                      for p in folder.iterdir()}
    assert runs["a"] == runs["b"]
    assert set(runs["a"]).isdisjoint(runs["c"])  # other windows, other IDs
    with zipfile.ZipFile(next((tmp_path / "a" / "signals" / "tone" / "samples").glob("*.npz"))) as archive:
        assert archive.infolist()[0].compress_type == zipfile.ZIP_STORED  # --plain


def test_the_help_says_what_samples_writes_and_the_totals_follow_it(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "samples per signal (default 40); the first signal gets M/8 more (1 to 5)" in help_text
    assert "pending" in help_text
    for samples, extra in ((3, 1), (30, 3), (48, 5)):
        main(["demo", str(tmp_path / str(samples)), "--signals", "2", "--samples", str(samples),
              "--size", "32", "32", "--json"])
        data = json.loads(capsys.readouterr().out)
        assert data["total_samples"] == 2 * samples + extra
        assert [s["pending"] for s in data["signals"]] == [extra, samples]  # the last signal: no split yet


def test_cli_json_and_text(tmp_path, capsys):
    code = main(["demo", str(tmp_path / "d"), "--signals", "2", "--samples", "3", "--size", "32", "40", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and set(data) == {"ok", "root", "signals_root", "seed", "size", "compressed", "signals",
                                       "total_samples", "seconds"}
    assert set(data["signals"][0]) == {"name", "kind", "id_style", "samples", "split_version", "train_count",
                                       "val_count", "pending", "skipped"}
    assert data["size"] == [32, 40] and data["total_samples"] == 7
    code = main(["demo", str(tmp_path / "e"), "--signals", "1", "--samples", "2", "--size", "32", "32"])
    out = capsys.readouterr().out
    assert code == 0 and "Wrote 3 samples" in out and "burst" in out and "v1: " in out


def test_refuses_a_non_empty_signals_folder_and_force_never_overwrites(tmp_path, capsys):
    args = ["demo", str(tmp_path), "--signals", "2", "--samples", "3", "--size", "32", "32"]
    assert main(args) == 0
    capsys.readouterr()
    before = snapshot(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'signals'}: is not empty" in err and "--force" in err
    assert snapshot(tmp_path) == before
    assert main(args[:3] + ["3"] + args[4:] + ["--force", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["skipped"] is not None for s in data["signals"]] == [True, True, False]
    after = snapshot(tmp_path)
    assert {k: after[k] for k in before} == before and len(after) > len(before)


def test_bad_roots_and_sizes(tmp_path, capsys):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert main(["demo", str(a_file)]) == 2
    assert f"{a_file}: exists and is not a folder" in capsys.readouterr().err
    for bad in (["--size", "8", "8"], ["--samples", "0"], ["--signals", "-1"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["demo", str(tmp_path / "x"), *bad])
        assert exit_info.value.code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_real_subprocess(tmp_path):
    done = subprocess.run([sys.executable, "-m", "specgui", "demo", str(tmp_path), "--signals", "1", "--samples",
                           "2", "--size", "32", "32", "--json"], capture_output=True, text=True)
    assert done.returncode == 0 and json.loads(done.stdout)["total_samples"] == 3
    assert done.stderr == ""  # no progress bar when stderr is not a terminal
