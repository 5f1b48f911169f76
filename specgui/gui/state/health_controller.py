"""Split health of the selected signal's version, computed on a worker whenever either changes.

Intents: :meth:`request` (signal, version or None for the active one) — a pass still running
for another signal or version is cancelled and whatever it reports is dropped, so the tab
only ever shows the health of what is selected now; :meth:`cancel`. Facts:
``health_started(signal, version)``, then one of ``health_finished(SplitHealth)``,
``health_failed(signal, message)``, ``health_cancelled(signal)``; ``running_changed(bool)``
last. Runs on ``check_pool`` beside the sanity pass and the audit.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..workers import WorkerPool
from specgui.app.check_jobs import HealthOutcome, health_job
from .pass_runner import PassRunner


class HealthController(PassRunner):
    """See the module docstring; ``health`` is the last SplitHealth shown."""

    health_started = Signal(str, object)  # signal, version (None: active)
    health_finished = Signal(object)  # SplitHealth
    health_failed = Signal(str, str)  # signal, message
    health_cancelled = Signal(str)  # signal

    def __init__(self, pool: WorkerPool, parent: QObject | None = None):
        super().__init__(pool, parent)
        self.health = None
        self.requested: tuple[str, int | None] | None = None

    def request(self, signal: str, version: int | None) -> bool:
        """Compute the health of ``signal`` at ``version``; a pass for anything else is abandoned."""
        if self._worker is not None:
            self._worker.quit()  # its late reports fail _is_current and are dropped
            self._forget()
        self.requested = (signal, version)
        if not self._start(signal, health_job, version):
            return False
        self.health_started.emit(signal, version)
        return True

    def _on_pass_yielded(self, value) -> None:
        pass  # one step only: the panel shows "computing" from health_started

    def _on_pass_returned(self, outcome: HealthOutcome) -> None:
        if outcome.error is not None:
            self.health_failed.emit(outcome.signal, outcome.error)
        else:
            self.health = outcome.health
            self.health_finished.emit(outcome.health)

    def _on_pass_cancelled(self, signal: str) -> None:
        self.health_cancelled.emit(signal)

    def _on_pass_failed(self, signal: str, message: str) -> None:
        self.health_failed.emit(signal, message)
