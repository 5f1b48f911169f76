"""The split-health tab: how train and val of the selected version look, and how far apart.

Computed whenever the signal or version changes (the version selected in the split panel,
else the active one), but only while the tab is shown: a hidden tab just remembers that it
is stale. Intents: ``health_requested(signal, version|None)``, ``cancel_requested``. Facts
in: :meth:`set_signal`, :meth:`show_versions`, :meth:`set_version`, :meth:`split_changed`,
:meth:`show_started`, :meth:`show_report`, :meth:`show_failed`, :meth:`show_cancelled`,
:meth:`set_running`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from .check_common import RowsModel, RunBar, VersionPicker, rows_table
from ..splits.diff_dialog import CHANGED_BADGE, FROZEN_BADGE
from .health_plots import HealthPlots, colour_key

WARN_COLOUR = "#e5484d"
NO_V1_BADGE = ("<span style='background:#6b6b6b; color:white; padding:2px 6px; border-radius:4px'>"
               "no v1 to compare val with</span>")
DRIFT_NAMES = {"boxes_per_sample": "boxes/sample", "box_width": "width", "box_height": "height",
               "box_centre": "centres", "classes": "classes"}
PLOTS_MIN_HEIGHT = 620


def frozen_badge(frozen: bool | None) -> str:
    return NO_V1_BADGE if frozen is None else FROZEN_BADGE if frozen else CHANGED_BADGE


def drift_text(drift: dict) -> str:
    """The core's Jensen-Shannon distances (0 = same distribution, 1 = disjoint), one line."""
    parts = [f"{DRIFT_NAMES.get(k, k)} {v:.2f}" for k, v in drift.items() if v is not None]
    return "Train-vs-val drift (JS distance, 0 same … 1 disjoint): " + (" · ".join(parts) or "n/a")


def capture_text(health) -> str:
    """Whether v1 was made capture-aware, and this version's capture leak pairs (rich text)."""
    group_by = getattr(health, "group_by", None)
    leaks = getattr(health, "capture_leaks", 0)
    aware = f"capture-aware (v1 grouped by {html.escape(group_by)})" if group_by else "not capture-aware (v1 shuffled by ID)"
    colour = WARN_COLOUR if leaks else "#2f9e44"
    return (f"Split: {aware} · <span style='color:{colour}'>{leaks:,} capture leak pair(s)</span> "
            "(train and val windows of one recording that overlap or touch)")


def class_rows(health) -> list:
    names = sorted(set(health.train.class_counts) | set(health.val.class_counts))
    rows = [((n, f"{health.train.class_counts.get(n, 0):,}", f"{health.val.class_counts.get(n, 0):,}"), n, n)
            for n in names]
    if names and (health.train.unlabelled_boxes or health.val.unlabelled_boxes):
        rows.append((("(no class)", f"{health.train.unlabelled_boxes:,}", f"{health.val.unlabelled_boxes:,}"),
                     "boxes without a class name", None))
    return rows


class HealthPanel(QWidget):
    """See the module docstring."""

    health_requested = Signal(str, object)
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.signal: str | None = None
        self.health = None
        self._stale = False
        self._running = False
        self.title = QLabel()
        self.version_picker = VersionPicker()
        form = QFormLayout()
        form.addRow("Split version", self.version_picker)
        self.run_bar = RunBar("Recompute")
        self.summary = QLabel()
        self.drift_label = QLabel()
        self.capture_label = QLabel()
        self.warnings_label = QLabel()
        for label in (self.summary, self.drift_label, self.capture_label, self.warnings_label):
            label.setWordWrap(True)
        self.warnings_label.setStyleSheet(f"color: {WARN_COLOUR}")
        self._plots: HealthPlots | None = None  # built when first needed: see ``plots``
        self._plots_box = QWidget()
        self._plots_box.setMinimumSize(240, PLOTS_MIN_HEIGHT)
        QVBoxLayout(self._plots_box).setContentsMargins(0, 0, 0, 0)
        self.key_label = QLabel(colour_key() + " &nbsp; (shares of each side; centres: top = highest frequency)")
        self.key_label.setWordWrap(True)
        self.classes = RowsModel(("Class", "Train", "Val"), self)
        self.class_table = rows_table(self.classes)
        self.class_table.setMinimumHeight(120)
        self.classes_title = QLabel("<b>Classes</b>")
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        for widget in (self.summary, self.capture_label, self.drift_label, self.warnings_label, self.key_label,
                       self._plots_box, self.classes_title,
                       self.class_table):
            inner.addWidget(widget)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the tab is narrow: fit it
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.run_bar)
        layout.addWidget(scroll, 1)
        self.run_bar.start_clicked.connect(self._request)
        self.run_bar.cancel_clicked.connect(self._on_cancel_clicked)
        self.version_picker.currentIndexChanged.connect(self._on_version_changed)
        self.set_signal(None)

    @property
    def plots(self) -> HealthPlots:
        return self._ensure_plots()

    def _ensure_plots(self) -> HealthPlots:
        """The pyqtgraph plots, made on first use: the tab starts hidden and six plots cost
        ~50 ms, which would otherwise delay the window's first paint."""
        if self._plots is None:
            self._plots = HealthPlots()
            self._plots_box.layout().addWidget(self._plots)
        return self._plots

    # -- facts in ----------------------------------------------------------------------
    def set_signal(self, signal: str | None) -> None:
        if signal == self.signal and signal is not None:
            return
        self.version_picker.blockSignals(True)
        self.version_picker.set_versions(())
        self.version_picker.blockSignals(False)
        self.signal = signal
        self.title.setText(f"<b>Split health · {html.escape(signal)}</b>" if signal else
                           "<b>Split health</b> — select a signal in the tree")
        self._show_nothing("" if signal else "No signal selected.")
        self._refresh()

    def show_versions(self, outcome) -> None:
        if outcome.signal == self.signal:
            self.version_picker.set_versions(outcome.rows)  # a changed choice recomputes (index signal)

    def set_version(self, signal: str, version: int | None) -> None:
        if signal == self.signal:
            self.version_picker.set_version(version)

    def split_changed(self, signal: str, version: int, message: str = "") -> None:
        """A version was written or made active: what is shown may be out of date."""
        if signal == self.signal:
            self._refresh()

    def show_started(self, signal: str, version) -> None:
        self.run_bar.show_progress(0, 0, f"Reading the split of {signal}…")

    def show_report(self, health) -> None:
        if health.signal != self.signal:
            return
        self.health = health
        train, val = health.train, health.val
        self.run_bar.show_progress(0, 1, "")  # an empty bar: nothing is running
        self.summary.setText(
            f"<b>v{health.version}</b> {frozen_badge(health.val_frozen)}<br>"
            f"train: {train.readable:,} of {train.listed:,} samples readable, {train.boxes:,} boxes · "
            f"val: {val.readable:,} of {val.listed:,} samples readable, {val.boxes:,} boxes")
        self.drift_label.setText(drift_text(health.drift))
        self.capture_label.setText(capture_text(health))
        # quote=False: Qt's rich text would show an escaped apostrophe (&#x27;) literally
        self.warnings_label.setText("<br>".join(f"⚠ {html.escape(w, quote=False)}" for w in health.warnings))
        self.warnings_label.setVisible(bool(health.warnings))
        rows = class_rows(health)
        self.classes.set_rows(rows)
        for widget in (self.classes_title, self.class_table):
            widget.setVisible(bool(rows))
        self.plots.show_health(health)

    def show_failed(self, signal: str, message: str) -> None:
        if signal == self.signal:
            self._show_nothing("")
            self.run_bar.status.setText(f"<span style='color:{WARN_COLOUR}'>No split health for "
                                        f"{html.escape(signal)}: {html.escape(message)}</span>")

    def show_cancelled(self, signal: str) -> None:
        if signal == self.signal:
            self.run_bar.status.setText("Cancelled; Recompute to try again.")

    def set_running(self, running: bool) -> None:
        self._running = running
        self.run_bar.set_running(running)
        self.run_bar.start_button.setEnabled(not running and self.signal is not None)

    # -- intents out -------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._ensure_plots()  # on screen: draw the (empty) plots now
        if self._stale:
            self._request()

    def _refresh(self) -> None:
        """Compute now if the tab is on screen, else when it is next shown."""
        self._stale = self.signal is not None
        if self._stale and self.isVisible():
            self._request()

    def _on_version_changed(self, index: int) -> None:
        self._refresh()

    def _request(self) -> None:
        if self.signal is not None:
            self._stale = False
            self.health_requested.emit(self.signal, self.version_picker.version())

    def _on_cancel_clicked(self) -> None:
        self.run_bar.set_cancelling()
        self.cancel_requested.emit()

    def _show_nothing(self, text: str) -> None:
        self.health = None
        self.summary.setText(text)
        self.drift_label.clear()
        self.capture_label.clear()
        self.warnings_label.hide()
        self.classes.set_rows([])
        self.classes_title.hide()
        self.class_table.hide()
        if self._plots is not None:
            self._plots.clear_plots()
        self.run_bar.status.clear()
