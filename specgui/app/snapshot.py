"""One signal as the window shows it: sorted IDs, a status code per ID, counts, write access.

Built on a worker thread from one core scan and one split version; held by the tree model
as flat arrays so 100,000 samples cost two arrays, not 100,000 objects. Qt-free.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from specgui.core.errors import SpecguiError
from specgui.core.layout import SignalPaths
from specgui.core.samples.index import SignalScan
from specgui.core.samples.status import STATUS_ORDER, SampleStatus, signal_status
from specgui.core.splits.version import SplitVersion
from specgui.core.splits.manager import SplitManager

#: Status codes index this tuple: the arrays hold ``STATUSES.index(status)``.
STATUSES: tuple[SampleStatus, ...] = STATUS_ORDER
CODE = {status: np.uint8(i) for i, status in enumerate(STATUSES)}
TRAIN, VAL, PENDING, INVALID, MISSING = (CODE[s] for s in STATUSES)


def count_statuses(codes: np.ndarray) -> dict[SampleStatus, int]:
    """How many of ``codes`` are each status (every status present, zeros included)."""
    totals = np.bincount(codes, minlength=len(STATUSES)) if len(codes) else [0] * len(STATUSES)
    return {status: int(totals[i]) for i, status in enumerate(STATUSES)}


def can_write(path: Path) -> bool:
    """Whether this process may create files in ``path`` (tests replace it: root ignores modes)."""
    return os.access(path, os.W_OK | os.X_OK)


def write_block_reason(signal_dir: Path) -> str | None:
    """Why split changes are impossible for this signal, or None when they are possible."""
    splits = SignalPaths(signal_dir).splits_dir
    target = splits if splits.is_dir() else signal_dir
    if not target.is_dir():
        return f"{target}: folder not found"
    if not can_write(target):
        return f"{target}: read-only (no write permission); split changes are disabled"
    return None


@dataclass(frozen=True)
class SignalSnapshot:
    """Every sample of one signal with its status against ``shown_version``."""

    name: str
    signal_dir: Path
    ids: tuple[str, ...]
    codes: np.ndarray = field(repr=False)  # uint8, one STATUSES index per ID
    reasons: dict[str, str] = field(repr=False)
    shown_version: int | None
    active_version: int | None
    pending_in_active: int  # what "extend" would add to the active version
    write_block: str | None = None
    problems: tuple[str, ...] = ()

    @property
    def samples_dir(self) -> Path:
        return SignalPaths(self.signal_dir).samples_dir

    def counts(self) -> dict[SampleStatus, int]:
        return count_statuses(self.codes)

    def lower_ids(self) -> np.ndarray:
        """The IDs lower-cased as a numpy string array, for filtering (built once, on first use).

        :func:`snapshot_from` builds it on the worker thread, so typing in the filter does not
        pay ~50 ms for 100,000 IDs on the UI thread.
        """
        cached = self.__dict__.get("_lower_ids")
        if cached is None:
            text = "\n".join(self.ids)
            lowered = text.lower()  # one call for all IDs; the split only if any ID changed
            cached = np.array(self.ids if lowered == text else lowered.split("\n"), dtype=str)
            object.__setattr__(self, "_lower_ids", cached)
        return cached

    def same_content(self, other: SignalSnapshot | None) -> bool:
        """True when redrawing ``other`` as this would change nothing visible."""
        return (
            other is not None
            and self.ids == other.ids
            and np.array_equal(self.codes, other.codes)
            and self.reasons == other.reasons
            and (self.shown_version, self.active_version, self.pending_in_active, self.write_block, self.problems)
            == (other.shown_version, other.active_version, other.pending_in_active, other.write_block, other.problems)
        )


def build_snapshot(signals_root: Path, name: str, viewed_version: int | None = None,
                   failed: dict[str, str] | None = None) -> SignalSnapshot:
    """Scan ``name`` and rate each sample against ``viewed_version`` (None: the active one)."""
    manager = SplitManager(signals_root)
    try:
        scan = manager.scan(name)
    except SpecguiError as exc:  # a folder name that is not a safe signal name
        scan = SignalScan(name, Path(signals_root) / name, (), error=str(exc))
        return snapshot_from(scan, None, None, None, (str(exc),))
    problems: list[str] = [scan.error] if scan.error else []
    active: SplitVersion | None = None
    try:
        resolution = manager.resolve_active(name)
        active = resolution.version
        if resolution.note:
            problems.append(resolution.note)
    except SpecguiError as exc:
        problems.append(str(exc))
    shown = active
    if viewed_version is not None and (active is None or viewed_version != active.version):
        try:
            shown = manager.read_version(name, viewed_version)
        except SpecguiError as exc:
            problems.append(str(exc))
    return snapshot_from(scan, shown, active, failed, tuple(problems))


def snapshot_from(scan: SignalScan, shown: SplitVersion | None, active: SplitVersion | None,
                  failed: dict[str, str] | None = None, problems: tuple[str, ...] = ()) -> SignalSnapshot:
    """The snapshot of one scan against ``shown``; ``active`` gives the pending count."""
    status = signal_status(scan, shown, failed)
    ids, codes = status.ids, status.codes
    if shown is active:
        pending = int(np.count_nonzero(codes == PENDING))
    else:  # samples that failed to load are never offered for extension
        pending = len(scan.complete_ids.difference(active.train if active else (),
                                                   active.val if active else (), failed or ()))
    snapshot = SignalSnapshot(
        name=scan.name,
        signal_dir=scan.signal_dir,
        ids=ids,
        codes=codes,
        reasons=dict(status.reasons),
        shown_version=shown.version if shown else None,
        active_version=active.version if active else None,
        pending_in_active=pending,
        write_block=write_block_reason(scan.signal_dir),
        problems=problems,
    )
    snapshot.lower_ids()  # here, on the worker thread
    return snapshot
