"""The DataLoader sanity pass of one signal's split version, run from the window.

Intents: :meth:`start` (signal and :class:`SanityOptions`), :meth:`cancel`. Facts: those of
every check (:mod:`.check_controller`; ``started(signal, options)``,
``finished(SanityReport)``), and ``devices_probed(DevicesProbed)`` once the pass's own
process has loaded torch (the window's process never does); ``progressed(done, total,
rate, problems)`` at most ten times a second (``total`` 0 while torch loads, ``rate`` 0
until the first batch). One pass at a time; a pass over a folder no longer open is dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..workers import WorkerPool
from specgui.app.check_jobs import DevicesProbed, SanityOptions, sanity_job
from .check_controller import CheckController


class SanityController(CheckController):
    """See the module docstring; ``devices`` is None until a pass has asked torch."""

    devices_probed = Signal(object)  # DevicesProbed
    progressed = Signal(int, int, float, int)  # done, total, samples/s, problems so far

    def __init__(self, pool: WorkerPool, parent: QObject | None = None):
        super().__init__(pool, parent)
        self.devices: DevicesProbed | None = None

    def start(self, signal: str, options: SanityOptions) -> bool:
        """Start a pass of ``signal``; False when one is running or no folder is open."""
        return self._start(signal, options, sanity_job, options)

    def _on_progress(self, value) -> None:
        if isinstance(value, DevicesProbed):
            self.devices = value
            self.devices_probed.emit(value)
        else:  # jobs.Progress while torch loads, then the core's SanityProgress
            self.progressed.emit(int(value.done), int(value.total), float(getattr(value, "rate", 0.0)),
                                 int(getattr(value, "problems", 0)))
