"""Signals → samples as one flat, lazy table model: a header row per signal, then its samples.

Each signal keeps its sorted ID tuple, a uint8 status code per ID and an index array of the
rows the filter lets through; ``data()`` computes text, icon and tooltip for the few rows
on screen. Flat on purpose: a QTreeView lays out every child of an expanded node through
``index()``/``rowCount()`` (four Python calls a row: 1.6 s for 100,000 samples, measured),
while a QTableView over this model asks only for the rows on screen. Filtering is a numpy
mask; a changed filter or a rescan is a layout change with persistent indexes moved by ID,
so the current sample and selection survive.
"""

from __future__ import annotations

from bisect import bisect_right

import numpy as np

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from specgui.core.samples.status import SampleStatus

from specgui.app.snapshot import CODE, INVALID, SignalSnapshot
from ..status_style import MEANING, status_color, status_icon
from .signal_rows import SignalRows

KeyRole = Qt.ItemDataRole.UserRole + 1  # (signal, sample ID or None for a header row)
StatusRole = Qt.ItemDataRole.UserRole + 2  # SampleStatus of a sample row
ReviewRole = Qt.ItemDataRole.UserRole + 3  # review state of a sample row ("reviewed"...), None if none
REVIEW_MARKS = {"reviewed": "✓", "relabel": "✎", "exclude": "⊘"}
HEADER_BACKGROUND = QColor(128, 128, 128, 40)


def _bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class SampleTreeModel(QAbstractTableModel):
    """Rows: ``[header(s0), samples of s0..., header(s1), ...]``; two columns (ID, state)."""

    HEADERS = ("Sample", "State")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._signals: list[SignalRows] = []
        self._collapsed: set[str] = set()
        self._starts: list[int] = [0]  # header row of each signal, then the total row count
        self._filter_text = ""
        self._filter_code: int | None = None
        self._reviews: dict[str, dict[str, str]] = {}  # signal -> {sample ID: review state}
        self._review_filter: str | None = None  # a review state, or "unreviewed"

    # -- Qt model API ----------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else self._starts[-1]

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        signal, sample_row = self.locate(index.row())
        rows = self._signals[signal]
        if sample_row is None:
            return self._header_data(rows, index.column(), role)
        return self._sample_data(rows, int(rows.visible[sample_row]), index.column(), role)

    def _header_data(self, rows: SignalRows, column: int, role):
        snap = rows.snapshot
        if role == Qt.ItemDataRole.DisplayRole and column == 0:  # spans both columns in the view
            arrow = "▸" if snap.name in self._collapsed else "▾"
            shown = f"{len(rows.visible):,}/" if len(rows.visible) != len(rows.ids) else ""
            text = " · ".join(f"{n:,} {s.value}" for s, n in rows.counts().items() if n)
            version = f"v{snap.shown_version}" if snap.shown_version else "no split"
            text = f"{arrow} {snap.name} ({shown}{len(rows.ids):,}) — {version}" + (f": {text}" if text else "")
            reviews = self._reviews.get(snap.name)
            if reviews is not None:
                done = sum(1 for s in reviews.values() if s != "relabel")
                text += f" · {done:,} / {len(rows.ids):,} reviewed"
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{snap.name}: {snap.signal_dir}", "click to fold or unfold"]
            lines += [f"{n:,} {s.value}" for s, n in rows.counts().items()]
            if snap.shown_version != snap.active_version:
                lines.append(f"coloured by v{snap.shown_version}; active is v{snap.active_version}")
            return "\n".join(lines + list(snap.problems) + ([snap.write_block] if snap.write_block else []))
        if role == KeyRole:
            return (snap.name, None)
        if role == Qt.ItemDataRole.FontRole:
            return _bold_font()
        if role == Qt.ItemDataRole.BackgroundRole:
            return HEADER_BACKGROUND
        if role == Qt.ItemDataRole.ForegroundRole and snap.problems:
            return status_color(SampleStatus.INVALID)
        return None

    def _sample_data(self, rows: SignalRows, position: int, column: int, role):
        status = rows.status(position)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return rows.ids[position]
            review = self._reviews.get(rows.snapshot.name, {}).get(rows.ids[position])
            return status.value if review is None else f"{status.value} {REVIEW_MARKS[review]}"
        if role == ReviewRole:
            return self._reviews.get(rows.snapshot.name, {}).get(rows.ids[position])
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

    # -- row arithmetic --------------------------------------------------------------
    def locate(self, row: int) -> tuple[int, int | None]:
        """(signal number, sample row among its shown samples, or None for its header)."""
        signal = bisect_right(self._starts, row) - 1
        offset = row - self._starts[signal]
        return signal, (None if offset == 0 else offset - 1)

    def shown_count(self, signal: int) -> int:
        """How many sample rows of ``signal`` are on the list (0 when folded)."""
        return self._starts[signal + 1] - self._starts[signal] - 1

    def row_index(self, signal: int, sample_row: int | None = None, column: int = 0) -> QModelIndex:
        return self.index(self._starts[signal] + (0 if sample_row is None else sample_row + 1), column)

    def header_rows(self) -> list[int]:
        return self._starts[:-1]

    def _recount(self) -> None:
        starts = [0]
        for rows in self._signals:
            shown = 0 if rows.snapshot.name in self._collapsed else len(rows.visible)
            starts.append(starts[-1] + 1 + shown)
        self._starts = starts

    # -- updates ---------------------------------------------------------------------
    def set_snapshots(self, snapshots) -> None:
        """A new list of signals (a new root, signals added/removed): rebuild everything."""
        self.beginResetModel()
        self._signals = [SignalRows(s) for s in snapshots]
        for rows in self._signals:
            self._filter_rows(rows)
        self._recount()
        self.endResetModel()

    def update_snapshot(self, snapshot: SignalSnapshot) -> None:
        """One signal rescanned: swap its rows, keeping the current sample and selection by ID."""
        signal = self.signal_row(snapshot.name)
        if signal is None:
            self.set_snapshots([r.snapshot for r in self._signals] + [snapshot])
            return
        rows = SignalRows(snapshot)
        self._filter_rows(rows)
        self._relayout({signal: rows})

    def _filter_rows(self, rows: SignalRows) -> None:
        rows.apply_filter(self._filter_text, self._filter_code)
        wanted = self._review_filter
        if wanted is not None and len(rows.visible):
            reviews = self._reviews.get(rows.snapshot.name, {})
            keep = [reviews.get(rows.ids[int(i)], "unreviewed") == wanted for i in rows.visible]
            rows.visible = rows.visible[np.asarray(keep, dtype=bool)]

    def set_review(self, signal_name: str, states: dict[str, str]) -> None:
        """``signal_name``'s review states ({ID: state}); shown as marks and in its header."""
        self._reviews[signal_name] = dict(states)
        if self._review_filter is not None:
            self._relayout({}, refilter=True)
        elif self._starts[-1]:
            self.dataChanged.emit(self.index(0, 0), self.index(self._starts[-1] - 1, 1))

    def review_of(self, signal_name: str, sample_id: str) -> str | None:
        return self._reviews.get(signal_name, {}).get(sample_id)

    def set_review_filter(self, state: str | None) -> None:
        """Show only samples in review ``state`` ("unreviewed": none yet); None shows all."""
        if state != self._review_filter:
            self._review_filter = state
            self._relayout({}, refilter=True)

    def set_filter(self, text: str, status: SampleStatus | None) -> None:
        """Show only IDs containing ``text`` (any case) with ``status`` (None: any)."""
        code = None if status is None else int(CODE[status])
        if (text, code) != (self._filter_text, self._filter_code):
            self._filter_text, self._filter_code = text, code
            self._relayout({}, refilter=True)

    def set_collapsed(self, name: str, collapsed: bool) -> None:
        if (name in self._collapsed) != collapsed:
            (self._collapsed.add if collapsed else self._collapsed.discard)(name)
            self._relayout({})

    def is_collapsed(self, name: str) -> bool:
        return name in self._collapsed

    def mark_invalid(self, signal_name: str, sample_id: str, reason: str) -> None:
        """A sample failed to load: show it invalid with ``reason`` now, before any rescan."""
        signal = self.signal_row(signal_name)
        position = self._signals[signal].position(sample_id) if signal is not None else None
        if position is None:
            return
        rows = self._signals[signal]
        rows.codes[position] = INVALID
        rows.reasons[sample_id] = reason
        index = self.find(signal_name, sample_id)
        if index.isValid():
            self.dataChanged.emit(index, index.siblingAtColumn(1))
        header = self.row_index(signal)
        self.dataChanged.emit(header, header.siblingAtColumn(1))

    def _relayout(self, replacements: dict[int, SignalRows], refilter: bool = False) -> None:
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        keys = [(self.data(i, KeyRole), i.column()) for i in old]
        for signal, rows in replacements.items():
            self._signals[signal] = rows
        if refilter:
            for rows in self._signals:
                self._filter_rows(rows)
        self._recount()
        self.changePersistentIndexList(old, [self.find(name, sample_id, column) for (name, sample_id), column in keys])
        self.layoutChanged.emit()

    # -- lookups ---------------------------------------------------------------------
    def signal_count(self) -> int:
        return len(self._signals)

    def signal_row(self, name: str) -> int | None:
        """The number of signal ``name`` (its position in the list), None if absent."""
        for i, rows in enumerate(self._signals):
            if rows.snapshot.name == name:
                return i
        return None

    def signal_rows(self, signal: int) -> SignalRows:
        return self._signals[signal]

    def find(self, name: str, sample_id: str | None, column: int = 0) -> QModelIndex:
        """The index showing ``sample_id`` of signal ``name`` (its header for None); invalid if hidden."""
        signal = self.signal_row(name)
        if signal is None:
            return QModelIndex()
        if sample_id is None:
            return self.row_index(signal, None, column)
        rows = self._signals[signal]
        position = rows.position(sample_id)
        sample_row = rows.row_of(position) if position is not None else None
        if sample_row is None or name in self._collapsed:
            return QModelIndex()
        return self.row_index(signal, sample_row, column)
