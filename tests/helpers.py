"""Small builders of real sample files for tests."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np


def write_sample(samples_dir: Path, sample_id: str, *, shape=(32, 48), boxes=None, compressed=True,
                 seed: int = 0, extra: dict | None = None) -> tuple[Path, Path]:
    """Write ``{sample_id}.npz`` (uint8 noise) and ``{sample_id}.json`` (boxes + ``extra``)."""
    samples_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=shape, dtype=np.uint8)
    npz = samples_dir / f"{sample_id}.npz"
    (np.savez_compressed if compressed else np.savez)(npz, spectrogram=pixels)
    if boxes is None:
        boxes = [{"x_min": 1, "y_min": 2, "x_max": min(10, shape[1]), "y_max": min(12, shape[0])}]  # inside
    meta = {"sample_id": sample_id, "boxes": boxes, **(extra or {})}
    js = samples_dir / f"{sample_id}.json"
    js.write_text(json.dumps(meta))
    return npz, js


def make_signal(signals_root: Path, name: str, ids, **kwargs) -> Path:
    """A signal folder with one sample per ID; returns the signal folder."""
    for i, sample_id in enumerate(ids):
        write_sample(signals_root / name / "samples", sample_id, seed=i, **kwargs)
    return signals_root / name


def write_tiny_sample(samples_dir: Path, sample_id: str, shape=(8, 8)) -> None:
    """A small valid sample whose pixels are noise seeded by its ID (distinct, no near twin)."""
    seed = int.from_bytes(hashlib.sha256(sample_id.encode("utf-8", "surrogateescape")).digest()[:8], "little")
    pixels = np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)
    np.savez(samples_dir / f"{sample_id}.npz", spectrogram=pixels)
    (samples_dir / f"{sample_id}.json").write_text('{"boxes": []}')
