"""Split health from the JSONs: distributions, drift, image size, val frozen / shrunk."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from specgui.core.samples.spectrogram_file import npz_image_shape
from specgui.core.splits.health import checked_diff, image_shape, js_distance, split_health
from specgui.core.splits.manager import SplitManager
from tests.core.audit.test_audit_helpers import write_pixels, write_split

PIXELS = np.zeros((100, 200), dtype=np.uint8)  # rows = band, cols = time


def _box(x0, y0, x1, y1, **extra) -> dict:
    return {"x_min": x0, "y_min": y0, "x_max": x1, "y_max": y1, **extra}


@pytest.fixture
def signal(tmp_path: Path) -> Path:
    """train: a (2 boxes, labels), b (1 box, class_names); val: c (1 box), d (3 boxes, unlabelled)."""
    samples = tmp_path / "signals" / "sig" / "samples"
    write_pixels(samples, "a", PIXELS, boxes=[_box(0, 0, 20, 10, label="burst"), _box(100, 50, 200, 100, label="tone")])
    write_pixels(samples, "b", PIXELS, boxes=[_box(40, 40, 60, 60)], class_names=["burst"])
    write_pixels(samples, "c", PIXELS, boxes=[_box(0, 0, 20, 10)], class_names=["burst"])
    write_pixels(samples, "d", PIXELS, boxes=[_box(0, 0, 200, 100)] * 3)
    write_split(samples.parent, ["a", "b"], ["c", "d"])
    return samples.parent


def test_per_split_distributions(signal):
    health = split_health(signal.parent, "sig")
    train, val = health.train, health.val
    assert (health.version, train.listed, train.readable, train.boxes, val.boxes) == (1, 2, 2, 3, 4)
    assert train.boxes_per_sample.counts[:4] == [0, 1, 1, 0] and train.boxes_per_sample.stats["mean"] == 1.5
    assert train.width_px["max"] == 100 and train.height_px["min"] == 10
    assert train.box_width.stats["max"] == pytest.approx(0.5) and train.box_height.stats["min"] == pytest.approx(0.1)
    assert sum(train.box_width.counts) == 3 and len(train.box_width.edges) == len(train.box_width.counts) + 1
    assert train.class_counts == {"burst": 2, "tone": 1} and train.unlabelled_boxes == 0
    assert val.class_counts == {"burst": 1} and val.unlabelled_boxes == 3
    assert train.image_sizes == {"100x200": 2}
    heat = np.array(train.centre_heatmap)
    assert heat.shape == (16, 16) and heat.sum() == pytest.approx(1.0, abs=1e-5)
    assert heat[0, 0] == pytest.approx(1 / 3)  # box (0,0)-(20,10): centre in the top-left cell


def test_drift_figures(signal):
    health = split_health(signal.parent, "sig")
    assert set(health.drift) == {"boxes_per_sample", "box_width", "box_height", "box_centre", "classes"}
    assert all(0.0 <= v <= 1.0 for v in health.drift.values())
    assert health.drift["boxes_per_sample"] == pytest.approx(0.5 ** 0.5)  # {1, 2} vs {1, 3} boxes: half shared
    assert health.drift_max == max(health.drift.values())


def test_js_distance():
    assert js_distance([1, 2, 3], [2, 4, 6]) == pytest.approx(0.0)
    assert js_distance([1, 0], [0, 1]) == pytest.approx(1.0)
    assert 0 < js_distance([3, 1], [1, 3]) < 1
    assert js_distance([0, 0], [1, 1]) is None


def test_image_size_from_output_size_or_the_npz_header(tmp_path):
    npz = tmp_path / "x.npz"
    np.savez_compressed(npz, spectrogram=np.zeros((64, 128), dtype=np.uint8))
    assert npz_image_shape(npz) == (64, 128)
    assert image_shape({"spectrogram_params": {"output_size": [32, 32]}}, npz) == (32, 32)
    assert image_shape({"spectrogram_params": {"output_size": [32, 16]}}, npz) == (64, 128)  # order unknown
    assert image_shape({"spectrogram_params": "odd"}, npz) == (64, 128)


def test_val_frozen_and_val_shrunk_by_missing_files(signal):
    manager = SplitManager(signal.parent)
    write_pixels(signal / "samples", "e", np.random.default_rng(1).integers(0, 256, PIXELS.shape, dtype=np.uint8))
    manager.extend_split("sig")
    health = split_health(signal.parent, "sig")
    assert health.version == 2 and health.val_frozen is True and health.warnings == []
    assert health.parent_version == 1 and health.diff_from_parent.diff.train_added == ("e",)
    (signal / "samples" / "d.npz").unlink()
    health = split_health(signal.parent, "sig")
    assert health.val.missing == ["d"] and health.val.listed == 2 and health.val.readable == 1
    assert any("val: 1 of 2" in w and "val shrank" in w for w in health.warnings)
    diff = checked_diff(manager, "sig", 1, 2)
    assert diff.val_frozen is True and diff.val_missing == ["d"] and "val shrank" in diff.warnings[0]


def test_val_that_drifted_from_v1_is_flagged(signal):
    write_split(signal, ["a"], ["b", "c"], version=2, parent=1)
    health = split_health(signal.parent, "sig")
    assert health.val_frozen is False
    assert any("differs from v1" in w for w in health.warnings)
    assert any("val changed from v1 to v2" in w for w in health.warnings)
    assert split_health(signal.parent, "sig", version=1).val_frozen is True


def test_unreadable_json_is_a_problem_not_a_crash(signal):
    (signal / "samples" / "b.json").write_text(json.dumps({"boxes": [{"x_min": 5}]}))
    health = split_health(signal.parent, "sig")
    assert [sid for sid, _ in health.train.problems] == ["b"] and health.train.readable == 1
    assert any("could not be read" in w for w in health.warnings)


def test_torchsig_health_has_class_names(torchsig_root):
    SplitManager(torchsig_root).create_initial_split("wideband")
    health = split_health(torchsig_root, "wideband")
    assert health.train.readable + health.val.readable == 6 and health.train.class_counts
    assert set(health.train.image_sizes) == {"1024x1024"} and health.val_frozen is True
