"""BoxesItem: holds exactly the boxes given, paints them at constant width, tells about each."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from specgui.gui.widgets.sample.boxes_item import BOX_RGB, HIGHLIGHT_RGB, BoxesItem, describe_box
from specgui.core.samples.axes import mapping_from_metadata

pytestmark = pytest.mark.gui

BOXES = np.array([[10, 20, 60, 40], [30, 30, 90, 80], [35, 35, 45, 45]], dtype=np.float64)
WINDOW = {"window_start_sec": 1.0, "window_duration_sec": 0.1, "center_freq_mhz": 825.0, "sample_rate_mhz": 20.0}


@pytest.fixture
def item(qapp) -> BoxesItem:
    boxes = BoxesItem()
    boxes.set_extent(100, 100)
    boxes.set_boxes(BOXES, ["a", None, "c"])
    return boxes


def render(item: BoxesItem, scale: float, size: int = 420) -> np.ndarray:
    """Paint ``item`` alone, zoomed by ``scale``, over black; returns RGB ``[rows, cols, 3]``."""
    image = QtGui.QImage(size, size, QtGui.QImage.Format.Format_RGB32)
    image.fill(QtGui.QColor(0, 0, 0))
    painter = QtGui.QPainter(image)
    painter.scale(scale, scale)
    item.paint(painter, None)
    painter.end()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(size, image.bytesPerLine() // 4, 4)
    return raw[:, :size, 2::-1].copy()  # BGRA in memory -> RGB


def is_colour(pixels: np.ndarray, rgb) -> np.ndarray:
    return np.all(np.abs(pixels.astype(int) - np.array(rgb)) <= 40, axis=-1)


def test_holds_exactly_the_boxes_given(item):
    np.testing.assert_array_equal(item.boxes, BOXES)
    assert item.boxes.dtype == np.float64
    with pytest.raises(ValueError):
        item.boxes[0, 0] = 99  # a read-only view: the drawing cannot drift from the data
    assert [item.tag_text(i) for i in range(3)] == ["0 a", "1", "2 c"]
    assert item.boundingRect() == QtCore.QRectF(0, 0, 100, 100)


def test_set_boxes_replaces_everything(item):
    item.set_highlight(1)
    item.set_boxes(np.array([[1, 2, 3, 4]]), ["x"])
    np.testing.assert_array_equal(item.boxes, [[1, 2, 3, 4]])
    assert item.highlighted is None
    item.set_boxes(np.zeros((0, 4)))
    assert item.boxes.shape == (0, 4)
    assert render(item, 1.0).max() == 0  # nothing painted


def test_bounds_cover_boxes_outside_the_extent(qapp):
    item = BoxesItem()
    item.set_boxes(np.array([[-5, -5, 20, 20]]))
    assert item.boundingRect().contains(QtCore.QRectF(-5, -5, 25, 25))


def test_lines_keep_their_width_on_zoom(item):
    item.set_labels_shown(False)
    widths = []
    for scale in (1.0, 4.0):
        pixels = render(item, scale)
        column, top = int(20 * scale), int(20 * scale)  # box 0's top edge, away from other boxes
        near = pixels[top - 8:top + 8, column]
        cyan_rows = np.flatnonzero(is_colour(near, BOX_RGB)) + top - 8
        assert cyan_rows.size, f"no box line at scale {scale}"
        assert abs(cyan_rows.mean() - top) <= 2
        widths.append(cyan_rows.size)
    assert widths[0] == widths[1]


def test_labels_can_be_hidden(item):
    with_tags = render(item, 4.0)
    item.set_labels_shown(False)
    without = render(item, 4.0)
    assert not item.labels_shown
    # The tag "0 a" sits just above box 0's top-left corner (40, 80 on screen).
    above = (slice(60, 78), slice(40, 70))
    assert is_colour(with_tags[above], BOX_RGB).any()
    assert not is_colour(without[above], BOX_RGB).any()


def test_highlight_draws_one_box_in_another_colour(item):
    item.set_labels_shown(False)
    assert not is_colour(render(item, 4.0), HIGHLIGHT_RGB).any()
    item.set_highlight(0)
    pixels = render(item, 4.0)
    assert item.highlighted == 0
    assert is_colour(pixels[78:83, 100], HIGHLIGHT_RGB).any()  # top edge of box 0 (y 20 -> 80)
    item.set_highlight(7)
    assert item.highlighted is None
    item.set_highlight(None)
    assert item.highlighted is None


def test_box_at_picks_the_smallest_box_under_the_point(item):
    assert item.box_at(15, 25) == 0
    assert item.box_at(50, 70) == 1
    assert item.box_at(40, 40) == 2  # inside all three
    assert item.box_at(99, 5) is None


class _Hover:
    """The two things BoxesItem asks of a pyqtgraph HoverEvent."""

    def __init__(self, x: float, y: float, exit_: bool = False):
        self._pos, self._exit = QtCore.QPointF(x, y), exit_

    def pos(self):
        return self._pos

    def isExit(self):
        return self._exit


def test_hovering_a_box_sets_its_tooltip(qapp):
    meta = {**WINDOW, "boxes": [{"x_min": 10, "y_min": 20, "x_max": 60, "y_max": 40,
                                 "label": "signal", "confidence": 0.87}],
            "class_names": ["lfm-data"]}
    mapping = mapping_from_metadata(meta, (100, 100))
    item = BoxesItem()
    item.set_boxes(BOXES[:1], ["signal"], [describe_box(0, BOXES[0], meta, mapping)])
    item.hoverEvent(_Hover(30, 30))
    tip = item.toolTip()
    assert tip.splitlines()[0] == "Box 0: signal"
    assert "class name: lfm-data" in tip and "confidence: 0.87" in tip
    assert "pixels: x 10-60, y 20-40 (50 x 20)" in tip
    assert "time: 10-60 ms (50 ms)" in tip  # 100 ms over 100 columns
    assert "frequency: 827.0-831.0 MHz (4.0 MHz)" in tip  # 835 MHz - y * 0.2 MHz
    item.hoverEvent(_Hover(90, 90))
    assert item.toolTip() == ""
    item.hoverEvent(_Hover(30, 30))
    item.hoverEvent(_Hover(30, 30, exit_=True))
    assert item.toolTip() == ""


def test_describe_box_without_metadata_gives_pixels_only():
    text = describe_box(3, [1.5, 2, 10, 20])
    assert text == "Box 3\npixels: x 1.5-10, y 2-20 (8.5 x 18)"


def test_describe_box_tolerates_odd_metadata():
    meta = {"boxes": "nope", "class_names": "also nope"}
    assert describe_box(0, [0, 0, 1, 1], meta).startswith("Box 0\n")
    meta = {"boxes": [17], "class_names": ["psk"]}
    assert describe_box(0, [0, 0, 1, 1], meta).splitlines()[:2] == ["Box 0: psk", "class name: psk"]


def test_tooltips_default_to_pixel_descriptions(item):
    assert item.tooltip_for(1).startswith("Box 1\npixels: x 30-90")
    assert item.tooltip_for(5) == ""


def test_tooltip_texts_from_a_callable_are_made_only_on_hover(qapp):
    asked = []
    item = BoxesItem()
    item.set_boxes(BOXES, (), lambda i: asked.append(i) or f"tip {i}")
    assert asked == []
    item.hoverEvent(_Hover(50, 70))
    assert item.toolTip() == "tip 1" and asked == [1]
