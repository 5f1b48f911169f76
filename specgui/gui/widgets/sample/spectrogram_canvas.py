"""The graphics half of the spectrogram view: plot with unit axes, image, boxes, histogram.

One pyqtgraph scene: a PlotItem whose ViewBox is y-inverted (row 0, the highest
frequency, at the top) with the ImageItem (row-major, set on the item, not globally)
and the :class:`BoxesItem` above it, plus a HistogramLUTItem that owns levels and LUT.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from .box_editor_item import BoxEditorItem
from .boxes_item import BoxesItem
from specgui.core.samples.axes import AxesMapping
from .unit_axis import UnitAxisItem

PIXEL_LABELS = ("time: column (px)", "frequency: row (px, row 0 = highest)")
REAL_LABELS = ("time since window start (ms)", "frequency (MHz)")


class _RgbImageItem(pg.ImageItem):
    """An ImageItem that hands Qt a 32-bit image instead of an 8-bit indexed one.

    pyqtgraph renders a uint8 image with a lookup table as ``Format_Indexed8``; Qt draws
    that scaled about 10x slower than ``Format_RGB32`` (3.3 ms vs 0.3 ms for 1024x1024 on
    the 2-core dev box), while the conversion costs 0.4 ms once per new image or colour map.
    """

    def render(self):
        super().render()
        if self.qimage is not None and self.qimage.format() == QtGui.QImage.Format.Format_Indexed8:
            self.qimage = self.qimage.convertToFormat(QtGui.QImage.Format.Format_RGB32)

    def getHistogram(self, *args, **kwargs):
        """For a 2-D uint8 image: 256 bins of a 1/16 subsample as log heights scaled to 0..1.

        ``np.bincount`` takes ~50 us where pyqtgraph's ``np.histogram`` takes ~1 ms, and the
        fixed 0..1 height keeps the histogram's own view range (and a second repaint) still.
        The log shows the few bright signal pixels next to the noise floor's bulk.
        """
        image = self.image
        if image is None or image.dtype != np.uint8 or image.ndim != 2 or args or kwargs:
            return super().getHistogram(*args, **kwargs)
        heights = np.log1p(np.bincount(image[::4, ::4].ravel(), minlength=256))
        top = heights.max()
        return np.arange(256, dtype=np.float64), heights / top if top > 0 else heights


class SpectrogramCanvas(pg.GraphicsLayoutWidget):
    """Draws one image and its boxes in pixel coordinates; says when a paint finished."""

    painted = QtCore.Signal()  # a paint of the viewport finished
    levels_edited = QtCore.Signal(float, float)  # the user moved the level region

    def __init__(self, parent=None):
        super().__init__(parent)
        self._syncing = False  # True while levels are set from code, not by the user
        self._shape: tuple[int, int] | None = None
        self.bottom_axis, self.left_axis = UnitAxisItem("bottom"), UnitAxisItem("left")
        self.plot_item = self.addPlot(row=0, col=0, axisItems={"bottom": self.bottom_axis, "left": self.left_axis})
        self.plot_item.invertY(True)
        self.plot_item.hideButtons()
        self.view_box = self.plot_item.getViewBox()
        self.view_box.setAspectLocked(False)
        self.view_box.disableAutoRange()
        self.image_item = _RgbImageItem(axisOrder="row-major")
        self.boxes_item = BoxesItem()
        self.boxes_item.setZValue(10)
        self.editor_item = BoxEditorItem()  # the selected box's handles; paints nothing otherwise
        self.plot_item.addItem(self.image_item)
        self.plot_item.addItem(self.boxes_item)
        self.plot_item.addItem(self.editor_item)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)  # keys edit boxes once clicked
        self.histogram = pg.HistogramLUTItem(image=self.image_item)
        self.histogram.setHistogramRange(0, 255, padding=0.02)
        self.histogram.gradient.setEnabled(False)  # the view's combo owns the colormap
        self.addItem(self.histogram, row=0, col=1)
        self.histogram.sigLevelChangeFinished.connect(self._on_level_change_finished)
        self.set_mapping(None)

    def set_image(self, pixels: np.ndarray, levels: tuple[float, float]) -> None:
        """Show ``pixels`` (uint8 ``[rows, cols]``) at fixed ``levels``; fit the view on a new size."""
        self._syncing = True
        try:
            self.image_item.setImage(pixels, autoLevels=False, levels=levels)
        finally:
            self._syncing = False
        self.boxes_item.set_extent(pixels.shape[1], pixels.shape[0])
        self.editor_item.set_image_shape(*pixels.shape)
        if pixels.shape != self._shape:
            self._shape = pixels.shape
            rows, cols = self._shape
            self.view_box.setLimits(xMin=-0.25 * cols, xMax=1.25 * cols, yMin=-0.25 * rows,
                                    yMax=1.25 * rows, minXRange=2, minYRange=2)
            self.reset_view()

    def clear_image(self) -> None:
        self.image_item.clear()
        self.boxes_item.set_boxes(np.zeros((0, 4)))

    def reset_view(self) -> None:
        """Fit the whole image."""
        if self._shape is not None:
            rows, cols = self._shape
            self.view_box.setRange(xRange=(0, cols), yRange=(0, rows), padding=0)

    def set_colormap(self, cmap: pg.ColorMap) -> None:
        self.histogram.gradient.setColorMap(cmap)
        self.histogram.gradient.showTicks(False)

    def set_levels(self, levels: tuple[float, float]) -> None:
        self._syncing = True
        try:
            self.histogram.setLevels(*levels)
        finally:
            self._syncing = False

    def levels(self) -> tuple[float, float]:
        lo, hi = self.histogram.getLevels()
        return float(lo), float(hi)

    def set_mapping(self, mapping: AxesMapping | None) -> None:
        """Label the axes in ms/MHz through ``mapping``, or in pixels for None."""
        if mapping is not None:
            self.bottom_axis.set_units(mapping.x_to_ms, mapping.ms_to_x, REAL_LABELS[0])
            self.left_axis.set_units(mapping.y_to_mhz, mapping.mhz_to_y, REAL_LABELS[1])
        else:
            self.bottom_axis.set_units(None, None, PIXEL_LABELS[0])
            self.left_axis.set_units(None, None, PIXEL_LABELS[1])

    def pixel_at(self, scene_pos: QtCore.QPointF) -> tuple[float, float] | None:
        """Pixel coordinates ``(x, y)`` under a scene point, None outside the plot area."""
        if not self.view_box.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.view_box.mapSceneToView(scene_pos)
        return point.x(), point.y()

    def widget_rect_of(self, x0: float, y0: float, x1: float, y1: float) -> QtCore.QRectF:
        """Where pixel rectangle ``x0..x1, y0..y1`` lies in this widget (for tests, screenshots)."""
        scene = self.view_box.mapViewToScene(QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)).boundingRect()
        return self.mapFromScene(scene).boundingRect().toRectF()

    def _on_level_change_finished(self, _hist) -> None:
        if not self._syncing:
            self.levels_edited.emit(*self.levels())

    def paintEvent(self, event):
        super().paintEvent(event)
        self.painted.emit()
