"""Python's cyclic garbage collection, run on the UI thread only, in small steps.

The collector normally runs in whichever thread happens to allocate. When that is a worker
and the garbage holds Qt objects (a closed dialog, a pyqtgraph item in a reference cycle),
PySide destroys them on the worker while the UI thread destroys their parents: each thread
then waits for the other (Qt's connection mutex against the GIL). Seen as a hang in the
window's tests, one run in five, with gdb showing ``gc_collect_main`` on a pool thread.

So while a window is open, automatic collection is off and a timer on the UI thread
collects with Python's own generation thresholds (pyqtgraph's ``GarbageCollector`` does
the same; this one also hands collection back when the last window closes). A collection
costs time in proportion to the objects it walks, and the UI thread waits for all of it,
so three rules keep each one short (measured on the 100,000-sample window benchmark, where
collections froze the window for 40-110 ms):

- **Long-lived startup objects are frozen** (``gc.freeze``) at the first paint (else a few
  seconds after start): the ~78,000 functions, classes and descriptors that imports create
  are never garbage, yet a collection walked them all (~100 ms on a 2-core machine). Until
  then no full collection runs.
- **Full collections follow Python's own 25% rule**: the oldest generation is walked only
  when the objects promoted into it since the last full collection exceed a quarter of it
  (estimated from the young generation's size at each collection), not on every tenth
  middle collection.
- **No full collection while background work runs** (``defer_full_while``), unless the
  objects promoted since the last one pass :data:`DEFER_FULL_LIMIT`: a full collection walks
  every live container, and the live heap is largest exactly then (a 100,000-sample audit's
  maps made one walk 50-60 ms). What it would free is only cyclic garbage that outlived the
  young collections, which keep running; the limit bounds how much of it can wait.
- **The check runs every 10 ms while workers allocate fast** (the young generation was past
  several thresholds at the last check), every 250 ms otherwise: a worker building 100,000
  containers is then collected in slices, not all at once.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 250
BUSY_CHECK_MS = 10
BUSY_FACTOR = 4  # young generation past this many thresholds at a check: allocation is fast
FREEZE_AFTER_MS = 5_000
#: Objects promoted to the oldest generation (estimated) after which a full collection runs
#: even while background work does: at ~100 bytes each, at most ~100 MB of cycles wait.
DEFER_FULL_LIMIT = 1_000_000


class MainThreadGarbageCollector(QObject):
    """Active from construction until :meth:`stop`; several may overlap (one per window)."""

    _active = 0
    _frozen = False  # per process: startup objects frozen once, never thawed

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_MS,
                 freeze_after_ms: int | None = FREEZE_AFTER_MS):
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._interval_ms = interval_ms
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.collect_due)
        # estimated sizes (objects): the middle generation, what moved into the oldest one since
        # the last full collection, and the oldest one after that collection
        self._middle = self._promoted = self._long_lived = 0  # none is full before the freeze
        self._running = True
        self._background_busy = None  # see defer_full_while
        MainThreadGarbageCollector._active += 1
        gc.disable()
        self._timer.start()
        self._freeze_pending = freeze_after_ms is not None and not MainThreadGarbageCollector._frozen
        if self._freeze_pending:
            QTimer.singleShot(freeze_after_ms, self, self.freeze_long_lived)

    def freeze_long_lived(self, *_ignored) -> None:
        """Move every object alive now out of reach of later collections (``gc.freeze``):
        after start-up these are modules, classes and functions, which are never garbage.
        The window calls it at its first paint; the timer is the fallback (once per process)."""
        if self._running and not MainThreadGarbageCollector._frozen:
            MainThreadGarbageCollector._frozen = True
            self._freeze_pending = False
            gc.freeze()
            self._middle = self._promoted = self._long_lived = 0

    def defer_full_while(self, background_busy) -> None:
        """Hold full collections while ``background_busy()`` is true (up to :data:`DEFER_FULL_LIMIT`
        promoted objects); the window passes "a worker is running"."""
        self._background_busy = background_busy

    def collect_due(self) -> None:
        """Collect the generations Python itself would have collected by now."""
        counts = gc.get_count()
        generation = -1
        for level, (count, threshold) in enumerate(zip(counts, self._thresholds)):
            if count <= threshold:
                break
            generation = level
        if generation == 2 and (self._freeze_pending or self._promoted <= self._long_lived // 4):
            # Python's rule: a full collection only once the old generation grew by 25%; and none
            # before the freeze, which takes what is alive out of reach anyway (a full collection
            # during the launch walked ~100,000 objects, ~0.1 s before the first paint)
            generation = 1
        elif generation == 2 and self._promoted < DEFER_FULL_LIMIT and self._background_busy is not None \
                and self._background_busy():
            generation = 1  # the workers' live data would be walked too; once they are done it is gone
        if generation >= 0:
            self._account(generation, counts[0], gc.collect(generation))
        busy = counts[0] > BUSY_FACTOR * self._thresholds[0]
        interval = BUSY_CHECK_MS if busy else self._interval_ms
        if self._timer.interval() != interval:
            self._timer.setInterval(interval)

    def _account(self, generation: int, young: int, found: int) -> None:
        """Track where the survivors went: ``young`` is the youngest generation's size before
        collecting ``generation`` (Python's allocation count), ``found`` the garbage freed."""
        survivors = max(0, young - found)
        if generation == 0:
            self._middle += survivors
        elif generation == 1:
            self._promoted += self._middle + survivors
            self._middle = 0
        else:
            self._long_lived = max(0, self._long_lived + self._promoted + self._middle + survivors)
            self._middle = self._promoted = 0

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
