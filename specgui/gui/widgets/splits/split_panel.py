"""The split-version panel of the selected signal: versions table and the split actions.

Intents: ``membership_requested(signal, version|None)`` (colour the tree by a version),
``extend_preview_requested`` (asked whenever the signal's snapshot changes, so the *Extend*
button says what a click writes: "Extend +118 (3 held back)", from the guarded preview),
``extend_requested(preview)`` (one click; a confirm first only with "Ask before extending"),
``sample_requested`` (a held-back row of the Details dialog),
``create_preview_requested`` (while the *Create split* dialog is open: v1 under each grouping),
``create_split_requested`` (ratio, seed, grouping), ``set_active_requested`` (after a confirm),
``diff_requested``. Facts in: :meth:`set_snapshot`, :meth:`show_versions`,
:meth:`show_extend_preview`, :meth:`show_create_preview`, :meth:`show_create_progress`,
:meth:`show_split_failed`, :meth:`show_diff`, :meth:`set_busy`. Write actions are disabled
with the reason in their tooltip when the signal's folder is read-only.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from ...models.version_table_model import VersionRole, VersionTableModel
from specgui.app.snapshot import SignalSnapshot
from .. import dialogs
from .create_split_dialog import CreateSplitDialog
from .extend_notice import ExtendNotice


class SplitPanel(QWidget):
    """See the module docstring."""

    membership_requested = Signal(str, object)
    extend_preview_requested = Signal(str)
    extend_requested = Signal(object)
    sample_requested = Signal(str, str)  # signal, sample ID (a held-back row of the Details dialog)
    ask_before_extend_changed = Signal(bool)
    create_preview_requested = Signal(str, float, int)
    create_split_requested = Signal(str, float, int, object)  # signal, val ratio, seed, group_by (None or a name)
    set_active_requested = Signal(str, int)
    diff_requested = Signal(str, int, int)
    notice_changed = Signal(str)  # a passing line for the status bar
    write_block_changed = Signal(str)  # why this signal's split cannot be changed ("" if it can)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.snapshot: SignalSnapshot | None = None
        self._busy = False
        self._preview = None  # the newest guarded preview of the selected signal
        self._click_waiting = False  # clicked before the preview of this state arrived
        self._written = None  # the preview the last click wrote, until its version is reported
        self.title = QLabel("Split versions")
        self.model = VersionTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.create_button = QPushButton("Create split…")
        self.extend_button = QPushButton("Extend")
        self.set_active_button = QPushButton("Set active…")
        self.diff_button = QPushButton("Diff…")
        self._tips = {
            self.create_button: "Write v1: a seeded shuffle of the samples on disk (or of capture groups), "
                                "the first part to val",
            self.extend_button: "Add every usable pending sample to train as a new version, in one click "
                                "(val unchanged; unreadable and leaking samples are held back)",
            self.set_active_button: "Make the selected version active (rollback); asks first",
            self.diff_button: "Compare the two selected versions (or the selected one with the active one)",
        }
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet("color: #e5484d")
        buttons = QHBoxLayout()
        for button in (self.create_button, self.extend_button, self.set_active_button, self.diff_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.ask_checkbox = QCheckBox("Ask before extending")
        self.ask_checkbox.setToolTip("Show the preview and confirm before each extension")
        self.ask_checkbox.toggled.connect(self.ask_before_extend_changed)
        buttons.addWidget(self.ask_checkbox)
        self.notice = ExtendNotice(self)
        self.notice.undo_requested.connect(self.set_active_requested)
        self.notice.sample_requested.connect(self.sample_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.notice)
        layout.addWidget(self.reason_label)
        self.create_button.clicked.connect(self._on_create_clicked)
        self.extend_button.clicked.connect(self._on_extend_clicked)
        self.set_active_button.clicked.connect(self._on_set_active_clicked)
        self.diff_button.clicked.connect(self._on_diff_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self._update_actions()

    @property
    def signal(self) -> str | None:
        return self.snapshot.name if self.snapshot else None

    # -- facts in ----------------------------------------------------------------------
    def set_snapshot(self, snapshot: SignalSnapshot) -> None:
        """The selected signal (or a rescan of it): title, extend count, write access."""
        if self.snapshot is not None and snapshot.name != self.snapshot.name:
            self.model.set_rows(())
            self.notice.hide()
        self._preview = None  # files or the split moved: ask the guard again (verdicts are cached)
        self.snapshot = snapshot
        active = f"active v{snapshot.active_version}" if snapshot.active_version else "no split yet"
        self.title.setText(f"<b>Split versions · {snapshot.name}</b> — {active}")
        self._select_version(snapshot.shown_version)
        self._update_actions()
        self.write_block_changed.emit(snapshot.write_block or "")
        self._ask_guard()

    def refresh_extend_preview(self, signal: str) -> None:
        """Something the guard weighs changed without a rescan (a review mark): ask it again."""
        if signal == self.signal:
            self._preview = None
            self._update_actions()
            self._ask_guard()

    def _ask_guard(self) -> None:
        snapshot = self.snapshot
        if snapshot.active_version and snapshot.pending_in_active and not snapshot.write_block:
            self.extend_preview_requested.emit(snapshot.name)

    def show_versions(self, outcome) -> None:
        if outcome.signal != self.signal:
            return
        if outcome.error:
            self.reason_label.setText(outcome.error)
        self.model.set_rows(outcome.rows)
        self._select_version(self.snapshot.shown_version if self.snapshot else None)
        self._update_actions()

    def show_extend_preview(self, preview) -> None:
        """The guarded preview: the button says what a click writes; a waiting click writes it."""
        if preview.signal != self.signal:
            return
        self._preview = preview
        self._update_actions()
        if self._click_waiting:
            self._click_waiting = False
            self._extend(preview)

    def show_written(self, signal: str, version: int, message: str) -> None:
        """A split write finished: after an extension, the notice with Undo and Details."""
        written, self._written = self._written, None
        if written is not None and signal == written.signal and version == written.new_version:
            self.notice.show_written(version, written)
        elif self.notice.preview is not None and signal == self.notice.preview.signal \
                and version == self.notice.preview.parent_version and not self.notice.undo_button.isEnabled():
            self.notice.show_undone()

    def set_ask_before_extend(self, ask: bool) -> None:
        self.ask_checkbox.setChecked(bool(ask))

    def show_create_preview(self, outcome) -> None:
        """v1 under each grouping, for the open *Create split* dialog (if it is still open)."""
        dialog = self.findChild(CreateSplitDialog)
        if dialog is not None:
            dialog.show_preview(outcome)

    def show_create_progress(self, done: int, total: int) -> None:
        dialog = self.findChild(CreateSplitDialog)
        if dialog is not None:
            dialog.show_progress(done, total)

    def show_split_failed(self, signal: str, message: str, stale: bool) -> None:
        title = "Split changed by someone else" if stale else "Split operation refused"
        self.notice_changed.emit(message)
        dialogs.warn(self, title, message)

    def show_diff(self, outcome) -> None:
        if outcome.error:
            dialogs.warn(self, "Cannot compare versions", outcome.error)
        else:
            dialogs.show_diff(self, outcome)

    def set_busy(self, busy: bool) -> None:
        """A split operation or scan is running: no second write meanwhile."""
        self._busy = busy
        self._update_actions()

    # -- intents out -------------------------------------------------------------------
    def _on_create_clicked(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        name = snap.name
        answer = dialogs.ask_initial_split(self, name, snap.pending_in_active,
                                           lambda ratio, seed: self.create_preview_requested.emit(name, ratio, seed))
        if answer is not None:
            self.create_split_requested.emit(name, *answer)

    def _on_extend_clicked(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        if self._preview is not None and self._preview.parent_version == snap.active_version:
            self._extend(self._preview)
        else:  # the verdicts of this state are still coming: write as soon as they are in
            self._click_waiting = True
            self.extend_preview_requested.emit(snap.name)

    def _extend(self, preview) -> None:
        if preview.is_noop:
            held = f" ({len(preview.held_back)} held back: see their tooltips in the list)" if preview.held_back else ""
            self.notice_changed.emit(f"{preview.signal}: nothing to add{held}; v{preview.parent_version} stays active")
            return
        if self.ask_checkbox.isChecked() and not dialogs.ask_extend(self, preview):
            return
        self._written = preview
        self.extend_requested.emit(preview)

    def _on_set_active_clicked(self) -> None:
        versions = self._selected_versions()
        if self.snapshot is None or len(versions) != 1:
            return
        v = versions[0]
        text = (f"Make v{v} the active split of {self.snapshot.name}?\n\nTraining will use v{v} instead of "
                f"v{self.snapshot.active_version}. No version file is changed or deleted.")
        if dialogs.confirm(self, "Set active version", text):
            self.set_active_requested.emit(self.snapshot.name, v)

    def _on_diff_clicked(self) -> None:
        pair = self._diff_pair()
        if pair is not None and self.snapshot is not None:
            self.diff_requested.emit(self.snapshot.name, pair[0], pair[1])

    def _on_current_row_changed(self, current, previous) -> None:
        if self.snapshot is None or not current.isValid():
            return
        row = self.model.rows()[current.row()]
        self.membership_requested.emit(self.snapshot.name, None if row.is_active else row.version)

    def _on_table_selection_changed(self, *_args) -> None:
        self._update_actions()

    # -- helpers -----------------------------------------------------------------------
    def _selected_versions(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        return sorted(self.model.data(i, VersionRole) for i in rows)

    def _diff_pair(self) -> tuple[int, int] | None:
        versions = self._selected_versions()
        active = self.snapshot.active_version if self.snapshot else None
        if len(versions) == 2:
            return versions[0], versions[1]
        if len(versions) == 1 and active and versions[0] != active:
            return tuple(sorted((versions[0], active)))
        return None

    def _select_version(self, version: int | None) -> None:
        row = self.model.row_of(version)
        if row is None or self._selected_versions() == [self.model.rows()[row].version]:
            return
        selection = self.table.selectionModel()
        selection.blockSignals(True)  # showing the state is not a request to change it
        selection.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                  | QItemSelectionModel.SelectionFlag.Rows)
        selection.blockSignals(False)
        self.table.viewport().update()

    def _extend_text(self, has_split: bool, pending: int) -> str:
        """"Extend +118 (3 held back)" from the guarded preview; "Extend +118…" while it is checked."""
        if not has_split:
            return "Extend"
        preview = self._preview
        if preview is None or preview.signal != self.signal:
            return f"Extend +{pending:,}…" if pending else "Extend +0"
        held = f" ({len(preview.held_back):,} held back)" if preview.held_back else ""
        return f"Extend +{len(preview.added):,}{held}"

    def _update_actions(self) -> None:
        snap = self.snapshot
        block = snap.write_block if snap else "no signal selected"
        if snap is not None and block is None and self._busy:
            block = "a split operation is running"
        has_split = bool(snap and snap.active_version)
        has_versions = bool(self.model.rows())
        versions = self._selected_versions()
        selected_rows = [r for r in self.model.rows() if r.version in versions]
        pending = snap.pending_in_active if snap else 0
        self.extend_button.setText(self._extend_text(has_split, pending))
        checks = {
            self.create_button: block or ("v1 exists already" if has_versions or has_split else None)
            or (None if pending else "no samples on disk"),
            self.extend_button: block or (None if has_split else "create the initial split first")
            or (None if pending else "no pending samples to add"),
            self.set_active_button: block or (None if len(selected_rows) == 1 else "select one version")
            or ("it is already active" if selected_rows[0].is_active else None)
            or ("its file is unreadable" if selected_rows[0].problem else None),
            self.diff_button: None if self._diff_pair() else "select two versions, or one besides the active",
        }
        for button, reason in checks.items():
            button.setEnabled(reason is None)
            button.setToolTip(f"Disabled: {reason}" if reason else self._tips[button])
        if snap is not None and block is None and has_split and pending and self._preview is not None \
                and self._preview.is_noop:
            self.extend_button.setEnabled(False)
            self.extend_button.setToolTip("Disabled: every pending sample is held back (see the sample list)")
        self.reason_label.setText(snap.write_block if snap and snap.write_block else "")
        self.reason_label.setVisible(bool(snap and snap.write_block))

