"""A sanity report on screen: the summary, a boxes-per-sample bar plot, the problems table.

The summary answers "can I start training on this split?": how many samples of each split
were checked and failed, what the pixels and boxes look like, and how fast the data path
ran (decode time in the workers against transfer and reduction time on the device). A
problem row stands for one sample; choosing it (click, or the arrow keys) emits
``sample_requested(signal, sample_id)`` so the window selects that sample and shows why it
failed.
"""

from __future__ import annotations

import html

import pyqtgraph as pg
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QVBoxLayout, QWidget

from specgui.core.sanity.report import SPLITS, Distribution, SanityReport

from .check_common import RowsModel, rows_table

SPLIT_BRUSHES = {"train": (70, 130, 220), "val": (240, 150, 40)}
PROBLEM_COLUMNS = ("Sample", "Split", "File", "Reason")  # File: the name only; the path is in the tooltip


def _stats(d: Distribution | None) -> str:
    return "—" if d is None else f"{d.median:g} ({d.min:g}–{d.max:g})"


def _pixels(mean: float | None, std: float | None) -> str:
    return "—" if mean is None else f"{mean:.4f} ± {std:.4f}"


def _file_cell(problem) -> str:
    """The file's name, shortened to its suffix when it is just the sample ID plus one."""
    name = (problem.file or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name[len(problem.sample_id):] if name.startswith(problem.sample_id + ".") else name


def _s(seconds: float) -> str:
    return f"{seconds:.2f}&nbsp;s"  # number and unit stay on one line when the text wraps


def summary_html(report: SanityReport) -> str:
    """The report's headline figures as a small HTML table, train and val side by side."""
    t, splits = report.timing, [report.splits[name] for name in SPLITS]
    problems = len(report.problems)
    verdict = ("<span style='color:#30a46c'>clean: every sample loads</span>" if not problems else
               f"<span style='color:#e5484d'>{problems:,} problem(s)</span>")
    workers = (f"{report.workers} loader worker(s) ({report.multiprocessing_context})" if report.workers else
               "no loader workers (a short pass loads in its own thread)")
    rows = [("checked", [f"{s.samples_checked:,} of {s.samples_listed:,}" for s in splits]),
            ("problems", [f"{len(s.problems):,}" for s in splits]),
            ("empty (no boxes)", [f"{s.empty_samples:,}" for s in splits]),
            ("pixel mean ± std", [_pixels(s.pixel_mean, s.pixel_std) for s in splits]),
            ("box width px", [_stats(s.box_width) for s in splits]),
            ("box height px", [_stats(s.box_height) for s in splits])]
    cells = "".join(f"<tr><td>{name}</td>" + "".join(f"<td align='right'>{v}</td>" for v in values) + "</tr>"
                    for name, values in rows)
    head = "".join(f"<th align='right'>{name}</th>" for name in SPLITS)
    notes = "".join(f"<br>Note: {html.escape(n)}" for n in report.notes)
    return (
        f"<b>{html.escape(report.signal)} v{report.split_version}</b> — {verdict}<br>"
        f"Device <b>{html.escape(report.device)}</b> · {html.escape(report.device_name)}<br>"
        f"{workers}, batch {report.batch_size}"
        f"<table cellspacing='0' cellpadding='2' style='margin-top:4px'><tr><th></th>{head}</tr>{cells}</table>"
        f"<b>{t.samples_per_second:,.1f}</b> samples/s · {t.mb_per_second:,.1f} MB/s pixels · "
        f"{t.file_mb_per_second:,.1f} MB/s files<br>"
        f"Decode {_s(t.decode_seconds)} (in the loader) · transfer + device {_s(t.device_seconds)} · "
        f"waiting {_s(t.wait_seconds)} · first batch {_s(t.startup_seconds)} · wall {_s(t.wall_seconds)}"
        f"<br><small>Box sizes: median (min–max) over the samples that loaded.</small>{notes}"
    )


class SanityReportView(QWidget):
    """Shows one :class:`SanityReport`; ``sample_requested(signal, id)`` when a problem row is chosen."""

    sample_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.report: SanityReport | None = None
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._plot: pg.PlotWidget | None = None  # made with the first report: see ``plot``
        self.problems_title = QLabel("Problems")
        self.problems = RowsModel(PROBLEM_COLUMNS, self)
        self.table = rows_table(self.problems)
        self.table.setToolTip("Choose a row to select that sample and see why it failed")
        self.table.clicked.connect(self._on_table_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.detail = QLabel()  # the chosen problem in full: the Reason column is narrow in the side tab
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)  # the plot goes under it once there is a report
        layout.addWidget(self.problems_title)
        layout.addWidget(self.table, 100)
        layout.addWidget(self.detail)
        layout.addStretch(1)  # takes the room while there is no table to fill it
        self.clear()

    @property
    def plot(self) -> pg.PlotWidget:
        """The boxes-per-sample bars, made on first use (~12 ms the window's launch does without)."""
        if self._plot is None:
            self._plot = pg.PlotWidget(background=None)
            self._plot.setMenuEnabled(False)
            self._plot.setMouseEnabled(x=False, y=False)
            self._plot.hideButtons()
            self._plot.setFixedHeight(130)
            self._plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            swatches = " ".join(f"<span style='color:rgb{SPLIT_BRUSHES[name]}'>■ {name}</span>" for name in SPLITS)
            self._plot.setTitle(f"Boxes per sample &nbsp; {swatches}", size="9pt")
            self._plot.setLabel("left", "samples")
            self.layout().insertWidget(1, self._plot)
        return self._plot

    def clear(self) -> None:
        self.report = None
        self.summary.setText("No report yet. Start a pass to check every sample of the split through the "
                             "training DataLoader.")
        if self._plot is not None:
            self._plot.clear()
            self._plot.hide()
        self.problems.set_rows(())
        self.problems_title.hide()
        self.table.hide()
        self.detail.hide()

    def show_report(self, report: SanityReport) -> None:
        self.report = report
        self.summary.setText(summary_html(report))
        self._plot_boxes(report)
        rows = [((p.sample_id, p.split, _file_cell(p), p.reason),
                 f"{p.sample_id} ({p.split}): {p.reason}" + (f"\n{p.file}" if p.file else ""), p)
                for p in report.problems]
        self.problems.set_rows(rows)
        self.problems_title.setText(f"Problems ({len(rows):,}) — choose one to see the sample" if rows else
                                    "No problems")
        self.problems_title.show()
        self.table.setVisible(bool(rows))
        self.detail.hide()
        for column in range(len(PROBLEM_COLUMNS) - 1):  # the Reason column takes what is left
            self.table.resizeColumnToContents(column)

    def _plot_boxes(self, report: SanityReport) -> None:
        counts = {name: report.splits[name].boxes_per_sample for name in SPLITS}
        keys = sorted({k for c in counts.values() for k in c})
        if not keys:
            if self._plot is not None:
                self._plot.clear()
                self._plot.hide()
            return
        self.plot.clear()
        width = 0.8 / len(SPLITS)
        for i, name in enumerate(SPLITS):
            xs = [k - 0.4 + width * (i + 0.5) for k in keys]
            heights = [counts[name].get(k, 0) for k in keys]
            self.plot.addItem(pg.BarGraphItem(x=xs, height=heights, width=width, brush=SPLIT_BRUSHES[name], pen=None))
        self.plot.getAxis("bottom").setTicks([[(k, str(k)) for k in keys]])
        self.plot.setXRange(keys[0] - 0.6, keys[-1] + 0.6, padding=0)
        self.plot.show()

    def _request_row(self, row: int) -> None:
        if self.report is None or not 0 <= row < self.problems.rowCount():
            return
        problem = self.problems.payload(row)
        self.detail.setText(f"<b>{html.escape(problem.sample_id)}</b> ({problem.split}): {html.escape(problem.reason)}"
                            + (f"<br><small>{html.escape(problem.file)}</small>" if problem.file else ""))
        self.detail.show()
        self.sample_requested.emit(self.report.signal, problem.sample_id)

    def _on_table_clicked(self, index: QModelIndex) -> None:
        self._request_row(index.row())

    def _on_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if QApplication.mouseButtons() == Qt.MouseButton.NoButton:  # keys; a click is handled on release
            self._request_row(current.row())
