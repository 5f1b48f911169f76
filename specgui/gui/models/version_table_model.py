"""The split-version table: one row per ``vN.json`` of the selected signal, active marked."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from specgui.core.splits.manager import VersionSummary

VersionRole = Qt.ItemDataRole.UserRole + 1
HEADERS = ("", "Version", "Created", "Train", "Val", "Added", "Notes")
PROBLEM_COLOR = QColor("#e5484d")


def short_time(created_at: str | None) -> str:
    """``2026-01-24T10:00:00.123Z`` → ``2026-01-24 10:00`` (UTC, as written)."""
    if not created_at:
        return ""
    text = created_at.replace("T", " ")
    return text[:16] + (" UTC" if created_at.endswith("Z") else "")


class VersionTableModel(QAbstractTableModel):
    """Rows are :class:`~specgui.core.splits.VersionSummary`, oldest first."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: tuple[VersionSummary, ...] = ()
        self._rolled_back: set[int] = set()

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        active = next((r.version for r in self._rows if r.is_active), None)
        # newer than the active version: written, then rolled back (Undo, Set active); kept in the history
        self._rolled_back = {r.version for r in self._rows if active is not None and r.version > active}
        self.endResetModel()

    def rows(self) -> tuple[VersionSummary, ...]:
        return self._rows

    def row_of(self, version: int | None) -> int | None:
        for i, row in enumerate(self._rows):
            if (version is None and row.is_active) or row.version == version:
                return i
        return None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt override
        return len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            text = _cell(row, column)
            return text + " (rolled back)" if column == 1 and row.version in self._rolled_back else text
        if role == VersionRole:
            return row.version
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"v{row.version}: {row.path}"
            if row.is_active:
                tip += "\nactive: training uses this version"
            if row.version in self._rolled_back:
                tip += "\nrolled back: newer than the active version, kept in the history (Set active to use it)"
            if row.parent_version:
                tip += f"\nextended from v{row.parent_version}"
            return tip + (f"\nunreadable: {row.problem}" if row.problem else (f"\n{row.notes}" if row.notes else ""))
        if role == Qt.ItemDataRole.FontRole and row.is_active:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and row.problem:
            return PROBLEM_COLOR
        if role == Qt.ItemDataRole.TextAlignmentRole and 3 <= column <= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _cell(row: VersionSummary, column: int) -> str:
    if column == 0:
        return "★" if row.is_active else ""
    if column == 1:
        return f"v{row.version}" + (" (active)" if row.is_active else "")
    if row.problem:
        return f"unreadable: {row.problem}" if column == 6 else ""
    if column == 2:
        return short_time(row.created_at)
    if column == 3:
        return f"{row.train_count:,}" if row.train_count is not None else ""
    if column == 4:
        return f"{row.val_count:,}" if row.val_count is not None else ""
    if column == 5:
        return f"+{row.samples_added:,}" if row.samples_added else ""
    return row.notes or ""
