"""SpectrogramView, offscreen: the file's pixels the right way up, its boxes, errors, settings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PySide6 import QtCore, QtGui, QtWidgets

from specgui.core.errors import SampleError
from specgui.core.samples.labels import SampleLabels, parse_boxes
from specgui.core.samples.loading import LoadedSample, load_sample
from specgui.gui.widgets.sample.boxes_item import BOX_RGB, HIGHLIGHT_RGB
from specgui.gui.widgets.sample.spectrogram_view import SpectrogramView
from specgui.gui.widgets.sample.view_settings import SESSION_PERCENTILES, clean_view_settings
from tests.conftest import TORCHSIG_ABSENT, TORCHSIG_DIR

pytestmark = pytest.mark.gui

WINDOW = {"window_start_sec": 12.45, "window_duration_sec": 0.1, "center_freq_mhz": 825.0, "sample_rate_mhz": 20.0}


def torchsig(signal: str, sample_id: str) -> LoadedSample:
    if not TORCHSIG_DIR.is_dir():
        pytest.skip(TORCHSIG_ABSENT)
    return load_sample(TORCHSIG_DIR / signal / "samples", sample_id)


def synthetic(pixels: np.ndarray, boxes=(), sample_id: str = "synthetic", **extra) -> LoadedSample:
    meta = {"boxes": [dict(zip(("x_min", "y_min", "x_max", "y_max"), b)) for b in boxes], **extra}
    parsed, labels = parse_boxes(meta, Path("x.json"))
    return LoadedSample(sample_id, Path("x.npz"), Path("x.json"), pixels, SampleLabels(parsed, labels, meta))


@pytest.fixture
def view(qtbot) -> SpectrogramView:
    widget = SpectrogramView()
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.apply_view_settings({"colormap": "gray"})  # no cyan or orange in the image itself
    return widget


def show(qtbot, view: SpectrogramView, sample: LoadedSample) -> None:
    with qtbot.waitSignal(view.sample_painted, timeout=5000) as blocker:
        view.show_sample(sample)
    assert blocker.args == [sample.sample_id]


def grab_canvas(view: SpectrogramView) -> np.ndarray:
    """The canvas as drawn, RGB ``[rows, cols, 3]``."""
    image = view.canvas.grab().toImage().convertToFormat(QtGui.QImage.Format.Format_RGB888)
    raw = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return raw[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def near_colour(pixels: np.ndarray, rgb, tol: int = 40) -> np.ndarray:
    return np.all(np.abs(pixels.astype(int) - np.array(rgb)) <= tol, axis=-1)


def test_a_real_sample_shows_its_own_pixels_and_exactly_its_boxes(qtbot, view):
    sample = torchsig("wideband", "0000")
    show(qtbot, view, sample)
    assert view.current_sample_id == "0000"
    np.testing.assert_array_equal(view.image_item.image, sample.spectrogram)
    np.testing.assert_array_equal(view.boxes_item.boxes, sample.labels.boxes)
    assert [view.boxes_item.tag_text(i) for i in range(3)] == ["0 lfm-data", "1 lfm-data", "2 4fsk"]
    pixels = grab_canvas(view)
    cyan = near_colour(pixels, BOX_RGB)
    for x0, y0, x1, y1 in sample.labels.boxes:
        rect = view.canvas.widget_rect_of(x0, y0, x1, y1)
        mid_x, mid_y = int(rect.center().x()), int(rect.center().y())
        for x, y in ((mid_x, int(rect.top())), (mid_x, int(rect.bottom())),
                     (int(rect.left()), mid_y), (int(rect.right()), mid_y)):
            assert cyan[y - 3:y + 4, x - 3:x + 4].any(), f"no box line near {(x, y)} for box {(x0, y0, x1, y1)}"
    empty = view.canvas.widget_rect_of(700, 100, 900, 300)  # no box there in wideband/0000
    assert not cyan[int(empty.top()):int(empty.bottom()), int(empty.left()):int(empty.right())].any()


def test_row_zero_is_drawn_at_the_top_and_column_zero_at_the_left(qtbot, view):
    pixels = np.zeros((200, 300), dtype=np.uint8)
    pixels[:40] = 255  # the highest frequencies: bright
    pixels[100:, :60] = 128  # early in time, lower half: grey
    show(qtbot, view, synthetic(pixels))
    shot = grab_canvas(view)
    rect = view.canvas.widget_rect_of(0, 0, 300, 200)
    assert rect.width() > 500 and rect.height() > 400  # the whole image fills the view
    x_mid = int(rect.center().x())
    y_top, y_bottom = int(rect.top() + 0.1 * rect.height()), int(rect.bottom() - 0.1 * rect.height())
    assert shot[y_top, x_mid].min() > 230
    assert shot[y_bottom, x_mid].max() < 25
    assert 100 < shot[y_bottom, int(rect.left() + 0.1 * rect.width())].mean() < 156


def test_errors_replace_the_image_with_a_readable_message(qtbot, view, tmp_path):
    show(qtbot, view, torchsig("ofdm", "0000"))
    bad = tmp_path / "samples"
    bad.mkdir()
    np.savez(bad / "x1.npz", spectrogram=np.zeros((4, 4), np.uint8))
    (bad / "x1.json").write_text("{not json")
    with pytest.raises(SampleError) as caught:
        load_sample(bad, "x1")
    view.show_error(caught.value.problem, caught.value.path)
    assert view.current_sample_id is None
    assert view.image_item.image is None and view.boxes_item.boxes.shape == (0, 4)
    lines = view.error_text.splitlines()
    assert lines[0] == "Cannot show this sample"
    assert any(line.startswith("malformed JSON at line 1") for line in lines)
    assert lines[-1] == str(bad / "x1.json")
    assert "Traceback" not in view.error_text
    assert view.grab().toImage().width() == 1000
    show(qtbot, view, torchsig("ofdm", "0001"))  # the next good sample shows again
    assert view.error_text == ""


def test_markup_in_a_message_is_shown_as_text(view):
    view.show_error("<b>bold</b> & <script>", None)
    assert "<b>bold</b> & <script>" in view.error_text


def test_a_non_2d_array_is_reported_not_raised(view):
    view.show_sample(synthetic(np.zeros((2, 3, 4), np.uint8)))
    assert "expected a 2-D image" in view.error_text


def test_clear_shows_nothing(qtbot, view):
    show(qtbot, view, torchsig("psk", "0000"))
    view.clear()
    assert view.current_sample_id is None and view.image_item.image is None
    assert view.boxes_item.boxes.shape == (0, 4) and view.error_text == ""


def test_only_the_latest_of_quick_swaps_reports_painted(qtbot, view):
    first, second = torchsig("fsk", "0000"), torchsig("fsk", "0001")
    seen = []
    view.sample_painted.connect(seen.append)
    view.show_sample(first)
    view.show_sample(second)
    qtbot.waitUntil(lambda: seen == ["0001"], timeout=5000)
    qtbot.wait(50)
    assert seen == ["0001"]


SETTINGS = {"colormap": "magma", "levels": [10.0, 200.0], "levels_set_by_hand": True, "auto_levels": False,
            "axes_mode": "real", "labels_shown": False}


def test_settings_round_trip_as_plain_json(qtbot, view):
    with qtbot.assertNotEmitted(view.view_settings_changed):  # applying saved settings is no change
        view.apply_view_settings(SETTINGS)
    assert view.view_settings() == SETTINGS
    assert json.loads(json.dumps(view.view_settings())) == SETTINGS
    other = SpectrogramView()
    qtbot.addWidget(other)
    other.apply_view_settings(json.loads(json.dumps(view.view_settings())))
    assert other.view_settings() == SETTINGS
    assert other.canvas.levels() == (10.0, 200.0)
    assert not other.boxes_item.labels_shown


@pytest.mark.parametrize("junk", [None, "magma", 3, [], {"colormap": "nope", "levels": "0..255", "auto_levels": "maybe",
                                  "axes_mode": 3, "labels_shown": None},
                                  {"levels": [200, 10]}, {"levels": [0, float("nan")]}, {"levels": [1, 2, 3]}])
def test_junk_settings_change_nothing(view, junk):
    before = view.view_settings()
    view.apply_view_settings(junk)
    assert view.view_settings() == before


def test_settings_as_ini_strings_are_understood():
    clean = clean_view_settings({"levels": ["10", "200"], "auto_levels": "true", "labels_shown": "0"},
                                ("gray",))
    assert clean == {"levels": (10.0, 200.0), "auto_levels": True, "labels_shown": False}


def test_colormap_and_levels_are_kept_for_the_next_sample(qtbot, view):
    show(qtbot, view, torchsig("chirp", "0000"))
    with qtbot.waitSignal(view.view_settings_changed):
        view._colormap_combo.setCurrentText("inferno")  # as a user's choice in the combo
    with qtbot.waitSignal(view.view_settings_changed):
        view.canvas.histogram.setLevels(20, 180)  # as a drag of the level region
    lut_before = view.image_item.lut
    show(qtbot, view, torchsig("chirp", "0001"))
    assert view.view_settings()["colormap"] == "inferno"
    assert view.view_settings()["levels"] == [20.0, 180.0]
    assert tuple(view.image_item.getLevels()) == (20.0, 180.0)
    assert view.canvas.levels() == (20.0, 180.0)
    assert view.image_item.lut is lut_before


def test_the_first_sample_sets_robust_levels_that_the_next_samples_keep(qtbot, view):
    assert view.canvas.levels() == (0.0, 255.0)  # nothing shown yet
    floor = np.tile((np.arange(256) % 40 + 20).astype(np.uint8), (256, 1))  # a dim floor, 20..59
    first = floor.copy()
    first[100:110, 50:200] = 200  # one bright emitter, ~2 % of the pixels
    first[0, 0] = 255  # a hot pixel must not stretch the range
    show(qtbot, view, synthetic(first))
    low, high = view.canvas.levels()
    expected = np.percentile(first[::2, ::2], SESSION_PERCENTILES)
    assert (low, high) == tuple(float(v) for v in expected) and 20 <= low < 25 and high == 200.0
    assert tuple(view.image_item.getLevels()) == (low, high)
    show(qtbot, view, synthetic(np.full((64, 64), 100, np.uint8)))  # another sample: the same levels
    assert view.canvas.levels() == (low, high)
    assert view.view_settings()["levels_set_by_hand"] is False


def test_restored_levels_are_refitted_unless_they_were_set_by_hand(qtbot):
    ramp = np.tile(np.linspace(50, 100, 128).astype(np.uint8), (128, 1))
    fitted, by_hand = SpectrogramView(), SpectrogramView()
    for widget in (fitted, by_hand):
        qtbot.addWidget(widget)
        widget.show()
        qtbot.waitExposed(widget)
    fitted.apply_view_settings({"levels": [0, 255], "levels_set_by_hand": False})
    by_hand.apply_view_settings({"levels": [10, 30], "levels_set_by_hand": True})
    show(qtbot, fitted, synthetic(ramp))
    show(qtbot, by_hand, synthetic(ramp))
    assert 50 <= fitted.canvas.levels()[0] < 52 and 99 <= fitted.canvas.levels()[1] <= 100
    assert by_hand.canvas.levels() == (10.0, 30.0)


def test_a_level_set_by_hand_is_kept_and_remembered_as_such(qtbot, view):
    with qtbot.waitSignal(view.view_settings_changed):
        view.canvas.histogram.setLevels(5, 90)  # as a drag before the first sample arrives
    show(qtbot, view, synthetic(np.tile(np.arange(256, dtype=np.uint8), (64, 1))))
    assert view.canvas.levels() == (5.0, 90.0)
    assert view.view_settings()["levels_set_by_hand"] is True


def test_auto_levels_fit_each_image_and_a_hand_set_level_turns_them_off(qtbot, view):
    view.apply_view_settings({"auto_levels": True})
    ramp = np.tile(np.linspace(50, 100, 128).astype(np.uint8), (128, 1))
    show(qtbot, view, synthetic(ramp))
    low, high = view.canvas.levels()
    assert 50 <= low < 53 and 95 < high <= 100  # a subsample: within a step of the ends
    with qtbot.waitSignal(view.view_settings_changed):
        view.canvas.histogram.setLevels(0, 255)
    assert view.view_settings()["auto_levels"] is False
    show(qtbot, view, synthetic(ramp))
    assert view.canvas.levels() == (0.0, 255.0)


def test_real_unit_axes_when_the_json_has_the_window(qtbot, view):
    pixels = np.zeros((1024, 1024), np.uint8)
    show(qtbot, view, synthetic(pixels, [(0, 512, 512, 1024)], **WINDOW))
    assert view.axes_mapping is not None and view._axes_check.isEnabled()
    with qtbot.waitSignal(view.view_settings_changed):
        view._axes_check.setChecked(True)
    bottom, left = view.canvas.bottom_axis, view.canvas.left_axis
    assert bottom.label_text == "time since window start (ms)" and left.label_text == "frequency (MHz)"
    ticks = bottom.tick_labels(0, 1024, 800)
    assert [text for _, text in ticks][:3] == ["0", "20", "40"]
    assert ticks[1][0] == pytest.approx(20 / 100 * 1024)
    freq = dict((text, px) for px, text in left.tick_labels(0, 1024, 600))
    assert freq["835"] == pytest.approx(0.0)  # the highest frequency at row 0
    assert freq["825"] == pytest.approx(512.0) and freq["815"] == pytest.approx(1024.0)
    readout = view.readout_at(256.5, 512.5)
    assert readout.startswith("row 512, col 256   value 0")
    assert "t 25.049 ms" in readout and "f 824.990 MHz" in readout and readout.endswith("box 0")


def test_pixel_axes_when_the_json_lacks_the_window(qtbot, view):
    view.apply_view_settings({"axes_mode": "real"})
    show(qtbot, view, torchsig("wideband", "0001"))
    assert view.axes_mapping is None and not view._axes_check.isEnabled()
    assert "window_start_sec" in view._axes_check.toolTip()
    assert view.canvas.bottom_axis.label_text.startswith("time: column")
    assert [t for _, t in view.canvas.bottom_axis.tick_labels(0, 1000, 800)][:2] == ["0", "200"]
    assert view.view_settings()["axes_mode"] == "real"  # kept for samples that have the window
    assert view.readout_at(5.5, 7.2) == f"row 7, col 5   value {view.image_item.image[7, 5]}"
    assert view.readout_at(-1, 5) == "" and view.readout_at(5, 1024) == ""


def test_hovering_a_box_gives_its_tooltip_and_the_readout(qtbot, view):
    sample = torchsig("wideband", "0000")
    show(qtbot, view, sample)
    x0, y0, x1, y1 = sample.labels.boxes[2]
    centre = view.canvas.widget_rect_of(x0, y0, x1, y1).center().toPoint()
    qtbot.mouseMove(view.canvas.viewport(), centre)
    qtbot.waitUntil(lambda: view.boxes_item.toolTip() != "", timeout=3000)
    tip = view.boxes_item.toolTip()
    assert tip.startswith("Box 2: 4fsk\nclass name: 4fsk\npixels: x 75-477, y 229-305")
    assert "box 2" in view._readout.text() and view._readout.text().startswith("row ")
    viewport = view.canvas.viewport()
    help_event = QtGui.QHelpEvent(QtCore.QEvent.Type.ToolTip, centre, viewport.mapToGlobal(centre))
    QtWidgets.QApplication.sendEvent(viewport, help_event)  # what Qt sends after a hover pause
    assert QtWidgets.QToolTip.text() == tip


def test_highlight_box_draws_it_in_the_highlight_colour(qtbot, view):
    sample = torchsig("wideband", "0000")
    show(qtbot, view, sample)
    view.highlight_box(1)
    qtbot.wait(20)
    rect = view.canvas.widget_rect_of(*sample.labels.boxes[1])
    x, y = int(rect.center().x()), int(rect.top())
    assert near_colour(grab_canvas(view)[y - 3:y + 4, x - 3:x + 4], HIGHLIGHT_RGB).any()
    view.highlight_box(-1)
    assert view.boxes_item.highlighted is None
    view.highlight_box(None)
    assert view.boxes_item.highlighted is None


def test_reset_view_fits_the_whole_image_again(qtbot, view):
    show(qtbot, view, torchsig("psk", "0001"))
    view.canvas.view_box.setRange(xRange=(100, 200), yRange=(300, 350), padding=0)
    view.reset_view_action.trigger()
    (x_lo, x_hi), (y_lo, y_hi) = view.canvas.view_box.viewRange()
    assert (x_lo, x_hi, y_lo, y_hi) == pytest.approx((0, 1024, 0, 1024), abs=1)


def test_zoom_is_kept_for_a_sample_of_the_same_size(qtbot, view):
    show(qtbot, view, torchsig("psk", "0000"))
    view.canvas.view_box.setRange(xRange=(100, 200), yRange=(300, 350), padding=0)
    show(qtbot, view, torchsig("psk", "0001"))
    assert view.canvas.view_box.viewRange()[0] == pytest.approx([100, 200], abs=1)
    show(qtbot, view, synthetic(np.zeros((64, 128), np.uint8)))  # a new size: fit it
    assert view.canvas.view_box.viewRange()[0] == pytest.approx([0, 128], abs=1)


def test_the_view_box_zooms_freely(view):
    assert not view.canvas.view_box.state["aspectLocked"]
    assert view.canvas.view_box.state["mouseEnabled"] == [True, True]
    assert view.canvas.view_box.state["yInverted"]
    assert view.image_item.axisOrder == "row-major"
    assert view.reset_view_action.shortcut() == QtGui.QKeySequence("Home")
