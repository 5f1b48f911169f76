"""What v1 would look like under each ``group_by``, before anything is written.

For the *Create split* dialog: for no grouping, ``capture`` and ``capture+pixels`` the val
count and ratio achieved, the number of groups, and the train/val leak pairs each would
leave: ``capture`` (windows of one recording that overlap or touch, the audit's rule) and
``exact`` (identical pixels, the audit's exact hash). Reads every sample JSON and pixel
hash once, through the audit's cache (pixels decoded only for what it lacks).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, replace

from ..audit.windows import count_capture_overlaps
from ..errors import SplitStateError
from .grouping import GROUP_BY_CHOICES, GroupKeys, iter_group_keys, plan_from_keys
from .guard import check_create
from .manager import initial_membership, open_signal


@dataclass(frozen=True)
class PlanPreview:
    """v1 under one ``group_by``; ``error`` says why that choice cannot make a split."""

    group_by: str | None
    train_count: int = 0
    val_count: int = 0
    group_count: int = 0
    capture_leaks: int = 0
    exact_leaks: int = 0
    error: str | None = None
    held_back: tuple = ()  # HeldBack rows: samples training could not load, left out of v1

    @property
    def val_ratio(self) -> float:
        total = self.train_count + self.val_count
        return self.val_count / total if total else 0.0


def exact_leak_pairs(train, val, hashes: dict[str, str]) -> int:
    """Train/val pairs with identical pixels (the audit's ``exact`` leaks)."""
    in_val = Counter(hashes[v] for v in val if v in hashes)
    return sum(in_val[hashes[t]] for t in train if t in hashes)


def preview_of(ids, keys: GroupKeys, group_by: str | None, val_ratio: float, random_seed: int) -> PlanPreview:
    """One choice's :class:`PlanPreview` from what :func:`iter_group_keys` read."""
    try:
        if group_by is None:
            train, val = initial_membership(ids, val_ratio, random_seed)
            groups = len(ids)
        else:
            plan = plan_from_keys(ids, keys, group_by, val_ratio, random_seed)
            train, val, groups = plan.train, plan.val, plan.group_count
    except SplitStateError as exc:
        return PlanPreview(group_by, error=exc.problem)
    windows = keys.windows
    capture = count_capture_overlaps({t: windows[t] for t in train if t in windows},
                                     {v: windows[v] for v in val if v in windows})
    return PlanPreview(group_by, len(train), len(val), groups, capture, exact_leak_pairs(train, val, keys.hashes))


def iter_initial_plans(root: str | os.PathLike, signal: str, val_ratio: float, random_seed: int, *,
                       use_cache: bool = True, cache_dir: str | os.PathLike | None = None,
                       check_samples: bool = True):
    """Yields ``(done, total)`` while reading; returns one :class:`PlanPreview` per choice
    (no grouping first, then :data:`GROUP_BY_CHOICES`). Writes nothing but the audit cache.
    ``check_samples``: v1 as ``create_initial_split`` writes it, without the samples training
    could not load (each plan's ``held_back``)."""
    if not (isinstance(val_ratio, (int, float)) and 0 < val_ratio < 1):
        raise SplitStateError(None, f"val_ratio must be between 0 and 1, got {val_ratio!r}")
    manager, signal_dir = open_signal(root, signal)
    ids = manager.scan(signal).complete
    if not ids:
        raise SplitStateError(signal_dir / "samples", f"no samples found for {signal}")
    held: tuple = ()
    if check_samples:
        ids, rows, _ = check_create(manager, signal, ids, use_cache=use_cache, cache_dir=cache_dir)
        held = tuple(rows)
        if not ids:
            raise SplitStateError(signal_dir / "samples", f"no sample of {signal} that training can load")
    keys = yield from iter_group_keys(signal_dir, ids, pixels=True, bound=manager.base_dir,
                                      use_cache=use_cache, cache_dir=cache_dir)
    return tuple(replace(preview_of(ids, keys, choice, val_ratio, random_seed), held_back=held)
                 for choice in (None, *GROUP_BY_CHOICES))
