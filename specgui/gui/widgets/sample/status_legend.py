"""The legend under the tree: each status's icon, name and count for the current signal."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from specgui.core.samples.status import SampleStatus

from specgui.app.snapshot import SignalSnapshot
from ...status_style import MEANING, status_icon


class StatusLegend(QWidget):
    """Five icon + "name count" cells and one line naming the version the colours show."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        grid = QGridLayout()
        grid.setContentsMargins(2, 2, 2, 2)
        grid.setHorizontalSpacing(6)
        self._labels: dict[SampleStatus, QLabel] = {}
        for i, status in enumerate(SampleStatus):
            icon = QLabel()
            icon.setPixmap(status_icon(status).pixmap(12, 12))
            text = QLabel(status.value)
            for widget in (icon, text):
                widget.setToolTip(f"{status.value}: {MEANING[status]}")
            grid.addWidget(icon, i // 3, (i % 3) * 2)
            grid.addWidget(text, i // 3, (i % 3) * 2 + 1)
            self._labels[status] = text
        grid.setColumnStretch(5, 1)
        self.version_label = QLabel()
        self.version_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(grid)
        layout.addWidget(self.version_label)

    def show_counts(self, counts: dict[SampleStatus, int] | None, snapshot: SignalSnapshot | None) -> None:
        for status, label in self._labels.items():
            label.setText(f"{status.value} {counts[status]:,}" if counts else status.value)
        self.version_label.setText(_version_line(snapshot))

    def text(self) -> str:
        return " ".join(label.text() for label in self._labels.values()) + " " + self.version_label.text()


def _version_line(snapshot: SignalSnapshot | None) -> str:
    if snapshot is None:
        return ""
    if snapshot.shown_version is None:
        return f"{snapshot.name}: no split yet — every sample is pending"
    if snapshot.shown_version == snapshot.active_version:
        return f"{snapshot.name}: colours show v{snapshot.shown_version} (active)"
    return (f"{snapshot.name}: colours show v{snapshot.shown_version} — "
            f"<b>not</b> the active version (v{snapshot.active_version})")
