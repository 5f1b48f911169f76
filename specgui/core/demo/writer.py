"""A realistic demo tree: signals of different character, field-style metadata, and splits.

Written so every part of the app has something to show: 16-hex IDs (sha256 of capture and
window, as the field's labeler) and one signal with ``0001``-style IDs; runs of consecutive
windows of each capture (the leakage audit finds neighbours across train/val); v1 for all but
the last signal; pending samples on the first. Deterministic for a seed (pixels and JSON).
Never overwrites: sample files are created exclusively and existing signal folders skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

import numpy as np

from .signals import DYNAMIC_RANGE_DB, KINDS, render
from ..errors import DataRootError
from ..layout import SAMPLES_DIRNAME, SIGNALS_DIRNAME
from ..splits.manager import SplitManager

#: Per kind: centre frequency (MHz), sample rate (MHz), capture site.
RF_PLANS = {
    "burst": (915.0, 20.0, "site4"),
    "tone": (433.92, 10.0, "site2"),
    "chirp": (2450.0, 40.0, "site7"),
    "fhss": (2440.0, 80.0, "site4"),
    "wideband": (825.0, 20.0, "site1"),
}
WINDOW_SEC = 0.1
CAPTURES_PER_SIGNAL = 2
#: Windows come in runs of consecutive windows (2 to 6), where the labeler found activity,
#: with quiet stretches (seconds) between runs, as in the field's captures.
RUN_WINDOWS = (2, 7)
GAP_SEC = (0.5, 3.0)
MIN_SIZE = 32
_BASE_TIME = datetime(2026, 1, 20, 8, 0, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class DemoSignal:
    """What was written for one signal (``skipped`` names why nothing was)."""

    name: str
    kind: str
    id_style: str  # "hex16" or "digits"
    samples: int
    split_version: int | None
    train_count: int
    val_count: int
    pending: int
    skipped: str | None = None


@dataclass(frozen=True)
class DemoReport:
    root: Path
    signals_root: Path
    seed: int
    size: tuple[int, int]
    compressed: bool
    signals: tuple[DemoSignal, ...]
    total_samples: int
    seconds: float


@dataclass(frozen=True)
class _Job:
    samples_dir: Path
    kind: str
    seed: int
    signal_index: int
    index: int
    sample_id: str
    meta: dict


def signal_names(count: int) -> list[str]:
    """``burst, tone, chirp, fhss, wideband``, then ``burst2``... for more."""
    return [KINDS[i % len(KINDS)] + (str(i // len(KINDS) + 1) if i >= len(KINDS) else "") for i in range(count)]


def hex_id(capture: str, window_start: float) -> str:
    """The field's ID: the first 16 hex characters of sha256 of capture and window start."""
    return hashlib.sha256(f"{capture}|{window_start:.6f}".encode()).hexdigest()[:16]


def write_demo(root: str | os.PathLike, *, signals: int = 3, samples: int = 40, seed: int = 0,
               size: tuple[int, int] = (1024, 1024), compressed: bool = True, force: bool = False,
               progress: Callable[[int, int], None] | None = None) -> DemoReport:
    """Write the demo tree under ``root/signals``; refuses a non-empty one unless ``force``."""
    rows, cols = (int(v) for v in size)
    if signals < 1 or samples < 1 or rows < MIN_SIZE or cols < MIN_SIZE:
        raise ValueError(f"need >= 1 signal, >= 1 sample and a size of at least {MIN_SIZE}x{MIN_SIZE}")
    started = time.perf_counter()
    root = Path(root)
    signals_root = _prepare_root(root, force)
    names = signal_names(signals)
    pending_count = min(5, max(1, samples // 8))
    plans: dict[str, list[_Job]] = {}
    skipped: dict[str, str] = {}
    for i, name in enumerate(names):
        if (signals_root / name).exists():
            skipped[name] = f"{signals_root / name} already exists; left untouched"
            continue
        count = samples + (pending_count if i == 0 else 0)
        plans[name] = _plan_signal(signals_root / name, KINDS[i % len(KINDS)], i, count, seed, (rows, cols), names)
    jobs = [job for name in plans for job in plans[name][:samples]]
    _write_all(jobs, compressed, progress, total=sum(len(p) for p in plans.values()))
    manager = SplitManager(signals_root)
    split_names = names[:-1] if len(names) > 1 else names
    for name in split_names:
        if name in plans:
            manager.create_initial_split(name, 0.2, seed, notes="Demo split: initial 80/20")
    first = names[0]
    if first in plans:  # the rest of the first signal's windows arrive after v1: pending
        _write_all(plans[first][samples:], compressed, progress, total=len(jobs) + pending_count, done=len(jobs))
    report = [_summary(manager, name, i, plans, skipped) for i, name in enumerate(names)]
    return DemoReport(root, signals_root, seed, (rows, cols), compressed, tuple(report),
                      sum(s.samples for s in report), time.perf_counter() - started)


def _prepare_root(root: Path, force: bool) -> Path:
    if root.exists() and not root.is_dir():
        raise DataRootError(root, "exists and is not a folder")
    signals_root = root / SIGNALS_DIRNAME
    if signals_root.exists() and not signals_root.is_dir():
        raise DataRootError(signals_root, "exists and is not a folder")
    if signals_root.is_dir() and not _is_empty(signals_root) and not force:
        raise DataRootError(signals_root, "is not empty; refusing to write demo data into it (with --force "
                                          "demo signals are added beside what is there; nothing is overwritten)")
    try:
        signals_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataRootError(exc.filename or signals_root, f"cannot create: {exc.strerror or exc}") from None
    return signals_root


def _is_empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def _plan_signal(signal_dir: Path, kind: str, signal_index: int, count: int, seed: int,
                 size: tuple[int, int], names: list[str]) -> list[_Job]:
    """IDs and metadata for ``count`` consecutive windows spread over a few captures."""
    centre_mhz, rate_mhz, site = RF_PLANS[kind]
    rng = np.random.default_rng([seed, signal_index, 1_000_000])
    digits = signal_index == 1  # one signal with the seed docs' 0001-style IDs
    width = max(4, len(str(count)))
    per_capture = -(-count // CAPTURES_PER_SIGNAL)
    jobs = []
    for index in range(count):
        capture_no, k = divmod(index, per_capture)
        day = _BASE_TIME + timedelta(days=signal_index * 3 + capture_no)
        capture = f"{site}_{day:%Y-%m-%d}_{names[signal_index]}{capture_no + 1}.rfcap"
        if k == 0:  # each capture starts somewhere in its first 30 s
            offset, left_in_run = round(float(rng.uniform(0, 30)), 2), int(rng.integers(*RUN_WINDOWS))
        elif left_in_run == 0:  # a quiet stretch of the recording: the next run of windows starts later
            offset += round(float(rng.uniform(*GAP_SEC)), 2)
            left_in_run = int(rng.integers(*RUN_WINDOWS))
        left_in_run -= 1
        start = round(offset + k * WINDOW_SEC, 6)
        sample_id = f"{index + 1:0{width}d}" if digits else hex_id(capture, start)
        meta = {
            "sample_id": sample_id,
            "source_capture": capture,
            "time_offset_sec": round(start + WINDOW_SEC / 2, 6), "duration_sec": WINDOW_SEC,
            "window_start_sec": start, "window_duration_sec": WINDOW_SEC,
            "center_freq_mhz": centre_mhz, "center_freq_hz": centre_mhz * 1e6,
            "sample_rate_mhz": rate_mhz, "sample_rate": rate_mhz * 1e6,
            "created_at": f"{day + timedelta(hours=2, seconds=7 * k):%Y-%m-%dT%H:%M:%SZ}",
            "created_by": "specgui_demo",
            "coordinate_format": "real_units",
            "spectrogram_params": {"fft_size": 4096, "hop_length": 2048,
                                   "dynamic_range_db": int(DYNAMIC_RANGE_DB), "output_size": list(size)},
        }
        jobs.append(_Job(signal_dir / SAMPLES_DIRNAME, kind, seed, signal_index, index, sample_id, meta))
    return jobs


def _write_all(jobs: list[_Job], compressed: bool, progress, total: int, done: int = 0) -> None:
    """Render and write samples on a few threads (zlib and numpy release the GIL)."""
    for folder in {job.samples_dir for job in jobs}:
        folder.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(4, os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        for _ in pool.map(lambda job: _write_sample(job, compressed), jobs):
            done += 1
            if progress is not None:
                progress(done, total)


def _write_sample(job: _Job, compressed: bool) -> None:
    seed_seq = [job.seed, job.signal_index, job.index]
    rows, cols = job.meta["spectrogram_params"]["output_size"]
    pixels, boxes = render(job.kind, np.random.default_rng(seed_seq), rows, cols)
    meta = dict(job.meta)
    meta["boxes"] = [{"x_min": x0, "y_min": y0, "x_max": x1, "y_max": y1, "label": "signal", "confidence": None}
                     for x0, y0, x1, y1 in boxes]
    meta["original_boxes"] = [_real_units(box, meta, rows, cols) for box in boxes]
    # The .npz first and the .json last: a sample is complete only once both exist.
    with open(job.samples_dir / f"{job.sample_id}.npz", "xb") as fh:
        (np.savez_compressed if compressed else np.savez)(fh, spectrogram=pixels)
    with open(job.samples_dir / f"{job.sample_id}.json", "x", encoding="utf-8") as fh:
        fh.write(json.dumps(meta, indent=2) + "\n")


def _real_units(box, meta: dict, rows: int, cols: int) -> dict:
    """Pixels to seconds and MHz: x over the window, y over the band, row 0 = highest frequency."""
    x0, y0, x1, y1 = box
    start, span = meta["window_start_sec"], meta["window_duration_sec"]
    top = meta["center_freq_mhz"] + meta["sample_rate_mhz"] / 2
    per_row = meta["sample_rate_mhz"] / rows
    return {
        "time_start_sec": round(start + x0 * span / cols, 6), "time_end_sec": round(start + x1 * span / cols, 6),
        "freq_start_mhz": round(top - y1 * per_row, 6), "freq_end_mhz": round(top - y0 * per_row, 6),
    }


def _summary(manager: SplitManager, name: str, index: int, plans: dict, skipped: dict) -> DemoSignal:
    kind = KINDS[index % len(KINDS)]
    style = "digits" if index == 1 else "hex16"
    if name in skipped:
        return DemoSignal(name, kind, style, 0, None, 0, 0, 0, skipped[name])
    written = len(plans[name])
    if manager.get_active_split_version(name) == 0:
        return DemoSignal(name, kind, style, written, None, 0, 0, written)
    train, val = manager.get_split(name)
    return DemoSignal(name, kind, style, written, 1, len(train), len(val), len(manager.get_pending_samples(name)))
