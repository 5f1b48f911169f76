"""The split-health plots: train-vs-val histograms and the two box-centre heatmaps.

One :class:`HealthPlots` (a pyqtgraph layout) draws a SplitHealth: boxes per sample as
side-by-side bars, box width (time) and height (bandwidth) as overlaid step histograms,
and where boxes sit as two heatmaps sharing one colour scale. Every histogram is
normalised to its side's total, because train is usually several times val and raw counts
would hide whether the two look alike. Widths and heights are in pixels when every image
has one size (the core's histograms are fractions of the image), else in image fractions.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

TRAIN_COLOUR = (66, 133, 244)
VAL_COLOUR = (245, 159, 0)
SIDES = (("train", TRAIN_COLOUR), ("val", VAL_COLOUR))


HEATMAP_SIZE = 16  # the core's HEATMAP_BINS; only for the initial view range


def colour_key() -> str:
    """Which colour is which side, as rich text for a label above the plots (no legend over the bars)."""
    return " &nbsp; ".join(f"<span style='color:rgb{c}'>■</span> {s}" for s, c in SIDES)


def shares(counts) -> np.ndarray:
    """``counts`` as fractions of their sum (all zeros when empty)."""
    a = np.asarray(counts, dtype=np.float64)
    return a / a.sum() if a.sum() > 0 else a


def common_size(health) -> tuple[int, int] | None:
    """(rows, cols) when every readable image of both sides has that size, else None."""
    sizes = set(health.train.image_sizes) | set(health.val.image_sizes)
    if len(sizes) != 1:
        return None
    rows, cols = next(iter(sizes)).split("x")
    return int(rows), int(cols)


class HealthPlots(pg.GraphicsLayoutWidget):
    """See the module docstring; ``series[name][side]`` holds the (x, y) last drawn, for tests."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self.series: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
        self.count_plot = self._plot(0, 0, "Boxes per sample", "boxes in a sample", colspan=2)
        self.width_plot = self._plot(1, 0, "Width (time)", "px")
        self.height_plot = self._plot(1, 1, "Height (bandwidth)", "px")
        self.heat_views, self.heat_images = {}, {}
        for column, (side, _) in enumerate(SIDES):
            view = self.addPlot(row=2, col=column, title=f"Centres · {side}")
            view.setAspectLocked(True)
            view.invertY(True)  # row 0 of the heatmap is the top of the image (highest frequency)
            view.hideAxis("left")
            view.hideAxis("bottom")
            view.setMouseEnabled(False, False)
            view.hideButtons()
            view.setRange(xRange=(0, HEATMAP_SIZE), yRange=(0, HEATMAP_SIZE), padding=0.02)
            image = pg.ImageItem(axisOrder="row-major")
            image.setColorMap(pg.colormap.get("viridis"))
            view.addItem(image)
            self.heat_views[side], self.heat_images[side] = view, image
        self.ci.layout.setRowStretchFactor(2, 2)

    def _plot(self, row: int, col: int, title: str, x_label: str, colspan: int = 1) -> pg.PlotItem:
        plot = self.addPlot(row=row, col=col, colspan=colspan, title=title)
        plot.setLabel("bottom", x_label)
        plot.setLabel("left", "%")
        plot.getAxis("left").enableAutoSIPrefix(False)
        plot.getAxis("bottom").enableAutoSIPrefix(False)
        plot.setMouseEnabled(False, False)
        plot.hideButtons()
        return plot

    def clear_plots(self) -> None:
        """Nothing to show (no signal, or the health could not be read)."""
        self.series = {}
        for plot in (self.count_plot, self.width_plot, self.height_plot):
            for item in list(plot.listDataItems()) + [i for i in plot.items if isinstance(i, pg.BarGraphItem)]:
                plot.removeItem(item)
        for image in self.heat_images.values():
            image.clear()

    def show_health(self, health) -> None:
        self.clear_plots()
        size = common_size(health)
        self._draw_counts(health)
        for name, plot, axis in (("box_width", self.width_plot, 1), ("box_height", self.height_plot, 0)):
            scale = size[axis] if size else 1.0
            plot.setLabel("bottom", "px" if size else "fraction of the image")
            right = 0.0
            for side, colour in SIDES:
                dist = getattr(getattr(health, side), name)
                x, y = np.asarray(dist.edges) * scale, shares(dist.counts)
                self.series.setdefault(name, {})[side] = (x, y)
                nonzero = np.nonzero(y)[0]
                right = max(right, float(x[nonzero[-1] + 1]) if nonzero.size else 0.0)
                plot.plot(x, 100 * y, stepMode="center", fillLevel=0, pen=pg.mkPen(colour, width=2),
                          brush=pg.mkBrush(*colour, 60), name=side)
            plot.setXRange(0, right or x[-1], padding=0.05)  # small boxes would hug the left edge
        heats = {side: np.asarray(getattr(health, side).centre_heatmap, dtype=np.float64) for side, _ in SIDES}
        top = max((h.max() for h in heats.values() if h.size), default=0.0) or 1.0
        for side, heat in heats.items():
            self.series.setdefault("centre_heatmap", {})[side] = (np.arange(heat.shape[0]), heat)
            self.heat_images[side].setImage(heat, levels=(0.0, top))  # one scale: the sides compare

    def _draw_counts(self, health) -> None:
        last = 0
        for offset, (side, colour) in zip((-0.2, 0.2), SIDES):
            dist = getattr(health, side).boxes_per_sample
            y = shares(dist.counts)
            x = np.arange(len(y), dtype=np.float64)
            self.series.setdefault("boxes_per_sample", {})[side] = (x, y)
            nonzero = np.nonzero(y)[0]
            last = max(last, int(nonzero[-1]) if nonzero.size else 0)
            self.count_plot.addItem(pg.BarGraphItem(x=x + offset, height=100 * y, width=0.4,
                                                    brush=pg.mkBrush(*colour), pen=pg.mkPen(None)))
        self.count_plot.setXRange(-0.6, last + 0.6, padding=0)
