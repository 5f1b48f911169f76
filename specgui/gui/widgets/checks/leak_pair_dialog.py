"""A leak pair side by side: the train sample and the val sample, each with its boxes.

Filled from a :class:`~specgui.app.check_jobs.PairOutcome` the audit controller
loaded on a worker; the dialog never reads a file. Not modal, so the user can keep
browsing, and reused for the next pair (the views keep their colormap and levels, so
the two sides and successive pairs compare).
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QWidget

from ..sample.spectrogram_view import SpectrogramView
from .leak_text import describe_evidence


class LeakPairDialog(QDialog):
    """Two :class:`SpectrogramView` instances under one line of evidence."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Leak pair")
        self.evidence_label = QLabel()
        self.evidence_label.setWordWrap(True)
        self.views = {"train": SpectrogramView(), "val": SpectrogramView()}
        self.titles = {side: QLabel() for side in self.views}
        grid = QGridLayout(self)
        grid.addWidget(self.evidence_label, 0, 0, 1, 2)
        for column, side in enumerate(self.views):
            grid.addWidget(self.titles[side], 1, column)
            grid.addWidget(self.views[side], 2, column)
        grid.setRowStretch(2, 1)
        self.outcome = None
        self.resize(1200, 620)

    def show_pair(self, outcome) -> None:
        """Show both samples of ``outcome.leak`` (a failed load shows its message instead)."""
        self.outcome = outcome
        leak = outcome.leak
        self.setWindowTitle(f"{outcome.signal}: {leak.kind} leak {leak.train} ~ {leak.val}")
        self.evidence_label.setText(f"<b>{html.escape(leak.kind)} leak</b> — "
                                    f"{html.escape(describe_evidence(leak.kind, leak.evidence))}")
        for side, loaded in (("train", outcome.train), ("val", outcome.val)):
            self.titles[side].setText(f"<b>{side}</b>: {html.escape(loaded.sample_id)}")
            if loaded.sample is not None:
                self.views[side].show_sample(loaded.sample)
            else:
                self.views[side].show_error(loaded.message or "cannot load", loaded.path)
