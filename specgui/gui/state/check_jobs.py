"""The jobs behind the sanity and audit panels: generator functions over the core, Qt-free.

Both passes run long, so each job yields often (every ``yield`` is a cancel point for the
worker) but reports at most ``1 / MIN_REPORT_S`` progress events a second: the others are
yielded as ``None``, which the worker swallows. The window stays torch-free until a sanity
pass starts: :mod:`specgui.core.sanity` (torch) is imported inside :func:`sanity_job`.
Expected failures (no split, a bad folder, CUDA asked for but gone) are returned as outcome
values carrying the core's message; a cancel closes the core's generator, which stops the
DataLoader's worker processes (or the audit's thread pool) there and then.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from specgui.core.errors import SpecguiError
from specgui.core.sample_ids import unsafe_id_reason

from .jobs import Progress, SampleOutcome, load_sample_job

#: Fewest seconds between two progress reports (≤ 10 UI updates a second).
MIN_REPORT_S = 0.1
#: What :func:`specgui.core.sanity.plan_sanity_pass` uses when no batch size is given; kept
#: here so the panel can show it without importing torch (a test checks they agree).
DEFAULT_BATCH_SIZE = 8
#: Forking a process that runs Qt's threads can deadlock the child: GUI workers are spawned.
MP_CONTEXT = "spawn"


@dataclass(frozen=True)
class SanityOptions:
    """What the sanity panel asks for; None means the core's default."""

    version: int | None = None
    device: str = "auto"
    workers: int | None = None
    batch_size: int | None = None


@dataclass(frozen=True)
class DevicesProbed:
    """The CUDA devices torch sees, as (spec, name) pairs; empty when there is no GPU."""

    cuda: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SanityOutcome:
    """A finished pass: ``report`` (a SanityReport), or ``error`` when it could not run."""

    generation: int
    signal: str
    report: object | None = None
    error: str | None = None


@dataclass(frozen=True)
class AuditOutcome:
    """A finished audit: ``report`` (an AuditReport), or ``error`` when it could not run."""

    generation: int
    signal: str
    report: object | None = None
    error: str | None = None


@dataclass(frozen=True)
class PairOutcome:
    """Both samples of a leak pair, each loaded or failed (with the core's message)."""

    generation: int
    signal: str
    leak: object
    train: SampleOutcome
    val: SampleOutcome


class _Throttle:
    """True at most once per ``MIN_REPORT_S``, and always for the first and the last step."""

    def __init__(self) -> None:
        self._last = -1.0

    def due(self, final: bool = False) -> bool:
        now = time.monotonic()
        if final or now - self._last >= MIN_REPORT_S:
            self._last = now
            return True
        return False


def probe_devices() -> DevicesProbed:
    """Ask torch which CUDA devices exist (imports torch: call only once a pass starts)."""
    import torch

    if not torch.cuda.is_available():
        return DevicesProbed()
    return DevicesProbed(tuple((f"cuda:{i}", torch.cuda.get_device_name(i)) for i in range(torch.cuda.device_count())))


def sanity_job(generation: int, signals_root: Path, signal: str, options: SanityOptions):
    """Plan and run the sanity pass of ``signal``; yields DevicesProbed, then SanityProgress events."""
    yield Progress("Starting the sanity pass (importing torch)", 0, 0)
    from specgui.core import sanity
    from specgui.core.sanity_distributed import SanityConfigError

    yield probe_devices()
    try:
        plan = sanity.plan_sanity_pass(
            signals_root, signal, version=options.version, device=options.device, workers=options.workers,
            batch_size=options.batch_size, multiprocessing_context=MP_CONTEXT, distributed=False)
    except (SpecguiError, SanityConfigError) as exc:
        return SanityOutcome(generation, signal, error=str(exc))
    events, throttle = sanity.iter_sanity_pass(plan), _Throttle()
    try:
        while True:
            try:
                event = next(events)
            except StopIteration as stop:
                return SanityOutcome(generation, signal, report=stop.value)
            yield event if throttle.due(event.done >= event.total) else None
    finally:
        events.close()  # on cancel: the DataLoader's worker processes stop here


def audit_job(generation: int, signals_root: Path, signal: str, version: int | None, near_threshold: int):
    """Audit ``version`` (None: active) of ``signal`` for train/val leaks, on threads (never processes)."""
    from specgui.core.audit import iter_audit

    steps, throttle = iter_audit(signals_root, signal, version, near_threshold=near_threshold, pool="thread"), _Throttle()
    try:
        while True:
            try:
                done, total = next(steps)
            except StopIteration as stop:
                return AuditOutcome(generation, signal, report=stop.value)
            except SpecguiError as exc:
                return AuditOutcome(generation, signal, error=str(exc))
            yield Progress("Auditing", done, total) if throttle.due(done >= total) else None
    finally:
        steps.close()  # on cancel: the fingerprint threads stop and the partial cache is saved


def load_pair_job(generation: int, signals_root: Path, signal: str, leak) -> PairOutcome:
    """Load the train and the val sample of ``leak`` for the side-by-side view."""
    samples_dir = signals_root / signal / "samples"
    outcomes = []
    for sample_id in (leak.train, leak.val):
        reason = unsafe_id_reason(sample_id)
        outcomes.append(SampleOutcome(signal, sample_id, message=reason) if reason
                        else load_sample_job(samples_dir, signal, sample_id))
    return PairOutcome(generation, signal, leak, outcomes[0], outcomes[1])


@dataclass(frozen=True)
class HealthOutcome:
    """Split health of one version: ``health`` (a SplitHealth), or ``error`` when it could not be read."""

    generation: int
    signal: str
    version: int | None
    health: object | None = None
    error: str | None = None


def health_job(generation: int, signals_root: Path, signal: str, version: int | None):
    """Split health of ``version`` (None: active) of ``signal``; reads sample JSONs and npz headers only."""
    yield Progress("Reading split health", 0, 1)  # a cancel point before any file is read
    from specgui.core.split_health import split_health

    try:
        health = split_health(signals_root, signal, version)
    except SpecguiError as exc:
        return HealthOutcome(generation, signal, version, error=str(exc))
    return HealthOutcome(generation, signal, version, health=health)
