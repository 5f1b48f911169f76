"""The colormaps the spectrogram view offers, by the names labelers know.

Loaded from pyqtgraph's bundled maps on first use; a map that this pyqtgraph lacks is
left out of the list rather than failing. ``gray`` is built here (pyqtgraph names its
grey ramp ``CET-L1``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyqtgraph as pg

DEFAULT_COLORMAP = "viridis"
GRADIENT_STOPS = 64
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
        full = pg.colormap.get(name)
    except Exception:  # a missing data file or an older pyqtgraph: just do not offer it
        return None
    if len(full.pos) <= GRADIENT_STOPS:
        return full
    # The histogram's gradient makes one tick item per stop (~25 ms for 256); its lookup
    # table from 64 even stops differs from the full map's by at most 2 of 255 levels.
    stops = np.linspace(0.0, 1.0, GRADIENT_STOPS)
    return pg.ColorMap(pos=stops, color=full.map(stops, mode="byte"), name=name)


@lru_cache(maxsize=1)
def available_colormaps() -> tuple[str, ...]:
    """Names from :data:`CANDIDATE_COLORMAPS` that pyqtgraph ships here; always holds ``gray``.

    Asks for the list of bundled map files rather than loading each map (~25 ms at start-up);
    a listed map that still fails to load is skipped by the view when chosen.
    """
    try:
        bundled = set(pg.colormap.listMaps())
    except Exception:  # an older pyqtgraph without listMaps: load each one instead
        return tuple(name for name in CANDIDATE_COLORMAPS if get_colormap(name) is not None)
    return tuple(name for name in CANDIDATE_COLORMAPS if name == "gray" or name in bundled)
