"""Scans of the data root and of single signals, run off the UI thread.

Facts: ``signals_scanned`` (the whole tree changed: a new root, signals added or removed),
``signal_updated`` (one signal's samples, statuses or split changed), ``root_failed``.
A scan's result is dropped when a newer scan of the same thing was asked for since
(generation counters), so a slow old scan never overwrites a newer view.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..workers import WorkerPool
from specgui.app.jobs import RootScan, scan_root_job, scan_signal_job
from specgui.app.snapshot import SignalSnapshot


class ScanController(QObject):
    """Owns the snapshots of the open root; see the module docstring for its facts."""

    root_opened = Signal(str)  # the signals root now shown
    root_failed = Signal(str)  # why the folder cannot be shown
    scan_failed = Signal(str)  # one signal could not be scanned
    signals_scanned = Signal(object)  # tuple[SignalSnapshot, ...]
    signal_updated = Signal(object)  # SignalSnapshot

    def __init__(self, pool: WorkerPool, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = pool
        self.root: Path | None = None
        self.signals_root: Path | None = None
        self._root_generation = 0
        self._signal_generation: dict[str, int] = {}
        self._in_flight: set[str] = set()
        self._again: set[str] = set()
        self._snapshots: dict[str, SignalSnapshot] = {}
        self._viewed: dict[str, int | None] = {}
        self._failed: dict[str, dict[str, str]] = {}

    # -- queries ---------------------------------------------------------------------
    def snapshot(self, name: str) -> SignalSnapshot | None:
        return self._snapshots.get(name)

    def snapshots(self) -> tuple[SignalSnapshot, ...]:
        return tuple(self._snapshots.values())

    def failed_ids(self, name: str) -> tuple[str, ...]:
        return tuple(sorted(self._failed.get(name, ())))

    # -- intents ---------------------------------------------------------------------
    def open_root(self, root: str | Path) -> None:
        """Show a new data folder: forget everything about the old one and scan."""
        self.root, self.signals_root = Path(root), None
        self._snapshots.clear()
        self._viewed.clear()
        self._failed.clear()
        self._in_flight.clear()  # their results are dropped: they name the old root
        self._again.clear()
        self._start_root_scan(long=True)

    def refresh(self, long: bool = False) -> None:
        """Scan the open root again (F5, a new signal folder, the periodic poll)."""
        if self.root is not None:
            self._start_root_scan(long=long)

    def rescan_signal(self, name: str) -> None:
        """Snapshot one signal again; at most one scan per signal runs, the latest wins."""
        if self.signals_root is None or name not in self._snapshots:
            return
        generation = self._signal_generation.get(name, 0) + 1
        self._signal_generation[name] = generation
        if name in self._in_flight:
            self._again.add(name)  # the running scan's result will be dropped
            return
        self._in_flight.add(name)
        self._pool.run(self._signal_job, generation, self.signals_root, name, self._viewed.get(name),
                       dict(self._failed.get(name, {})), returned=self._on_signal_scanned,
                       aborted=self._on_signal_scan_aborted)

    def view_version(self, name: str, version: int | None, *, force: bool = False) -> None:
        """Colour ``name``'s samples by ``version`` (None: the active version); ``force`` rescans anyway."""
        if force or self._viewed.get(name) != version:
            self._viewed[name] = version
            self.rescan_signal(name)

    def mark_failed(self, name: str, sample_id: str, reason: str) -> None:
        """A sample failed to load: it stays invalid in later scans and is never extended."""
        known = self._failed.setdefault(name, {})
        if known.get(sample_id) != reason:
            known[sample_id] = reason
            self.rescan_signal(name)

    def mark_failed_many(self, name: str, reasons: dict[str, str]) -> None:
        """Several samples found unusable at once (a sanity pass): one rescan for all of them."""
        known = self._failed.setdefault(name, {})
        changed = {k: v for k, v in reasons.items() if known.get(k) != v}
        if changed:
            known.update(changed)
            self.rescan_signal(name)

    def forget_failure(self, name: str, sample_id: str) -> None:
        """A sample that failed before loaded fine now (fixed on disk)."""
        if self._failed.get(name, {}).pop(sample_id, None) is not None:
            self.rescan_signal(name)

    # -- results ---------------------------------------------------------------------
    @staticmethod
    def _signal_job(generation: int, signals_root: Path, name: str, viewed: int | None, failed: dict):
        try:
            return generation, name, scan_signal_job(signals_root, name, viewed, failed), None
        except Exception as exc:  # a bug must not leave the signal marked in flight forever
            return generation, name, None, f"{signals_root / name}: cannot scan: {exc}"

    def _start_root_scan(self, long: bool) -> None:
        self._root_generation += 1
        failed = {k: dict(v) for k, v in self._failed.items()}
        self._pool.run(scan_root_job, self._root_generation, self.root, dict(self._viewed), failed,
                       returned=self._on_root_scanned, long=long)

    def _on_root_scanned(self, result: RootScan) -> None:
        if result.generation != self._root_generation:
            return  # a newer scan (or another root) was asked for since
        if result.error:
            self.root_failed.emit(result.error)
            return
        new_root = self.signals_root != result.signals_root
        old_names = list(self._snapshots)
        self.signals_root = result.signals_root
        fresh = {s.name: s for s in result.snapshots}
        if new_root or old_names != list(fresh):
            self._snapshots = fresh
            if new_root:
                self.root_opened.emit(str(result.signals_root))
            self.signals_scanned.emit(result.snapshots)
            return
        for name, snapshot in fresh.items():
            if name in self._in_flight:
                continue  # a single-signal scan asked for later will report
            if not snapshot.same_content(self._snapshots.get(name)):
                self._snapshots[name] = snapshot
                self.signal_updated.emit(snapshot)

    def _on_signal_scanned(self, result: tuple) -> None:
        generation, name, snapshot, error = result
        self._in_flight.discard(name)
        if name in self._again:
            self._again.discard(name)
            self.rescan_signal(name)
            return
        if generation != self._signal_generation.get(name) or name not in self._snapshots:
            return
        if snapshot is None:
            self.scan_failed.emit(error)
            return
        if snapshot.signal_dir.parent != self.signals_root:
            return  # the root changed while it ran
        if not snapshot.same_content(self._snapshots.get(snapshot.name)):
            self._snapshots[snapshot.name] = snapshot
            self.signal_updated.emit(snapshot)

    def _on_signal_scan_aborted(self) -> None:
        self._in_flight.clear()
        self._again.clear()
