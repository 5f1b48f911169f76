"""Capture leak groups: per recording, the train and the val windows that overlap or touch.

Which windows leak, and how many train/val pairs do, is counted with two binary searches
per window (O(n log n) per capture), so a capture of thousands of overlapping windows
never lists its pairs; :func:`~.audit_windows.capture_overlaps` lists a few per group.
Overlap is decided exactly as that sweep decides it (same float expressions, same
``TOUCH_TOLERANCE_SEC``), so the counts and the pairs agree.
"""

from __future__ import annotations

import os
from collections import defaultdict

import numpy as np

from .groups import LeakGroup
from .windows import TOUCH_TOLERANCE_SEC, Window, capture_overlaps, preview_windows


def _by_capture(windows: dict[str, Window]) -> dict[str, tuple[list[str], np.ndarray, np.ndarray]]:
    found: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    for sample_id, (capture, start, duration) in windows.items():
        if capture is not None and start is not None:
            ids, starts, ends = found[capture]
            ids.append(sample_id)
            starts.append(start)
            ends.append(start + duration)
    return {c: (ids, np.array(s, dtype=np.float64), np.array(e, dtype=np.float64)) for c, (ids, s, e) in found.items()}


def _overlap_counts(starts: np.ndarray, ends: np.ndarray, other_starts: np.ndarray, other_ends: np.ndarray) -> np.ndarray:
    """Per window, how many ``other`` windows overlap or touch it: those starting no later than its
    end (within the tolerance), less those ending before its start."""
    reach = np.searchsorted(np.sort(other_starts - TOUCH_TOLERANCE_SEC), ends, "right")
    before = np.searchsorted(np.sort(other_ends), starts - TOUCH_TOLERANCE_SEC, "left")
    return reach - before


def capture_groups(left: dict[str, Window], right: dict[str, Window], limit: int | None = None) -> list[tuple[LeakGroup, list]]:
    """``(group, pairs)`` per capture whose left and right windows overlap or touch; ``pairs`` are
    ``(left_id, right_id, evidence)``, at most ``limit`` per capture (all when None)."""
    lefts, rights = _by_capture(left), _by_capture(right)
    found = []
    for capture in sorted(set(lefts) & set(rights)):
        l_ids, l_start, l_end = lefts[capture]
        r_ids, r_start, r_end = rights[capture]
        l_count = _overlap_counts(l_start, l_end, r_start, r_end)
        if not l_count.any():
            continue
        r_count = _overlap_counts(r_start, r_end, l_start, l_end)
        l_hit, r_hit = np.nonzero(l_count)[0], np.nonzero(r_count)[0]
        evidence = {"capture": capture,
                    "train_span": [float(l_start[l_hit].min()), float(l_end[l_hit].max())],
                    "val_span": [float(r_start[r_hit].min()), float(r_end[r_hit].max())]}
        group = LeakGroup("capture", tuple(sorted(l_ids[i] for i in l_hit)), tuple(sorted(r_ids[i] for i in r_hit)),
                          evidence, int(l_count.sum()))
        found.append((group, capture))
    if not found:
        return []
    wanted = {capture for _, capture in found}
    pairs = capture_overlaps({k: w for k, w in left.items() if w[0] in wanted},
                             {k: w for k, w in right.items() if w[0] in wanted}, per_capture=limit)
    by_capture: dict[str, list] = defaultdict(list)
    for pair in pairs:
        by_capture[pair[2]["capture"]].append(pair)
    return [(group, by_capture[capture]) for group, capture in found]


def leaking_new_groups(manager, signal: str, preview, *, use_cache: bool = True,
                       cache_dir: str | os.PathLike | None = None, limit: int | None = None) -> list[tuple[LeakGroup, list]]:
    """The capture groups an extend ``preview`` would create: its new samples (the ``train`` side
    of each group) whose windows overlap or touch a val sample's; ``(group, pairs)`` as
    :func:`capture_groups`. The extend guard leaves ``group.train_ids`` out."""
    new, val = preview_windows(manager, signal, preview, use_cache=use_cache, cache_dir=cache_dir)
    return capture_groups(new, val, limit)
