"""The split-version panel of the selected signal: versions table and the split actions.

Intents: ``membership_requested(signal, version|None)`` (colour the tree by a version),
``extend_preview_requested``, ``extend_requested(preview)`` (after the preview dialog; less
the new samples it was told to leave out because they leak into val),
``create_preview_requested`` (while the *Create split* dialog is open: v1 under each grouping),
``create_split_requested`` (ratio, seed, grouping), ``set_active_requested`` (after a confirm),
``diff_requested``. Facts in: :meth:`set_snapshot`, :meth:`show_versions`,
:meth:`show_extend_preview`, :meth:`show_create_preview`, :meth:`show_create_progress`,
:meth:`show_split_failed`, :meth:`show_diff`, :meth:`set_busy`. Write actions are disabled
with the reason in their tooltip when the signal's folder is read-only.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from ...models.version_table_model import VersionRole, VersionTableModel
from specgui.app.snapshot import SignalSnapshot
from .. import dialogs
from .create_split_dialog import CreateSplitDialog


class SplitPanel(QWidget):
    """See the module docstring."""

    membership_requested = Signal(str, object)
    extend_preview_requested = Signal(str)
    extend_requested = Signal(object)
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
            self.extend_button: "Preview adding every pending sample to train as a new version (val unchanged)",
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
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
        self.snapshot = snapshot
        active = f"active v{snapshot.active_version}" if snapshot.active_version else "no split yet"
        self.title.setText(f"<b>Split versions · {snapshot.name}</b> — {active}")
        self._select_version(snapshot.shown_version)
        self._update_actions()
        self.write_block_changed.emit(snapshot.write_block or "")

    def show_versions(self, outcome) -> None:
        if outcome.signal != self.signal:
            return
        if outcome.error:
            self.reason_label.setText(outcome.error)
        self.model.set_rows(outcome.rows)
        self._select_version(self.snapshot.shown_version if self.snapshot else None)
        self._update_actions()

    def show_extend_preview(self, preview) -> None:
        if preview.signal != self.signal:
            return
        if preview.is_noop:
            self.notice_changed.emit(f"{preview.signal}: nothing to add; v{preview.parent_version} stays active")
        elif preview.leaks:  # some new samples share a capture window with val
            left_out = dialogs.ask_extend_leaving_out(self, preview)
            chosen = preview.without(left_out) if left_out is not None else None
            if chosen is not None and chosen.is_noop:
                self.notice_changed.emit(f"{preview.signal}: every new sample leaks into val; nothing written")
            elif chosen is not None:
                self.extend_requested.emit(chosen)
        elif dialogs.ask_extend(self, preview):
            self.extend_requested.emit(preview)

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
        if self.snapshot is not None:
            self.extend_preview_requested.emit(self.snapshot.name)

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
        self.extend_button.setText(f"Extend (+{pending:,})" if has_split else "Extend")
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
        self.reason_label.setText(snap.write_block if snap and snap.write_block else "")
        self.reason_label.setVisible(bool(snap and snap.write_block))

