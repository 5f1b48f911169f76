"""An axis over pixel coordinates whose ticks sit at round real-unit values (ms, MHz).

The image and boxes stay in pixels; this axis only decides where ticks go and what
they read, through a pair of plain functions (pixel -> unit, unit -> pixel) taken from
:class:`~specgui.core.samples.axes.AxesMapping`.
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg

from specgui.core.samples.axes import format_value

Converter = Callable[[float], float]


class UnitAxisItem(pg.AxisItem):
    """A pyqtgraph axis showing pixels, or a linear real unit when one is set."""

    def __init__(self, orientation: str, **kwargs):
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)
        if orientation in ("bottom", "top"):  # let the tick at the image's left edge ("0") show
            self.setStyle(hideOverlappingLabels=False)
        self._to_unit: Converter | None = None
        self._from_unit: Converter | None = None
        self._label_text = ""

    @property
    def label_text(self) -> str:
        return self._label_text

    def set_units(self, to_unit: Converter | None, from_unit: Converter | None, label: str) -> None:
        """Show ``to_unit(pixel)`` values (None, None for plain pixels) under ``label``.

        A no-op when nothing changed: regenerating ticks costs milliseconds per sample swap.
        """
        if label != self._label_text:  # relabelling re-lays out the plot: only when it changes
            self._label_text = label
            self.setLabel(label)
        if (to_unit, from_unit) != (self._to_unit, self._from_unit):
            self._to_unit, self._from_unit = to_unit, from_unit
            self.picture = None  # drop the cached tick drawing
            self.update()

    def tick_labels(self, min_px: float, max_px: float, size: float) -> list[tuple[float, str]]:
        """``(pixel, text)`` of the major ticks for a view from ``min_px`` to ``max_px``."""
        levels = self.tickValues(min_px, max_px, size)
        if not levels:
            return []
        spacing, values = levels[0]
        return list(zip(values, self.tickStrings(values, 1.0, spacing)))

    # -- pyqtgraph overrides ------------------------------------------------------------

    def tickValues(self, minVal, maxVal, size):
        if self._to_unit is None or self._from_unit is None or maxVal == minVal:
            return super().tickValues(minVal, maxVal, size)
        lo, hi = sorted((float(self._to_unit(minVal)), float(self._to_unit(maxVal))))
        if hi <= lo:
            return []
        px_per_unit = abs(maxVal - minVal) / (hi - lo)
        levels = super().tickValues(lo, hi, size)
        return [
            (spacing * px_per_unit, [float(self._from_unit(v)) for v in values])
            for spacing, values in levels
        ]

    def tickStrings(self, values, scale, spacing):
        if self._to_unit is None:
            return super().tickStrings(values, scale, spacing)
        unit_step = abs(float(self._to_unit(spacing)) - float(self._to_unit(0.0)))
        return [format_value(float(self._to_unit(v)), unit_step) for v in values]
