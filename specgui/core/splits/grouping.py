"""Capture-aware v1: samples that share data are kept together on one side of the split.

Why: the field's samples are windows cut from longer recordings, and neighbouring windows
share signal bursts. The seed's shuffle of sample IDs puts neighbours on both sides, so
the validation score is measured on near copies of training data (the audit's ``capture``
leaks). ``group_by`` (see :data:`GROUP_BY_CHOICES`):

- ``None``: the seed's algorithm (:func:`~specgui.core.splits.initial_membership`), unchanged.
- ``"capture"``: samples of one ``source_capture`` whose windows overlap or touch, as the
  audit decides it (:mod:`specgui.core.audit.windows`), form one group: connected runs in time. A
  sample without a usable window (or whose JSON cannot be read) is a group of one.
- ``"capture+pixels"``: also joins samples with identical pixels (the audit's exact hash,
  read from its cache, computed for what the cache lacks).

Assignment (:func:`grouped_membership`): the groups, each's IDs sorted and the groups
ordered by their first ID, are shuffled with ``random.Random(seed)``. Walking that order,
a group goes to val when it fits in what is left of the seed's count
``max(1, int(n * val_ratio))``. If val is still short after the walk, the one remaining
group that brings it closest to the count is added, only if that is closer (the first such
in shuffled order); if val is still empty, the smallest group is. Train never ends up empty. Lists: val, then train, in the shuffled group order, IDs sorted within a
group; so the same IDs, seed and ``group_by`` give identical lists in the same order.
"""

from __future__ import annotations

import bisect
import os
import random
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from ..audit.cache import AuditCache, stat_key
from ..audit.windows import TOUCH_TOLERANCE_SEC, Window, count_capture_overlaps, read_window
from ..audit.work import choose_pool, run_checks
from ..errors import SampleError, SplitStateError
from ..samples.ids import sample_paths
from ..samples.index import SAMPLES_DIRNAME
from ..steps import done_total, run_steps

GROUP_BY_CHOICES = ("capture", "capture+pixels")
PROGRESS_EVERY = 1024  # samples between progress reports while reading JSONs


def check_group_by(group_by) -> str | None:
    """``group_by`` if it is None or one of :data:`GROUP_BY_CHOICES`; else :class:`SplitStateError`."""
    if group_by is None or group_by in GROUP_BY_CHOICES:
        return group_by
    choices = ", ".join(repr(c) for c in GROUP_BY_CHOICES)
    raise SplitStateError(None, f"group_by must be None, {choices}; got {group_by!r}")


# -- capture runs ------------------------------------------------------------------------
@dataclass(frozen=True)
class CaptureRun:
    """Windows of one capture joined by overlapping or touching: ``start``..``end`` seconds."""

    capture: str
    start: float
    end: float
    members: tuple[str, ...]


def capture_runs(windows: dict[str, Window]) -> list[CaptureRun]:
    """The connected runs in time of each capture's windows (a sweep over sorted starts).

    Two windows join when one starts at most :data:`TOUCH_TOLERANCE_SEC` after the other
    ends: the audit's rule for a capture leak, so windows in different runs never leak.
    Samples without a capture or a usable window are in no run.
    """
    by_capture: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    for sample_id, (capture, start, duration) in windows.items():
        if capture is not None and start is not None and duration is not None:
            by_capture[capture].append((start, start + duration, sample_id))
    runs: list[CaptureRun] = []
    for capture in sorted(by_capture):
        intervals = sorted(by_capture[capture])
        members: list[str] = []
        run_start = run_end = intervals[0][0]
        for start, end, sample_id in intervals:
            if members and start > run_end + TOUCH_TOLERANCE_SEC:
                runs.append(CaptureRun(capture, run_start, run_end, tuple(sorted(members))))
                members, run_start, run_end = [], start, end
            members.append(sample_id)
            run_end = max(run_end, end)
        runs.append(CaptureRun(capture, run_start, run_end, tuple(sorted(members))))
    return runs


class CaptureRunIndex:
    """Which run of some windows (a version's val, say) a candidate window would join."""

    def __init__(self, windows: dict[str, Window]):
        self._runs: dict[str, list[CaptureRun]] = defaultdict(list)
        for run in capture_runs(windows):
            self._runs[run.capture].append(run)  # already in time order, disjoint
        self._starts = {c: [r.start for r in runs] for c, runs in self._runs.items()}

    def run_of(self, window: Window) -> CaptureRun | None:
        """The run ``window`` overlaps or touches, or None (also for a window without a time)."""
        capture, start, duration = window
        runs = self._runs.get(capture) if capture is not None else None
        if not runs or start is None or duration is None:
            return None
        end = start + duration
        i = bisect.bisect_right(self._starts[capture], end + TOUCH_TOLERANCE_SEC) - 1
        # runs are separated by more than the tolerance, so at most the two nearest can be touched
        for run in runs[max(0, i - 1):i + 1]:
            if run.start <= end + TOUCH_TOLERANCE_SEC and start <= run.end + TOUCH_TOLERANCE_SEC:
                return run
        return None


def val_capture_group(val_windows: dict[str, Window], window: Window) -> CaptureRun | None:
    """The capture group of val samples a candidate ``window`` falls in, or None.

    A new sample in such a group must not go to train: it overlaps or touches val windows.
    For many candidates build one :class:`CaptureRunIndex` and ask it instead.
    """
    return CaptureRunIndex(val_windows).run_of(window)


# -- groups and membership ---------------------------------------------------------------
def sample_groups(ids, windows: dict[str, Window], hashes: dict[str, str] | None = None) -> list[tuple[str, ...]]:
    """``ids`` partitioned into groups (capture runs, joined by equal ``hashes`` if given);
    each group's IDs sorted, groups ordered by their first ID."""
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(members) -> None:
        members = [m for m in members if m in parent]
        for other in members[1:]:
            a, b = find(members[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)

    for run in capture_runs({i: w for i, w in windows.items() if i in parent}):
        join(run.members)
    if hashes:
        same: dict[str, list[str]] = defaultdict(list)
        for sample_id, digest in hashes.items():
            same[digest].append(sample_id)
        for members in same.values():
            join(members)
    groups: dict[str, list[str]] = defaultdict(list)
    for sample_id in parent:
        groups[find(sample_id)].append(sample_id)
    return sorted((tuple(sorted(g)) for g in groups.values()), key=lambda g: g[0])


def grouped_membership(groups: list[tuple[str, ...]], val_ratio: float, random_seed: int) -> tuple[list[str], list[str]]:
    """(train, val) of whole ``groups``; the rule is in the module docstring."""
    n = sum(len(g) for g in groups)
    if len(groups) < 2:
        raise SplitStateError(None, f"all {n} sample(s) form one group, so no split can keep them apart; "
                                    "create the split without grouping")
    target = max(1, int(n * val_ratio))
    order = list(groups)
    random.Random(random_seed).shuffle(order)
    taken = [False] * len(order)
    count = 0
    for i, group in enumerate(order):
        if count + len(group) <= target:
            taken[i], count = True, count + len(group)
        if count == target:
            break
    if count < target:  # short: one more group, the one landing closest, if closer than now
        best = None
        for i, group in enumerate(order):
            gap = abs(count + len(group) - target)
            if not taken[i] and count + len(group) < n and gap < target - count and (best is None or gap < best[0]):
                best = (gap, i)
        if best is None and count == 0:  # every group is bigger than the target: val gets the smallest
            best = min((len(g), i) for i, g in enumerate(order))
        if best is not None:
            taken[best[1]] = True
    val = [s for i, g in enumerate(order) if taken[i] for s in g]
    train = [s for i, g in enumerate(order) if not taken[i] for s in g]
    return train, val


# -- reading what grouping needs ---------------------------------------------------------
@dataclass(frozen=True)
class GroupKeys:
    """What grouping read: capture windows, exact pixel hashes (``capture+pixels`` only) and
    the samples whose file could not be used (each a group of one then)."""

    windows: dict[str, Window]
    hashes: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


def iter_group_keys(signal_dir: str | os.PathLike, ids, *, pixels: bool, bound: str | os.PathLike | None = None,
                    use_cache: bool = True, cache_dir: str | os.PathLike | None = None,
                    workers: int | None = None, pool: str = "auto"):
    """Read the windows (and with ``pixels`` the exact hashes) of ``ids``; yields
    ``(done, total)``, returns :class:`GroupKeys`. Uses and fills the audit's cache; a
    sample that cannot be read is a problem, never an exception."""
    samples_dir = Path(signal_dir) / SAMPLES_DIRNAME
    folder = os.fspath(samples_dir)  # plain strings in the loop: a Path per sample costs more than its read
    bound = Path(bound) if bound is not None else None
    cache = AuditCache(signal_dir, folder=cache_dir, data_root=bound, enabled=use_cache)
    ids = list(ids)
    total = len(ids) * (2 if pixels else 1)
    windows: dict[str, Window] = {}
    hashes: dict[str, str] = {}
    problems: dict[str, str] = {}
    try:
        for i, sample_id in enumerate(ids, 1):
            try:  # the ID is one the folder scan listed: a plain file name
                windows[sample_id] = read_window(os.path.join(folder, sample_id + ".json"), bound, cache, sample_id)
            except SampleError as exc:
                problems[sample_id] = str(exc)
            if i % PROGRESS_EVERY == 0:
                yield i, total
        done = len(ids)
        yield done, total
        if not pixels:
            return GroupKeys(windows, hashes, problems)
        tasks = []
        for sample_id in ids:
            npz_path = sample_paths(samples_dir, sample_id)[0]
            key = stat_key(npz_path)
            cached = cache.get_pixels(sample_id, key)
            if cached is not None:
                hashes[sample_id] = cached[0]
                done += 1
            else:
                tasks.append((sample_id, npz_path, None, key, None))
        yield done, total
        sizes = [t[3][0] for t in tasks if t[3] is not None]
        kind = choose_pool(pool, len(sizes), sum(sizes) / max(1, len(sizes)))
        with closing(run_checks(tasks, bound, workers, kind)) as results:  # closing: stop the pool on cancel
            for (sample_id, _npz, _js, key, _), (fingerprint, _window) in results:
                if isinstance(fingerprint, str):
                    problems[sample_id] = fingerprint
                else:
                    hashes[sample_id] = fingerprint[0]
                    cache.put_pixels(sample_id, key, *fingerprint)
                done += 1
                yield done, total
    finally:  # also on cancel: what was read so far is kept for the next run
        cache.save()
    return GroupKeys(windows, hashes, problems)


def read_group_keys(signal_dir, ids, *, pixels: bool, progress=None, **options) -> GroupKeys:
    """:func:`iter_group_keys` run to the end; ``progress(done, total)`` on each step."""
    steps = iter_group_keys(signal_dir, ids, pixels=pixels, **options)
    return run_steps(steps, done_total(progress))


@dataclass(frozen=True)
class InitialPlan:
    """v1's membership for one ``group_by`` (None: the seed's algorithm)."""

    group_by: str | None
    train: tuple[str, ...]
    val: tuple[str, ...]
    group_count: int
    requested_ratio: float
    problems: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def achieved_ratio(self) -> float:
        total = len(self.train) + len(self.val)
        return len(self.val) / total if total else 0.0


def plan_from_keys(ids, keys: GroupKeys, group_by: str, val_ratio: float, random_seed: int) -> InitialPlan:
    """The grouped v1 of ``ids`` from what :func:`iter_group_keys` read."""
    check_group_by(group_by)
    hashes = keys.hashes if group_by == "capture+pixels" else None
    groups = sample_groups(ids, keys.windows, hashes)
    train, val = grouped_membership(groups, val_ratio, random_seed)
    return InitialPlan(group_by, tuple(train), tuple(val), len(groups), val_ratio, dict(keys.problems))


def capture_leak_pairs(signal_dir: str | os.PathLike, train, val, *, bound: str | os.PathLike | None = None,
                       use_cache: bool = True, cache_dir: str | os.PathLike | None = None) -> int:
    """How many train/val pairs of one capture overlap or touch (the audit's ``capture`` leaks),
    from the sample JSONs (through the audit's cache); unreadable samples are left out."""
    keys = read_group_keys(signal_dir, list(train) + list(val), pixels=False, bound=bound,
                           use_cache=use_cache, cache_dir=cache_dir)
    train_windows = {s: keys.windows[s] for s in train if s in keys.windows}
    val_windows = {s: keys.windows[s] for s in val if s in keys.windows}
    return count_capture_overlaps(train_windows, val_windows)
