"""A generated stand-in for ``../shared/data/torchsig-sample``: same layout, sizes and JSON keys.

Five signal folders (``chirp``, ``fsk``, ``ofdm``, ``psk`` with 2 samples, ``wideband`` with 6),
``NNNN`` IDs, 1024x1024 uint8 spectrograms (exponential noise floor in dB with bright emitters,
compressed), and TorchSig-style JSON: ``boxes`` (the signal extents, taller than the visible
band), ``boxes_tight`` (the visible band), ``class_names``, ``snr_db``, ``boxes_source``.
Every test that takes ``torchsig_root`` also runs on this tree, so a clone without ``../shared``
still exercises real-sized images, several boxes per sample and the extra box keys.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

COUNTS = {"chirp": 2, "fsk": 2, "ofdm": 2, "psk": 2, "wideband": 6}
SIDE = 1024


def _spectrogram(rng: np.random.Generator, emitters: int) -> tuple[np.ndarray, list[dict], list[dict], list[float]]:
    power_db = 10 * np.log10(rng.exponential(1.0, (SIDE, SIDE)))
    boxes, tight, snrs = [], [], []
    for _ in range(emitters):
        x0 = int(rng.integers(0, SIDE - 300))
        y0 = int(rng.integers(20, SIDE - 200))
        w, h = int(rng.integers(80, 290)), int(rng.integers(40, 170))
        pad = max(4, h // 10)
        snr = float(np.round(rng.uniform(8, 28), 1))
        power_db[y0 + pad:y0 + h - pad, x0:x0 + w] += snr
        boxes.append({"x_min": x0, "y_min": y0, "x_max": x0 + w, "y_max": y0 + h})
        tight.append({"x_min": x0, "y_min": y0 + pad, "x_max": x0 + w, "y_max": y0 + h - pad})
        snrs.append(snr)
    pixels = np.clip((power_db + 20) * (255 / 60), 0, 255).astype(np.uint8)
    return pixels, boxes, tight, snrs


def write_torchsig_like(dest: Path, seed: int = 2024) -> Path:
    """Write the tree under ``dest`` (the signals root) and return it."""
    rng = np.random.default_rng(seed)
    for signal, count in COUNTS.items():
        samples = dest / signal / "samples"
        samples.mkdir(parents=True)
        for n in range(count):
            pixels, boxes, tight, snrs = _spectrogram(rng, 3 if signal == "wideband" else 1)
            np.savez_compressed(samples / f"{n:04d}.npz", spectrogram=pixels)
            meta = {"boxes": boxes, "boxes_source": "generated (tests/torchsig_like.py)", "boxes_tight": tight,
                    "class_names": [signal] * len(boxes), "snr_db": snrs}
            (samples / f"{n:04d}.json").write_text(json.dumps(meta, indent=1))
    return dest
