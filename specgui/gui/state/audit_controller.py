"""The leakage audit of one signal's split version, and loading a leak pair to look at.

Intents: :meth:`start` (signal, version or None for the active one, near threshold),
:meth:`cancel`, :meth:`load_pair`. Facts: those of every check (:mod:`.check_controller`;
``started(signal, version)``, ``finished(AuditReport)``), and ``progressed(done, total)``
(at most ten a second). ``pair_loaded(PairOutcome)``: both samples of the leak asked for
last (an older request's pair is dropped). The audit picks its pool as the CLI does:
thousands of small files are decoded in spawned worker processes (never forked beside Qt's
threads), big ones on threads.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..workers import WorkerPool
from specgui.app.check_jobs import PairOutcome, audit_job, load_pair_job
from .check_controller import CheckController

PAIR_PRIORITY = 10  # as the selected sample's load: someone is waiting to see it


class AuditController(CheckController):
    """See the module docstring; pairs load on ``load_pool`` beside the selected sample's loads."""

    progressed = Signal(int, int)  # done, total
    pair_loaded = Signal(object)  # PairOutcome

    def __init__(self, pool: WorkerPool, load_pool: WorkerPool, parent: QObject | None = None):
        super().__init__(pool, parent)
        self._load_pool = load_pool
        self._pair_generation = 0

    def start(self, signal: str, version: int | None, near_threshold: int) -> bool:
        """Audit ``signal``; False when an audit is running or no folder is open."""
        return self._start(signal, version, audit_job, version, int(near_threshold))

    def load_pair(self, signal: str, leak) -> None:
        """Load the train and val sample of ``leak`` (an audit Leak) to show side by side."""
        if self.signals_root is None:
            return
        self._pair_generation += 1
        self._load_pool.run(load_pair_job, self._pair_generation, self.signals_root, signal, leak,
                            returned=self._on_pair_returned, priority=PAIR_PRIORITY)

    def set_signals_root(self, signals_root) -> None:
        self._pair_generation += 1
        super().set_signals_root(signals_root)

    def _on_pair_returned(self, outcome: PairOutcome) -> None:
        if outcome.generation == self._pair_generation:
            self.pair_loaded.emit(outcome)

    def _on_progress(self, value) -> None:
        self.progressed.emit(int(value.done), int(value.total))
