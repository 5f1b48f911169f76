"""Python's cyclic garbage collection, run on the UI thread only.

The collector normally runs in whichever thread happens to allocate. When that is a worker
and the garbage holds Qt objects (a closed dialog, a pyqtgraph item in a reference cycle),
PySide destroys them on the worker while the UI thread destroys their parents: each thread
then waits for the other (Qt's connection mutex against the GIL). Seen as a hang in the
window's tests, one run in five, with gdb showing ``gc_collect_main`` on a pool thread.

So while a window is open, automatic collection is off and a timer on the UI thread
collects with Python's own generation thresholds (pyqtgraph's ``GarbageCollector`` does
the same; this one also hands collection back when the last window closes).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 250


class MainThreadGarbageCollector(QObject):
    """Active from construction until :meth:`stop`; several may overlap (one per window)."""

    _active = 0

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_MS):
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._running = True
        MainThreadGarbageCollector._active += 1
        gc.disable()
        self._timer.start()

    def collect_due(self) -> None:
        """Collect the generations Python itself would have collected by now."""
        counts = gc.get_count()
        generation = -1
        for level, (count, threshold) in enumerate(zip(counts, self._thresholds)):
            if count <= threshold:
                break
            generation = level
        if generation >= 0:
            gc.collect(generation)

    def stop(self) -> None:
        """Collect what is left here, on the UI thread; the last one stopped turns automatic collection back on."""
        if not self._running:
            return
        self._running = False
        self._timer.stop()
        MainThreadGarbageCollector._active -= 1
        if MainThreadGarbageCollector._active == 0:
            gc.collect()
            gc.enable()
