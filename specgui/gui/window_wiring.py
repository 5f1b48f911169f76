"""Connects the window's widgets to the app state: intents to the controllers, facts to widgets.

Widgets never see each other or the core; this object is the only place that knows which
fact goes to which widget. It is handed the widgets (:class:`WindowParts`), never the
window, so the window and its wiring do not import each other. All of it runs on the main
thread (the controllers emit their facts there), so plain bound-method connections suffice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from specgui.core.samples.loading import LoadedSample

from .app_state import AppState
from .settings import AppSettings
from specgui.app.snapshot import SignalSnapshot
from .widgets.sample.metadata_panel import MetadataPanel
from .widgets.sample.spectrogram_view import SpectrogramView
from .widgets.checks.audit_panel import AuditPanel
from .widgets.checks.health_panel import HealthPanel
from .widgets.job_progress import JobProgress
from .widgets.sample.sample_tree_panel import SampleTreePanel
from .widgets.checks.sanity_panel import SanityPanel
from .widgets.splits.split_panel import SplitPanel

STATUS_TIMEOUT_MS = 8000


@dataclass(frozen=True)
class WindowParts:
    """What the wiring connects, handed over by the window."""

    tree_panel: SampleTreePanel
    view: SpectrogramView
    metadata: MetadataPanel
    split_panel: SplitPanel
    job_progress: JobProgress
    sanity_panel: SanityPanel
    audit_panel: AuditPanel
    health_panel: HealthPanel
    access_label: QLabel
    status_bar: QStatusBar
    settings: AppSettings
    set_title: Callable[[str], None]


class WindowWiring(QObject):
    """Routes facts to the window's widgets; see the module docstring."""

    def __init__(self, parts: WindowParts, state: AppState, parent: QObject | None = None):
        super().__init__(parent)
        self.window, self.state = parts, state
        self._pending_select: tuple[str, str | None] | None = None  # from --select
        self._select_after_scan = False  # a folder was just opened: show a sample, not a black plot
        self._metadata_after_paint: LoadedSample | None = None
        tree, splits, view = parts.tree_panel, parts.split_panel, parts.view

        # intents → controllers (AppState only where the answer crosses controllers)
        tree.sample_requested.connect(state.samples.request)
        tree.signal_requested.connect(self._on_signal_requested)
        tree.selection_cleared.connect(self._on_selection_cleared)
        splits.membership_requested.connect(state.scans.view_version)
        splits.extend_preview_requested.connect(state.request_extend_preview)
        state.edits.review_loaded.connect(lambda signal, _entries: splits.refresh_extend_preview(signal))  # 'exclude' holds back
        splits.extend_requested.connect(state.splits.extend)
        splits.create_preview_requested.connect(state.splits.preview_create)
        splits.create_split_requested.connect(state.splits.create_split)
        splits.set_active_requested.connect(state.splits.set_active)
        splits.diff_requested.connect(state.splits.diff)
        splits.notice_changed.connect(self._on_notice_changed)
        splits.sample_requested.connect(self._on_check_sample_requested)
        splits.set_ask_before_extend(parts.settings.ask_before_extend())
        splits.ask_before_extend_changed.connect(parts.settings.set_ask_before_extend)
        splits.write_block_changed.connect(self._on_write_block_changed)
        parts.job_progress.cancel_requested.connect(state.cancel_long_jobs)
        parts.metadata.box_selected.connect(view.highlight_box)
        view.view_settings_changed.connect(self._on_view_settings_changed)
        view.sample_painted.connect(self._on_sample_painted)
        # the launch is over once a first sample is on screen: what the imports made is frozen
        # then, before any collection walks it (~74,000 objects, ~0.1 s in one collection)
        view.sample_painted.connect(state.garbage_collector.freeze_long_lived, Qt.ConnectionType.SingleShotConnection)

        # facts → widgets
        state.scans.root_opened.connect(self._on_root_opened)
        state.scans.root_failed.connect(self._on_root_failed)
        state.scans.signals_scanned.connect(self._on_signals_scanned)
        state.scans.signal_updated.connect(self._on_signal_updated)
        state.samples.sample_loaded.connect(self._on_sample_loaded)
        state.samples.sample_failed.connect(self._on_sample_failed)
        state.samples.sample_invalid.connect(tree.mark_invalid)
        state.splits.versions_listed.connect(splits.show_versions)
        state.splits.extend_previewed.connect(splits.show_extend_preview)
        state.splits.split_failed.connect(splits.show_split_failed)
        state.splits.split_changed.connect(splits.show_written)
        state.splits.extend_previewed.connect(lambda preview: tree.mark_held_back(preview.signal, preview.held_back))
        state.splits.diff_computed.connect(splits.show_diff)
        state.splits.create_previewed.connect(splits.show_create_preview)
        state.splits.create_preview_progressed.connect(splits.show_create_progress)
        state.pool.long_busy_changed.connect(parts.job_progress.set_running)
        state.pool.long_busy_changed.connect(splits.set_busy)
        state.pool.progress_changed.connect(parts.job_progress.show_progress)
        state.status_message.connect(self._on_status_message)
        self._wire_checks()

    def _wire_checks(self) -> None:
        """The check tabs (sanity pass, leak audit, split health): their intents, and the facts
        of their controllers, which are the same for every check (``CheckController``)."""
        state, parts = self.state, self.window
        sanity, audit, health = parts.sanity_panel, parts.audit_panel, parts.health_panel
        sanity.pass_requested.connect(state.sanity.start)
        audit.audit_requested.connect(state.audits.start)
        health.health_requested.connect(state.health.request)
        for panel in (sanity, audit):
            panel.sample_requested.connect(self._on_check_sample_requested)
        for controller, panel in ((state.sanity, sanity), (state.audits, audit), (state.health, health)):
            panel.cancel_requested.connect(controller.cancel)
            parts.split_panel.membership_requested.connect(panel.set_version)
            state.splits.versions_listed.connect(panel.show_versions)
            controller.started.connect(panel.show_started)
            controller.finished.connect(panel.show_report)
            controller.failed.connect(panel.show_failed)
            controller.cancelled.connect(panel.show_cancelled)
            controller.running_changed.connect(panel.set_running)
        state.sanity.devices_probed.connect(sanity.show_devices)
        state.sanity.progressed.connect(sanity.show_progress)
        state.audits.progressed.connect(audit.show_progress)
        audit.pair_requested.connect(state.audits.load_pair)
        state.audits.pair_loaded.connect(audit.show_pair)
        state.splits.split_changed.connect(health.split_changed)  # recomputed after a split is written

    def select_when_scanned(self, signal: str, sample_id: str | None) -> None:
        """Select ``signal`` (and ``sample_id``) once the folder being opened is scanned."""
        self._pending_select = (signal, sample_id)

    # -- intents that need the state's answer first ----------------------------------------
    def _on_signal_requested(self, signal: str) -> None:
        snapshot = self.state.scans.snapshot(signal)
        if snapshot is not None:
            self.window.split_panel.set_snapshot(snapshot)
        self.window.sanity_panel.set_signal(signal)
        self.window.audit_panel.set_signal(signal)
        self.window.health_panel.set_signal(signal)
        self.state.splits.list_versions(signal)

    def _on_check_sample_requested(self, signal: str, sample_id: str) -> None:
        """A problem row of a sanity or audit report: select that sample (its view says what is wrong)."""
        if not self.window.tree_panel.select(signal, sample_id):
            self._on_status_message(f"{signal}/{sample_id} is not in the sample list "
                                    "(its files are not on disk, or the filter hides it)")

    def _on_selection_cleared(self) -> None:
        self._metadata_after_paint = None
        self.state.samples.clear_request()
        self.window.view.clear()
        self.window.metadata.clear()

    # -- facts ---------------------------------------------------------------------------
    def _on_root_opened(self, signals_root: str) -> None:
        self._select_after_scan = True
        self.window.set_title(f"{signals_root} — specgui")
        self.window.settings.set_last_root(str(self.state.scans.root or signals_root))

    def _on_root_failed(self, message: str) -> None:
        self.window.view.show_error(message)
        self._on_status_message(message)

    def _on_signals_scanned(self, snapshots: tuple[SignalSnapshot, ...]) -> None:
        tree = self.window.tree_panel
        choosing = self._pending_select is not None or self._select_after_scan
        tree.show_snapshots(snapshots, announce_first=not choosing)  # no detour through the first signal
        if self._pending_select is not None:
            wanted, self._pending_select = self._pending_select, None
            if not tree.select(*wanted):
                self._select_after_scan = False
                tree.announce_first_signal()
                self._on_status_message(f"--select: {'/'.join(filter(None, wanted))} is not in this folder")
                return
        elif self._select_after_scan:
            self._select_first_view()
        self._select_after_scan = False
        tree.announce_first_signal()
        total = sum(len(s.ids) for s in snapshots)
        self._on_status_message(f"{len(snapshots)} signal(s), {total:,} sample(s)")
        if not snapshots:
            self.window.view.show_error("No signal folders here. Open training_data/ or training_data/signals/.",
                                        str(self.state.scans.signals_root or ""))

    def _select_first_view(self) -> None:
        """A folder just opened with nothing selected: its remembered sample, else the first one."""
        tree = self.window.tree_panel
        if tree.current_key() is not None or self.state.scans.root is None:
            return
        remembered = self.window.settings.last_sample(str(self.state.scans.root))
        if remembered is None or not tree.select(*remembered):
            tree.select_first_sample()

    def _on_signal_updated(self, snapshot: SignalSnapshot) -> None:
        self.window.tree_panel.update_snapshot(snapshot)
        if snapshot.name == self.window.split_panel.signal:
            self.window.split_panel.set_snapshot(snapshot)

    def _on_sample_loaded(self, signal: str, sample: LoadedSample) -> None:
        """The image first; the metadata tree once the image is on screen (stepping feels faster)."""
        self.window.view.show_sample(sample)
        if self.window.view.current_sample_id == sample.sample_id:
            self._metadata_after_paint = sample
        else:  # the view refused it (and shows why): nothing will be painted
            self._show_metadata(sample)

    def _on_sample_painted(self, sample_id: str) -> None:
        """Fill the metadata tree on the next turn of the event loop, not inside the paint:
        a held-down key's next step is then handled before it (~1 ms per sample)."""
        if self._metadata_after_paint is not None and self._metadata_after_paint.sample_id == sample_id:
            QTimer.singleShot(0, self._show_metadata_after_paint)

    def _show_metadata_after_paint(self) -> None:
        sample, self._metadata_after_paint = self._metadata_after_paint, None
        if sample is not None and sample.sample_id == self.window.view.current_sample_id:
            self._show_metadata(sample)

    def _show_metadata(self, sample: LoadedSample) -> None:
        self.window.metadata.show_metadata(sample.sample_id, sample.labels.metadata,
                                           {"npz": sample.npz_path, "json": sample.json_path})

    def _on_sample_failed(self, signal: str, sample_id: str, message: str, path: str) -> None:
        self._metadata_after_paint = None
        self.window.view.show_error(message, path or None)
        self.window.metadata.clear()
        self._on_status_message(f"{signal}/{sample_id} cannot be shown: {message}")

    def _on_notice_changed(self, text: str) -> None:
        if text:
            self._on_status_message(text)

    def _on_write_block_changed(self, reason: str) -> None:
        label = self.window.access_label
        label.setText(f"Read-only: {reason}" if reason else "")
        label.setToolTip(reason)
        label.setVisible(bool(reason))

    def _on_status_message(self, text: str) -> None:
        self.window.status_bar.showMessage(text, STATUS_TIMEOUT_MS)

    def _on_view_settings_changed(self) -> None:
        self.window.settings.set_view_settings(self.window.view.view_settings())
