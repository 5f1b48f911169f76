"""Split health of the selected signal's version, computed on a worker whenever either changes.

Intents: :meth:`request` (signal, version or None for the active one) — a check still
running for another signal or version is abandoned and whatever it reports is dropped, so
the tab only ever shows the health of what is selected now; :meth:`cancel`. Facts: those of
every check (:mod:`.check_controller`; ``started(signal, version)``,
``finished(SplitHealth)``); one step only, so no progress: the panel shows "computing" from
``started``. Runs on ``check_pool`` beside the sanity pass and the audit.
"""

from __future__ import annotations

from specgui.app.check_jobs import health_job
from .check_controller import CheckController


class HealthController(CheckController):
    """See the module docstring; ``result`` is the last SplitHealth shown."""

    def request(self, signal: str, version: int | None) -> bool:
        """Compute the health of ``signal`` at ``version``; a check of anything else is abandoned."""
        self._abandon()
        return self._start(signal, version, health_job, version)
