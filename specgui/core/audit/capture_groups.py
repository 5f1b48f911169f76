"""Capture leak groups: per recording, the train and the val windows that overlap or touch.

Which windows leak, and how many train/val pairs do, is counted with two binary searches
per window (O(n log n) per capture), so a capture of thousands of overlapping windows
never lists its pairs; :func:`~.windows.capture_overlaps` lists a few per group.
Overlap is decided exactly as that sweep decides it (same float expressions, same
``TOUCH_TOLERANCE_SEC``), so the counts and the pairs agree.
"""

from __future__ import annotations

import os
from collections import defaultdict

import numpy as np

from .groups import LeakGroup
from .cache import AuditCache
from .windows import Window, by_capture, capture_overlaps, overlap_counts, read_window
from ..errors import SampleError
from ..splits.grouping import CaptureRunIndex


def capture_groups(left: dict[str, Window], right: dict[str, Window], limit: int | None = None) -> list[tuple[LeakGroup, list]]:
    """``(group, pairs)`` per capture whose left and right windows overlap or touch; ``pairs`` are
    ``(left_id, right_id, evidence)``, at most ``limit`` per capture (all when None)."""
    lefts, rights = by_capture(left), by_capture(right)
    found = []
    for capture in sorted(set(lefts) & set(rights)):
        l_ids, l_start, l_end = lefts[capture]
        r_ids, r_start, r_end = rights[capture]
        l_count = overlap_counts(l_start, l_end, r_start, r_end)
        if not l_count.any():
            continue
        r_count = overlap_counts(r_start, r_end, l_start, l_end)
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
    listed: dict[str, list] = defaultdict(list)
    for pair in pairs:
        listed[pair[2]["capture"]].append(pair)
    return [(group, listed[capture]) for group, capture in found]


def leaking_new_groups(manager, signal: str, preview, *, use_cache: bool = True,
                       cache_dir: str | os.PathLike | None = None, limit: int | None = None) -> list[tuple[LeakGroup, list]]:
    """The capture groups an extend ``preview`` would create: its new samples (the ``train`` side
    of each group) whose windows overlap or touch a val sample's; ``(group, pairs)`` as
    :func:`capture_groups`. The extend guard leaves ``group.train_ids`` out."""
    new, val = preview_windows(manager, signal, preview, use_cache=use_cache, cache_dir=cache_dir)
    found = capture_groups(new, val, limit)
    if not found:
        return found
    runs = CaptureRunIndex(val)  # why a new window must not go to train: the val group it joins
    return [(group, [_with_val_group(pair, runs.run_of(new[pair[0]])) for pair in pairs]) for group, pairs in found]


def _with_val_group(pair: tuple, run) -> tuple:
    if run is None:
        return pair
    return (pair[0], pair[1], {**pair[2], "val_group": {"start": run.start, "end": run.end, "windows": len(run.members)}})


def preview_windows(manager, signal: str, preview, *, use_cache: bool = True,
                    cache_dir: str | os.PathLike | None = None) -> tuple[dict[str, Window], dict[str, Window]]:
    """Windows of an extend ``preview``'s new samples and of its parent's val samples (a sample
    whose JSON cannot be read is skipped); empty when nothing would be added."""
    if not preview.added or not preview.parent_version:
        return {}, {}
    val = manager.read_version(signal, preview.parent_version).val
    paths = manager.paths(signal)
    signal_dir = paths.signal_dir
    cache = AuditCache(signal_dir, folder=cache_dir, data_root=manager.base_dir, enabled=use_cache)

    def windows_of(ids) -> dict[str, Window]:
        found = {}
        for sample_id in ids:
            json_path = paths.sample_paths(sample_id)[1]
            try:
                found[sample_id] = read_window(json_path, manager.base_dir, cache, sample_id)
            except SampleError:
                continue
        return found

    result = windows_of(preview.added), windows_of(val)
    cache.save()
    return result


def leaking_new_samples(manager, signal: str, preview, *, use_cache: bool = True,
                        cache_dir: str | os.PathLike | None = None) -> list[tuple[str, str, dict]]:
    """New samples of an extend ``preview`` whose capture window overlaps or touches a val sample's.

    Returns ``(new_id, val_id, evidence)`` per pair, sorted: every pair of the capture groups
    of :func:`leaking_new_groups`. Pass the new IDs as
    ``exclude=`` to :meth:`SplitManager.preview_extend` / ``extend_split`` to leave them
    out of this version (they stay pending). A sample whose JSON cannot be read is skipped.
    """
    groups = leaking_new_groups(manager, signal, preview, use_cache=use_cache, cache_dir=cache_dir, limit=None)
    return sorted((pair for _, pairs in groups for pair in pairs), key=lambda p: (p[0], p[1]))
