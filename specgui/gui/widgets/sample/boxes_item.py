"""All of a sample's boxes as ONE graphics item, painted from a cached QPainterPath.

Swapping samples rebuilds one path (microseconds for tens of boxes) instead of creating
and destroying an ROI per box (~1 ms each, and the code path that crashes PySide6 6.12).
Lines use cosmetic pens, so they stay the same width on screen at any zoom; each box is
stroked twice (dark halo under a bright core) so it reads over every colormap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from specgui.core.samples.axes import AxesMapping, format_value

BOX_RGB = (0, 255, 255)  # cyan: rare in the maps offered, bright over their dark noise floors
HIGHLIGHT_RGB = (255, 170, 0)
HALO_RGBA = (0, 0, 0, 255)  # opaque: a translucent wide pen costs ~10x to stroke
LABEL_BACKGROUND_RGBA = (0, 0, 0, 170)


def _cosmetic_pen(rgba: tuple[int, ...], width: float) -> QtGui.QPen:
    pen = QtGui.QPen(QtGui.QColor(*rgba))
    pen.setCosmetic(True)
    pen.setWidthF(width)
    pen.setJoinStyle(QtCore.Qt.PenJoinStyle.MiterJoin)
    return pen


def describe_box(
    index: int,
    box: Sequence[float],
    metadata: Mapping | None = None,
    mapping: AxesMapping | None = None,
) -> str:
    """Tooltip text for box ``index``: label, class name, confidence, pixels, real units."""
    x0, y0, x1, y1 = (float(v) for v in box)
    metadata = metadata if isinstance(metadata, Mapping) else {}
    raw_boxes = metadata.get("boxes")
    raw = raw_boxes[index] if isinstance(raw_boxes, list) and index < len(raw_boxes) else {}
    raw = raw if isinstance(raw, Mapping) else {}
    names = metadata.get("class_names")
    class_name = names[index] if isinstance(names, list) and index < len(names) else None
    label = raw.get("label")
    title = f"Box {index}"
    if label is not None or class_name is not None:
        title += f": {label if label is not None else class_name}"
    lines = [title]
    if label is not None:
        lines.append(f"label: {label}")
    if class_name is not None:
        lines.append(f"class name: {class_name}")
    if raw.get("confidence") is not None:
        lines.append(f"confidence: {raw['confidence']}")
    lines.append(f"pixels: x {x0:g}-{x1:g}, y {y0:g}-{y1:g} ({x1 - x0:g} x {y1 - y0:g})")
    if mapping is not None:
        real = mapping.box_to_real(x0, y0, x1, y1)
        t_step, f_step = mapping.ms_per_col, mapping.mhz_per_row
        lines.append(
            f"time: {format_value(real.start_ms, t_step)}-{format_value(real.end_ms, t_step)} ms"
            f" ({format_value(real.end_ms - real.start_ms, t_step)} ms)"
        )
        lines.append(
            f"frequency: {format_value(real.low_mhz, f_step)}-{format_value(real.high_mhz, f_step)} MHz"
            f" ({format_value(real.high_mhz - real.low_mhz, f_step)} MHz)"
        )
    return "\n".join(lines)


class BoxesItem(pg.GraphicsObject):
    """Paints every box (pixel xyxy) and, optionally, a ``"<index> <label>"`` tag above each."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._boxes = np.zeros((0, 4), dtype=np.float64)
        self._tags: list[QtGui.QStaticText] = []
        self._tag_cache: dict[str, QtGui.QStaticText] = {}
        self._tooltips: Sequence[str] | Callable[[int], str] = ()
        self._path = QtGui.QPainterPath()
        self._extent = QtCore.QRectF()
        self._bounds = QtCore.QRectF()
        self._highlighted: int | None = None
        self._labels_shown = True
        self._pen = _cosmetic_pen(BOX_RGB, 2.0)
        self._halo = _cosmetic_pen(HALO_RGBA, 4.0)
        self._highlight_pen = _cosmetic_pen(HIGHLIGHT_RGB, 3.0)
        self._highlight_halo = _cosmetic_pen(HALO_RGBA, 5.0)
        self._font = QtGui.QFont()
        self._font.setBold(True)
        self._font.setPixelSize(12)
        self.setAcceptHoverEvents(True)
        self.setAcceptedMouseButtons(QtCore.Qt.MouseButton.NoButton)  # pan/zoom go to the ViewBox

    # -- data ---------------------------------------------------------------------------

    @property
    def boxes(self) -> np.ndarray:
        """The boxes drawn, float64 ``[N, 4]`` xyxy pixels (a read-only view)."""
        view = self._boxes.view()
        view.flags.writeable = False
        return view

    @property
    def highlighted(self) -> int | None:
        return self._highlighted

    @property
    def labels_shown(self) -> bool:
        return self._labels_shown

    def tag_text(self, index: int) -> str:
        """The tag drawn for box ``index``."""
        return self._tags[index].text()

    def tooltip_for(self, index: int) -> str:
        """Box ``index``'s tooltip ('' for no such box); texts from a callable are made now."""
        if not 0 <= index < len(self._boxes):
            return ""
        tips = self._tooltips
        if callable(tips):
            return tips(index)
        return tips[index] if index < len(tips) else describe_box(index, self._boxes[index])

    def set_boxes(
        self,
        boxes_xyxy: np.ndarray,
        labels: Sequence[str | None] = (),
        tooltips: Sequence[str] | Callable[[int], str] | None = None,
    ) -> None:
        """Replace every box; ``labels`` are per box, ``tooltips`` per box or ``f(index)``.

        A callable is only asked on hover, so a swap does not format texts nobody reads;
        without tooltips a box describes its pixel coordinates.
        """
        boxes = np.array(boxes_xyxy, dtype=np.float64).reshape(-1, 4)
        path = QtGui.QPainterPath()
        for x0, y0, x1, y1 in boxes.tolist():
            path.addRect(QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))
        labels = list(labels)
        self._boxes = boxes
        self._tags = [self._tag(f"{i} {labels[i]}" if i < len(labels) and labels[i] else str(i))
                      for i in range(len(boxes))]
        self._tooltips = tooltips if tooltips is not None else ()
        self._path = path
        self._highlighted = None
        self.setToolTip("")
        self._update_bounds()

    def set_extent(self, width: float, height: float) -> None:
        """The image's size in pixels: the area tags are kept inside and the item's bounds."""
        self._extent = QtCore.QRectF(0.0, 0.0, float(width), float(height))
        self._update_bounds()

    def set_labels_shown(self, shown: bool) -> None:
        self._labels_shown = bool(shown)
        self.update()

    def set_highlight(self, index: int | None) -> None:
        """Draw box ``index`` in the highlight colour; None (or an unknown index) for none."""
        valid = index is not None and 0 <= int(index) < len(self._boxes)
        self._highlighted = int(index) if valid else None
        self.update()

    def box_at(self, x: float, y: float) -> int | None:
        """Index of the smallest box containing pixel point ``(x, y)``, None outside all boxes."""
        b = self._boxes
        inside = (b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3])
        if not inside.any():
            return None
        areas = np.where(inside, (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]), np.inf)
        return int(np.argmin(areas))

    def _tag(self, text: str) -> QtGui.QStaticText:
        """A laid-out tag, cached by text: the same "3 signal" recurs from sample to sample."""
        tag = self._tag_cache.get(text)
        if tag is None:
            if len(self._tag_cache) > 1000:
                self._tag_cache.clear()
            tag = self._tag_cache[text] = QtGui.QStaticText(text)
            tag.prepare(QtGui.QTransform(), self._font)
        return tag

    def _update_bounds(self) -> None:
        self.prepareGeometryChange()
        self._bounds = self._extent.united(self._path.boundingRect())
        self.update()

    # -- Qt overrides ---------------------------------------------------------------------

    def boundingRect(self) -> QtCore.QRectF:
        return QtCore.QRectF(self._bounds)

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        if self._path.isEmpty():
            return
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        painter.setPen(self._halo)
        painter.drawPath(self._path)
        painter.setPen(self._pen)
        painter.drawPath(self._path)
        if self._highlighted is not None:
            x0, y0, x1, y1 = self._boxes[self._highlighted]
            rect = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
            painter.setPen(self._highlight_halo)
            painter.drawRect(rect)
            painter.setPen(self._highlight_pen)
            painter.drawRect(rect)
        if self._labels_shown and self._tags:
            self._paint_tags(painter)

    def _paint_tags(self, painter: QtGui.QPainter) -> None:
        """Tags in device pixels (constant size, not stretched by the unlocked aspect)."""
        to_device = painter.worldTransform()
        area = to_device.mapRect(self._bounds)
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        background = QtGui.QColor(*LABEL_BACKGROUND_RGBA)
        for i, (x0, y0, x1, y1) in enumerate(self._boxes.tolist()):
            box = to_device.mapRect(QtCore.QRectF(x0, y0, x1 - x0, y1 - y0))
            size = self._tags[i].size()
            w, h = size.width() + 6.0, size.height() + 2.0
            left = min(max(box.left(), area.left()), area.right() - w)
            top = box.top() - h - 1.0
            if top < area.top():  # no room above: tuck it inside the box
                top = box.top() + 2.0
            painter.fillRect(QtCore.QRectF(left, top, w, h), background)
            colour = HIGHLIGHT_RGB if i == self._highlighted else BOX_RGB
            painter.setPen(QtGui.QColor(*colour))
            painter.drawStaticText(QtCore.QPointF(left + 3.0, top + 1.0), self._tags[i])
        painter.restore()

    def hoverEvent(self, ev) -> None:
        """pyqtgraph hover hook: the tooltip is the hovered box's text (empty shows none)."""
        if ev.isExit():
            self.setToolTip("")
            return
        pos = ev.pos()
        index = self.box_at(pos.x(), pos.y())
        self.setToolTip(self.tooltip_for(index) if index is not None else "")
