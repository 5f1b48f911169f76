"""The spectrogram view's persisted settings as plain values, and their cleaning.

No Qt here: QSettings hands back whatever was stored (strings from INI files, junk from
older versions), and this module turns that into only the entries that are usable.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

AXES_MODES = ("pixels", "real")
DEFAULT_LEVELS = (0.0, 255.0)  # the full uint8 range: shown until a first sample is fitted
SESSION_PERCENTILES = (1.0, 99.9)  # the first sample of a session sets the levels every sample keeps
SETTING_KEYS = ("colormap", "levels", "levels_set_by_hand", "auto_levels", "axes_mode", "labels_shown")


def session_levels(pixels: np.ndarray) -> tuple[float, float]:
    """Levels for a whole session, from its first sample: robust percentiles, so the noise
    floor sits low and the emitters bright (a few hot pixels cannot stretch the range)."""
    lo, hi = (float(v) for v in np.percentile(pixels[::2, ::2], SESSION_PERCENTILES))
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def auto_levels(pixels: np.ndarray) -> tuple[float, float]:
    """Levels fitted to one image (0.5th..99.8th percentile of a subsample: fast, spike-proof)."""
    lo, hi = (float(v) for v in np.percentile(pixels[::4, ::4], (0.5, 99.8)))
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def as_bool(value) -> bool | None:
    """A bool from QSettings-ish values (True, "true", "1"...), None for junk."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    return None


def as_levels(value) -> tuple[float, float] | None:
    """Two finite increasing numbers (numeric strings allowed), else None."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        return None
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return (lo, hi) if math.isfinite(lo) and math.isfinite(hi) and lo < hi else None


def clean_view_settings(raw, colormaps: tuple[str, ...]) -> dict:
    """The usable entries of ``raw`` (others dropped one by one); ``colormaps``: names offered."""
    if not isinstance(raw, Mapping):
        return {}
    clean: dict = {}
    if isinstance(raw.get("colormap"), str) and raw["colormap"] in colormaps:
        clean["colormap"] = raw["colormap"]
    levels = as_levels(raw.get("levels"))
    if levels is not None:
        clean["levels"] = levels
    for key in ("levels_set_by_hand", "auto_levels", "labels_shown"):
        flag = as_bool(raw.get(key))
        if flag is not None:
            clean[key] = flag
    if isinstance(raw.get("axes_mode"), str) and raw["axes_mode"] in AXES_MODES:
        clean["axes_mode"] = raw["axes_mode"]
    return clean
