"""The *Create split…* dialog: validation ratio, seed and grouping of v1, with what each grouping leaves.

Windows of one recording that overlap or touch leak between train and val when they land on
both sides (the seed's shuffle of IDs does that). Before anything is written, the table shows
for no grouping, ``capture`` and ``capture+pixels`` the val samples and ratio each achieves and
the capture and exact leak pairs each leaves. It is computed off the UI thread: the dialog
emits ``preview_requested(val_ratio, seed)`` (debounced while the spin boxes change) and is
told the result through :meth:`show_preview` / :meth:`show_progress`; it never calls the core.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QHeaderView, QLabel, QProgressBar, QSpinBox, QTableWidget, QTableWidgetItem, QWidget)

CHOICES = (
    (None, "None", "shuffle the sample IDs (the original algorithm)"),
    ("capture", "Capture", "keep overlapping or touching windows of one recording together"),
    ("capture+pixels", "Capture + pixels", "also keep samples with identical pixels together"),
)
COLUMNS = ("Grouping", "Val samples", "Val ratio", "Capture leak pairs", "Exact leak pairs", "Groups")
DEBOUNCE_MS = 250
WARN_COLOUR = "#e5484d"


class CreateSplitDialog(QDialog):
    """See the module docstring; :meth:`choice` is ``(val_ratio, seed, group_by)``."""

    preview_requested = Signal(float, int)

    def __init__(self, signal: str, sample_count: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.signal = signal
        self.plans: dict = {}  # group_by -> PlanPreview, for the current ratio and seed
        self.setWindowTitle(f"Create the initial split of {signal}")
        self.ratio = QDoubleSpinBox(decimals=2, minimum=0.01, maximum=0.99, singleStep=0.05, value=0.2)
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=42)
        self.grouping = QComboBox()
        for group_by, name, text in CHOICES:
            self.grouping.addItem(f"{name} — {text}", group_by)
        self.table = QTableWidget(len(CHOICES), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + len(CHOICES) * self.table.verticalHeader().defaultSectionSize() + 4)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.intro = intro = QLabel(self._intro_text(f"the {sample_count:,} samples on disk (checking them…)"))
        intro.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Write v1")
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow("Validation ratio", self.ratio)
        form.addRow("Random seed", self.seed)
        form.addRow("Grouping", self.grouping)
        form.addRow(self.table)
        form.addRow(self.progress)
        form.addRow(self.status)
        form.addRow(self.buttons)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.request_preview)
        self.ratio.valueChanged.connect(self._on_inputs_changed)
        self.seed.valueChanged.connect(self._on_inputs_changed)
        self.grouping.currentIndexChanged.connect(self._on_grouping_changed)
        self.table.itemSelectionChanged.connect(self._on_row_selected)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._fill_rows()
        self._on_grouping_changed()
        self.resize(720, 380)

    # -- what the caller reads ---------------------------------------------------------
    def choice(self) -> tuple[float, int, str | None]:
        return float(self.ratio.value()), int(self.seed.value()), self.grouping.currentData()

    # -- facts in ----------------------------------------------------------------------
    def request_preview(self) -> None:
        """Ask for the table's figures for the current ratio and seed."""
        self._debounce.stop()
        self.plans = {}
        self._fill_rows()
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.progress.show()
        self.status.setText("Reading the samples' capture windows and pixel hashes…")
        self.preview_requested.emit(*self.choice()[:2])

    def show_progress(self, done: int, total: int) -> None:
        if not self.plans:
            self.progress.setRange(0, max(1, total))
            self.progress.setValue(done)

    def show_preview(self, outcome) -> None:
        """The controller's ``CreatePreviewOutcome``; one for other inputs than shown is dropped."""
        ratio, seed, _ = self.choice()
        if outcome.signal != self.signal or outcome.seed != seed or abs(outcome.val_ratio - ratio) > 1e-9:
            return
        self.progress.hide()
        if outcome.error:
            self.status.setText(f"<span style='color:{WARN_COLOUR}'>No preview: {html.escape(outcome.error)}</span>")
            return
        self.plans = {plan.group_by: plan for plan in outcome.plans}
        self._show_count(outcome.plans)
        self._fill_rows()
        self._on_grouping_changed()

    # -- inside ------------------------------------------------------------------------
    @staticmethod
    def _intro_text(source: str) -> str:
        return (f"v1 from {source}; the validation set is frozen from then on. Windows of one recording that "
                "overlap or touch leak when they land on both sides: grouping keeps them on one side.")

    def _show_count(self, plans) -> None:
        """What *Write v1* writes: the loadable samples, and which ones are held back and why."""
        plan = next((p for p in plans if not p.error), None)
        if plan is None:
            return
        held = plan.held_back
        text = f"the {plan.train_count + plan.val_count:,} samples training can load"
        if held:
            shown = "; ".join(f"{h.sample_id}: {h.reason}" for h in held[:3])
            more = f"; … and {len(held) - 3} more" if len(held) > 3 else ""
            text += f" ({len(held):,} held back, they stay pending: {html.escape(shown)}{more})"
        self.intro.setText(self._intro_text(text))

    def _on_inputs_changed(self, *_args) -> None:
        self.plans = {}
        self._fill_rows()
        self._debounce.start()

    def _on_grouping_changed(self, *_args) -> None:
        row = self.grouping.currentIndex()
        self.table.blockSignals(True)
        self.table.selectRow(row)
        self.table.blockSignals(False)
        plan = self.plans.get(self.grouping.currentData())
        error = plan.error if plan is not None else None
        self.ok_button.setEnabled(error is None)
        self.ok_button.setToolTip(f"Disabled: {error}" if error else "")
        if not self.plans:
            return
        if error:
            self.status.setText(f"<span style='color:{WARN_COLOUR}'>{html.escape(error)}</span>")
        else:
            leaks = plan.capture_leaks + plan.exact_leaks
            verdict = "no capture or exact leak" if not leaks else f"{leaks:,} leak pair(s) between train and val"
            self.status.setText(f"{CHOICES[row][1]}: {plan.val_count:,} val ({plan.val_ratio:.1%}), {verdict}. "
                                "Near copies are not counted: run the audit after writing.")

    def _on_row_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.grouping.setCurrentIndex(rows[0].row())

    def _fill_rows(self) -> None:
        for row, (group_by, name, text) in enumerate(CHOICES):
            plan = self.plans.get(group_by)
            if plan is None:
                cells = (name, "…", "…", "…", "…", "…")
            elif plan.error:
                cells = (name, "—", "—", "—", "—", "one group")
            else:
                cells = (name, f"{plan.val_count:,}", f"{plan.val_ratio:.1%}", f"{plan.capture_leaks:,}",
                         f"{plan.exact_leaks:,}", f"{plan.group_count:,}")
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(plan.error if plan is not None and plan.error else text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if plan is not None and not plan.error and column in (3, 4):
                    count = plan.capture_leaks if column == 3 else plan.exact_leaks
                    item.setForeground(Qt.GlobalColor.red if count else Qt.GlobalColor.darkGreen)
                self.table.setItem(row, column, item)
