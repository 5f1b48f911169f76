"""Capture windows of samples, and which train/val windows of one capture overlap or touch.

Neighbouring windows of one recording share signal bursts, so a window in train and an
overlapping (or back-to-back) window in val leak. The window is ``window_start_sec`` ..
``window_start_sec + window_duration_sec`` of ``source_capture`` (docs/format.md).
Pairs are found by a sort-and-sweep per capture: O(n log n + pairs), never all pairs.
:func:`leaking_new_samples` applies it to an extend preview, before the new samples
join train, so the user can leave them pending.
"""

from __future__ import annotations

import heapq
import math
import os
from collections import defaultdict
from pathlib import Path

import numpy as np

from .cache import stat_key
from ..errors import SampleError
from ..samples.labels import read_sample_metadata

#: Windows closer than this (seconds) count as touching: float sums such as 12.45 + 0.1
#: do not land exactly on the next window's start.
TOUCH_TOLERANCE_SEC = 1e-6

Window = tuple  # (capture | None, start | None, duration | None)


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def window_of(metadata: dict) -> Window:
    """(capture, start, duration) from sample metadata; start/duration None when unusable."""
    capture = metadata.get("source_capture")
    if not isinstance(capture, str) or not capture:
        return (None, None, None)
    start = _number(metadata.get("window_start_sec"))
    duration = _number(metadata.get("window_duration_sec"))
    if start is None or duration is None or duration < 0:
        return (capture, None, None)
    return (capture, start, duration)


def read_window(json_path: str | os.PathLike, bound, cache, sample_id: str) -> Window:
    """The sample's window, from ``cache`` while its ``.json`` is unchanged, else read (and cached).

    Only the metadata is read (its boxes are not checked: a window is usable without them).
    Raises :class:`~specgui.core.errors.SampleError` when the JSON cannot be used.
    """
    caching = cache is not None and cache.enabled
    key = stat_key(json_path) if caching else None
    cached = cache.get_window(sample_id, key) if caching else None
    if cached is not None:
        return tuple(cached)
    window = window_of(read_sample_metadata(json_path, root=bound))
    if cache is not None:
        cache.put_window(sample_id, key, *window)
    return window


def capture_overlaps(left: dict[str, Window], right: dict[str, Window], *,
                     per_capture: int | None = None) -> list[tuple[str, str, dict]]:
    """``(left_id, right_id, evidence)`` for each left/right pair of one capture whose windows
    overlap or touch; sorted. ``evidence`` names the capture, both windows and the overlap.
    ``per_capture``: stop listing a capture's pairs after this many (earliest in time first)."""
    by_capture: dict[str, list[tuple[float, float, int, str]]] = defaultdict(list)
    for side, windows in ((0, left), (1, right)):
        for sample_id, (capture, start, duration) in windows.items():
            if capture is not None and start is not None:
                by_capture[capture].append((start, start + duration, side, sample_id))
    pairs = []
    for capture, intervals in by_capture.items():
        intervals.sort()
        active: tuple[list, list] = ([], [])  # per side: heap of (end, start, id)
        listed = len(pairs)
        for start, end, side, sample_id in intervals:
            if per_capture is not None and len(pairs) - listed >= per_capture:
                break
            for heap in active:
                while heap and heap[0][0] < start - TOUCH_TOLERANCE_SEC:
                    heapq.heappop(heap)
            for other_end, other_start, other_id in active[1 - side]:
                mine, theirs = (start, end), (other_start, other_end)
                left_id, right_id = (sample_id, other_id) if side == 0 else (other_id, sample_id)
                left_w, right_w = (mine, theirs) if side == 0 else (theirs, mine)
                pairs.append((left_id, right_id, _evidence(capture, left_w, right_w)))
            heapq.heappush(active[side], (end, start, sample_id))
        if per_capture is not None:
            del pairs[listed + per_capture:]
    pairs.sort(key=lambda p: (p[0], p[1]))
    return pairs


def by_capture(windows: dict[str, Window]) -> dict[str, tuple[list[str], np.ndarray, np.ndarray]]:
    """Per capture: its IDs and their window starts and ends (windows without a time left out)."""
    found: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    for sample_id, (capture, start, duration) in windows.items():
        if capture is not None and start is not None:
            ids, starts, ends = found[capture]
            ids.append(sample_id)
            starts.append(start)
            ends.append(start + duration)
    return {c: (ids, np.array(s, dtype=np.float64), np.array(e, dtype=np.float64)) for c, (ids, s, e) in found.items()}


def overlap_counts(starts: np.ndarray, ends: np.ndarray, other_starts: np.ndarray, other_ends: np.ndarray) -> np.ndarray:
    """Per window, how many ``other`` windows overlap or touch it: those starting no later than its
    end (within the tolerance), less those ending before its start."""
    reach = np.searchsorted(np.sort(other_starts - TOUCH_TOLERANCE_SEC), ends, "right")
    before = np.searchsorted(np.sort(other_ends), starts - TOUCH_TOLERANCE_SEC, "left")
    return reach - before


def count_capture_overlaps(left: dict[str, Window], right: dict[str, Window]) -> int:
    """How many pairs :func:`capture_overlaps` would list, counted without listing them
    (two binary searches per window: a capture of thousands of overlapping windows stays cheap)."""
    lefts, rights = by_capture(left), by_capture(right)
    total = 0
    for capture in set(lefts) & set(rights):
        _, l_start, l_end = lefts[capture]
        _, r_start, r_end = rights[capture]
        total += int(overlap_counts(l_start, l_end, r_start, r_end).sum())
    return total


def _evidence(capture: str, train_window: tuple[float, float], val_window: tuple[float, float]) -> dict:
    overlap = min(train_window[1], val_window[1]) - max(train_window[0], val_window[0])
    return {
        "capture": capture,
        "train_window": [train_window[0], train_window[1]],
        "val_window": [val_window[0], val_window[1]],
        "overlap_sec": max(0.0, overlap),
        "touching": overlap <= TOUCH_TOLERANCE_SEC,
    }
