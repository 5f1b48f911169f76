"""The ONE item that edits boxes: the selected box with 8 handles, drags, and drawing new ones.

It lies over the image (above :class:`BoxesItem`, which keeps drawing every box from one
path). Handles are drawn and hit-tested at a fixed screen size, in numpy-free arithmetic
over one rectangle; nothing is rebuilt per mouse move but this item's own small paint. A
press that hits nothing editable is ignored, so the ViewBox pans as before. The live
rectangle is rounded with the same code as the committed one (no jump on release).
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from specgui.core.review.box_edits import clamp_rect

from .boxes_item import HALO_RGBA, HIGHLIGHT_RGB, _cosmetic_pen

HANDLE_PX = 7.0  # handle size on screen; the hit radius is a little larger
HIT_PX = 8.0
# handle name -> which edges it drags: (x edge index or None, y edge index or None)
HANDLES = {"tl": (0, 1), "t": (None, 1), "tr": (2, 1), "r": (2, None),
           "br": (2, 3), "b": (None, 3), "bl": (0, 3), "l": (0, None)}
CURSORS = {"tl": QtCore.Qt.CursorShape.SizeFDiagCursor, "br": QtCore.Qt.CursorShape.SizeFDiagCursor,
           "tr": QtCore.Qt.CursorShape.SizeBDiagCursor, "bl": QtCore.Qt.CursorShape.SizeBDiagCursor,
           "t": QtCore.Qt.CursorShape.SizeVerCursor, "b": QtCore.Qt.CursorShape.SizeVerCursor,
           "l": QtCore.Qt.CursorShape.SizeHorCursor, "r": QtCore.Qt.CursorShape.SizeHorCursor,
           "move": QtCore.Qt.CursorShape.SizeAllCursor}


def handle_points(rect) -> dict[str, tuple[float, float]]:
    x0, y0, x1, y1 = rect
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    return {"tl": (x0, y0), "t": (xm, y0), "tr": (x1, y0), "r": (x1, ym),
            "br": (x1, y1), "b": (xm, y1), "bl": (x0, y1), "l": (x0, ym)}


class BoxEditorItem(pg.GraphicsObject):
    """Draws and drags one rectangle; reports finished gestures through callbacks.

    ``box_at(x, y) -> uid | None`` finds boxes (smallest first); ``on_select(uid)``,
    ``on_rect(uid, rect)`` (a finished move/resize) and ``on_add(rect)`` (a finished draw)
    are called once per gesture, so each becomes one undo step.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rect: tuple[int, int, int, int] | None = None  # the selected box, committed
        self._uid: int | None = None
        self._live: tuple[int, int, int, int] | None = None  # while dragging
        self._drag: tuple[str, tuple, QtCore.QPointF] | None = None  # (mode, start rect, start point)
        self._shape_rc = (1, 1)
        self.add_mode = False
        self.box_at: Callable[[float, float], int | None] = lambda x, y: None
        self.on_select: Callable[[int | None], None] = lambda uid: None
        self.on_rect: Callable[[int, tuple], None] = lambda uid, rect: None
        self.on_add: Callable[[tuple], None] = lambda rect: None
        self._pen = _cosmetic_pen(HIGHLIGHT_RGB, 2.0)
        self._halo = _cosmetic_pen(HALO_RGBA, 4.0)
        self.setAcceptedMouseButtons(QtCore.Qt.MouseButton.LeftButton)
        self.setAcceptHoverEvents(True)
        self.setZValue(20)
        self._flagged_idle: bool | None = None
        self._sync_idle()

    # -- state from the editor ----------------------------------------------------------

    def set_image_shape(self, rows: int, cols: int) -> None:
        shape = (int(rows), int(cols))
        if shape == self._shape_rc:
            return  # stepping between same-sized samples: no re-index of the scene
        self.prepareGeometryChange()
        self._shape_rc = shape
        self.update()

    def set_selected(self, uid: int | None, rect) -> None:
        """The box drawn with handles (None: none); cancels a drag in progress."""
        was_idle = self.idle
        self._uid, self._rect = uid, (tuple(int(v) for v in rect) if rect is not None else None)
        self._live = self._drag = None
        self._sync_idle()
        if not (was_idle and self.idle):
            self.update()

    @property
    def idle(self) -> bool:
        """Nothing selected, nothing being drawn: the item paints nothing."""
        return self._rect is None and self._live is None

    def _sync_idle(self) -> None:
        # Idle, the item is skipped by the scene's paint pass (no paint call, no painter
        # state saved per frame) but still takes clicks and drags: a click or a drag on a
        # box selects it, and W-then-drag draws one, without a selection first.
        idle = self.idle
        if idle != self._flagged_idle:  # setFlag is a scene call: only on a change
            self._flagged_idle = idle
            self.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, idle)

    @property
    def selected_rect(self):
        return self._live or self._rect

    @property
    def dragging(self) -> bool:
        return self._drag is not None

    def cancel_drag(self) -> bool:
        """Esc: put the box back where the gesture started."""
        if self._drag is None:
            return False
        self._live = self._drag = None
        self._sync_idle()
        self.update()
        return True

    # -- hit testing --------------------------------------------------------------------

    def _tolerance(self) -> tuple[float, float]:
        px, py = self.pixelSize()
        return HIT_PX * (px or 1.0), HIT_PX * (py or 1.0)

    def hit(self, x: float, y: float) -> str | None:
        """``"tl"``.. a handle, ``"move"`` inside the selected box, None elsewhere."""
        if self._rect is None:
            return None
        tx, ty = self._tolerance()
        for name, (hx, hy) in handle_points(self._rect).items():
            if abs(x - hx) <= tx and abs(y - hy) <= ty:
                return name
        x0, y0, x1, y1 = self._rect
        return "move" if x0 <= x <= x1 and y0 <= y <= y1 else None

    # -- Qt / pyqtgraph overrides -------------------------------------------------------

    def boundingRect(self) -> QtCore.QRectF:
        rows, cols = self._shape_rc
        return QtCore.QRectF(-2.0, -2.0, cols + 4.0, rows + 4.0)  # handles reach past the edges

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        rect = self.selected_rect
        if rect is None:
            return
        x0, y0, x1, y1 = rect
        box = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        painter.setPen(self._halo)
        painter.drawRect(box)
        painter.setPen(self._pen)
        painter.drawRect(box)
        if self._drag is not None and self._drag[0] == "add":
            return
        to_device = painter.worldTransform()
        painter.save()
        painter.resetTransform()  # handles are a fixed size on screen, whatever the zoom
        painter.setPen(QtGui.QPen(QtGui.QColor(*HALO_RGBA), 1.0))
        painter.setBrush(QtGui.QColor(*HIGHLIGHT_RGB))
        half = HANDLE_PX / 2
        for hx, hy in handle_points(rect).values():
            p = to_device.map(QtCore.QPointF(hx, hy))
            painter.drawRect(QtCore.QRectF(p.x() - half, p.y() - half, HANDLE_PX, HANDLE_PX))
        painter.restore()

    def hoverEvent(self, ev) -> None:
        if ev.isExit():
            self.unsetCursor()
            return
        if self.add_mode:
            self.setCursor(QtCore.Qt.CursorShape.CrossCursor)
            return
        part = self.hit(ev.pos().x(), ev.pos().y())
        if part is not None:
            self.setCursor(CURSORS[part])
        else:
            self.unsetCursor()

    def mouseClickEvent(self, ev) -> None:
        if ev.button() != QtCore.Qt.MouseButton.LeftButton or self.add_mode:
            ev.ignore()
            return
        pos = ev.pos()
        if self.hit(pos.x(), pos.y()) in (None, "move"):
            uid = self.box_at(pos.x(), pos.y())
            if uid is None and self._uid is None:
                ev.ignore()  # nothing to select or deselect: the ViewBox may use the click
                return
            self.on_select(uid)
        ev.accept()

    def mouseDragEvent(self, ev) -> None:
        if ev.button() != QtCore.Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        if ev.isStart():
            start = ev.buttonDownPos()
            mode = "add" if self.add_mode else self.hit(start.x(), start.y())
            if mode is None:
                uid = self.box_at(start.x(), start.y())
                if uid is None:
                    ev.ignore()  # empty image: pan as before
                    return
                self.on_select(uid)  # grab another box and move it in the same gesture
                mode = "move"
            if self._rect is None and mode != "add":
                ev.ignore()
                return
            self._drag = (mode, self._rect, start)
        if self._drag is None:
            ev.ignore()
            return
        ev.accept()
        mode, before, start = self._drag
        pos = ev.pos()
        self._live = self._gesture_rect(mode, before, start, pos)
        self._sync_idle()
        self.update()
        if ev.isFinish():
            live, uid = self._live, self._uid
            self._drag = None
            if mode == "add":
                self._live = None
                self._sync_idle()
                self.on_add(live)
            elif live != before and uid is not None:
                self.on_rect(uid, live)
            else:
                self._live = None
                self._sync_idle()
                self.update()

    def _gesture_rect(self, mode: str, before, start: QtCore.QPointF, pos: QtCore.QPointF):
        shape = self._shape_rc
        if mode == "add":
            return clamp_rect((start.x(), start.y(), pos.x(), pos.y()), shape)
        dx, dy = round(pos.x() - start.x()), round(pos.y() - start.y())
        x0, y0, x1, y1 = before
        if mode == "move":
            rows, cols = shape
            dx = min(max(dx, -x0), (cols - 1) - x1)
            dy = min(max(dy, -y0), (rows - 1) - y1)
            return clamp_rect((x0 + dx, y0 + dy, x1 + dx, y1 + dy), shape)
        edges = [x0, y0, x1, y1]
        ex, ey = HANDLES[mode]
        if ex is not None:
            edges[ex] += dx
        if ey is not None:
            edges[ey] += dy
        return clamp_rect(edges, shape)  # handles may cross mid-drag; normalised here
