"""Synthetic RF spectrograms for the demo tree: a noise floor in dB plus placed emitters.

Each kind paints linear power into slices of a float32 ``(rows, cols)`` array (row 0 =
highest frequency, column = time) and returns the pixel boxes of what it placed, so the
labels always match the picture. Everything is vectorised numpy: one 1024x1024 sample
costs about 15 ms before compression.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

KINDS = ("burst", "tone", "chirp", "fhss", "wideband")
#: dB range mapped onto 0..255, as the field's ``spectrogram_params.dynamic_range_db``.
DYNAMIC_RANGE_DB = 60.0
#: dB value that maps to pixel 0 (the noise floor sits at 0 dB, about pixel 55).
FLOOR_OFFSET_DB = -13.0

Box = tuple[int, int, int, int]  # x_min, y_min, x_max, y_max (pixels, max > min)


def clamp_box(x0: int, y0: int, x1: int, y1: int, rows: int, cols: int) -> Box:
    """Clamp a box into the image and force max > min, as the field's labeler does."""
    x0 = min(max(int(x0), 0), cols - 2)
    y0 = min(max(int(y0), 0), rows - 2)
    x1 = min(max(int(x1), x0 + 1), cols - 1)
    y1 = min(max(int(y1), y0 + 1), rows - 1)
    return x0, y0, x1, y1


def _amp(rng: np.random.Generator, lo_db: float = 10.0, hi_db: float = 30.0) -> float:
    return float(10 ** (rng.uniform(lo_db, hi_db) / 10))


def _taper(n: int, edge: float = 0.15) -> np.ndarray:
    """Flat top with raised-cosine edges: the rise and fall of a real emission."""
    k = max(1, int(n * edge))
    window = np.ones(n, dtype=np.float32)
    ramp = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, k + 2, dtype=np.float32)[1:-1])
    window[:k] = ramp
    window[n - k:] = np.minimum(window[n - k:], ramp[::-1])
    return window


def _add_block(power: np.ndarray, y0: int, x0: int, rows_gain: np.ndarray, cols_gain: np.ndarray) -> Box:
    """Add ``outer(rows_gain, cols_gain)`` at (y0, x0), cropped to the image; the box it covers."""
    rows, cols = power.shape
    y1, x1 = y0 + len(rows_gain), x0 + len(cols_gain)
    ya, yb, xa, xb = max(y0, 0), min(y1, rows), max(x0, 0), min(x1, cols)
    power[ya:yb, xa:xb] += np.outer(rows_gain[ya - y0:yb - y0], cols_gain[xa - x0:xb - x0])
    return clamp_box(xa, ya, xb, yb, rows, cols)


def _burst(power: np.ndarray, rng: np.random.Generator) -> list[Box]:
    """Short-time bursts (packet radios): a few small blocks with soft edges."""
    rows, cols = power.shape
    boxes = []
    for _ in range(int(rng.integers(1, 5))):
        w = max(3, int(cols * rng.uniform(0.02, 0.12)))
        h = max(3, int(rows * rng.uniform(0.02, 0.08)))
        x0, y0 = int(rng.integers(0, cols - w)), int(rng.integers(0, rows - h))
        boxes.append(_add_block(power, y0, x0, _amp(rng) * _taper(h, 0.3), _taper(w, 0.05)))
    return boxes


def _tone(power: np.ndarray, rng: np.random.Generator) -> list[Box]:
    """Narrowband CW tones: a few rows high, long in time, slowly fading."""
    rows, cols = power.shape
    boxes = []
    for _ in range(int(rng.integers(1, 4))):
        h = int(rng.integers(2, 5))
        w = cols if rng.random() < 0.4 else max(8, int(cols * rng.uniform(0.3, 0.9)))
        x0, y0 = int(rng.integers(0, cols - w + 1)), int(rng.integers(2, rows - h - 2))
        t = np.arange(w, dtype=np.float32)
        fade = 1.0 + 0.4 * np.sin(2 * np.pi * t / rng.uniform(0.2, 1.0) / cols + rng.uniform(0, 6.3))
        boxes.append(_add_block(power, y0, x0, _amp(rng, 15, 35) * np.ones(h, np.float32), fade.astype(np.float32)))
    return boxes


def _chirp(power: np.ndarray, rng: np.random.Generator) -> list[Box]:
    """LFM sweeps: a thick line from (x0, f0) to (x1, f1), painted in its bounding block."""
    rows, cols = power.shape
    boxes = []
    for _ in range(int(rng.integers(1, 3))):
        w = max(8, int(cols * rng.uniform(0.2, 0.7)))
        span = max(4, int(rows * rng.uniform(0.1, 0.6)))
        thick = max(1.5, rows * rng.uniform(0.003, 0.008))
        x0 = int(rng.integers(0, cols - w))
        top = int(rng.integers(0, rows - span))
        start, end = (top + span, top) if rng.random() < 0.5 else (top, top + span)  # up- or down-sweep
        pad = int(np.ceil(thick))
        ya, yb = max(top - pad, 0), min(top + span + pad + 1, rows)
        centre = np.linspace(start, end, w, dtype=np.float32)
        dist = np.abs(np.arange(ya, yb, dtype=np.float32)[:, None] - centre[None, :])
        power[ya:yb, x0:x0 + w] += _amp(rng) * np.clip(1 - dist / thick, 0, 1)
        boxes.append(clamp_box(x0, top - pad // 2, x0 + w, top + span + pad // 2 + 1, rows, cols))
    return boxes


def _fhss(power: np.ndarray, rng: np.random.Generator) -> list[Box]:
    """Frequency hopping: equal dwells on a channel grid, one box per hop."""
    rows, cols = power.shape
    dwell = max(3, int(cols * rng.uniform(0.03, 0.06)))
    gap = max(1, dwell // 5)
    h = max(2, int(rows * rng.uniform(0.012, 0.03)))
    channels = np.arange(int(rows * 0.05), rows - h - int(rows * 0.05), h + max(1, h // 2))
    amp = _amp(rng, 12, 28)
    boxes = []
    x = int(rng.integers(0, max(1, cols // 5)))
    while x + dwell <= cols and len(boxes) < 16:
        y0 = int(rng.choice(channels))
        boxes.append(_add_block(power, y0, x, amp * _taper(h, 0.25), _taper(dwell, 0.1)))
        x += dwell + gap
    return boxes


def _wideband(power: np.ndarray, rng: np.random.Generator) -> list[Box]:
    """OFDM-like blocks: wide, flat-topped, subcarrier ripple, symbol-rate level changes."""
    rows, cols = power.shape
    boxes = []
    for _ in range(int(rng.integers(1, 3))):
        h = max(8, int(rows * rng.uniform(0.15, 0.4)))
        w = max(8, int(cols * rng.uniform(0.2, 0.6)))
        x0, y0 = int(rng.integers(0, cols - w)), int(rng.integers(0, rows - h))
        subcarriers = (0.7 + 0.6 * rng.random(h)).astype(np.float32) * _taper(h, 0.04)
        symbol = max(1, w // int(rng.integers(6, 20)))
        levels = np.repeat(0.6 + 0.8 * rng.random(w // symbol + 1), symbol)[:w].astype(np.float32)
        boxes.append(_add_block(power, y0, x0, _amp(rng, 8, 22) * subcarriers, levels * _taper(w, 0.02)))
    return boxes


PAINTERS: dict[str, Callable[[np.ndarray, np.random.Generator], list[Box]]] = {
    "burst": _burst, "tone": _tone, "chirp": _chirp, "fhss": _fhss, "wideband": _wideband,
}


def noise_floor(rng: np.random.Generator, rows: int, cols: int) -> np.ndarray:
    """Linear noise power under a receiver's filter shape (mean 1 in the passband)."""
    edge = np.abs(np.linspace(-1, 1, rows, dtype=np.float32))
    shape_db = -0.8 * np.linspace(0, 1, rows, dtype=np.float32) - 6.0 * np.clip((edge - 0.92) / 0.08, 0, 1) ** 2
    floor = (10 ** (shape_db / 10)).astype(np.float32)
    # the mean of 8 periodograms, as a Welch-averaged field spectrogram: speckle of a few dB
    return rng.standard_gamma(8.0, (rows, cols), dtype=np.float32) * (floor[:, None] / 8.0)


def to_uint8(power: np.ndarray) -> np.ndarray:
    """Power to dB, then the 60 dB above ``FLOOR_OFFSET_DB`` onto 0..255."""
    db = 10 * np.log10(np.maximum(power, 1e-6, out=power), out=power)
    scaled = (db - FLOOR_OFFSET_DB) * (255.0 / DYNAMIC_RANGE_DB)
    return np.clip(scaled, 0, 255, out=scaled).astype(np.uint8)


def render(kind: str, rng: np.random.Generator, rows: int, cols: int) -> tuple[np.ndarray, list[Box]]:
    """One spectrogram of ``kind`` and the boxes of the emitters placed in it."""
    power = noise_floor(rng, rows, cols)
    boxes = PAINTERS[kind](power, rng)
    return to_uint8(power), boxes
