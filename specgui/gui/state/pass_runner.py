"""One long check at a time (a sanity pass, an audit) on a worker, with stale results dropped.

The sanity and audit controllers share this: :meth:`PassRunner._start` runs a generator job
of the one worker style and remembers that worker; anything a worker reports is acted on
only while it is still the current one (``sender()`` is its signals object), so a pass
abandoned by opening another data folder can finish or fail without touching the panels.
Subclasses turn the worker's reports into their own facts in the ``_on_pass_*`` hooks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from ..workers import Worker, WorkerPool


class PassRunner(QObject):
    """Facts: ``running_changed(bool)``; subclasses add theirs."""

    running_changed = Signal(bool)

    def __init__(self, pool: WorkerPool, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = pool
        self.signals_root: Path | None = None
        self.generation = 0
        self._worker: Worker | None = None
        self._signal: str | None = None  # what the current pass checks

    @property
    def running(self) -> bool:
        return self._worker is not None

    @property
    def cancelling(self) -> bool:
        return self._worker is not None and self._worker.abort_requested

    def set_signals_root(self, signals_root: str | Path | None) -> None:
        """Another data folder: a pass over the old one is cancelled and its results dropped."""
        self.signals_root = Path(signals_root) if signals_root is not None else None
        self.generation += 1
        if self._worker is not None:
            self._worker.quit()
            self._forget()

    def cancel(self) -> None:
        """Stop the running pass at its next cancel point (a DataLoader batch, a few files)."""
        if self._worker is not None:
            self._worker.quit()

    def _start(self, signal: str, job: Callable[..., Any], *args: Any) -> bool:
        """Run ``job(generation, signals_root, signal, *args)``; False if one is running or no folder is open."""
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
        return True

    def _is_current(self) -> bool:
        return self._worker is not None and self.sender() is self._worker.signals

    def _forget(self) -> None:
        self._worker = None
        self.running_changed.emit(False)

    # -- the current worker's reports ------------------------------------------------
    def _on_worker_yielded(self, value: Any) -> None:
        if self._is_current():
            self._on_pass_yielded(value)

    def _on_worker_returned(self, outcome: Any) -> None:
        if self._is_current() and getattr(outcome, "generation", None) == self.generation:
            self._on_pass_returned(outcome)

    def _on_worker_aborted(self) -> None:
        if self._is_current():
            self._on_pass_cancelled(self._signal or "")

    def _on_worker_errored(self, exc: Exception) -> None:
        if self._is_current():
            self._on_pass_failed(self._signal or "", f"unexpected error: {type(exc).__name__}: {exc}")

    def _on_worker_finished(self) -> None:
        if self._is_current():  # after returned/aborted/errored: the panel goes back to idle last
            self._forget()

    # -- hooks ---------------------------------------------------------------------------
    def _on_pass_yielded(self, value: Any) -> None:
        raise NotImplementedError

    def _on_pass_returned(self, outcome: Any) -> None:
        raise NotImplementedError

    def _on_pass_cancelled(self, signal: str) -> None:
        raise NotImplementedError

    def _on_pass_failed(self, signal: str, message: str) -> None:
        raise NotImplementedError
