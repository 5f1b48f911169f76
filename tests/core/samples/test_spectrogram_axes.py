"""Pixel <-> ms/MHz mapping: both directions, row 0 = highest frequency, junk metadata refused."""

from __future__ import annotations

import math

import numpy as np
import pytest

from specgui.core.samples.axes import (
    AxesMapping,
    RealBox,
    decimals_for,
    format_value,
    mapping_from_metadata,
    missing_real_unit_fields,
)

# The field example of docs/format.md.
FIELD = {
    "window_start_sec": 12.45, "window_duration_sec": 0.1,
    "center_freq_mhz": 825.0, "center_freq_hz": 825000000.0,
    "sample_rate_mhz": 20.0, "sample_rate": 20000000.0,
    "boxes": [{"x_min": 10, "y_min": 200, "x_max": 300, "y_max": 260}],
    "original_boxes": [{"time_start_sec": 12.46, "time_end_sec": 12.49,
                        "freq_start_mhz": 826.1, "freq_end_mhz": 827.3}],
}


@pytest.fixture
def mapping() -> AxesMapping:
    m = mapping_from_metadata(FIELD, (1024, 1024))
    assert m is not None
    return m


def test_time_runs_from_window_start_over_the_columns(mapping):
    assert mapping.x_to_ms(0) == 0.0
    assert mapping.x_to_ms(1024) == pytest.approx(100.0)
    assert mapping.x_to_ms(512) == pytest.approx(50.0)
    assert mapping.x_to_abs_sec(0) == pytest.approx(12.45)
    assert mapping.x_to_abs_sec(1024) == pytest.approx(12.55)
    assert mapping.ms_to_x(25.0) == pytest.approx(256.0)


def test_row_zero_is_the_highest_frequency(mapping):
    assert mapping.y_to_mhz(0) == pytest.approx(835.0)  # center + rate / 2
    assert mapping.y_to_mhz(1024) == pytest.approx(815.0)  # center - rate / 2
    assert mapping.y_to_mhz(512) == pytest.approx(825.0)
    assert mapping.y_to_mhz(0.5) > mapping.y_to_mhz(1023.5)
    assert mapping.mhz_to_y(835.0) == pytest.approx(0.0)
    assert mapping.mhz_to_y(815.0) == pytest.approx(1024.0)
    assert mapping.top_freq_mhz == pytest.approx(835.0)
    assert mapping.bottom_freq_mhz == pytest.approx(815.0)


def test_both_directions_round_trip_on_arrays(mapping):
    xs = np.linspace(-10, 1100, 57)
    np.testing.assert_allclose(mapping.ms_to_x(mapping.x_to_ms(xs)), xs)
    np.testing.assert_allclose(mapping.mhz_to_y(mapping.y_to_mhz(xs)), xs)


def test_box_to_real_puts_the_top_edge_at_the_high_frequency(mapping):
    real = mapping.box_to_real(10, 200, 300, 260)
    assert real.start_ms == pytest.approx(10 * 100 / 1024)
    assert real.end_ms == pytest.approx(300 * 100 / 1024)
    assert real.high_mhz == pytest.approx(835 - 200 * 20 / 1024)
    assert real.low_mhz == pytest.approx(835 - 260 * 20 / 1024)
    assert real.low_mhz < real.high_mhz
    assert mapping.real_to_box(real) == pytest.approx((10, 200, 300, 260))


def test_the_field_original_box_maps_into_the_image(mapping):
    original = FIELD["original_boxes"][0]
    box = RealBox(
        start_ms=(original["time_start_sec"] - 12.45) * 1000,
        end_ms=(original["time_end_sec"] - 12.45) * 1000,
        low_mhz=original["freq_start_mhz"],
        high_mhz=original["freq_end_mhz"],
    )
    x0, y0, x1, y1 = mapping.real_to_box(box)
    assert (x0, x1) == pytest.approx((102.4, 409.6))
    assert (y0, y1) == pytest.approx(((835 - 827.3) / 20 * 1024, (835 - 826.1) / 20 * 1024))
    assert 0 <= y0 < y1 <= 1024


def test_non_square_images_scale_each_axis_on_its_own():
    m = mapping_from_metadata(FIELD, (256, 2048))
    assert (m.rows, m.cols) == (256, 2048)
    assert m.x_to_ms(2048) == pytest.approx(100.0)
    assert m.y_to_mhz(256) == pytest.approx(815.0)
    assert m.ms_per_col == pytest.approx(100 / 2048)
    assert m.mhz_per_row == pytest.approx(20 / 256)


def test_hz_fields_are_used_when_mhz_ones_are_absent():
    meta = {"window_start_sec": 0, "window_duration_sec": 0.05,
            "center_freq_hz": 2.4e9, "sample_rate": 10e6}
    m = mapping_from_metadata(meta, (1024, 512))
    assert m.center_freq_mhz == pytest.approx(2400.0)
    assert m.sample_rate_mhz == pytest.approx(10.0)
    assert m.y_to_mhz(0) == pytest.approx(2405.0)


def test_mhz_fields_win_over_hz_ones():
    meta = dict(FIELD, center_freq_hz=1.0, sample_rate=2.0)
    m = mapping_from_metadata(meta, (1024, 1024))
    assert (m.center_freq_mhz, m.sample_rate_mhz) == (825.0, 20.0)


def test_a_junk_mhz_value_falls_back_to_hz():
    meta = dict(FIELD, center_freq_mhz="825", sample_rate_mhz=None)
    m = mapping_from_metadata(meta, (1024, 1024))
    assert (m.center_freq_mhz, m.sample_rate_mhz) == (pytest.approx(825.0), pytest.approx(20.0))


@pytest.mark.parametrize(
    "change",
    [
        {"window_start_sec": None},
        {"window_start_sec": "12.45"},
        {"window_start_sec": True},
        {"window_duration_sec": 0},
        {"window_duration_sec": -0.1},
        {"window_duration_sec": math.nan},
        {"center_freq_mhz": math.inf, "center_freq_hz": None},
        {"sample_rate_mhz": 0, "sample_rate": 0},
        {"sample_rate_mhz": [20], "sample_rate": {"hz": 1}},
    ],
)
def test_unusable_window_fields_give_no_mapping(change):
    meta = {k: v for k, v in {**FIELD, **change}.items() if v is not None}
    assert mapping_from_metadata(meta, (1024, 1024)) is None
    assert missing_real_unit_fields(meta)


def test_missing_fields_are_named():
    assert missing_real_unit_fields(FIELD) == []
    assert missing_real_unit_fields({"boxes": []}) == [
        "window_start_sec", "window_duration_sec",
        "center_freq_mhz | center_freq_hz", "sample_rate_mhz | sample_rate",
    ]
    assert missing_real_unit_fields({"window_start_sec": 1, "window_duration_sec": 1,
                                     "center_freq_hz": 1e6}) == ["sample_rate_mhz | sample_rate"]
    assert len(missing_real_unit_fields("not a dict")) == 4  # type: ignore[arg-type]


def test_torchsig_exports_have_no_window_and_get_pixel_axes():
    torchsig = {"boxes": [], "image": {"sample_rate_hz": 1e7}, "class_names": []}
    assert mapping_from_metadata(torchsig, (1024, 1024)) is None


def test_empty_images_give_no_mapping():
    assert mapping_from_metadata(FIELD, (0, 1024)) is None


@pytest.mark.parametrize(
    ("step", "places"),
    [(100, 0), (1, 0), (2, 0), (0.5, 1), (0.2, 1), (0.25, 2), (0.05, 2), (0.0977, 3),
     (0, 0), (math.nan, 0), (1e-12, 6)],
)
def test_decimals_tell_neighbouring_values_apart(step, places):
    assert decimals_for(step) == places


def test_format_value_uses_the_step():
    assert format_value(826.123456, 0.1) == "826.1"
    assert format_value(12.5, 0.25) == "12.50"
    assert format_value(20.0, 5) == "20"
