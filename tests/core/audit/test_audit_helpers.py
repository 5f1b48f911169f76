"""Builders for the audit and split-health tests: spectrogram-like images, samples, splits.

No tests here; the other ``test_audit*`` / ``test_split_health*`` modules import these.
Random noise would be a poor stand-in for a spectrogram (a perceptual hash of noise is
noise), so images are a noise floor with a few bright bursts, as in the field.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from specgui.core.splits.store import point_active
from specgui.core.splits.version import read_split_version


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    """A private audit cache folder (``SPECGUI_CACHE_DIR``), outside the data folder."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("SPECGUI_CACHE_DIR", str(folder))
    return folder


def spectro_image(seed: int, shape=(256, 256), bursts: int = 4) -> np.ndarray:
    """uint8 noise floor with ``bursts`` bright rectangles (time x band), like a spectrogram."""
    rng = np.random.default_rng(seed)
    rows, cols = shape
    image = rng.normal(40, 6, size=shape)
    for _ in range(bursts):
        h, w = int(rng.integers(rows // 16, rows // 4)), int(rng.integers(cols // 8, cols // 2))
        y, x = int(rng.integers(0, rows - h)), int(rng.integers(0, cols - w))
        image[y:y + h, x:x + w] += rng.uniform(60, 160)
    return np.clip(image, 0, 255).astype(np.uint8)


def add_noise(pixels: np.ndarray, sigma: float = 6.0, seed: int = 99) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(0, sigma, size=pixels.shape)
    return np.clip(pixels.astype(np.float64) + noise, 0, 255).astype(np.uint8)


def shift_columns(pixels: np.ndarray, columns: int = 3) -> np.ndarray:
    """The window moved ``columns`` later in time: drop the first columns, repeat the last."""
    return np.concatenate([pixels[:, columns:], np.repeat(pixels[:, -1:], columns, axis=1)], axis=1)


def write_pixels(samples_dir: Path, sample_id: str, pixels: np.ndarray, *, compressed: bool = True,
                 boxes=None, **meta) -> None:
    """``{id}.npz`` holding ``pixels`` and ``{id}.json`` with ``boxes`` plus ``meta`` keys."""
    samples_dir.mkdir(parents=True, exist_ok=True)
    (np.savez_compressed if compressed else np.savez)(samples_dir / f"{sample_id}.npz", spectrogram=pixels)
    if boxes is None:
        boxes = [{"x_min": 2, "y_min": 3, "x_max": 20, "y_max": 30}]
    (samples_dir / f"{sample_id}.json").write_text(json.dumps({"sample_id": sample_id, "boxes": boxes, **meta}))


def window(capture: str, start: float, duration: float = 0.1) -> dict:
    return {"source_capture": capture, "window_start_sec": start, "window_duration_sec": duration}


def write_split(signal_dir: Path, train, val, version: int = 1, parent: int | None = None) -> None:
    """A seed-format ``vN.json`` with exactly this membership, made active."""
    splits = signal_dir / "splits"
    splits.mkdir(parents=True, exist_ok=True)
    train, val = list(train), list(val)
    data = {"version": version, "created_at": "2026-01-24T10:00:00Z", "total_samples": len(train) + len(val),
            "train_samples": train, "val_samples": val, "train_count": len(train), "val_count": len(val),
            "val_ratio": len(val) / max(1, len(train) + len(val)), "notes": "test"}
    if parent is None:
        data["random_seed"] = 42
    else:
        data.update(parent_version=parent, samples_added=0)
    path = splits / f"v{version}.json"
    path.write_text(json.dumps(data, indent=2))
    point_active(splits, read_split_version(path, version))


def data_files(folder: Path) -> set[str]:
    """Every file under ``folder`` (relative paths), to prove an audit wrote nothing there."""
    return {os.path.relpath(os.path.join(d, f), folder) for d, _, files in os.walk(folder) for f in files}
