"""Signals → samples as a lazy two-level Qt model over flat arrays, fast at 100,000 rows.

Each signal keeps its sorted ID tuple, a uint8 status code per ID and an index array of the
rows the filter lets through; ``data()`` computes text, icon and tooltip for the few rows
on screen. Filtering is a numpy mask, and a changed filter or a rescanned signal is a
layout change with persistent indexes moved by ID, so selection and expansion survive.
"""

from __future__ import annotations

from bisect import bisect_left

import numpy as np
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QFont

from specgui.core.sample_status import SampleStatus

from ..state.snapshot import CODE, INVALID, STATUSES, SignalSnapshot
from ..widgets.status_style import MEANING, status_color, status_icon

KeyRole = Qt.ItemDataRole.UserRole + 1  # (signal, sample ID or None)
StatusRole = Qt.ItemDataRole.UserRole + 2  # SampleStatus of a sample row


def _bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class SignalRows:
    """One signal's rows: the snapshot's arrays plus what the filter shows (``visible``)."""

    def __init__(self, snapshot: SignalSnapshot):
        self.snapshot = snapshot
        self.ids = snapshot.ids
        self.codes = snapshot.codes.copy()  # a failed load marks a row invalid in place
        self.reasons = dict(snapshot.reasons)
        self.visible = np.arange(len(self.ids), dtype=np.int64)
        self._lower_ids: np.ndarray | None = None

    def position(self, sample_id: str) -> int | None:
        """Where ``sample_id`` sits in the sorted IDs (binary search), None if absent."""
        i = bisect_left(self.ids, sample_id)
        return i if i < len(self.ids) and self.ids[i] == sample_id else None

    def row_of(self, position: int) -> int | None:
        """The visible row showing ``position``, None when the filter hides it."""
        row = int(np.searchsorted(self.visible, position))
        return row if row < len(self.visible) and self.visible[row] == position else None

    def apply_filter(self, text: str, code: int | None) -> None:
        if not text and code is None:
            self.visible = np.arange(len(self.ids), dtype=np.int64)
            return
        mask = np.ones(len(self.ids), dtype=bool)
        if text:
            if self._lower_ids is None:
                self._lower_ids = np.char.lower(np.array(self.ids, dtype=str)) if self.ids else np.array([], dtype=str)
            mask &= np.char.find(self._lower_ids, text.lower()) >= 0
        if code is not None:
            mask &= self.codes == code
        self.visible = np.flatnonzero(mask)

    def counts(self) -> dict[SampleStatus, int]:
        totals = np.bincount(self.codes, minlength=len(STATUSES)) if len(self.codes) else [0] * len(STATUSES)
        return {status: int(totals[i]) for i, status in enumerate(STATUSES)}


class SampleTreeModel(QAbstractItemModel):
    """Top-level rows are signals (internal id 0); sample rows carry their signal's row + 1."""

    HEADERS = ("Sample", "State")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._signals: list[SignalRows] = []
        self._filter_text = ""
        self._filter_code: int | None = None

    # -- Qt model API ----------------------------------------------------------------
    def index(self, row: int, column: int, parent=QModelIndex()) -> QModelIndex:
        if parent.isValid():
            if parent.internalId() == 0 and 0 <= row < len(self._signals[parent.row()].visible):
                return self.createIndex(row, column, parent.row() + 1)
            return QModelIndex()
        if 0 <= row < len(self._signals):
            return self.createIndex(row, column, 0)
        return QModelIndex()

    def parent(self, index: QModelIndex) -> QModelIndex:  # noqa: A003 - Qt override
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        if not parent.isValid():
            return len(self._signals)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._signals[parent.row()].visible)
        return 0

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._signal_data(self._signals[index.row()], index.column(), role)
        rows = self._signals[index.internalId() - 1]
        position = int(rows.visible[index.row()])
        return self._sample_data(rows, position, index.column(), role)

    def _signal_data(self, rows: SignalRows, column: int, role):
        snap = rows.snapshot
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                shown = f"{len(rows.visible)}/" if len(rows.visible) != len(rows.ids) else ""
                return f"{snap.name} ({shown}{len(rows.ids)})"
            counts = rows.counts()
            text = " · ".join(f"{n} {s.value}" for s, n in counts.items() if n)
            version = f"v{snap.shown_version}" if snap.shown_version else "no split"
            return f"{version}: {text}" if text else version
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{snap.name}: {snap.signal_dir}"]
            lines += [f"{n} {s.value}" for s, n in rows.counts().items()]
            if snap.shown_version != snap.active_version:
                lines.append(f"coloured by v{snap.shown_version}; active is v{snap.active_version}")
            lines += list(snap.problems)
            if snap.write_block:
                lines.append(snap.write_block)
            return "\n".join(lines)
        if role == KeyRole:
            return (snap.name, None)
        if role == Qt.ItemDataRole.FontRole and column == 0:
            return _bold_font()
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and snap.problems:
            return status_color(SampleStatus.INVALID)
        return None

    def _sample_data(self, rows: SignalRows, position: int, column: int, role):
        status = STATUSES[rows.codes[position]]
        if role == Qt.ItemDataRole.DisplayRole:
            return rows.ids[position] if column == 0 else status.value
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return status_icon(status)
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return status_color(status)
        if role == Qt.ItemDataRole.ToolTipRole:
            reason = rows.reasons.get(rows.ids[position])
            return f"{rows.ids[position]}: {status.value}" + (f"\n{reason}" if reason else f" — {MEANING[status]}")
        if role == KeyRole:
            return (rows.snapshot.name, rows.ids[position])
        if role == StatusRole:
            return status
        return None

    # -- updates ---------------------------------------------------------------------
    def set_snapshots(self, snapshots) -> None:
        """A new tree (a new root, or signals added/removed): rebuild everything."""
        self.beginResetModel()
        self._signals = [SignalRows(s) for s in snapshots]
        for rows in self._signals:
            rows.apply_filter(self._filter_text, self._filter_code)
        self.endResetModel()

    def update_snapshot(self, snapshot: SignalSnapshot) -> None:
        """One signal rescanned: swap its rows, keeping selection and expansion by ID."""
        row = self.signal_row(snapshot.name)
        if row is None:
            self.set_snapshots([r.snapshot for r in self._signals] + [snapshot])
            return
        rows = SignalRows(snapshot)
        rows.apply_filter(self._filter_text, self._filter_code)
        self._relayout({row: rows})

    def set_filter(self, text: str, status: SampleStatus | None) -> None:
        """Show only IDs containing ``text`` (any case) with ``status`` (None: any)."""
        code = None if status is None else int(CODE[status])
        if (text, code) == (self._filter_text, self._filter_code):
            return
        self._filter_text, self._filter_code = text, code
        self._relayout({}, refilter=True)

    def mark_invalid(self, signal: str, sample_id: str, reason: str) -> None:
        """A sample failed to load: show it invalid with ``reason`` now, before any rescan."""
        row = self.signal_row(signal)
        if row is None:
            return
        rows = self._signals[row]
        position = rows.position(sample_id)
        if position is None:
            return
        rows.codes[position] = INVALID
        rows.reasons[sample_id] = reason
        visible_row = rows.row_of(position)
        if visible_row is not None:
            parent = self.index(row, 0)
            self.dataChanged.emit(self.index(visible_row, 0, parent), self.index(visible_row, 1, parent))
        self.dataChanged.emit(self.index(row, 0), self.index(row, 1))

    def _relayout(self, replacements: dict[int, SignalRows], refilter: bool = False) -> None:
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        keys = [(self.data(i, KeyRole), i.column()) for i in old]
        for row, rows in replacements.items():
            self._signals[row] = rows
        if refilter:
            for rows in self._signals:
                rows.apply_filter(self._filter_text, self._filter_code)
        new = [self.find(signal, sample_id, column) for (signal, sample_id), column in keys]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # -- lookups ---------------------------------------------------------------------
    def signal_row(self, name: str) -> int | None:
        for i, rows in enumerate(self._signals):
            if rows.snapshot.name == name:
                return i
        return None

    def signal_rows(self, row: int) -> SignalRows:
        return self._signals[row]

    def snapshots(self) -> list[SignalSnapshot]:
        return [r.snapshot for r in self._signals]

    def find(self, signal: str, sample_id: str | None, column: int = 0) -> QModelIndex:
        """The index showing ``sample_id`` of ``signal`` (the signal's row for None)."""
        row = self.signal_row(signal)
        if row is None:
            return QModelIndex()
        if sample_id is None:
            return self.index(row, column)
        rows = self._signals[row]
        position = rows.position(sample_id)
        visible_row = rows.row_of(position) if position is not None else None
        if visible_row is None:
            return QModelIndex()
        return self.index(visible_row, column, self.index(row, 0))
