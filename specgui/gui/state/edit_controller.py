"""Box saves, the edit journal and review states, on workers; facts come back as signals."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from specgui.core.review.journal import JournalEntry

from ..workers import WorkerPool
from ...app.edit_jobs import (
    LabelsOutcome, ReviewOutcome, SaveOutcome, journal_job, read_journal_job, read_review_job, save_boxes_job,
    set_review_job, signal_labels_job,
)

JOURNAL_DELAY_MS = 500  # coalesce a burst of nudges into one journal write
#: A signal's labels are read this long after its first sample is shown: they are wanted only
#: when a box gets a label, and read at once they competed with the launch's first paint.
LABELS_DELAY_MS = 1_500


class EditController(QObject):
    """Facts: ``boxes_saved``, ``save_conflicted``, ``save_failed``, ``journal_found``,
    ``review_loaded`` (signal, entries), ``review_failed`` (signal, message), ``labels_loaded``
    (signal folder, label counts)."""

    boxes_saved = Signal(object)  # SaveOutcome
    save_conflicted = Signal(object)  # SaveOutcome
    save_failed = Signal(object)  # SaveOutcome
    journal_found = Signal(object)  # list[JournalEntry]
    review_loaded = Signal(str, object)  # signal, {id: ReviewEntry}
    review_failed = Signal(str, str)
    labels_loaded = Signal(str, object)  # signal folder, {label: count} over its samples

    def __init__(self, pool: WorkerPool, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = pool
        self.signals_root: Path | None = None
        self._journal_pending: dict[str, JournalEntry | None] = {}
        self._journal_timer = QTimer(self, singleShot=True, interval=JOURNAL_DELAY_MS)
        self._journal_timer.timeout.connect(self.flush_journal)
        self._labels_wanted: dict[str, None] = {}  # signal folders, in the order asked
        self._labels_timer = QTimer(self, singleShot=True, interval=LABELS_DELAY_MS)
        self._labels_timer.timeout.connect(self._start_label_jobs)

    def set_signals_root(self, root) -> None:
        self.signals_root = Path(root) if root is not None else None

    # -- boxes --------------------------------------------------------------------------
    def save(self, request) -> None:
        self._pool.run(save_boxes_job, request, returned=self._on_save_returned, priority=8)

    def _on_save_returned(self, outcome: SaveOutcome) -> None:
        if outcome.sha256 is not None:
            self._journal_pending.pop(str(outcome.request.json_path), None)
            self.boxes_saved.emit(outcome)
        elif outcome.conflict:
            self.save_conflicted.emit(outcome)
        else:
            self.save_failed.emit(outcome)

    def journal(self, entry: JournalEntry | None, json_path: str) -> None:
        """Remember ``entry`` (None: forget ``json_path``) in the per-user cache soon."""
        self._journal_pending[json_path] = entry
        self._journal_timer.start()

    def flush_journal(self, *, wait: bool = False) -> None:
        pending, self._journal_pending = self._journal_pending, {}
        if not pending:
            return
        entries = tuple(e for e in pending.values() if e is not None)
        dropped = tuple(k for k, e in pending.items() if e is None)
        if wait:  # closing: the pool is about to stop, write now
            journal_job(entries, dropped)
        else:
            self._pool.run(journal_job, entries, dropped)

    def find_journal(self) -> None:
        self._pool.run(read_journal_job, returned=self._on_journal_read)

    def _on_journal_read(self, entries) -> None:
        if entries:
            self.journal_found.emit(entries)

    # -- review states ------------------------------------------------------------------
    def load_review(self, signal: str) -> None:
        if self.signals_root is not None:
            self._pool.run(read_review_job, self.signals_root, signal, returned=self._on_review_returned)

    def set_review(self, signal: str, ids, state: str | None, note: str | None = None) -> None:
        if self.signals_root is not None:
            self._pool.run(set_review_job, self.signals_root, signal, tuple(ids), state, note,
                           returned=self._on_review_returned, priority=8)

    def _on_review_returned(self, outcome: ReviewOutcome) -> None:
        if outcome.error is not None:
            self.review_failed.emit(outcome.signal, outcome.error)
        else:
            self.review_loaded.emit(outcome.signal, outcome.entries)

    # -- labels of a signal -------------------------------------------------------------
    def load_labels(self, signal_dir: str) -> None:
        """Count the box labels of ``signal_dir``'s samples (background, lowest priority, after
        :data:`LABELS_DELAY_MS`)."""
        self._labels_wanted[signal_dir] = None
        self._labels_timer.start()

    def _start_label_jobs(self) -> None:
        wanted, self._labels_wanted = self._labels_wanted, {}
        for signal_dir in wanted:
            self._pool.run(signal_labels_job, signal_dir, returned=self._on_labels_returned, priority=-1)

    def _on_labels_returned(self, outcome: LabelsOutcome) -> None:
        self.labels_loaded.emit(outcome.signal_dir, outcome.counts)
