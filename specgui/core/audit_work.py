"""The per-sample work of an audit (what the cache lacks), run inline or on a worker pool.

A worker process pool (``spawn``: safe beside Qt threads, same on every OS) uses every
core; threads overlap only what releases the GIL (zlib, SHA-256, numpy), and the
Python-level part of a small sample's load and its JSON parse keep them from scaling.
Small jobs run inline: starting workers costs a few tenths of a second. At most
``2 * workers`` chunks are in flight, so cancelling stops within a few files, and a pool
that cannot start or that breaks (a worker killed) leaves the rest to run inline.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .audit_hashes import fingerprint_file
from .audit_windows import window_of
from .errors import SampleError
from .sample_labels import load_sample_labels

CHUNK = 16  # samples per pool task: enough to amortise the hand-off, few enough to cancel promptly
MIN_POOLED = 64  # fewer tasks than this run inline
POOLS = ("process", "thread")


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


def _check_chunk(paths: list[tuple[Path | None, Path | None]], bound: Path | None) -> list[tuple]:
    return [check_files(npz, js, bound) for npz, js in paths]


def _make_pool(kind: str, workers: int) -> Executor:
    if kind == "thread":
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="specgui-audit")
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def run_checks(tasks: list[tuple], bound: Path | None, workers: int | None = None, pool: str = "process"):
    """Yield ``(task, check_files(task[1], task[2], bound))`` for each task as it finishes.

    ``task[1]`` / ``task[2]`` are the ``.npz`` / ``.json`` paths (or None); the rest of the
    task is passed through untouched. ``workers`` defaults to the CPU count.
    """
    if pool not in POOLS:
        raise ValueError(f"pool must be one of {POOLS}, got {pool!r}")
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    if workers == 1 or len(tasks) < MIN_POOLED:
        for task in tasks:
            yield task, check_files(task[1], task[2], bound)
        return
    chunks = [tasks[i:i + CHUNK] for i in range(0, len(tasks), CHUNK)]
    try:
        executor = _make_pool(pool, workers)
    except (OSError, ImportError, NotImplementedError):  # no semaphores in this sandbox, say
        executor = None
    left = 0
    if executor is not None:
        pending: dict = {}
        try:
            while left < len(chunks) or pending:
                while left < len(chunks) and len(pending) < 2 * workers:
                    paths = [(t[1], t[2]) for t in chunks[left]]
                    pending[executor.submit(_check_chunk, paths, bound)] = chunks[left]
                    left += 1
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    results = future.result()  # before pop: a broken pool leaves the chunk pending
                    yield from zip(pending.pop(future), results)
        except BrokenProcessPool:  # finish what the pool left, here
            chunks, left = list(pending.values()) + chunks[left:], 0
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
    for chunk in chunks[left:]:
        for task in chunk:
            yield task, check_files(task[1], task[2], bound)
