"""The leakage-audit tab: Run/Cancel, the near-duplicate threshold, the leak groups and problems.

Leaks are listed as groups (:class:`.leak_group_tree.LeakGroupTree`: a group expands to
its train and val samples). Intents: ``audit_requested(signal, version|None, near_threshold)``,
``cancel_requested``, ``pair_requested(signal, leak)`` (double-click or Enter on a sample:
it and the other side's pick of that group; or "Show pair"),
``sample_requested(signal, sample_id)`` (a problem row chosen). Facts in:
:meth:`set_signal`, :meth:`show_versions`, :meth:`set_version`, :meth:`show_started`,
:meth:`show_progress`, :meth:`show_report`, :meth:`show_failed`, :meth:`show_cancelled`,
:meth:`set_running`, :meth:`show_pair` (both samples loaded: opens the pair window).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QSpinBox, QSplitter, QVBoxLayout, QWidget

from specgui.core.audit.hashes import DEFAULT_NEAR_THRESHOLD, PHASH_BITS

from .. import dialogs
from .check_common import CheckPanelMixin, RowsModel, RunBar, VersionPicker, rows_table
from .leak_group_tree import LeakGroupTree
from .leak_text import describe_evidence


def _titled(title: QLabel, widget: QWidget, *below: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 4, 0, 0)
    layout.addWidget(title)
    layout.addWidget(widget, 1)
    for extra in below:
        layout.addWidget(extra)
    return box


class AuditPanel(CheckPanelMixin, QWidget):
    """See the module docstring."""

    panel_title = "Leakage audit"
    check_name = "audit"
    cancelled_text = "Cancelled the audit of {signal}; fingerprints so far are cached."

    audit_requested = Signal(str, object, int)
    cancel_requested = Signal()
    pair_requested = Signal(str, object)
    sample_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.signal: str | None = None
        self.report = None
        self.pair_dialog = None
        self._running = False
        self.title = QLabel()
        self.threshold_spin = QSpinBox(minimum=0, maximum=PHASH_BITS, value=DEFAULT_NEAR_THRESHOLD)
        self.threshold_spin.setSuffix(f" / {PHASH_BITS} bits")
        self.threshold_spin.setToolTip("Perceptual hashes this many bits apart or closer count as near duplicates")
        self.version_picker = VersionPicker()
        form = QFormLayout()
        form.addRow("Near threshold", self.threshold_spin)
        form.addRow("Split version", self.version_picker)
        self.run_bar = RunBar("Run audit")
        self.run_bar.start_button.setToolTip("Look for the same or nearly the same data in train and val, and "
                                             "train/val windows of one capture that overlap or touch")
        self.summary = QLabel("No audit yet.")
        self.summary.setWordWrap(True)
        self.group_tree = LeakGroupTree()
        self.group_tree.setToolTip("Expand a group to its samples; double-click a sample (or Enter) to see it beside "
                                   "the other side's pick of the group")
        self.pair_detail = QLabel()  # the chosen pair's evidence in full: the column is narrow
        self.pair_detail.setWordWrap(True)
        self.pair_button = QPushButton("Show pair")
        self.pair_button.setEnabled(False)
        self.problems = RowsModel(("Sample", "Split", "Problem"), self)
        self.problem_table = rows_table(self.problems)
        self.problem_table.setToolTip("Choose a row to select that sample")
        self.leaks_title, self.problems_title = QLabel("Leak groups"), QLabel("Problems")
        for title in (self.leaks_title, self.problems_title):  # a long title must not widen the side panel
            title.setWordWrap(True)  # (the spectrogram beside it would be resized and redrawn: a 40 ms stall)
        lists = QSplitter(Qt.Orientation.Vertical)
        lists.addWidget(_titled(self.leaks_title, self.group_tree, self.pair_detail, self.pair_button))
        self.problems_box = _titled(self.problems_title, self.problem_table)
        lists.addWidget(self.problems_box)
        lists.setSizes([300, 100])
        lists.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.run_bar)
        layout.addWidget(self.summary)
        layout.addWidget(lists, 1)
        self.run_bar.start_clicked.connect(self._on_start_clicked)
        self.run_bar.cancel_clicked.connect(self._on_cancel_clicked)
        self.group_tree.pair_activated.connect(self._request_pair)
        self.group_tree.currentItemChanged.connect(self._on_leak_row_changed)
        self.pair_button.clicked.connect(self._on_pair_clicked)
        self.problem_table.clicked.connect(self._on_problem_clicked)
        self.problems_box.hide()
        self.set_signal(None)

    # -- facts in ----------------------------------------------------------------------
    def show_started(self, signal: str, version=None) -> None:
        self.run_bar.show_progress(0, 0, f"Auditing {signal}…")

    def show_progress(self, done: int, total: int) -> None:
        self.run_bar.show_progress(done, total, f"Fingerprinting {done:,} / {total:,} samples…")

    def show_report(self, report) -> None:
        self.report = report
        groups = report.group_counts()
        self.run_bar.status.setText(f"Done: {report.decoded:,} decoded, {report.cache_hits:,} from the cache.")
        verdict = ("<span style='color:#30a46c'>no leakage found</span>" if not report.has_leaks else
                   f"<span style='color:#e5484d'>{len(report.groups):,} leak group(s)</span>: "
                   f"{groups['exact']} exact, {groups['near']} near, {groups['capture']} capture "
                   f"({report.pair_count:,} train/val pairs)")
        extra = (f"<br>{report.without_window:,} sample(s) name a capture but no usable window: not checked "
                 "for capture overlap." if report.without_window else "")
        self.summary.setText(f"<b>{html.escape(report.signal)} v{report.version}</b> "
                             f"({report.train_count:,} train / {report.val_count:,} val) — {verdict}{extra}")
        self.group_tree.show_groups(report.groups, report.leaks)
        self.problems.set_rows([((p.sample_id, p.split, p.problem), p.problem, p) for p in report.problems])
        self.leaks_title.setText(f"Leak groups ({len(report.groups):,}) — expand to the samples, double-click one "
                                 "to compare")
        self.problems_title.setText(f"Samples not checked ({len(report.problems):,}) — choose one to see it")
        self.problems_box.setVisible(bool(report.problems))
        for column in range(self.problems.columnCount() - 1):  # the last column takes what is left
            self.problem_table.resizeColumnToContents(column)
        self._on_leak_row_changed(None, None)

    def _inputs(self) -> tuple:
        return self.threshold_spin, self.version_picker

    def show_pair(self, outcome) -> None:
        """Both samples of a pair are loaded: show them side by side."""
        self.pair_dialog = dialogs.show_leak_pair(self, outcome)

    # -- intents out -------------------------------------------------------------------
    def _on_start_clicked(self) -> None:
        if self.signal is not None and not self._running:
            self.audit_requested.emit(self.signal, self.version_picker.version(), self.threshold_spin.value())

    def _request_pair(self, leak) -> None:
        if self.report is not None and leak is not None:
            self.pair_requested.emit(self.report.signal, leak)

    def _on_pair_clicked(self) -> None:
        self._request_pair(self.group_tree.current_pair())

    def _on_leak_row_changed(self, *_items) -> None:
        leak = self.group_tree.current_pair()
        self.pair_button.setEnabled(leak is not None)
        self.pair_detail.setVisible(leak is not None)
        if leak is not None:
            self.pair_detail.setText(f"<b>{leak.kind}</b>: train {html.escape(leak.train)} ~ val "
                                     f"{html.escape(leak.val)}<br>"
                                     f"{html.escape(describe_evidence(leak.kind, leak.evidence))}")

    def _on_problem_clicked(self, index: QModelIndex) -> None:
        if self.report is not None and index.isValid():
            self.sample_requested.emit(self.report.signal, self.problems.payload(index.row()).sample_id)
