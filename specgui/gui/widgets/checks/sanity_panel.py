"""The sanity-pass tab: options, Start/Cancel with rate and ETA, and the last report.

Intents: ``pass_requested(signal, SanityOptions)``, ``cancel_requested``,
``sample_requested(signal, sample_id)`` (a problem row chosen). Facts in:
:meth:`set_signal`, :meth:`show_versions`, :meth:`set_version` (the version chosen in the
split panel), :meth:`show_devices` (what torch found, once a pass has imported it),
:meth:`show_started`, :meth:`show_progress`, :meth:`show_report`, :meth:`show_failed`,
:meth:`show_cancelled`, :meth:`set_running`. GPUs are not looked for before the first
pass: that would import torch when the window opens.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from specgui.app.check_jobs import DEFAULT_BATCH_SIZE, DevicesProbed, SanityOptions
from .check_common import CheckPanelMixin, RunBar, VersionPicker
from .sanity_report_view import SanityReportView

AUTO_WORKERS = -1  # the workers spin box's "auto": the core picks from the cores and the pass length


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else \
        f"{seconds // 60}:{seconds % 60:02d}"


class SanityPanel(CheckPanelMixin, QWidget):
    """See the module docstring."""

    panel_title = "Sanity pass"
    check_name = "pass"
    cancelled_text = "Cancelled the pass of {signal}; its workers have stopped."
    cancelling_text = "Cancelling: waiting for the batch in hand…"

    pass_requested = Signal(str, object)
    cancel_requested = Signal()
    sample_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.signal: str | None = None
        self._running = False
        self.title = QLabel()
        self.device_combo = QComboBox()
        self.device_combo.addItem("Auto (a GPU if there is one)", "auto")
        self.device_combo.addItem("CPU", "cpu")
        self.device_combo.setToolTip("Where the batches go. GPUs are looked for when a pass starts "
                                     "(that is when torch is loaded)")
        self.device_note = QLabel("GPUs are looked for when the first pass starts.")
        self.device_note.setWordWrap(True)
        self.workers_spin = QSpinBox(minimum=AUTO_WORKERS, maximum=64, value=AUTO_WORKERS)
        self.workers_spin.setSpecialValueText("auto")
        self.workers_spin.setToolTip("DataLoader worker processes of the pass's own process. auto: one per core, "
                                     "none for a short pass; 0: load in the pass's process")
        self.batch_spin = QSpinBox(minimum=1, maximum=4096, value=DEFAULT_BATCH_SIZE)
        self.batch_spin.setToolTip(f"Samples per batch (default {DEFAULT_BATCH_SIZE})")
        self.version_picker = VersionPicker()
        form = QFormLayout()
        form.addRow("Device", self.device_combo)
        form.addRow("", self.device_note)
        form.addRow("Workers", self.workers_spin)
        form.addRow("Batch size", self.batch_spin)
        form.addRow("Split version", self.version_picker)
        self.run_bar = RunBar("Start pass")
        self.run_bar.start_button.setToolTip("Run every train and val sample of the split version through the "
                                             "training DataLoader to the device")
        self.run_bar.cancel_button.setToolTip("Stop the pass; its DataLoader workers stop at once")
        self.report_view = SanityReportView()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.run_bar)
        layout.addWidget(self.report_view, 1)
        self.run_bar.start_clicked.connect(self._on_start_clicked)
        self.run_bar.cancel_clicked.connect(self._on_cancel_clicked)
        self.report_view.sample_requested.connect(self.sample_requested)
        self.set_signal(None)

    # -- facts in ----------------------------------------------------------------------
    def show_devices(self, devices: DevicesProbed) -> None:
        """Offer each CUDA device torch found, or say plainly that the pass runs on the CPU."""
        chosen = self.device_combo.currentData()
        while self.device_combo.count() > 2:
            self.device_combo.removeItem(2)
        for spec, name in devices.cuda:
            self.device_combo.addItem(f"{spec} · {name}", spec)
        if devices.cuda:
            self.device_combo.setItemText(0, f"Auto → {devices.cuda[0][0]}")
            self.device_note.setText(f"{len(devices.cuda)} GPU(s) found.")
        else:
            self.device_combo.setItemText(0, "Auto → CPU (no GPU found)")
            self.device_note.setText("CPU (no GPU found): torch sees no CUDA device here.")
        self.device_combo.setCurrentIndex(max(self.device_combo.findData(chosen), 0))

    def show_started(self, signal: str, options) -> None:
        self.run_bar.show_progress(0, 0, f"Starting the pass of {signal}…")

    def show_progress(self, done: int, total: int, rate: float, problems: int) -> None:
        if total == 0:
            text = "Loading torch…"
        elif rate <= 0:
            text = f"Starting the DataLoader ({total:,} samples)…"
        else:
            eta = _duration((total - done) / rate)
            text = f"{done:,} / {total:,} samples · {rate:,.1f} samples/s · ETA {eta} · {problems:,} problem(s)"
        self.run_bar.show_progress(done, total if rate > 0 else 0, text)

    def show_report(self, report) -> None:
        self.run_bar.show_progress(1, 1, f"Done: {report.samples_checked:,} samples in "
                                         f"{_duration(report.timing.wall_seconds)}.")
        self.report_view.show_report(report)

    def _inputs(self) -> tuple:
        return self.device_combo, self.workers_spin, self.batch_spin, self.version_picker

    # -- intents out -------------------------------------------------------------------
    def options(self) -> SanityOptions:
        workers = self.workers_spin.value()
        return SanityOptions(version=self.version_picker.version(), device=self.device_combo.currentData(),
                             workers=None if workers == AUTO_WORKERS else workers, batch_size=self.batch_spin.value())

    def _on_start_clicked(self) -> None:
        if self.signal is not None and not self._running:
            self.pass_requested.emit(self.signal, self.options())
