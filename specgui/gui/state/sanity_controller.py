"""The DataLoader sanity pass of one signal's split version, run from the window.

Intents: :meth:`start` (signal and :class:`SanityOptions`), :meth:`cancel`. Facts:
``pass_started(signal, options)``; ``devices_probed(DevicesProbed)`` once the pass's own
process has loaded torch (the window's process never does); ``pass_progressed(done, total,
rate, problems)`` at most ten times a second (``total`` 0 while torch loads, ``rate`` 0
until the first batch); then one of ``pass_finished(SanityReport)``,
``pass_failed(signal, message)``, ``pass_cancelled(signal)``; ``running_changed(bool)``
last. One pass at a time; a pass over a folder no longer open is dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..workers import WorkerPool
from specgui.app.check_jobs import DevicesProbed, SanityOptions, SanityOutcome, sanity_job
from .pass_runner import PassRunner


class SanityController(PassRunner):
    """See the module docstring; ``devices`` is None until a pass has asked torch."""

    pass_started = Signal(str, object)  # signal, SanityOptions
    devices_probed = Signal(object)  # DevicesProbed
    pass_progressed = Signal(int, int, float, int)  # done, total, samples/s, problems so far
    pass_finished = Signal(object)  # SanityReport
    pass_failed = Signal(str, str)  # signal, message
    pass_cancelled = Signal(str)  # signal

    def __init__(self, pool: WorkerPool, parent: QObject | None = None):
        super().__init__(pool, parent)
        self.devices: DevicesProbed | None = None
        self.report = None  # the last SanityReport shown

    def start(self, signal: str, options: SanityOptions) -> bool:
        """Start a pass of ``signal``; False when one is running or no folder is open."""
        if not self._start(signal, sanity_job, options):
            return False
        self.pass_started.emit(signal, options)
        return True

    def _on_pass_yielded(self, value) -> None:
        if isinstance(value, DevicesProbed):
            self.devices = value
            self.devices_probed.emit(value)
        else:  # jobs.Progress while torch loads, then the core's SanityProgress
            self.pass_progressed.emit(int(value.done), int(value.total), float(getattr(value, "rate", 0.0)),
                                      int(getattr(value, "problems", 0)))

    def _on_pass_returned(self, outcome: SanityOutcome) -> None:
        if outcome.error is not None:
            self.pass_failed.emit(outcome.signal, outcome.error)
        else:
            self.report = outcome.report
            self.pass_finished.emit(outcome.report)

    def _on_pass_cancelled(self, signal: str) -> None:
        self.pass_cancelled.emit(signal)

    def _on_pass_failed(self, signal: str, message: str) -> None:
        self.pass_failed.emit(signal, message)
