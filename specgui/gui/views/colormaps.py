"""The colormaps the spectrogram view offers, by the names labelers know.

Loaded from pyqtgraph's bundled maps on first use; a map that this pyqtgraph lacks is
left out of the list rather than failing. ``gray`` is built here (pyqtgraph names its
grey ramp ``CET-L1``).
"""

from __future__ import annotations

from functools import lru_cache

import pyqtgraph as pg

DEFAULT_COLORMAP = "viridis"
#: In the order the combo shows them: perceptually uniform first, then gray and turbo.
CANDIDATE_COLORMAPS = ("viridis", "inferno", "magma", "plasma", "cividis", "gray", "turbo", "CET-L8")


@lru_cache(maxsize=None)
def get_colormap(name: str) -> pg.ColorMap | None:
    """The pyqtgraph ColorMap called ``name``, or None when it is unknown or fails to load."""
    if name not in CANDIDATE_COLORMAPS:
        return None
    if name == "gray":
        return pg.ColorMap(pos=[0.0, 1.0], color=[(0, 0, 0), (255, 255, 255)], name="gray")
    try:
        return pg.colormap.get(name)
    except Exception:  # a missing data file or an older pyqtgraph: just do not offer it
        return None


@lru_cache(maxsize=1)
def available_colormaps() -> tuple[str, ...]:
    """Names from :data:`CANDIDATE_COLORMAPS` that load here; always holds ``gray``."""
    return tuple(name for name in CANDIDATE_COLORMAPS if get_colormap(name) is not None)
