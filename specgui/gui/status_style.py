"""How each sample status looks: one colour, one small icon, one line of explanation."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from specgui.core.samples.status import SampleStatus

COLORS = {
    SampleStatus.TRAIN: "#3b82f6",
    SampleStatus.VAL: "#a855f7",
    SampleStatus.PENDING: "#e0a100",
    SampleStatus.INVALID: "#e5484d",
    SampleStatus.MISSING: "#8a8f98",
}

MEANING = {
    SampleStatus.TRAIN: "in the training set of this version",
    SampleStatus.VAL: "in the validation set of this version",
    SampleStatus.PENDING: "on disk, in no split of this version (extend adds it to train)",
    SampleStatus.INVALID: "on disk but cannot be loaded (see the reason)",
    SampleStatus.MISSING: "listed in this version's split, not on disk",
}


def status_color(status: SampleStatus) -> QColor:
    return QColor(COLORS[status])


@lru_cache(maxsize=None)
def status_icon(status: SampleStatus, size: int = 12) -> QIcon:
    """A filled dot in the status colour; hollow for missing (nothing on disk)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = status_color(status)
    rect = QRectF(1.5, 1.5, size - 3, size - 3)
    if status is SampleStatus.MISSING:
        painter.setPen(QPen(color, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    else:
        painter.setPen(QPen(color.darker(130), 1))
        painter.setBrush(color)
    if status is SampleStatus.INVALID:
        painter.drawRect(rect)  # a square: tells invalid apart without colour vision
    else:
        painter.drawEllipse(rect)
    painter.end()
    return QIcon(pixmap)
