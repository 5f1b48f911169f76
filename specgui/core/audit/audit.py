"""Leakage audit of a split version: the same (or nearly the same) data on both sides.

Three kinds of leak between a train sample and a val sample:

- ``exact``: identical decoded pixels (hash of the uint8 array and its shape);
- ``near``: perceptual hashes within ``near_threshold`` bits (noise, a few columns shift);
- ``capture``: same ``source_capture`` and time windows that overlap or touch.

:func:`iter_audit` is a generator: it yields ``(done, total)`` after each unit of work
(each yield is a cancel point: stop iterating, or ``close()`` it) and returns the
:class:`AuditReport`; :func:`audit_split` runs it to the end. Fingerprints are cached per
user (:mod:`.cache`); cache misses are read on a worker pool (:mod:`.work`).
A sample that cannot be read is a problem in the report; the
audit goes on without it.
"""

from __future__ import annotations

import os
from contextlib import closing
from dataclasses import dataclass, field

from .cache import AuditCache, StatKey, npz_state, stat_key
from .capture_groups import capture_groups, leaking_new_samples
from .groups import (
    DEFAULT_PAIRS_PER_GROUP,
    LEAK_KINDS,
    LeakGroup,
    LeakTable,
    exact_group_pairs,
    exact_groups,
    near_group_pairs,
    near_groups,
)
from .hashes import DEFAULT_NEAR_THRESHOLD, PHASH_BITS
from .work import POOLS, choose_pool, run_checks
from ..errors import SplitStateError
from ..gradual_free import free_gradually
from ..layout import SPLITS_DIRNAME
from ..samples.ids import sample_path_strings
from ..samples.index import FileState
from ..splits.manager import open_signal
from ..splits.resolve import read_split
from ..steps import done_total, run_steps

__all__ = ["AuditProblem", "AuditReport", "Fingerprints", "Leak", "LeakGroup", "audit_split", "find_leak_groups",
           "iter_audit", "iter_fingerprints", "leaking_new_samples", "report_of"]


@dataclass(frozen=True)
class Leak:
    """One train/val pair that shares data; ``evidence`` says how (hashes, distance, windows)."""

    kind: str
    train: str
    val: str
    evidence: dict = field(default_factory=dict)


@dataclass(frozen=True)
class AuditProblem:
    """A sample of the split the audit could not check fully (missing or unreadable file)."""

    sample_id: str
    split: str
    problem: str


@dataclass(frozen=True)
class AuditReport:
    """What :func:`iter_audit` found for one version of one signal."""

    signal: str
    version: int
    train_count: int
    val_count: int
    near_threshold: int
    leaks: tuple[Leak, ...]
    problems: tuple[AuditProblem, ...]
    decoded: int = 0
    cache_hits: int = 0
    cache_path: str | None = None
    cache_note: str | None = None
    without_window: int = 0
    groups: tuple[LeakGroup, ...] = ()
    leaks_truncated: int = 0  # pairs of the groups not listed in ``leaks`` (the per-group cap)
    linked: int = 0  # fingerprints shared with a hard link of the same file instead of decoded

    @property
    def has_leaks(self) -> bool:
        return bool(self.groups or self.leaks)

    def leak_counts(self) -> dict[str, int]:
        """Leaking train/val pairs per kind, listed or not."""
        counts = dict.fromkeys(LEAK_KINDS, 0)
        if self.groups:
            for group in self.groups:
                counts[group.kind] += group.pair_count
        else:
            for leak in self.leaks:
                counts[leak.kind] += 1
        return counts

    def group_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(LEAK_KINDS, 0)
        for group in self.groups:
            counts[group.kind] += 1
        return counts

    @property
    def pair_count(self) -> int:
        return sum(self.leak_counts().values())


def _check_threshold(near_threshold: int) -> int:
    if isinstance(near_threshold, bool) or not isinstance(near_threshold, int) or not 0 <= near_threshold <= PHASH_BITS:
        raise SplitStateError(None, f"near threshold must be an integer 0..{PHASH_BITS}, got {near_threshold!r}")
    return near_threshold


@dataclass
class Fingerprints:
    """What the fingerprinting stage of an audit gathered (all samples, or one rank's shard)."""

    signal: str
    version: int
    train: tuple[str, ...]
    val: tuple[str, ...]
    fingerprints: dict[str, tuple[str, bytes, tuple[int, int]]]
    windows: dict[str, tuple]
    problems: list[AuditProblem]
    decoded: int
    cache_hits: int
    cache: AuditCache
    complete_ids: frozenset[str]
    linked: int = 0  # fingerprints taken from another sample's identical file (hard link)

    def release(self) -> None:
        """Empty the big tables a piece at a time (:mod:`..gradual_free`): in the window, dropping
        them at once held the GIL ~50 ms after a 100,000-sample audit."""
        free_gradually(self.fingerprints, self.windows, self.cache.pixels, self.cache.windows, self.cache.verdicts)


def _task(sample_id: str, npz_path: str | None, json_path: str | None, npz_key: StatKey | None,
          json_key: StatKey | None) -> tuple:
    """One flat tuple of str, int and None per sample to check. Nested key tuples kept Python's
    collector from untracking the task tuples, so a full collection during a 100,000-sample
    audit walked them all (~90 ms of the window's UI thread)."""
    return (sample_id, npz_path, json_path, *(npz_key or (None, None)), *(json_key or (None, None)))


def _decode_count_and_size(tasks: tuple[tuple, ...]) -> tuple[int, int]:
    """How many tasks decode a ``.npz`` of known size, and those files' total size."""
    count = total = 0
    for task in tasks:
        if task[1] is not None and task[3] is not None:
            count, total = count + 1, total + task[3]
    return count, total


def _keys(sizes_times: list) -> tuple[StatKey | None, StatKey | None]:
    npz_size, npz_mtime, json_size, json_mtime = sizes_times
    return ((npz_size, npz_mtime) if npz_size is not None else None,
            (json_size, json_mtime) if json_size is not None else None)


def iter_fingerprints(root: str | os.PathLike, signal: str, version: int | None = None, *,
                      workers: int | None = None, use_cache: bool = True, cache_dir: str | os.PathLike | None = None,
                      pool: str = "auto", shard: tuple[int, int] | None = None, save_cache: bool = True):
    """The first stage of :func:`iter_audit`: fingerprints and windows of the split's samples
    (only every ``shard[1]``-th one from ``shard[0]``, when given); yields progress, returns
    :class:`Fingerprints`. The cache is saved at the end (also on cancel) if ``save_cache``."""
    if pool not in POOLS:
        raise SplitStateError(None, f"pool must be one of {POOLS}, got {pool!r}")
    manager, signal_dir = open_signal(root, signal)
    split = read_split(signal_dir / SPLITS_DIRNAME, signal, version, stacklevel=3)
    split_version, train, val = split.version, split.train, split.val
    del split  # with the file's own lists of IDs: see below
    scan = manager.scan(signal)
    cache = AuditCache(signal_dir, folder=cache_dir, data_root=root, enabled=use_cache)
    side = {**{s: "train" for s in train}, **{s: "val" for s in val}}
    mine = side if shard is None else list(side)[shard[0]::shard[1]]
    complete = scan.complete_ids
    problems = [AuditProblem(s, side[s], _missing_reason(scan, s)) for s in mine if s not in complete]
    # Few big lists stay alive: until it is promoted, Python's collector walks a new container's
    # items at each collection, on the window's UI thread (four lists of 20,000-100,000 IDs made
    # one collection take 30-56 ms). A tuple of str is untracked at its first one.
    present = tuple(s for s in mine if s in complete)
    del mine
    total, done = len(present), 0
    fingerprints: dict[str, tuple[str, bytes, tuple[int, int]]] = {}
    windows: dict[str, tuple] = {}
    tasks = []
    known: dict[tuple, tuple] = {}  # file identity -> fingerprint: a hard link is never decoded twice
    leaders: dict[tuple, str] = {}  # file identity -> the sample whose decode the others wait for
    followers: dict[str, tuple[tuple, StatKey | None]] = {}  # sample -> (identity, stat key)
    cache_hits = linked = 0
    paths = sample_path_strings(scan.samples_dir, present)  # str, made one by one: see the tasks below
    for i, (sample_id, (npz_path, json_path)) in enumerate(zip(present, paths), 1):
        (npz_key, identity), json_key = npz_state(npz_path), stat_key(json_path)  # identity: hard-linked files only
        pixels, window = cache.get_pixels(sample_id, npz_key), cache.get_window(sample_id, json_key)
        if pixels is not None:
            cache_hits += 1
        elif identity in known:
            pixels, linked = known[identity], linked + 1
            cache.put_pixels(sample_id, npz_key, *pixels)
        if pixels is not None:
            fingerprints[sample_id] = pixels
            if identity is not None:
                known[identity] = pixels
        if window is not None:
            windows[sample_id] = tuple(window)
        decode = pixels is None and (identity is None or identity not in leaders)
        if pixels is None and not decode:
            followers[sample_id] = (identity, npz_key)
        elif decode and identity is not None:
            leaders[identity] = sample_id
        if decode or window is None:  # flat, of str and int: see _task
            tasks.append(_task(sample_id, npz_path if decode else None, None if window else json_path, npz_key, json_key))
        else:
            done += 1
        if i % 1024 == 0:
            yield done, total
    tasks = tuple(tasks)  # see present
    yield done, total
    decoded = 0
    npz_problems: dict[str, str] = {}
    decodes, size = _decode_count_and_size(tasks)
    pool = choose_pool(pool, decodes, size / max(1, decodes))
    try:
        with closing(run_checks(tasks, manager.base_dir, workers, pool)) as results:  # closing: stop the pool on cancel
            for (sample_id, npz_path, json_path, *sizes_times), (pixels, window) in results:
                npz_key, json_key = _keys(sizes_times)
                for path, result in ((npz_path, pixels), (json_path, window)):
                    if path is not None and isinstance(result, str):
                        problems.append(AuditProblem(sample_id, side[sample_id], result))
                if npz_path is not None and isinstance(pixels, str):
                    npz_problems[sample_id] = pixels
                if npz_path is not None and not isinstance(pixels, str):
                    decoded += 1
                    fingerprints[sample_id] = pixels
                    cache.put_pixels(sample_id, npz_key, *pixels)
                if json_path is not None and not isinstance(window, str):
                    windows[sample_id] = window
                    cache.put_window(sample_id, json_key, *window)
                done += 1
                yield done, total
        for sample_id, (identity, npz_key) in followers.items():  # the same file as a decoded sample
            leader = leaders[identity]
            if leader in fingerprints:
                fingerprints[sample_id], linked = fingerprints[leader], linked + 1
                cache.put_pixels(sample_id, npz_key, *fingerprints[leader])
            elif leader in npz_problems:
                problems.append(AuditProblem(sample_id, side[sample_id], npz_problems[leader]))
    finally:  # also on cancel: what was fingerprinted so far is kept for the next run
        if save_cache:
            cache.save(keep=scan.complete_ids)
    return Fingerprints(signal, split_version, tuple(train), tuple(val), fingerprints, windows, problems, decoded,
                        cache_hits, cache, scan.complete_ids, linked)


def report_of(found: Fingerprints, near_threshold: int = DEFAULT_NEAR_THRESHOLD,
              pairs_per_group: int | None = DEFAULT_PAIRS_PER_GROUP) -> AuditReport:
    """The second stage of :func:`iter_audit`: leak groups (and capped pairs) of ``found``."""
    _check_threshold(near_threshold)
    groups, leaks, truncated = find_leak_groups(found.train, found.val, found.fingerprints, found.windows,
                                                near_threshold, pairs_per_group)
    cache = found.cache
    return AuditReport(
        signal=found.signal, version=found.version, train_count=len(found.train), val_count=len(found.val),
        near_threshold=near_threshold, leaks=tuple(leaks),
        problems=tuple(sorted(found.problems, key=lambda p: (p.split, p.sample_id))),
        decoded=found.decoded, cache_hits=found.cache_hits,
        cache_path=str(cache.path) if cache.enabled else None, cache_note=cache.note,
        without_window=sum(1 for w in found.windows.values() if w[0] is not None and w[1] is None),
        groups=tuple(groups), leaks_truncated=truncated, linked=found.linked,
    )


def iter_audit(root: str | os.PathLike, signal: str, version: int | None = None, *,
               near_threshold: int = DEFAULT_NEAR_THRESHOLD, workers: int | None = None,
               use_cache: bool = True, cache_dir: str | os.PathLike | None = None, pool: str = "auto",
               pairs_per_group: int | None = DEFAULT_PAIRS_PER_GROUP):
    """Audit ``version`` (default: the active one) of ``signal``; yields progress, returns the report.

    ``root`` is the signals folder or its parent. Raises :class:`DataRootError` or a
    :class:`SplitFileError` (missing version...) before the first yield; sample problems
    never raise. What the cache lacks is read by ``workers`` (default: the CPU count)
    threads or processes: ``pool`` is ``"thread"``, ``"process"``, ``"inline"`` or ``"auto"``
    (by file size and count; see :mod:`.audit_work`). Leaks come as groups; the pair view
    lists at most ``pairs_per_group`` pairs of each (None: all).
    """
    _check_threshold(near_threshold)
    found = yield from iter_fingerprints(root, signal, version, workers=workers, use_cache=use_cache,
                                         cache_dir=cache_dir, pool=pool)
    report = report_of(found, near_threshold, pairs_per_group)
    found.release()
    return report


def audit_split(root: str | os.PathLike, signal: str, version: int | None = None, *,
                near_threshold: int = DEFAULT_NEAR_THRESHOLD, workers: int | None = None,
                use_cache: bool = True, cache_dir: str | os.PathLike | None = None,
                pool: str = "auto", progress=None,
                pairs_per_group: int | None = DEFAULT_PAIRS_PER_GROUP) -> AuditReport:
    """Run :func:`iter_audit` to the end; ``progress(done, total)`` is called on each step."""
    steps = iter_audit(root, signal, version, near_threshold=near_threshold, workers=workers,
                       use_cache=use_cache, cache_dir=cache_dir, pool=pool, pairs_per_group=pairs_per_group)
    return run_steps(steps, done_total(progress))


def _missing_reason(scan, sample_id: str) -> str:
    state = scan.file_state(sample_id)
    what = {FileState.NPZ_MISSING: ".npz", FileState.JSON_MISSING: ".json"}.get(state, ".npz and .json")
    return f"listed in the split but its {what} is not on disk"


def find_leak_groups(train, val, fingerprints, windows, near_threshold: int,
                     pairs_per_group: int | None = DEFAULT_PAIRS_PER_GROUP) -> tuple[list, list[Leak], int]:
    """(groups, pairs, pairs left out): every leak group of the three kinds, and at most
    ``pairs_per_group`` (train, val) pairs of each (None: all of them)."""
    table = LeakTable(train, val, fingerprints)
    exact = exact_groups(table)
    near, graph = near_groups(table, near_threshold)
    train_windows = {t: windows[t] for t in train if t in windows}
    val_windows = {v: windows[v] for v in val if v in windows}
    captures = capture_groups(train_windows, val_windows, pairs_per_group)
    listed = [exact_group_pairs(g, pairs_per_group) for g in exact]
    listed += near_group_pairs(near, graph, fingerprints, pairs_per_group)
    listed += [pairs for _, pairs in captures]
    groups = exact + near + [g for g, _ in captures]
    leaks = [Leak(g.kind, t, v, evidence) for g, pairs in zip(groups, listed) for t, v, evidence in pairs]
    order = {k: i for i, k in enumerate(LEAK_KINDS)}
    leaks.sort(key=lambda leak: (order[leak.kind], leak.train, leak.val))
    ranked = sorted(zip(groups, range(len(groups))),
                    key=lambda gi: (order[gi[0].kind], -gi[0].pair_count, gi[0].train_ids[:1], gi[1]))
    return [g for g, _ in ranked], leaks, sum(g.pair_count for g in groups) - len(leaks)
