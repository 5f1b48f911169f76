"""The status bar's progress bar and Cancel button for long jobs (scans, split operations)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget


class JobProgress(QWidget):
    """Hidden while nothing long runs; ``cancel_requested`` when its button is pressed."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar(maximumWidth=180, textVisible=False)
        self.cancel_button = QToolButton(text="Cancel")
        self.cancel_button.setToolTip("Stop the running scan or split operation (Esc)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.hide()

    def set_running(self, running: bool) -> None:
        if running:
            self.label.setText("Working…")
            self.bar.setRange(0, 0)  # busy until the first progress report
        self.setVisible(running)

    def show_progress(self, label: str, done: int, total: int) -> None:
        self.label.setText(f"{label} {done + 1}/{total}" if total else label)
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        else:
            self.bar.setRange(0, 0)
