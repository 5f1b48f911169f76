"""Loading the selected sample, prefetching its neighbours, dropping what arrives too late.

Every request names the one sample now wanted (its signal and ID: the key decides staleness).
Loads run on workers and land in a small LRU cache whatever happens; a load is shown
(``sample_loaded`` / ``sample_failed``) only if its key is still the one wanted, so a slow load that finishes after the user moved on is cached but never displayed. The
neighbours the tree names are prefetched at a lower priority, so stepping finds them ready.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from specgui.core.layout import SignalPaths

from ..workers import WorkerPool
from specgui.app.jobs import SampleOutcome, load_sample_job, preload_sample_job
from specgui.app.sample_cache import SampleCache

LOAD_PRIORITY = 10  # ahead of scans in the pool's queue
PREFETCH_PRIORITY = 5
#: Prefetch starts this long after a request, so its decompression does not compete with
#: painting the sample just shown, and key auto-repeat does not queue loads nobody waits for.
PREFETCH_DELAY_MS = 40


class SampleController(QObject):
    """Facts: ``sample_loaded``, ``sample_failed`` (the wanted sample), ``sample_invalid`` (any)."""

    sample_loaded = Signal(str, object)  # signal, LoadedSample
    sample_failed = Signal(str, str, str, str)  # signal, sample ID, message, path ("" if none)
    sample_invalid = Signal(str, str, str)  # signal, sample ID, reason: any load that failed
    sample_recovered = Signal(str, str)  # signal, sample ID: loaded fine after failing before

    def __init__(self, pool: WorkerPool, cache_size: int = 8, parent: QObject | None = None,
                 prefetch_delay_ms: int = PREFETCH_DELAY_MS):
        super().__init__(parent)
        self._pool = pool
        self._prefetch_timer = QTimer(self, singleShot=True, interval=prefetch_delay_ms)
        self._prefetch_timer.timeout.connect(self._on_prefetch_timer_timeout)
        self._prefetch: list[tuple[str, str]] = []
        self.cache = SampleCache(cache_size)
        self._signals_root: Path | None = None
        self._in_flight: set[tuple[str, str]] = set()
        self._failed: dict[tuple[str, str], str] = {}
        self._wanted: tuple[str, str] | None = None
        self._preloading: set[tuple[str, str]] = set()
        self._preloaded: list[SampleOutcome] = []  # arrived before the folder's scan: kept until it opens

    @property
    def wanted(self) -> tuple[str, str] | None:
        """The (signal, sample ID) the latest request asked for."""
        return self._wanted

    def set_signals_root(self, signals_root: str | Path | None) -> None:
        """A new data folder: nothing cached or wanted from the old one stays."""
        self._signals_root = Path(signals_root) if signals_root is not None else None
        self.cache.clear()
        self._failed.clear()
        self._in_flight.clear()  # their results are dropped on arrival
        self.clear_request()
        preloaded, self._preloaded = self._preloaded, []
        for outcome in preloaded:
            self._keep_loaded((outcome.signal, outcome.sample_id), outcome)

    def preload(self, root: str | Path, signal: str, sample_id: str) -> None:
        """Start loading a sample named at launch (``--select``) while the folder is still being
        scanned; selecting it once the tree fills then shows it without waiting for a load."""
        key = (signal, sample_id)
        self._preloading.add(key)
        self._pool.run(preload_sample_job, Path(root), signal, sample_id, returned=self._on_preloaded,
                       aborted=self._preloading.clear, priority=LOAD_PRIORITY)

    def _on_preloaded(self, outcome: SampleOutcome) -> None:
        key = (outcome.signal, outcome.sample_id)
        self._preloading.discard(key)
        if outcome.sample is not None and self._signals_root is None:
            self._preloaded.append(outcome)
        elif outcome.sample is not None:
            self._keep_loaded(key, outcome)
        if self._wanted == key and key not in self.cache:
            self._load(key, LOAD_PRIORITY)  # failed, or from another folder: load it the usual way

    def _keep_loaded(self, key: tuple[str, str], outcome: SampleOutcome) -> bool:
        """Cache a loaded sample if it comes from the open folder, and show it if it is wanted;
        False (and nothing kept) when it was read from a folder no longer open."""
        if self._signals_root is None or SignalPaths.of_samples_dir(outcome.sample.npz_path.parent).signals_root != self._signals_root:
            return False
        self.cache.put(key, outcome.sample, outcome.stamp)
        if self._failed.pop(key, None) is not None:
            self.sample_recovered.emit(*key)
        if self._wanted == key:
            self.sample_loaded.emit(outcome.signal, outcome.sample)
        return True

    def clear_request(self) -> None:
        """Nothing is wanted any more (the selection was cleared)."""
        self._wanted = None
        self._prefetch_timer.stop()

    def request(self, signal: str, sample_id: str, neighbours=()) -> None:
        """Show ``sample_id`` of ``signal`` as soon as it is loaded; prefetch ``neighbours``."""
        key = (signal, sample_id)
        self._wanted = key
        sample = self.cache.get(key)
        if sample is not None:
            self.sample_loaded.emit(signal, sample)
        else:
            self._load(key, LOAD_PRIORITY)
        self._prefetch = [(signal, n) for n in neighbours]
        self._prefetch_timer.start()

    def _on_prefetch_timer_timeout(self) -> None:
        for key in self._prefetch:
            if key not in self.cache and key not in self._failed:
                self._load(key, PREFETCH_PRIORITY)

    def _load(self, key: tuple[str, str], priority: int) -> None:
        if key in self._in_flight or key in self._preloading or self._signals_root is None:
            return  # already coming: the result is matched against the wanted key
        self._in_flight.add(key)
        samples_dir = SignalPaths(self._signals_root / key[0]).samples_dir
        self._pool.run(load_sample_job, samples_dir, key[0], key[1],
                       returned=self._on_load_returned, aborted=self._on_load_aborted, priority=priority)

    def _on_load_returned(self, outcome: SampleOutcome) -> None:
        key = (outcome.signal, outcome.sample_id)
        if key not in self._in_flight:
            return  # started before the data folder changed
        self._in_flight.discard(key)
        if outcome.sample is not None:
            self._keep_loaded(key, outcome)
            return
        message = outcome.message or "cannot load"
        self._failed[key] = message
        self.sample_invalid.emit(outcome.signal, outcome.sample_id, message)
        if self._wanted == key:
            self.sample_failed.emit(outcome.signal, outcome.sample_id, message, outcome.path or "")

    def _on_load_aborted(self) -> None:
        self._in_flight.clear()
