"""AppState: the controllers of the window, and the consequences that cross them.

It owns three worker pools of the one worker style — ``pool`` for scans and split
operations, ``load_pool`` for sample loads, so a long rescan never makes the selected
sample wait, and ``check_pool`` for the sanity pass, the audit and split health — the
controllers (scans, samples, splits, sanity, audits, health, edits) and the live watcher,
and wires the consequences between them: a split written means that signal is rescanned
and its versions relisted (once: the watcher is told it was the app's own write); a sample
that fails to load becomes invalid in later scans, as do those a sanity pass finds
unusable; files changing on disk mean a rescan; opening a folder resets every controller.
The window's wiring connects widgets to the controllers directly, intents
(``state.samples.request``) and facts (``state.scans.signal_updated``) alike; only what
needs more than one controller is here. Widgets never call the core."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from .main_thread_gc import MainThreadGarbageCollector
from .state.audit_controller import AuditController
from .state.edit_controller import EditController
from ..app.check_jobs import SanityOptions
from .state.health_controller import HealthController
from .state.live_watch import POLL_MS, LiveWatcher
from .state.sample_controller import SampleController
from .state.sanity_controller import SanityController
from .state.scan_controller import ScanController
from specgui.app.snapshot import SignalSnapshot
from .state.split_controller import SplitController
from .workers import WorkerPool


#: Sanity-pass problem kinds that make a sample unusable (not split-level ones like overlap).
UNUSABLE_KINDS = frozenset({"spectrogram", "labels", "image", "error"})


def split_select(spec: str) -> tuple[str, str | None]:
    """``SIGNAL/SAMPLE_ID`` (or just ``SIGNAL``), as given to ``--select``: (signal, sample ID or None)."""
    signal, _, sample_id = spec.partition("/")
    return signal, sample_id or None


class AppState(QObject):
    """The controllers (``scans``, ``samples``, ``splits``, ``sanity``, ``audits``, ``health``) and
    the consequences that cross them; see the module docstring."""

    status_message = Signal(str)  # one line for the status bar

    def __init__(self, parent: QObject | None = None, *, poll_ms: int = POLL_MS, max_threads: int = 2):
        super().__init__(parent)
        # Qt objects in garbage must be freed here, never on a worker (see main_thread_gc)
        self.garbage_collector = MainThreadGarbageCollector(self)
        # few threads on purpose: every extra one competes with the UI thread for the GIL
        self.pool = WorkerPool(max_threads, self)
        self.load_pool = WorkerPool(2, self)  # two: one slow file cannot hold up the next
        self.scans = ScanController(self.pool, self)
        self.samples = SampleController(self.load_pool, parent=self)
        self.splits = SplitController(self.pool, self)
        # a sanity pass and an audit may run together; the third keeps split health from queueing behind them
        self.check_pool = WorkerPool(3, self)
        self.sanity = SanityController(self.check_pool, self)
        self.audits = AuditController(self.check_pool, self.load_pool, self)
        self.health = HealthController(self.check_pool, self)
        self.live = LiveWatcher(self, poll_ms=poll_ms)
        self.edits = EditController(self.pool, self)  # box saves, the edit journal, review states
        self._shut_down = False
        self.garbage_collector.defer_full_while(self.working)

        self.scans.root_opened.connect(self._on_root_opened)
        self.scans.signals_scanned.connect(self._on_signals_scanned)
        self.scans.signal_updated.connect(self._on_signal_updated)
        self.scans.scan_failed.connect(self.status_message)
        self.samples.sample_invalid.connect(self.scans.mark_failed)
        self.samples.sample_recovered.connect(self.scans.forget_failure)
        self.sanity.finished.connect(self._on_sanity_pass_finished)
        self.splits.split_changed.connect(self._on_split_changed)
        self.live.samples_changed.connect(self.scans.rescan_signal)
        self.live.splits_changed.connect(self._on_splits_changed_on_disk)
        self.live.root_changed.connect(self.scans.refresh)
        self.live.poll_due.connect(self.scans.refresh)
        self.pool.job_failed.connect(self.status_message)
        self.load_pool.job_failed.connect(self.status_message)
        self.check_pool.job_failed.connect(self.status_message)

    def _on_sanity_pass_finished(self, report) -> None:
        """Samples the pass could not decode or check turn invalid in the list, with its reason."""
        unusable = {p.sample_id: f"sanity pass: {p.reason}" for p in report.problems if p.kind in UNUSABLE_KINDS}
        if unusable:
            self.scans.mark_failed_many(report.signal, unusable)

    # -- intents -----------------------------------------------------------------------
    def open_root(self, root: str | Path) -> None:
        """Show the data folder ``root`` (``training_data/`` or ``training_data/signals/``)."""
        for controller in self._folder_controllers():  # nothing reaches the old folder any more
            controller.set_signals_root(None)
        self.scans.open_root(root)

    def preload_sample(self, signal: str, sample_id: str | None) -> None:
        """Start loading a sample of the folder being opened, before its scan is done."""
        if self.scans.root is not None and sample_id:
            self.samples.preload(self.scans.root, signal, sample_id)

    def request_extend_preview(self, signal: str) -> None:
        # samples known to fail loading are never offered to training
        self.splits.preview_extend(signal, exclude=self.scans.failed_ids(signal))

    def cancel_long_jobs(self) -> None:
        self.pool.cancel_long()
        self.status_message.emit("Cancelled.")

    def shutdown(self, timeout_s: float = 30.0) -> bool:
        """Stop watching, cancel every worker and wait for all of them (on quit)."""
        if self._shut_down:
            return True
        self._shut_down = True
        self.live.stop()
        self.edits.flush_journal(wait=True)  # unsaved edits survive the close, offered at the next start
        self.samples.clear_request()  # also stops its prefetch timer
        self.pool.cancel_all()
        self.check_pool.cancel_all()  # a sanity pass stops its DataLoader workers here
        loads_done = self.load_pool.shutdown(timeout_s)
        checks_done = self.check_pool.shutdown(timeout_s)
        scans_done = self.pool.shutdown(timeout_s)
        self.garbage_collector.stop()  # no worker left: collection may run anywhere again
        return scans_done and loads_done and checks_done

    def idle(self) -> bool:
        """No worker of any pool is running or queued."""
        return not self.working()

    def working(self) -> bool:
        """A worker of some pool is running or queued (cheap: asked at every collection check)."""
        return self.pool.is_busy() or self.load_pool.is_busy() or self.check_pool.is_busy()

    # -- consequences ------------------------------------------------------------------
    def _on_root_opened(self, signals_root: str) -> None:
        for controller in self._folder_controllers():
            controller.set_signals_root(signals_root)

    def _folder_controllers(self) -> tuple:
        """The controllers that work in the open data folder (the scans find it)."""
        return self.samples, self.splits, self.sanity, self.audits, self.health, self.edits

    def _on_signals_scanned(self, snapshots: tuple[SignalSnapshot, ...]) -> None:
        if self.scans.signals_root is not None and not self._shut_down:
            self.live.watch(self.scans.signals_root, [s.name for s in snapshots])

    def _on_signal_updated(self, snapshot: SignalSnapshot) -> None:
        if self.scans.signals_root is not None and not self._shut_down:
            self.live.watch(self.scans.signals_root, [s.name for s in self.scans.snapshots()])

    def _on_split_changed(self, signal: str, version: int, message: str) -> None:
        self.status_message.emit(message)
        self.live.note_own_write(signal)  # rescanned and relisted here, not again when the watcher sees it
        self.scans.view_version(signal, None, force=True)  # colour by the (new) active version
        self.splits.list_versions(signal)

    def _on_splits_changed_on_disk(self, signal: str) -> None:
        """Someone else wrote a version or moved ``active.json``: show it."""
        self.scans.rescan_signal(signal)
        self.splits.list_versions(signal)
