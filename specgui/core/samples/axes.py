"""Pixel <-> real-unit mapping of a spectrogram: column -> time (ms), row -> frequency (MHz).

Pure Python/numpy, no Qt, so it is unit-tested headless and the view keeps its image and
boxes in pixel coordinates (only tick labels and readouts are converted).

Pixel coordinates are continuous pixel *edges*, as the box coordinates are: column ``j``
spans ``x`` in ``[j, j + 1)`` and row ``i`` spans ``y`` in ``[i, i + 1)``. Time runs from
``window_start_sec`` at ``x = 0`` to ``window_start_sec + window_duration_sec`` at
``x = cols``. Frequency runs from ``center + rate / 2`` at ``y = 0`` (row 0 is the highest
frequency, see ``docs/format.md``) down to ``center - rate / 2`` at ``y = rows``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: The JSON keys a sample needs for real-unit axes (either spelling of centre and rate).
REAL_UNIT_KEYS = (
    "window_start_sec",
    "window_duration_sec",
    "center_freq_mhz | center_freq_hz",
    "sample_rate_mhz | sample_rate",
)


@dataclass(frozen=True)
class RealBox:
    """A box in real units: time relative to the window start (ms), frequency band (MHz)."""

    start_ms: float
    end_ms: float
    low_mhz: float
    high_mhz: float


@dataclass(frozen=True)
class AxesMapping:
    """Linear maps between pixel edges and time/frequency for one image size and window.

    Methods accept floats or numpy arrays alike (plain arithmetic).
    """

    rows: int
    cols: int
    window_start_sec: float
    window_duration_sec: float
    center_freq_mhz: float
    sample_rate_mhz: float

    @property
    def ms_per_col(self) -> float:
        return self.window_duration_sec * 1000.0 / self.cols

    @property
    def mhz_per_row(self) -> float:
        return self.sample_rate_mhz / self.rows

    @property
    def top_freq_mhz(self) -> float:
        """Frequency at the top edge of row 0 (the highest)."""
        return self.center_freq_mhz + self.sample_rate_mhz / 2.0

    @property
    def bottom_freq_mhz(self) -> float:
        """Frequency at the bottom edge of the last row (the lowest)."""
        return self.center_freq_mhz - self.sample_rate_mhz / 2.0

    def x_to_ms(self, x):
        """Time since the window start, in ms, at pixel edge ``x``."""
        return x * self.ms_per_col

    def ms_to_x(self, ms):
        return ms / self.ms_per_col

    def x_to_abs_sec(self, x):
        """Absolute time (the capture's clock, seconds) at pixel edge ``x``."""
        return self.window_start_sec + x * self.window_duration_sec / self.cols

    def y_to_mhz(self, y):
        return self.top_freq_mhz - y * self.mhz_per_row

    def mhz_to_y(self, mhz):
        return (self.top_freq_mhz - mhz) / self.mhz_per_row

    def box_to_real(self, x_min: float, y_min: float, x_max: float, y_max: float) -> RealBox:
        """A pixel box (xyxy) in real units; ``y_min`` (top) is the box's highest frequency."""
        return RealBox(
            start_ms=float(self.x_to_ms(x_min)),
            end_ms=float(self.x_to_ms(x_max)),
            low_mhz=float(self.y_to_mhz(y_max)),
            high_mhz=float(self.y_to_mhz(y_min)),
        )

    def real_to_box(self, box: RealBox) -> tuple[float, float, float, float]:
        """The inverse of :meth:`box_to_real`: pixel xyxy of a real-unit box."""
        return (
            float(self.ms_to_x(box.start_ms)),
            float(self.mhz_to_y(box.high_mhz)),
            float(self.ms_to_x(box.end_ms)),
            float(self.mhz_to_y(box.low_mhz)),
        )


def _number(value: Any) -> float | None:
    """A finite float, or None for anything else (bools, strings, NaN, missing)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _first_number(metadata: Mapping, *keys_and_scales: tuple[str, float]) -> float | None:
    for key, scale in keys_and_scales:
        value = _number(metadata.get(key))
        if value is not None:
            return value * scale
    return None


def _window_fields(metadata: Mapping) -> dict[str, float | None]:
    return {
        "window_start_sec": _number(metadata.get("window_start_sec")),
        "window_duration_sec": _number(metadata.get("window_duration_sec")),
        "center_freq_mhz": _first_number(metadata, ("center_freq_mhz", 1.0), ("center_freq_hz", 1e-6)),
        "sample_rate_mhz": _first_number(metadata, ("sample_rate_mhz", 1.0), ("sample_rate", 1e-6)),
    }


def missing_real_unit_fields(metadata: Mapping) -> list[str]:
    """The :data:`REAL_UNIT_KEYS` that ``metadata`` lacks or holds unusable values for."""
    if not isinstance(metadata, Mapping):
        return list(REAL_UNIT_KEYS)
    found = _window_fields(metadata)
    positive = {"window_duration_sec", "sample_rate_mhz"}
    missing = []
    for key, label in zip(found, REAL_UNIT_KEYS):
        value = found[key]
        if value is None or (key in positive and value <= 0):
            missing.append(label)
    return missing


def mapping_from_metadata(metadata: Mapping, shape: tuple[int, int]) -> AxesMapping | None:
    """The mapping for an image of ``shape`` (rows, cols), or None when the JSON lacks the window.

    ``center_freq_mhz`` wins over ``center_freq_hz`` and ``sample_rate_mhz`` over
    ``sample_rate`` (Hz) when both are present and usable.
    """
    rows, cols = (int(n) for n in shape)
    if rows <= 0 or cols <= 0 or missing_real_unit_fields(metadata):
        return None
    found = _window_fields(metadata)
    return AxesMapping(rows=rows, cols=cols, **found)  # type: ignore[arg-type]


def decimals_for(step: float, *, most: int = 6) -> int:
    """Decimal places that tell apart values ``step`` apart (0 for steps of 1 or more)."""
    step = abs(float(step))
    if not math.isfinite(step) or step <= 0:
        return 0
    places = max(0, math.ceil(-math.log10(step) - 1e-9))
    scaled = step * 10**places
    if abs(scaled - round(scaled)) > 1e-6 * scaled:  # 0.25 needs 2 places, not 1
        places += 1
    return min(most, places)


def format_value(value: float, step: float) -> str:
    """``value`` with just enough decimals for a resolution of ``step``."""
    return f"{value:.{decimals_for(step)}f}"
