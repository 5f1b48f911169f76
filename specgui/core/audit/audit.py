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
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass, field

from .cache import AuditCache, stat_key
from .hashes import DEFAULT_NEAR_THRESHOLD, PHASH_BITS, hashes_to_words, near_pairs
from .windows import capture_overlaps, leaking_new_samples
from .work import POOLS, choose_pool, run_checks
from ..errors import SplitStateError
from ..layout import SPLITS_DIRNAME
from ..samples.ids import sample_paths
from ..samples.index import FileState
from ..splits.manager import open_signal
from ..splits.resolve import read_split

__all__ = ["AuditProblem", "AuditReport", "Leak", "audit_split", "iter_audit", "leaking_new_samples"]

LEAK_KINDS = ("exact", "near", "capture")


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

    @property
    def has_leaks(self) -> bool:
        return bool(self.leaks)

    def leak_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(LEAK_KINDS, 0)
        for leak in self.leaks:
            counts[leak.kind] += 1
        return counts


def _check_threshold(near_threshold: int) -> int:
    if isinstance(near_threshold, bool) or not isinstance(near_threshold, int) or not 0 <= near_threshold <= PHASH_BITS:
        raise SplitStateError(None, f"near threshold must be an integer 0..{PHASH_BITS}, got {near_threshold!r}")
    return near_threshold


def iter_audit(root: str | os.PathLike, signal: str, version: int | None = None, *,
               near_threshold: int = DEFAULT_NEAR_THRESHOLD, workers: int | None = None,
               use_cache: bool = True, cache_dir: str | os.PathLike | None = None, pool: str = "auto"):
    """Audit ``version`` (default: the active one) of ``signal``; yields progress, returns the report.

    ``root`` is the signals folder or its parent. Raises :class:`DataRootError` or a
    :class:`SplitFileError` (missing version...) before the first yield; sample problems
    never raise. What the cache lacks is read by ``workers`` (default: the CPU count)
    threads or processes: ``pool`` is ``"thread"``, ``"process"``, ``"inline"`` or ``"auto"``
    (by file size and count; see :mod:`.work`).
    """
    _check_threshold(near_threshold)
    if pool not in POOLS:
        raise SplitStateError(None, f"pool must be one of {POOLS}, got {pool!r}")
    manager, signal_dir = open_signal(root, signal)
    split = read_split(signal_dir / SPLITS_DIRNAME, signal, version, stacklevel=3)
    train, val = split.train, split.val
    scan = manager.scan(signal)
    cache = AuditCache(signal_dir, folder=cache_dir, data_root=root, enabled=use_cache)
    side = {**{s: "train" for s in train}, **{s: "val" for s in val}}
    problems = [AuditProblem(s, side[s], _missing_reason(scan, s)) for s in side if s not in scan.complete_ids]
    present = [s for s in side if s in scan.complete_ids]
    total, done = len(present), 0
    fingerprints: dict[str, tuple[str, bytes, tuple[int, int]]] = {}
    windows: dict[str, tuple] = {}
    tasks = []
    for i, sample_id in enumerate(present, 1):
        npz_path, json_path = sample_paths(scan.samples_dir, sample_id)
        npz_key, json_key = stat_key(npz_path), stat_key(json_path)
        pixels, window = cache.get_pixels(sample_id, npz_key), cache.get_window(sample_id, json_key)
        if pixels is not None:
            fingerprints[sample_id] = pixels
        if window is not None:
            windows[sample_id] = tuple(window)
        if pixels is None or window is None:
            tasks.append((sample_id, None if pixels else npz_path, None if window else json_path, npz_key, json_key))
        else:
            done += 1
        if i % 1024 == 0:
            yield done, total
    yield done, total
    decoded = 0
    sizes = [t[3][0] for t in tasks if t[1] is not None and t[3] is not None]
    pool = choose_pool(pool, len(sizes), sum(sizes) / max(1, len(sizes)))
    try:
        with closing(run_checks(tasks, manager.base_dir, workers, pool)) as results:  # closing: stop the pool on cancel
            for (sample_id, npz_path, json_path, npz_key, json_key), (pixels, window) in results:
                for path, result in ((npz_path, pixels), (json_path, window)):
                    if path is not None and isinstance(result, str):
                        problems.append(AuditProblem(sample_id, side[sample_id], result))
                if npz_path is not None and not isinstance(pixels, str):
                    decoded += 1
                    fingerprints[sample_id] = pixels
                    cache.put_pixels(sample_id, npz_key, *pixels)
                if json_path is not None and not isinstance(window, str):
                    windows[sample_id] = window
                    cache.put_window(sample_id, json_key, *window)
                done += 1
                yield done, total
    finally:  # also on cancel: what was fingerprinted so far is kept for the next run
        cache.save(keep=scan.complete_ids)
    return AuditReport(
        signal=signal, version=split.version, train_count=len(train), val_count=len(val),
        near_threshold=near_threshold, leaks=tuple(_find_leaks(train, val, fingerprints, windows, near_threshold)),
        problems=tuple(sorted(problems, key=lambda p: (p.split, p.sample_id))),
        decoded=decoded, cache_hits=total - sum(1 for t in tasks if t[1] is not None),
        cache_path=str(cache.path) if cache.enabled else None, cache_note=cache.note,
        without_window=sum(1 for w in windows.values() if w[0] is not None and w[1] is None),
    )


def audit_split(root: str | os.PathLike, signal: str, version: int | None = None, *,
                near_threshold: int = DEFAULT_NEAR_THRESHOLD, workers: int | None = None,
                use_cache: bool = True, cache_dir: str | os.PathLike | None = None,
                pool: str = "auto", progress=None) -> AuditReport:
    """Run :func:`iter_audit` to the end; ``progress(done, total)`` is called on each step."""
    steps = iter_audit(root, signal, version, near_threshold=near_threshold, workers=workers,
                       use_cache=use_cache, cache_dir=cache_dir, pool=pool)
    while True:
        try:
            done, total = next(steps)
        except StopIteration as stop:
            return stop.value
        if progress is not None:
            progress(done, total)


def _missing_reason(scan, sample_id: str) -> str:
    state = scan.file_state(sample_id)
    what = {FileState.NPZ_MISSING: ".npz", FileState.JSON_MISSING: ".json"}.get(state, ".npz and .json")
    return f"listed in the split but its {what} is not on disk"


def _find_leaks(train, val, fingerprints, windows, near_threshold: int) -> list[Leak]:
    leaks: list[Leak] = []
    val_by_hash: dict[str, list[str]] = defaultdict(list)
    for v in val:
        if v in fingerprints:
            val_by_hash[fingerprints[v][0]].append(v)
    for t in train:
        if t in fingerprints:
            for v in val_by_hash.get(fingerprints[t][0], ()):
                shape = list(fingerprints[t][2])
                leaks.append(Leak("exact", t, v, {"hash": fingerprints[t][0], "shape": shape}))
    t_ids = [t for t in train if t in fingerprints]
    v_ids = [v for v in val if v in fingerprints]
    t_words = hashes_to_words([fingerprints[t][1] for t in t_ids])
    v_words = hashes_to_words([fingerprints[v][1] for v in v_ids])
    for i, j, distance in near_pairs(t_words, v_words, near_threshold):
        t, v = t_ids[i], v_ids[j]
        if fingerprints[t][0] == fingerprints[v][0]:
            continue  # already an exact leak
        leaks.append(Leak("near", t, v, {
            "distance": distance, "threshold": near_threshold, "bits": PHASH_BITS,
            "train_phash": fingerprints[t][1].hex(), "val_phash": fingerprints[v][1].hex(),
        }))
    train_windows = {t: windows[t] for t in train if t in windows}
    val_windows = {v: windows[v] for v in val if v in windows}
    for t, v, evidence in capture_overlaps(train_windows, val_windows):
        leaks.append(Leak("capture", t, v, evidence))
    order = {k: i for i, k in enumerate(LEAK_KINDS)}
    leaks.sort(key=lambda leak: (order[leak.kind], leak.train, leak.val))
    return leaks
