"""The leakage audit under ``torchrun``: every rank fingerprints its shard, rank 0 searches.

Fingerprinting (decode + hash) is the slow part and shards cleanly: rank ``r`` of ``N``
takes every ``N``-th sample from ``r``, reading the shared fingerprint cache but not
writing it (ranks writing one file would drop each other's entries). Rank 0 gathers the
fingerprints, windows, problems and new cache entries over a gloo group, saves the cache
once, finds the leak groups and holds the one report; the verdict is broadcast so every
rank exits alike. torch is imported only here, never by the plain audit.
"""

from __future__ import annotations

import os

import torch.distributed as dist

from .audit import AuditReport, Fingerprints, iter_fingerprints, report_of
from .groups import DEFAULT_PAIRS_PER_GROUP
from .hashes import DEFAULT_NEAR_THRESHOLD
from ..sanity.distributed import current_world, object_group
from ..steps import done_total, run_steps


def _shard_result(found: Fingerprints) -> dict:
    ids = set(found.fingerprints) | set(found.windows)
    cache = found.cache
    return {"fingerprints": found.fingerprints, "windows": found.windows, "problems": found.problems,
            "decoded": found.decoded, "cache_hits": found.cache_hits, "linked": found.linked,
            "pixels": {k: v for k, v in cache.pixels.items() if k in ids},
            "window_entries": {k: v for k, v in cache.windows.items() if k in ids}}


def _merge(found: Fingerprints, shards: list[dict]) -> Fingerprints:
    """Rank 0's :class:`Fingerprints` grown by the other ranks' shards (and the cache saved)."""
    for shard in shards[1:]:
        found.fingerprints.update(shard["fingerprints"])
        found.windows.update(shard["windows"])
        found.problems.extend(shard["problems"])
        found.decoded += shard["decoded"]
        found.cache_hits += shard["cache_hits"]
        found.linked += shard["linked"]
        found.cache.pixels.update(shard["pixels"])
        found.cache.windows.update(shard["window_entries"])
        found.cache.dirty = True
    found.cache.save(keep=found.complete_ids)
    return found


def audit_distributed(root: str | os.PathLike, signal: str, version: int | None = None, *,
                      near_threshold: int = DEFAULT_NEAR_THRESHOLD, workers: int | None = None,
                      use_cache: bool = True, cache_dir: str | os.PathLike | None = None, pool: str = "auto",
                      pairs_per_group: int | None = DEFAULT_PAIRS_PER_GROUP,
                      progress=None) -> tuple[AuditReport | None, bool]:
    """Audit across the initialised process group: ``(report, has_leaks)``; the report on rank 0
    only (None elsewhere), ``has_leaks`` on every rank. Without a group (or with one rank)
    this is the single-process audit. Every rank must call it (it holds collectives)."""
    world = current_world()
    shard = (world.rank, world.world_size) if world is not None else None
    steps = iter_fingerprints(root, signal, version, workers=workers, use_cache=use_cache, cache_dir=cache_dir,
                              pool=pool, shard=shard, save_cache=world is None)
    found = run_steps(steps, done_total(progress))
    if world is None:
        report = report_of(found, near_threshold, pairs_per_group)
        return report, report.has_leaks
    group = object_group()
    shards = [None] * world.world_size if world.rank == 0 else None
    dist.gather_object(_shard_result(found), shards, dst=0, group=group)
    report = report_of(_merge(found, shards), near_threshold, pairs_per_group) if world.rank == 0 else None
    verdict = [report.has_leaks if report is not None else None]
    dist.broadcast_object_list(verdict, src=0, group=group)
    return report, bool(verdict[0])
