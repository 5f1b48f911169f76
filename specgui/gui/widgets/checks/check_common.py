"""Pieces the sanity and audit panels share: a table of report rows, a version picker, a run bar,
and the panel behaviour around them (:class:`CheckPanelMixin`).

:class:`RowsModel` holds plain rows (display strings plus the object behind each row), so a
report of thousands of problems or leaks lists without an item per cell. :class:`VersionPicker`
offers "active" and every listed version of the selected signal. :class:`RunBar` is the
Start/Cancel pair over a progress bar and one status line.
"""

from __future__ import annotations

import html
from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QProgressBar,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

_Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """Read-only rows of strings; ``payload(row)`` is what the row stands for (a Problem, a Leak)."""

    def __init__(self, headers: Sequence[str], parent=None):
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[tuple[str, ...]] = []
        self._tips: list[str] = []
        self._payloads: list[Any] = []

    def set_rows(self, rows: Sequence[tuple[tuple[str, ...], str, Any]]) -> None:
        """``rows``: (cells, tooltip, payload) each."""
        self.beginResetModel()
        self._rows = [tuple(cells) for cells, _, _ in rows]
        self._tips = [tip for _, tip, _ in rows]
        self._payloads = [payload for _, _, payload in rows]
        self.endResetModel()

    def payload(self, row: int) -> Any:
        return self._payloads[row]

    def cell(self, row: int, column: int) -> str:
        return self._rows[row][column]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips[index.row()] or self._rows[index.row()][index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None


def rows_table(model: RowsModel) -> QTableView:
    """A compact, row-selecting, read-only table over ``model``; the last column stretches."""
    table = QTableView()
    # before the model: columns are made this wide, and the stretched last one never shrinks below it
    table.horizontalHeader().setDefaultSectionSize(60)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return table


class VersionPicker(QComboBox):
    """"active (vN)" and each version of the selected signal; ``version()`` is None for active."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setToolTip("Split version to check (the version selected in the split panel, else the active one)")
        self._reset(None)

    def _reset(self, active: int | None) -> None:
        self.clear()
        self.addItem(f"active (v{active})" if active else "active", None)

    def set_versions(self, rows) -> None:
        """Rows of the version list (VersionSummary); keeps the current choice when it is still there."""
        keep = self.version()
        active = next((r.version for r in rows if r.is_active), None)
        self.blockSignals(True)
        self._reset(active)
        for row in rows:
            if not row.problem:
                self.addItem(f"v{row.version}" + (" (active)" if row.is_active else ""), row.version)
        self.blockSignals(False)
        self.set_version(keep)

    def set_version(self, version: int | None) -> None:
        index = self.findData(version) if version is not None else 0
        self.setCurrentIndex(max(index, 0))

    def version(self) -> int | None:
        return self.currentData()


class RunBar(QWidget):
    """Start and Cancel beside a progress bar, a status line under them."""

    start_clicked = Signal()
    cancel_clicked = Signal()

    def __init__(self, start_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.start_button = QPushButton(start_text)
        self.cancel_button = QPushButton("Cancel")
        self.bar = QProgressBar(textVisible=False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.start_button.clicked.connect(self.start_clicked)
        self.cancel_button.clicked.connect(self.cancel_clicked)
        self.set_running(False)

    def set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.cancel_button.setText("Cancel")
        if running:
            self.bar.setRange(0, 0)
        elif self.bar.maximum() == 0:  # still busy-looking: stop; a finished bar stays full
            self.bar.setRange(0, 1)
            self.bar.setValue(0)

    def set_cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")

    def show_progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        else:
            self.bar.setRange(0, 0)
        self.status.setText(text)


class CheckPanelMixin:
    """What the sanity and audit tabs share: a title naming the tree's signal, a version
    picker, and the run bar's facts (failed, cancelled, running).

    A panel sets ``panel_title``, ``check_name`` ("audit", "pass"), ``cancelled_text`` (with
    ``{signal}``) and ``cancelling_text``, and has ``title`` (QLabel), ``version_picker``,
    ``run_bar``, ``signal``, ``_running``, ``cancel_requested`` and ``_inputs()`` (what is
    disabled while it runs); the window's wiring calls the facts-in methods below.
    """

    panel_title = ""
    check_name = ""
    cancelled_text = "Cancelled the {check} of {signal}."
    cancelling_text = ""

    def set_signal(self, signal: str | None) -> None:
        """The signal selected in the tree: the next run checks it."""
        if signal != self.signal:
            self.version_picker.set_versions(())
        self.signal = signal
        self.title.setText(f"<b>{self.panel_title} · {html.escape(signal)}</b>" if signal else
                           f"<b>{self.panel_title}</b> — select a signal in the tree")
        self._update_start()

    def show_versions(self, outcome) -> None:
        if outcome.signal == self.signal:
            self.version_picker.set_versions(outcome.rows)

    def set_version(self, signal: str, version: int | None) -> None:
        if signal == self.signal:
            self.version_picker.set_version(version)

    def show_failed(self, signal: str, message: str) -> None:
        self.run_bar.status.setText(f"<span style='color:#e5484d'>The {self.check_name} of {html.escape(signal)} "
                                    f"could not run: {html.escape(message)}</span>")

    def show_cancelled(self, signal: str) -> None:
        self.run_bar.status.setText(self.cancelled_text.format(check=self.check_name, signal=signal))

    def set_running(self, running: bool) -> None:
        self._running = running
        self.run_bar.set_running(running)
        for widget in self._inputs():
            widget.setEnabled(not running)
        self._update_start()

    def _inputs(self) -> tuple:
        return (self.version_picker,)

    def _on_cancel_clicked(self) -> None:
        self.run_bar.set_cancelling()
        if self.cancelling_text:
            self.run_bar.status.setText(self.cancelling_text)
        self.cancel_requested.emit()

    def _update_start(self) -> None:
        self.run_bar.start_button.setEnabled(self.signal is not None and not self._running)
