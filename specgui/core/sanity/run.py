"""DataLoader sanity pass: every sample of a split version through a real loader to the device.

Before a GPU job is spent, this says whether every train and val sample decodes, is
well-formed and reaches the device, and how fast the data path is. The pass is a generator
of :class:`SanityProgress` events; each ``yield`` is a cancel point (``close()`` it and the
workers stop and device memory is freed at once). The :class:`SanityReport` is the
generator's return value; :func:`run_sanity_pass` drives it to the end.

Data path: uint8 from disk (4x fewer bytes than float over IPC, pinning and PCIe), checked in
the workers. For CUDA, images are stacked by shape in shared memory, pinned, copied
non-blocking and converted to float and reduced on the GPU; on CPU the workers are already
on the device and reduce the pixels themselves. Pixel sums are exact; the statistics are
reported normalised (value / 255), as the model sees the pixels.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Generator

import torch
from torch.utils.data import DataLoader

from ..samples.index import scan_signal
from .checks import PixelReducer, SanityBatch, SanityCollate
from .dataset import Entry, SanityDataset, SplitMembership, keep_freed_memory, plan_entries, read_membership
from .distributed import (SanityConfigError, WorldInfo, all_gather, current_world, device_name, object_group,
                          resolve_device, shard_indices, usable_cpus)
from .report import (SPLITS, Problem, SanityProgress, SanityReport, SplitTally, TimingTally, merge_tallies,
                     split_report, timing_summary)
from ..splits.manager import open_signal
from ..steps import run_steps

#: 8 uint8 1024x1024 images = 8 MB a batch: one device copy amortises per-batch overhead,
#: and a cancel never waits long for the batch in hand.
DEFAULT_BATCH_SIZE = 8
#: Batches queued per worker (torch's default is 2): rides out uneven decode times.
DEFAULT_PREFETCH = 4
MAX_DEFAULT_WORKERS = 8
_QT_MODULES = ("PySide6", "PyQt5", "PyQt6", "shiboken6")


def default_workers(device: torch.device, batches: int, start_method: str | None = None) -> int:
    """Decode is the bottleneck (~5 ms a compressed 1024x1024 .npz vs ~0.5 ms of reduction).

    On CPU every core decodes: the reductions run in the workers too, and the main loop only
    tallies, so a core held back for it would idle. With CUDA one core stays with the main
    process (pin thread, copies, kernel launches). At most 8: past that, disk and start-up
    dominate. None when the pass is too short to pay for starting workers: 2 batches under
    fork; 32 (about 1.5 s of decoding) under spawn/forkserver, where each worker imports torch.
    """
    cpus = usable_cpus()
    want = cpus - 1 if device.type == "cuda" else cpus
    too_few = 32 if start_method in ("spawn", "forkserver") else 2
    if cpus < 2 or batches <= too_few:
        return 0
    return max(1, min(MAX_DEFAULT_WORKERS, want, batches))


def default_mp_context() -> str | None:
    """``spawn`` in a GUI process or off the main thread (where a GUI runs jobs): forking a
    process that runs other threads can deadlock the child. Else the platform's default."""
    if threading.current_thread() is not threading.main_thread() or any(m in sys.modules for m in _QT_MODULES):
        return "spawn"
    return None


@dataclass(frozen=True)
class SanityPlan:
    """Everything resolved before a file is opened; building one raises on bad usage."""

    signal: str
    signals_root: Path
    samples_dir: Path
    membership: SplitMembership
    entries: tuple[Entry, ...]  # this rank's loadable samples, train first
    pre_problems: tuple[tuple[int, Problem], ...]  # found without opening a file
    device: torch.device
    workers: int
    batch_size: int
    prefetch_factor: int | None
    multiprocessing_context: str | None
    world: WorldInfo | None
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return len(self.entries) + len(self.pre_problems)

    def batches(self) -> list[list[int]]:
        """Runs of at most ``batch_size`` entries, never mixing train and val."""
        out: list[list[int]] = []
        for i, entry in enumerate(self.entries):
            if not out or len(out[-1]) >= self.batch_size or self.entries[out[-1][0]].split != entry.split:
                out.append([])
            out[-1].append(i)
        return out


def plan_sanity_pass(root: str | os.PathLike, signal: str, *, version: int | None = None, device: str | None = "auto",
                     workers: int | None = None, batch_size: int | None = None, prefetch_factor: int | None = None,
                     multiprocessing_context: str | None = "auto", distributed: bool | None = None) -> SanityPlan:
    """Resolve root, signal, split version, device and loader settings; raises on bad usage.

    ``root`` is the signals folder or its parent. ``version`` defaults to the active one.
    ``distributed`` (default: whether a process group is initialised) shards the samples.
    Raises :class:`DataRootError`, :class:`SplitNotFoundError`, :class:`SplitFileError` or
    :class:`SanityConfigError`.
    """
    manager, signal_dir = open_signal(root, signal)
    membership = read_membership(manager, signal, version)
    scan = scan_signal(signal_dir)
    entries, pre = plan_entries(scan, membership)
    world = current_world() if distributed is not False else None
    if distributed and world is None:
        raise SanityConfigError("distributed=True, but no torch.distributed process group is initialised")
    if world is not None:
        entries = [entries[i] for i in shard_indices(len(entries), world)]
        pre = pre if world.rank == 0 else []  # rank 0 alone reports what needs no loading
    dev = resolve_device(device, world)
    batch = DEFAULT_BATCH_SIZE if batch_size is None else batch_size
    if batch < 1:
        raise SanityConfigError(f"batch size must be at least 1, got {batch}")
    n_batches = -(-len(entries) // batch)
    context = default_mp_context() if multiprocessing_context == "auto" else multiprocessing_context
    effective = context or torch.multiprocessing.get_start_method(allow_none=True) or "fork"
    count = default_workers(dev, n_batches, effective) if workers is None else workers
    if count < 0:
        raise SanityConfigError(f"workers must be 0 or more, got {count}")
    notes = membership.notes + ((scan.error,) if scan.error else ())
    return SanityPlan(signal, manager.base_dir, scan.samples_dir, membership, tuple(entries), tuple(pre), dev, count, batch,
                      (prefetch_factor or DEFAULT_PREFETCH) if count else None, context if count else None, world, notes)


def _make_loader(plan: SanityPlan) -> DataLoader:
    cuda = plan.device.type == "cuda"
    extra = {"prefetch_factor": plan.prefetch_factor, "multiprocessing_context": plan.multiprocessing_context,
             "worker_init_fn": keep_freed_memory} if plan.workers else {}
    dataset = SanityDataset(plan.samples_dir, list(plan.entries), root=plan.signals_root)
    return DataLoader(dataset, batch_sampler=plan.batches(), num_workers=plan.workers,
                      collate_fn=SanityCollate(reduce_on_host=not cuda), pin_memory=cuda, **extra)


def iter_sanity_pass(plan: SanityPlan) -> Generator[SanityProgress, None, SanityReport]:
    """Run the pass, yielding progress after each batch; returns the report (merged across ranks)."""
    tallies = {name: SplitTally(name) for name in SPLITS}
    timing = TimingTally()
    for order, problem in plan.pre_problems:
        tallies[problem.split].checked += 1
        tallies[problem.split].add_problem(order, problem)
    start = time.perf_counter()
    done, cuda = len(plan.pre_problems), plan.device.type == "cuda"
    yield SanityProgress(done, plan.total, plan.entries[0].split if plan.entries else "train", 0.0, done)
    reducer, iterator = PixelReducer(plan.device), None
    if cuda:
        torch.cuda.reset_peak_memory_stats(plan.device)
    try:
        if plan.entries:
            loader = _make_loader(plan)
            iterator = iter(loader)
            # Exactly as many next() calls as batches: one more would make torch shut its
            # workers down inside next(), where an exit-time worker death looks like a failure.
            for _ in range(len(loader.batch_sampler)):
                before = time.perf_counter()
                batch = next(iterator)
                now = time.perf_counter()
                timing.startup = timing.startup or now - start
                timing.wait += now - before
                _consume(batch, plan, tallies, timing, reducer)
                done += len(batch.indices)
                problems = sum(len(t.problems) for t in tallies.values())
                rate = timing.loaded / max(time.perf_counter() - start, 1e-9)
                yield SanityProgress(done, plan.total, batch.split, rate, problems)
            for split, (pixels, total, squares) in reducer.totals().items():
                tallies[split].pixels += pixels
                tallies[split].pixel_sum += total
                tallies[split].pixel_sumsq += squares
            timing.device += reducer.device_seconds()
        timing.wall = time.perf_counter() - start
        timing.peak_device_memory = torch.cuda.max_memory_allocated(plan.device) if cuda else None
    finally:
        _shutdown(iterator)
        reducer.release()
        if cuda:
            with torch.cuda.device(plan.device):
                torch.cuda.empty_cache()
    return _finish(plan, tallies, timing)


def _shutdown(iterator) -> None:
    """Stop the loader's workers and pin thread now, not whenever the iterator is collected.

    A worker that dies while it exits (seen: a spawned worker aborting in a C++ destructor
    after its last batch) makes torch's SIGCHLD guard raise here. Every batch it sent was
    already checked and torch's own ``finally`` has reaped the workers, so a death at this
    point says nothing about the data: it must not turn a finished or cancelled pass into a
    failure. Deaths while batches are still due surface from ``next()`` as usual.
    """
    shutdown = getattr(iterator, "_shutdown_workers", None)
    if shutdown is None:
        return
    try:
        shutdown()
    except RuntimeError as error:
        if "DataLoader worker" not in str(error):
            raise


def _consume(batch: SanityBatch, plan: SanityPlan, tallies: dict[str, SplitTally], timing: TimingTally,
             reducer: PixelReducer) -> None:
    """Tally one checked batch and send its pixels (if any are left) to the device."""
    tally = tallies[batch.split]
    for index, file, reason, kind in batch.problems:
        entry = plan.entries[index]
        tally.add_problem(entry.order, Problem(entry.sample_id, entry.split, reason, file, kind))
    tally.checked += len(batch.indices)
    tally.ok += len(batch.ok)
    tally.box_hist.update(count for _, count in batch.ok)
    tally.widths.append(batch.widths)
    tally.heights.append(batch.heights)
    for pixels in batch.groups:
        reducer.reduce(batch.split, pixels)
    if batch.host_sums is not None:
        tally.pixels += batch.host_sums[0]
        tally.pixel_sum += batch.host_sums[1]
        tally.pixel_sumsq += batch.host_sums[2]
    timing.decode += batch.decode_seconds
    timing.device += batch.reduce_seconds
    timing.file_bytes += batch.file_bytes
    timing.pixel_bytes += batch.pixel_bytes
    timing.loaded += len(batch.indices)


def _finish(plan: SanityPlan, tallies: dict[str, SplitTally], timing: TimingTally) -> SanityReport:
    parts = [(tallies, timing)]
    if plan.world is not None:
        parts = all_gather((tallies, timing), object_group())
    merged, merged_timing = merge_tallies(parts)
    listed = {"train": len(plan.membership.train), "val": len(plan.membership.val)}
    return SanityReport(
        signal=plan.signal, signals_root=str(plan.signals_root), split_version=plan.membership.version,
        device=str(plan.device), device_name=device_name(plan.device),
        world_size=plan.world.world_size if plan.world else 1, workers=plan.workers, batch_size=plan.batch_size,
        prefetch_factor=plan.prefetch_factor, pin_memory=plan.device.type == "cuda",
        multiprocessing_context=_start_method(plan),
        splits={name: split_report(merged[name], listed[name]) for name in SPLITS},
        timing=timing_summary(merged_timing), notes=plan.notes,
    )


def _start_method(plan: SanityPlan) -> str | None:
    """How the loader's workers were started, by name (the platform's default named too)."""
    if not plan.workers:
        return None
    # get_all_start_methods()[0] is the platform's default; get_context() would fix it for the process
    return plan.multiprocessing_context or multiprocessing.get_start_method(allow_none=True) \
        or multiprocessing.get_all_start_methods()[0]


def run_sanity_pass(root: str | os.PathLike, signal: str, *, on_progress: Callable[[SanityProgress], None] | None = None,
                    **options) -> SanityReport:
    """Plan (see :func:`plan_sanity_pass` for ``options``) and run the whole pass."""
    return run_steps(iter_sanity_pass(plan_sanity_pass(root, signal, **options)), on_progress)
