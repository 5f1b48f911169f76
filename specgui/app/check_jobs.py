"""The jobs behind the check tabs (sanity pass, audit, split health): generators over the core, Qt-free.

The pass and the audit run long, so each job yields often (every ``yield`` is a cancel point for the
worker) but reports at most ``1 / MIN_REPORT_S`` progress events a second: the others are
yielded as ``None``, which the worker swallows. The window never imports torch: the sanity
pass runs in a child process (:mod:`specgui.core.sanity.child`) that reports in JSON lines.
Expected failures (no split, a bad folder, CUDA asked for but gone) are returned as outcome
values carrying the core's message; a cancel stops the sanity child, which stops its
DataLoader workers first (or closes the audit's generator, which stops its thread pool).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from specgui.core.errors import SpecguiError
from specgui.core.layout import SignalPaths
from specgui.core.samples.ids import unsafe_id_reason
from specgui.core.sanity.child import ChildFailed, DevicesProbed, run_in_child  # noqa: F401 - DevicesProbed: for the panel
from specgui.core.sanity.report import SanityReport

from .jobs import Progress, SampleOutcome, load_sample_job, progress_of

#: Fewest seconds between two progress reports (≤ 10 UI updates a second).
MIN_REPORT_S = 0.1
#: What :func:`specgui.core.sanity.plan_sanity_pass` uses when no batch size is given; kept
#: here so the panel can show it without importing torch (a test checks they agree).
DEFAULT_BATCH_SIZE = 8


@dataclass(frozen=True)
class SanityOptions:
    """What the sanity panel asks for; None means the core's default."""

    version: int | None = None
    device: str = "auto"
    workers: int | None = None
    batch_size: int | None = None


@dataclass(frozen=True)
class CheckOutcome:
    """A finished check (a sanity pass, an audit, split health): its ``result`` (a SanityReport,
    an AuditReport, a SplitHealth), or ``error`` when it could not run."""

    generation: int
    signal: str
    result: object | None = None
    error: str | None = None


@dataclass(frozen=True)
class PairOutcome:
    """Both samples of a leak pair, each loaded or failed (with the core's message)."""

    generation: int
    signal: str
    leak: object
    train: SampleOutcome
    val: SampleOutcome


def sanity_job(generation: int, signals_root: Path, signal: str, options: SanityOptions):
    """Run the sanity pass of ``signal`` in a child process (torch never loads in the window's);
    yields DevicesProbed, then SanityProgress events, and returns a CheckOutcome."""
    yield Progress("Starting the sanity pass (importing torch)", 0, 0)
    events = run_in_child(signals_root, signal, version=options.version, device=options.device,
                          workers=options.workers, batch_size=options.batch_size)
    try:
        for event in events:
            if isinstance(event, SanityReport):
                return CheckOutcome(generation, signal, event)
            elif isinstance(event, ChildFailed):
                return CheckOutcome(generation, signal, error=event.message)
            else:
                yield event  # DevicesProbed, progress, or None: the child's lines are already throttled
        return CheckOutcome(generation, signal, error="the sanity pass ended without a report")
    finally:
        events.close()  # on cancel: the child stops its loader workers and exits


def audit_job(generation: int, signals_root: Path, signal: str, version: int | None, near_threshold: int):
    """Audit ``version`` (None: active) of ``signal`` for train/val leaks.

    The pool is chosen as the CLI chooses it: thousands of small files go to spawned worker
    processes (at a lower priority than the window), since on threads the Python-level part of
    each decode holds the GIL; 100,000 samples of 128x128 took 1.9x the CLI's time that way
    and froze the window for up to 0.3 s (benchmarks/results/gui_audit.md)."""
    from specgui.core.audit.audit import iter_audit

    steps = iter_audit(signals_root, signal, version, near_threshold=near_threshold, pool="auto")
    try:  # on cancel the fingerprint threads stop and the partial cache is saved (steps are closed)
        report = yield from progress_of(steps, "Auditing", min_interval_s=MIN_REPORT_S)
    except SpecguiError as exc:
        return CheckOutcome(generation, signal, error=str(exc))
    return CheckOutcome(generation, signal, report)


def load_pair_job(generation: int, signals_root: Path, signal: str, leak) -> PairOutcome:
    """Load the train and the val sample of ``leak`` for the side-by-side view."""
    samples_dir = SignalPaths(signals_root / signal).samples_dir
    outcomes = []
    for sample_id in (leak.train, leak.val):
        reason = unsafe_id_reason(sample_id)
        outcomes.append(SampleOutcome(signal, sample_id, message=reason) if reason
                        else load_sample_job(samples_dir, signal, sample_id))
    return PairOutcome(generation, signal, leak, outcomes[0], outcomes[1])


def health_job(generation: int, signals_root: Path, signal: str, version: int | None):
    """Split health of ``version`` (None: active) of ``signal``; reads sample JSONs and npz headers only."""
    yield Progress("Reading split health", 0, 1)  # a cancel point before any file is read
    from specgui.core.splits.health import split_health

    try:
        health = split_health(signals_root, signal, version)
    except SpecguiError as exc:
        return CheckOutcome(generation, signal, error=str(exc))
    return CheckOutcome(generation, signal, health)
