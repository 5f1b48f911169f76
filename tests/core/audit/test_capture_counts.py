"""Counting capture leak pairs without listing them agrees with the listing sweep."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from specgui.core.audit.windows import capture_overlaps, count_capture_overlaps

CAPTURES = st.sampled_from(["a.rfcap", "b.rfcap", None])
STARTS = st.integers(0, 40).map(lambda tenth: tenth / 10)  # 0.1 s grid: windows touch exactly
DURATIONS = st.sampled_from([0.1, 0.25, 1.0])


def _windows(prefix: str):
    window = st.tuples(CAPTURES, STARTS, DURATIONS)
    return st.lists(window, max_size=25).map(lambda ws: {f"{prefix}{i}": w for i, w in enumerate(ws)})


@settings(max_examples=200, deadline=None)
@given(_windows("t"), _windows("v"))
def test_count_equals_the_listed_pairs(train, val):
    assert count_capture_overlaps(train, val) == len(capture_overlaps(train, val))


def test_one_long_capture_is_counted_without_listing():
    """2,000 train x 500 val windows stacked on one stretch: a million pairs, counted."""
    train = {f"t{i}": ("rec", 0.0, 10.0) for i in range(2000)}
    val = {f"v{i}": ("rec", 5.0, 10.0) for i in range(500)}
    assert count_capture_overlaps(train, val) == 1_000_000


def test_windows_without_time_or_capture_never_count():
    train = {"t": ("rec", None, None), "u": (None, 1.0, 1.0)}
    val = {"v": ("rec", 1.0, 1.0), "w": (None, 1.0, 1.0)}
    assert count_capture_overlaps(train, val) == 0
