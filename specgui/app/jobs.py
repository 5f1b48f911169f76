"""The background jobs: plain (generator) functions over the core, run by :mod:`..workers`.

Each job returns one outcome value. Expected failures (a bad file, a stale split, a
read-only folder) come back as outcome values carrying the core's message, so the window
shows them; only a bug raises. A generator job's ``yield Progress(...)`` reports progress
and is where a cancel takes effect: nothing is written after a cancel point is passed with
the abort flag set. Qt-free.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from specgui.core.errors import SpecguiError, StaleSplitError
from specgui.core.layout import SignalPaths, resolve_signals_root
from specgui.core.samples.index import list_signals
from specgui.core.samples.loading import LoadedSample, load_sample
from specgui.core.splits.manager import ExtendPreview, SplitDiff, SplitManager, VersionSummary

from .snapshot import SignalSnapshot, build_snapshot

if TYPE_CHECKING:
    from specgui.core.splits.plans import PlanPreview


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` steps of the job called ``label``."""

    label: str
    done: int
    total: int


def progress_of(steps, label: str, *, min_interval_s: float = 0.0):
    """Drive ``steps`` (a generator of ``(done, total)`` that returns a result): yield a
    :class:`Progress` per step, at most one per ``min_interval_s`` but always the first and
    the last (the others as None: still cancel points, swallowed by the worker), and return
    what ``steps`` returns. ``steps`` is closed however this ends, a cancel included, so its
    ``finally`` blocks run (thread pools stop, caches are saved). Use with ``yield from``."""
    last = None
    try:
        while True:
            try:
                done, total = next(steps)
            except StopIteration as stop:
                return stop.value
            now = time.monotonic()
            if last is None or done >= total or now - last >= min_interval_s:
                last = now
                yield Progress(label, done, total)
            else:
                yield None
    finally:
        steps.close()


@dataclass(frozen=True)
class RootScan:
    """Every signal under a root; ``error`` set (and no signals) when the root is unusable."""

    generation: int
    root: Path
    signals_root: Path | None
    snapshots: tuple[SignalSnapshot, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class SampleOutcome:
    """A load: ``sample`` on success, else the core's ``message`` naming ``path``."""

    signal: str
    sample_id: str
    sample: LoadedSample | None = None
    message: str | None = None
    path: str | None = None
    stamp: tuple | None = None  # file times when read, to notice a re-labelled sample


@dataclass(frozen=True)
class VersionsOutcome:
    generation: int
    signal: str
    rows: tuple[VersionSummary, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class SplitOutcome:
    """A finished split operation (``what`` names it); ``error`` set when it was refused."""

    signal: str
    what: str
    version: int | None = None
    message: str = ""
    error: str | None = None
    stale: bool = False


@dataclass(frozen=True)
class CreatePreviewOutcome:
    """What v1 would be for ``val_ratio`` and ``seed`` under each grouping (``plans``), or ``error``."""

    signal: str
    val_ratio: float
    seed: int
    plans: tuple[PlanPreview, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class DiffOutcome:
    """A diff, whether each side's val still equals v1's (the 'val frozen' badge), and b's val files gone."""

    signal: str
    diff: SplitDiff | None = None
    a_val_frozen: bool = False
    b_val_frozen: bool = False
    error: str | None = None
    val_missing: tuple[str, ...] = ()  # b's val IDs whose files are not on disk: val shrank silently
    warnings: tuple[str, ...] = ()  # the core's checked_diff warnings


def scan_root_job(generation: int, root: Path, viewed: dict, failed: dict):
    """Snapshot every signal under ``root``, one progress step per signal."""
    try:
        signals_root = resolve_signals_root(root)
        names = list_signals(signals_root)
    except SpecguiError as exc:
        return RootScan(generation, Path(root), None, error=str(exc))
    snapshots = []
    for i, name in enumerate(names):
        yield Progress("Scanning", i, len(names))
        snapshots.append(build_snapshot(signals_root, name, viewed.get(name), failed.get(name)))
    return RootScan(generation, Path(root), signals_root, tuple(snapshots))


def scan_signal_job(signals_root: Path, name: str, viewed_version: int | None, failed: dict):
    """Snapshot one signal again (after a change on disk or a split operation)."""
    return build_snapshot(signals_root, name, viewed_version, failed)


def file_stamp(npz: Path, js: Path) -> tuple | None:
    """Modification times of both files: a cached sample is reused only while they match."""
    try:
        return (npz.stat().st_mtime_ns, js.stat().st_mtime_ns)
    except OSError:
        return None


def load_sample_job(samples_dir: Path, signal: str, sample_id: str) -> SampleOutcome:
    """Load one sample; any failure becomes a message naming the file, never a traceback."""
    npz, js = samples_dir / f"{sample_id}.npz", samples_dir / f"{sample_id}.json"
    stamp = file_stamp(npz, js)
    try:
        sample = load_sample(samples_dir, sample_id)
    except SpecguiError as exc:
        return SampleOutcome(signal, sample_id, message=str(exc), path=exc.path)
    except Exception as exc:  # a bug or an odd OS error: still a message, not a crash
        return SampleOutcome(signal, sample_id, message=f"{npz}: cannot load: {exc}", path=str(npz))
    return SampleOutcome(signal, sample_id, sample=sample, stamp=stamp)


def preload_sample_job(root: Path, signal: str, sample_id: str) -> SampleOutcome:
    """Load one sample of the folder ``root`` before its scan has resolved the signals root."""
    try:
        paths = SignalPaths.of(resolve_signals_root(root), signal)  # refuses '..' and the like
    except SpecguiError as exc:
        return SampleOutcome(signal, sample_id, message=str(exc), path=exc.path)
    return load_sample_job(paths.samples_dir, signal, sample_id)


def list_versions_job(generation: int, signals_root: Path, signal: str) -> VersionsOutcome:
    try:
        rows = SplitManager(signals_root).list_versions(signal)
    except SpecguiError as exc:
        return VersionsOutcome(generation, signal, error=str(exc))
    return VersionsOutcome(generation, signal, tuple(rows))


def preview_extend_job(signals_root: Path, signal: str, exclude: tuple[str, ...]):
    """What extending the active version would write now (``exclude`` held back), and which
    new samples leak into val (writes nothing)."""
    from specgui.core.splits.guard import check_extend  # the guard's imports wait for its first use, after the launch

    try:
        return check_extend(SplitManager(signals_root), signal, hold_back=exclude)
    except SpecguiError as exc:
        return SplitOutcome(signal, "preview", error=str(exc))


def extend_job(signals_root: Path, preview: ExtendPreview):
    """Write exactly what ``preview`` showed, or refuse if the split moved since."""
    yield Progress("Extending split", 0, 1)  # last cancel point: nothing written yet
    try:
        version = SplitManager(signals_root).extend_split(
            preview.signal, list(preview.added), expected_parent=preview.parent_version,
            check_samples=False)  # the checked preview is what is written: its guard already ran
    except StaleSplitError:
        return SplitOutcome(preview.signal, "extend", stale=True,
                            error="Someone else changed the split; preview again.")
    except SpecguiError as exc:
        return SplitOutcome(preview.signal, "extend", error=str(exc))
    return SplitOutcome(preview.signal, "extend", version,
                        f"{preview.signal}: v{version} written (+{len(preview.added)} train)")


def preview_create_job(signals_root: Path, signal: str, val_ratio: float, seed: int):
    """v1 under each grouping, with the leak pairs each would leave (writes only the audit cache)."""
    from specgui.core.splits.plans import iter_initial_plans

    try:  # on cancel too the reader saves what it cached (progress_of closes it)
        plans = yield from progress_of(iter_initial_plans(signals_root, signal, val_ratio, seed),
                                       "Reading samples for the split preview")
    except SpecguiError as exc:
        return CreatePreviewOutcome(signal, val_ratio, seed, error=str(exc))
    return CreatePreviewOutcome(signal, val_ratio, seed, plans)


def create_split_job(signals_root: Path, signal: str, val_ratio: float, seed: int, group_by: str | None = None):
    yield Progress("Creating split", 0, 1)
    try:
        held: list = []
        version = SplitManager(signals_root).create_initial_split(signal, val_ratio, seed, group_by=group_by,
                                                                  held_back=held)
    except SpecguiError as exc:
        return SplitOutcome(signal, "create", error=str(exc))
    grouped = f", grouped by {group_by}" if group_by else ""
    left_out = f"; {len(held)} held back (training could not load them)" if held else ""
    return SplitOutcome(signal, "create", version,
                        f"{signal}: v1 written (val ratio {val_ratio:g}, seed {seed}{grouped}){left_out}")


def set_active_job(signals_root: Path, signal: str, version: int):
    yield Progress("Setting active version", 0, 1)
    try:
        SplitManager(signals_root).set_active_version(signal, version)
    except SpecguiError as exc:
        return SplitOutcome(signal, "set_active", error=str(exc))
    return SplitOutcome(signal, "set_active", version, f"{signal}: v{version} is now active")


def diff_job(signals_root: Path, signal: str, a: int, b: int) -> DiffOutcome:
    """Diff ``a`` → ``b`` through the core's checked diff (frozen flags, val files missing on disk)."""
    from specgui.core.splits.health import checked_diff

    manager = SplitManager(signals_root)
    try:
        checked = checked_diff(manager, signal, a, b)
        first_val = set(manager.read_version(signal, 1).val)
        a_frozen = set(manager.read_version(signal, a).val) == first_val
    except SpecguiError as exc:
        return DiffOutcome(signal, error=str(exc))
    return DiffOutcome(signal, checked.diff, a_frozen, bool(checked.val_frozen),
                       val_missing=tuple(checked.val_missing), warnings=tuple(checked.warnings))
