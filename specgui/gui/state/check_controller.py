"""What the sanity, audit and split-health controllers share: one long check at a time on a
worker, its start, cancel, progress and result, with stale results dropped.

:meth:`CheckController._start` runs a generator job of the one worker style and remembers
that worker; anything a worker reports is acted on only while it is still the current one
(``sender()`` is its signals object), so a check abandoned by opening another data folder
can finish or fail without touching the panels. Facts, the same for every check:
``started(signal, asked)`` (``asked``: what the subclass was asked for: options, a version),
then one of ``finished(result)``, ``failed(signal, message)``, ``cancelled(signal)``;
``running_changed(bool)`` last. ``result`` is the last result finished. A job returns a
:class:`~specgui.app.check_jobs.CheckOutcome`; a subclass keeps only what differs: its
``start`` and what its job yields (:meth:`_on_progress`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from specgui.app.check_jobs import CheckOutcome

from ..workers import Worker, WorkerPool


class CheckController(QObject):
    """See the module docstring; subclasses add their progress facts."""

    started = Signal(str, object)  # signal, what was asked
    finished = Signal(object)  # the check's result (a SanityReport, an AuditReport, a SplitHealth)
    failed = Signal(str, str)  # signal, message
    cancelled = Signal(str)  # signal
    running_changed = Signal(bool)

    def __init__(self, pool: WorkerPool, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = pool
        self.signals_root: Path | None = None
        self.generation = 0
        self.result: Any = None  # the last result finished
        self._worker: Worker | None = None
        self._signal: str | None = None  # what the current check checks

    @property
    def running(self) -> bool:
        return self._worker is not None

    @property
    def cancelling(self) -> bool:
        return self._worker is not None and self._worker.abort_requested

    def set_signals_root(self, signals_root: str | Path | None) -> None:
        """Another data folder: a check of the old one is cancelled and its results dropped."""
        self.signals_root = Path(signals_root) if signals_root is not None else None
        self.generation += 1
        self._abandon()

    def cancel(self) -> None:
        """Stop the running check at its next cancel point (a DataLoader batch, a few files)."""
        if self._worker is not None:
            self._worker.quit()

    def _abandon(self) -> None:
        """Drop the running check: its late reports fail :meth:`_is_current`."""
        if self._worker is not None:
            self._worker.quit()
            self._forget()

    def _start(self, signal: str, asked: Any, job: Callable[..., Any], *args: Any) -> bool:
        """Run ``job(generation, signals_root, signal, *args)`` and say ``started(signal, asked)``;
        False if one is running or no folder is open."""
        if self._worker is not None or self.signals_root is None:
            return False
        self.generation += 1
        worker = Worker(job, self.generation, self.signals_root, signal, *args)
        worker.signals.yielded.connect(self._on_worker_yielded)
        worker.signals.returned.connect(self._on_worker_returned)
        worker.signals.aborted.connect(self._on_worker_aborted)
        worker.signals.errored.connect(self._on_worker_errored)
        worker.signals.finished.connect(self._on_worker_finished)
        self._worker, self._signal = worker, signal
        self._pool.start(worker)
        self.running_changed.emit(True)
        self.started.emit(signal, asked)
        return True

    def _is_current(self) -> bool:
        return self._worker is not None and self.sender() is self._worker.signals

    def _forget(self) -> None:
        self._worker = None
        self.running_changed.emit(False)

    # -- the current worker's reports ------------------------------------------------
    def _on_worker_yielded(self, value: Any) -> None:
        if self._is_current():
            self._on_progress(value)

    def _on_worker_returned(self, outcome: CheckOutcome) -> None:
        if not self._is_current() or getattr(outcome, "generation", None) != self.generation:
            return
        if outcome.error is not None:
            self.failed.emit(outcome.signal, outcome.error)
        else:
            self.result = outcome.result
            self.finished.emit(outcome.result)

    def _on_worker_aborted(self) -> None:
        if self._is_current():
            self.cancelled.emit(self._signal or "")

    def _on_worker_errored(self, exc: Exception) -> None:
        if self._is_current():
            self.failed.emit(self._signal or "", f"unexpected error: {type(exc).__name__}: {exc}")

    def _on_worker_finished(self) -> None:
        if self._is_current():  # after returned/aborted/errored: the panel goes back to idle last
            self._forget()

    def _on_progress(self, value: Any) -> None:
        """What the job yielded (never None); a check with one step shows nothing more."""
