"""The per-sample work of an audit (what the cache lacks), run inline or on a worker pool.

Threads overlap what releases the GIL: zlib, SHA-256 and numpy, most of a 1024x1024
sample's cost; they start instantly. A process pool (``spawn``: safe beside Qt threads,
same on every OS) also runs the Python-level part in parallel, which is most of a small
sample's cost, for a price: a few tenths of a second to start workers that import numpy
each. ``auto`` picks by the files' size: on 2 cores, threads win for 1024x1024 files and
processes for thousands of 256x256 ones, where threads are no faster than one loop
(benchmarks/results/audit.md). Small jobs run inline. At most ``2 * workers`` chunks are in flight, so cancelling stops within a few
files, and a pool that cannot start or that breaks (a worker killed) leaves the rest to
run inline.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import chain
from pathlib import Path

from .hashes import fingerprint_file
from .windows import window_of
from ..errors import SampleError
from ..samples.labels import load_sample_labels

CHUNK = 16  # samples per pool task: enough to amortise the hand-off, few enough to cancel promptly
MIN_POOLED = 64  # fewer tasks than this run inline
POOLS = ("auto", "thread", "process", "inline")
#: ``auto`` picks processes for at least this many decodes of files smaller than SMALL_NPZ_BYTES
#: on average, inline for fewer: there the GIL-held part of each load dominates, and threads
#: only add contention.
AUTO_PROCESS_MIN_TASKS = 2000
SMALL_NPZ_BYTES = 256 * 1024


def choose_pool(pool: str, decodes: int, mean_npz_bytes: float) -> str:
    """``pool``, with ``auto`` resolved to ``thread``, ``process`` or ``inline`` for this work."""
    if pool not in POOLS:
        raise ValueError(f"pool must be one of {POOLS}, got {pool!r}")
    if pool != "auto":
        return pool
    if mean_npz_bytes >= SMALL_NPZ_BYTES:
        return "thread"
    return "process" if decodes >= AUTO_PROCESS_MIN_TASKS else "inline"


def check_files(npz_path: Path | None, json_path: Path | None, bound: Path | None) -> tuple:
    """``(fingerprint, window)`` of one sample's files; a problem string for a file that cannot
    be used, None for a file not asked for (``None`` path). Never raises for a bad file."""
    pixels = window = None
    if npz_path is not None:
        try:
            pixels = fingerprint_file(npz_path, bound)
        except SampleError as exc:
            pixels = exc.problem
        except (OSError, ValueError, MemoryError) as exc:  # one file never ends the audit
            pixels = f"cannot read: {exc}"
    if json_path is not None:
        try:
            window = window_of(load_sample_labels(json_path, root=bound).metadata)
        except SampleError as exc:
            window = exc.problem
    return pixels, window


def _check_chunk(paths: list[tuple[Path | None, Path | None]], bound: Path | None, check=check_files) -> list[tuple]:
    return [check(npz, js, bound) for npz, js in paths]


def _make_pool(kind: str, workers: int) -> Executor:
    if kind == "thread":
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="specgui-audit")
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_lower_priority)


def _lower_priority() -> None:
    """Decoding workers yield to the process that asked (the window the user is clicking in)."""
    try:
        os.nice(5)
    except (OSError, AttributeError):  # not permitted, or no nice() on this platform
        pass


def run_checks(tasks: Sequence[tuple], bound: Path | None, workers: int | None = None, pool: str = "thread",
               check=check_files):
    """Yield ``(task, check(task[1], task[2], bound))`` for each task as it finishes.

    ``task[1]`` / ``task[2]`` are the ``.npz`` / ``.json`` paths (or None); the rest of the
    task is passed through untouched. ``workers`` defaults to the CPU count. ``check`` (default
    :func:`check_files`) must be a module-level function, so a process pool can pickle it.
    """
    if pool not in POOLS[1:]:
        raise ValueError(f"pool must be one of {POOLS[1:]} (resolve 'auto' with choose_pool), got {pool!r}")
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    if pool == "inline" or workers == 1 or len(tasks) < MIN_POOLED:
        for task in tasks:
            yield task, check(task[1], task[2], bound)
        return
    starts = range(0, len(tasks), CHUNK)  # chunks are sliced as they are sent: no list of 6,000 lists
    try:
        executor = _make_pool(pool, workers)
    except (OSError, ImportError, NotImplementedError):  # no semaphores in this sandbox, say
        executor = None
    left, unsent = 0, []
    if executor is not None:
        pending: dict = {}
        try:
            while left < len(starts) or pending:
                while left < len(starts) and len(pending) < 2 * workers:
                    chunk = tasks[starts[left]:starts[left] + CHUNK]
                    pending[executor.submit(_check_chunk, [(t[1], t[2]) for t in chunk], bound, check)] = chunk
                    left += 1
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    results = future.result()  # before pop: a broken pool leaves the chunk pending
                    yield from zip(pending.pop(future), results)
        except BrokenProcessPool:  # finish what the pool left, here
            unsent = [task for chunk in pending.values() for task in chunk]
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
    for task in chain(unsent, tasks[starts[left] if left < len(starts) else len(tasks):]):
        yield task, check(task[1], task[2], bound)
