"""The sample tree panel: filter field, state filter, the signals → samples list, a legend.

The "tree" is a QTableView over a flattened model (a header row per signal, click it to
fold); see :mod:`..models.sample_tree_model` for why it is not a QTreeView.

Intents: ``sample_requested(signal, sample_id, neighbour_ids)`` when the current sample
changes (the neighbours are for prefetching), ``signal_requested(signal)`` when the current
signal changes, ``selection_cleared()``. Facts in: :meth:`show_snapshots`,
:meth:`update_snapshot`, :meth:`mark_invalid`. Navigation: :meth:`step`, :meth:`jump`.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QTimer, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from specgui.core.samples.status import SampleStatus

from ...models.sample_tree_model import KeyRole, SampleTreeModel
from ...models.tree_navigation import find_status, neighbour_ids, step
from specgui.app.snapshot import SignalSnapshot
from .status_legend import StatusLegend
from ...status_style import status_icon

FILTER_DELAY_MS = 150
PREFETCH_REACH = 1


class SampleTreePanel(QWidget):
    """See the module docstring."""

    sample_requested = Signal(str, str, object)  # signal, sample ID, neighbour IDs
    signal_requested = Signal(str)
    selection_cleared = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = SampleTreeModel(self)
        self.filter_edit = QLineEdit(placeholderText="Filter sample IDs…", clearButtonEnabled=True)
        self.filter_edit.setToolTip("Show only samples whose ID contains this text (any case)")
        self.state_combo = QComboBox()
        self.state_combo.addItem("All states", None)
        for status in SampleStatus:
            self.state_combo.addItem(status_icon(status), status.value, status)
        self.state_combo.setToolTip("Show only samples in this state")
        self.review_combo = QComboBox()
        for text, data in (("Any review", None), ("Not reviewed", "unreviewed"), ("✓ reviewed", "reviewed"),
                           ("✎ relabel", "relabel"), ("⊘ exclude", "exclude")):
            self.review_combo.addItem(text, data)
        self.review_combo.setToolTip("Show only samples in this review state")
        self.tree = QTableView(showGrid=False, wordWrap=False)
        self.tree.setModel(self.model)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = self.tree.verticalHeader()  # uniform row heights; never sized from contents
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.tree.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, self.fontMetrics().horizontalAdvance("missing") + 24)
        self.legend = StatusLegend()
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._on_filter_timer_timeout)
        self._current_signal: str | None = None
        self._first_signal: str | None = None

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.state_combo)
        bar.addWidget(self.review_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.legend)

        self.filter_edit.textChanged.connect(self._on_filter_text_changed)
        self.state_combo.currentIndexChanged.connect(self._on_filter_timer_timeout)
        self.review_combo.currentIndexChanged.connect(self._on_review_combo_changed)
        self.tree.selectionModel().currentChanged.connect(self._on_current_changed)
        self.tree.clicked.connect(self._on_tree_clicked)
        self.model.layoutChanged.connect(self._on_model_layout_changed)
        self.model.modelReset.connect(self._apply_spans)

    # -- facts in ----------------------------------------------------------------------
    def show_snapshots(self, snapshots, announce_first: bool = True) -> None:
        """A new list of signals: show it, keeping the current sample if it is still there.

        Otherwise the first signal is announced (``signal_requested``), unless the caller is
        about to select a sample itself (``announce_first=False``, then
        :meth:`announce_first_signal`): each announcement starts that signal's version
        listing and guarded extension preview, which on a big signal nobody asked for costs
        a minute of decoding.
        """
        key = self.current_key()
        self.model.set_snapshots(snapshots)
        self._first_signal = snapshots[0].name if snapshots else None
        if key is None or not self.select(*key):
            self._current_signal = None
            if announce_first:
                self.announce_first_signal()
        self._update_legend()

    def announce_first_signal(self) -> None:
        """Announce the first signal when none is current (a selection made after
        ``show_snapshots(announce_first=False)`` did not happen or failed)."""
        if self._current_signal is None and self._first_signal is not None:
            self._emit_signal(self._first_signal)

    def update_snapshot(self, snapshot: SignalSnapshot) -> None:
        self.model.update_snapshot(snapshot)
        self._update_legend()

    def mark_invalid(self, signal: str, sample_id: str, reason: str) -> None:
        self.model.mark_invalid(signal, sample_id, reason)
        self._update_legend()

    def mark_held_back(self, signal: str, held_back) -> None:
        """Samples the next extension leaves out (:class:`HeldBack` rows): shown invalid (the
        "next invalid" key reaches them) with the kind and reason in the tooltip, until a rescan."""
        for row in held_back:
            self.model.mark_invalid(signal, row.sample_id, f"held back from the next extension ({row.kind}): {row.reason}")
        if held_back:
            self._update_legend()

    def show_review(self, signal: str, entries: dict) -> None:
        """``signal``'s review states ({ID: ReviewEntry}): marks, header progress, filter."""
        self.model.set_review(signal, {sid: e.state for sid, e in entries.items()})

    def jump_review(self, state: str | None) -> bool:
        """Go to the next shown sample in review ``state`` (None: not reviewed yet), wrapping."""
        current = self.tree.currentIndex()
        start = current.row() if current.isValid() else -1
        total = self.model.rowCount()
        for offset in range(1, total + 1):
            index = self.model.index((start + offset) % total, 0)
            signal, sample_id = self.model.data(index, KeyRole)
            if sample_id is not None and self.model.review_of(signal, sample_id) == state:
                return self._set_current(index)
        return False

    def _on_review_combo_changed(self, _index: int) -> None:
        self.model.set_review_filter(self.review_combo.currentData())
        self._update_legend()

    # -- navigation --------------------------------------------------------------------
    def current_key(self) -> tuple[str, str | None] | None:
        index = self.tree.currentIndex()
        return self.model.data(index, KeyRole) if index.isValid() else None

    def select(self, signal: str, sample_id: str | None) -> bool:
        """Make ``sample_id`` of ``signal`` current (scrolled to); False if it is not shown."""
        index = self.model.find(signal, sample_id)
        if not index.isValid():
            return False
        self._set_current(index)
        return True

    def select_first_sample(self) -> bool:
        """Make the first shown sample of the first signal that shows one current."""
        for signal in range(self.model.signal_count()):
            if self.model.shown_count(signal):  # 0 when folded or filtered out
                return self._set_current(self.model.row_index(signal, 0))
        return False

    def step(self, delta: int) -> bool:
        """Move ``delta`` samples down (up if negative) through every signal in order."""
        return self._set_current(step(self.model, self.tree.currentIndex(), delta))

    def jump(self, status: SampleStatus, forward: bool = True) -> bool:
        """Go to the next (previous) sample with ``status``, wrapping around."""
        return self._set_current(find_status(self.model, self.tree.currentIndex(), status, forward))

    def _set_current(self, index: QModelIndex) -> bool:
        if not index.isValid():
            return False
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.tree.selectionModel().setCurrentIndex(index, flags)
        self.tree.scrollTo(index)
        return True

    # -- handlers ----------------------------------------------------------------------
    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        key = self.model.data(current, KeyRole) if current.isValid() else None
        if key is None:
            self.selection_cleared.emit()
            return
        signal, sample_id = key
        self._emit_signal(signal)
        if sample_id is not None:
            self.sample_requested.emit(signal, sample_id, neighbour_ids(self.model, current, PREFETCH_REACH))

    def _emit_signal(self, signal: str) -> None:
        if signal != self._current_signal:
            self._current_signal = signal
            self._update_legend()
            self.signal_requested.emit(signal)

    def _on_filter_text_changed(self, _text: str) -> None:
        self._filter_timer.start()

    def _on_filter_timer_timeout(self, *_args) -> None:
        self.model.set_filter(self.filter_edit.text().strip(), self.state_combo.currentData())
        self._update_legend()

    def _on_tree_clicked(self, index: QModelIndex) -> None:
        signal, sample_id = self.model.data(index, KeyRole)
        if sample_id is None:  # a signal's header row: fold or unfold it
            self.model.set_collapsed(signal, not self.model.is_collapsed(signal))

    def _apply_spans(self) -> None:
        """Each signal's header row spans both columns."""
        self.tree.clearSpans()
        for row in self.model.header_rows():
            self.tree.setSpan(row, 0, 1, 2)

    def _on_model_layout_changed(self, *_args) -> None:
        self._apply_spans()
        current = self.tree.currentIndex()
        if current.isValid():  # a filtered-out sample stays shown in the view until another is picked
            self.tree.scrollTo(current)

    def _update_legend(self) -> None:
        row = self.model.signal_row(self._current_signal) if self._current_signal else None
        if row is None:
            self.legend.show_counts(None, None)
            return
        rows = self.model.signal_rows(row)
        self.legend.show_counts(rows.counts(), rows.snapshot)
