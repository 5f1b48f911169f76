"""Split versions of one signal: listing, preview, extend, create, rollback and diff.

Every operation runs on a worker over :class:`~specgui.core.splits.SplitManager`; one write
runs at a time. Facts: ``versions_listed``, ``extend_previewed``, ``split_changed`` (a
version was written or made active), ``split_failed`` (refused: the core's message, and
whether the split was changed by someone else since the preview), ``diff_computed``,
``create_previewed`` / ``create_preview_progressed`` (v1 under each grouping, for the
*Create split* dialog; a newer request cancels the one still running).

Extension previews (the guard decodes every new and val sample not cached yet: a minute on a
100,000-sample signal) are coalesced: the requests of one moment (a launch or a rescan
announces a signal more than once) start one job, :data:`PREVIEW_DELAY_MS` later, so the
first paint of a launch goes first; while one runs for a signal, the newest request for it
waits for it and the older result is dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from ..workers import WorkerPool
from specgui.app.jobs import (
    CreatePreviewOutcome,
    DiffOutcome,
    SplitOutcome,
    VersionsOutcome,
    create_split_job,
    diff_job,
    extend_job,
    list_versions_job,
    preview_create_job,
    preview_extend_job,
    set_active_job,
)

if TYPE_CHECKING:
    from specgui.core.splits.guard import CheckedPreview

BUSY_MESSAGE = "Another split operation is still running; try again when it has finished."
PREVIEW_DELAY_MS = 300


class SplitController(QObject):
    """See the module docstring; ``signals_root`` is set when a data folder is opened."""

    versions_listed = Signal(object)  # VersionsOutcome
    extend_previewed = Signal(object)  # CheckedPreview (core.audit): an ExtendPreview plus its new samples that leak into val
    split_changed = Signal(str, int, str)  # signal, version, message
    split_failed = Signal(str, str, bool)  # signal, message, stale
    diff_computed = Signal(object)  # DiffOutcome
    create_previewed = Signal(object)  # CreatePreviewOutcome
    create_preview_progressed = Signal(int, int)  # done, total

    def __init__(self, pool: WorkerPool, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = pool
        self.signals_root: Path | None = None
        self._list_generation = 0
        self._writing = False
        self._create_preview = None  # the Worker of the newest create preview
        self._previews_wanted: dict[str, tuple[str, ...]] = {}  # signal -> samples to hold back
        self._previews_running: dict[object, str] = {}  # the job's WorkerSignals -> signal
        self._previews_again: dict[str, tuple[str, ...]] = {}  # asked again while one ran
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._start_previews)

    def set_signals_root(self, signals_root: str | Path | None) -> None:
        self.signals_root = Path(signals_root) if signals_root is not None else None
        self._list_generation += 1
        self._previews_wanted.clear()
        self._previews_again.clear()

    # -- reads -----------------------------------------------------------------------
    def list_versions(self, signal: str) -> None:
        """List ``signal``'s versions; an older listing still running is dropped on arrival."""
        if self.signals_root is None:
            return
        self._list_generation += 1
        self._pool.run(list_versions_job, self._list_generation, self.signals_root, signal,
                       returned=self._on_versions_listed)

    def preview_extend(self, signal: str, exclude: tuple[str, ...] = ()) -> None:
        """Ask the guard what extending ``signal`` would write now (see the module docstring)."""
        if self.signals_root is not None:
            self._previews_wanted[signal] = tuple(exclude)
            self._preview_timer.start()

    def _start_previews(self) -> None:
        wanted, self._previews_wanted = self._previews_wanted, {}
        running = set(self._previews_running.values())
        for signal, exclude in wanted.items():
            if signal in running:
                self._previews_again[signal] = exclude
                continue
            worker = self._pool.run(preview_extend_job, self.signals_root, signal, exclude,
                                    returned=self._on_extend_previewed, finished=self._on_preview_finished)
            self._previews_running[worker.signals] = signal

    def _on_preview_finished(self) -> None:
        signal = self._previews_running.pop(self.sender(), None)
        if signal in self._previews_again:
            self._previews_wanted[signal] = self._previews_again.pop(signal)
            self._preview_timer.start()

    def preview_create(self, signal: str, val_ratio: float, seed: int) -> None:
        """v1 of ``signal`` under each grouping; the previous preview, if still running, is cancelled."""
        if self.signals_root is None:
            return
        if self._create_preview is not None:
            self._create_preview.quit()
        self._create_preview = self._pool.run(preview_create_job, self.signals_root, signal, val_ratio, seed,
                                              returned=self._on_create_previewed, yielded=self._on_create_progress)

    def diff(self, signal: str, a: int, b: int) -> None:
        if self.signals_root is not None:
            self._pool.run(diff_job, self.signals_root, signal, a, b, returned=self._on_diff_computed)

    # -- writes ----------------------------------------------------------------------
    def extend(self, preview: CheckedPreview) -> None:
        """Write what ``preview`` showed (its IDs, against its parent version)."""
        self._write(preview.signal, extend_job, preview)

    def create_split(self, signal: str, val_ratio: float, seed: int, group_by: str | None = None) -> None:
        self._write(signal, create_split_job, signal, val_ratio, seed, group_by)

    def set_active(self, signal: str, version: int) -> None:
        self._write(signal, set_active_job, signal, version)

    def _write(self, signal: str, job, *args) -> None:
        if self.signals_root is None:
            return
        if self._writing:
            self.split_failed.emit(signal, BUSY_MESSAGE, False)
            return
        self._writing = True
        self._pool.run(job, self.signals_root, *args, returned=self._on_split_written,
                       finished=self._on_split_finished, long=True)

    # -- results ---------------------------------------------------------------------
    def _on_versions_listed(self, outcome: VersionsOutcome) -> None:
        if outcome.generation == self._list_generation:
            self.versions_listed.emit(outcome)

    def _on_extend_previewed(self, outcome) -> None:
        if outcome.signal in self._previews_again:
            return  # asked again since this one started: its answer is on the way
        if isinstance(outcome, SplitOutcome):
            self.split_failed.emit(outcome.signal, outcome.error or "", False)
        else:
            self.extend_previewed.emit(outcome)

    def _on_split_written(self, outcome: SplitOutcome) -> None:
        self._writing = False
        if outcome.error:
            self.split_failed.emit(outcome.signal, outcome.error, outcome.stale)
        else:
            self.split_changed.emit(outcome.signal, outcome.version or 0, outcome.message)

    def _on_split_finished(self) -> None:
        self._writing = False  # also after a cancel or an unexpected error

    def _on_create_previewed(self, outcome: CreatePreviewOutcome) -> None:
        self.create_previewed.emit(outcome)

    def _on_create_progress(self, progress) -> None:
        if self._create_preview is not None and self.sender() is self._create_preview.signals:
            self.create_preview_progressed.emit(progress.done, progress.total)

    def _on_diff_computed(self, outcome: DiffOutcome) -> None:
        self.diff_computed.emit(outcome)
