"""Box editing on the real view: clicks and drags through the viewport, keys, undo, saves asked for."""

from __future__ import annotations

import json

import pytest
from PySide6 import QtCore, QtWidgets

from specgui.core.review.box_save import save_boxes
from specgui.core.samples.loading import load_sample
from specgui.gui.widgets.sample.spectrogram_view import SpectrogramView

from ..helpers import write_sample

pytestmark = pytest.mark.gui
LEFT = QtCore.Qt.MouseButton.LeftButton
BOXES = [{"x_min": 20, "y_min": 20, "x_max": 60, "y_max": 50, "label": "a", "confidence": 0.5},
         {"x_min": 100, "y_min": 70, "x_max": 140, "y_max": 110}]


@pytest.fixture
def sample(tmp_path):
    samples = tmp_path / "signals" / "sig" / "samples"
    write_sample(samples, "0001", shape=(128, 192), boxes=BOXES, extra={"original_boxes": [{"t": 1}]})
    write_sample(samples, "0002", shape=(128, 192), boxes=BOXES[1:])
    return samples


@pytest.fixture
def view(qtbot, sample) -> SpectrogramView:
    widget = SpectrogramView()
    qtbot.addWidget(widget)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    show(qtbot, widget, sample, "0001")
    return widget


def show(qtbot, view, samples, sample_id):
    with qtbot.waitSignal(view.sample_painted, timeout=5000):
        view.show_sample(load_sample(samples, sample_id))


def at(view, x: float, y: float) -> QtCore.QPoint:
    """The viewport point over image pixel (x, y)."""
    scene = view.canvas.view_box.mapViewToScene(QtCore.QPointF(x, y))
    return view.canvas.mapFromScene(scene)


def drag(qtbot, view, start, end, steps: int = 6) -> None:
    port = view.canvas.viewport()
    a, b = at(view, *start), at(view, *end)
    qtbot.mousePress(port, LEFT, pos=a)
    for i in range(1, steps + 1):
        qtbot.mouseMove(port, pos=a + (b - a) * i / steps)
    qtbot.mouseRelease(port, LEFT, pos=b)


def click(qtbot, view, x, y) -> None:
    qtbot.mouseClick(view.canvas.viewport(), LEFT, pos=at(view, x, y))


def rects(view):
    return [tuple(int(v) for v in r) for r in view.boxes_item.boxes]


def key(qtbot, view, k, mods=QtCore.Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(view.canvas, k, mods)


def test_nothing_selected_means_no_session_and_one_boxes_item(view):
    assert view.box_editor.session() is None and view.canvas.editor_item.selected_rect is None


def test_the_idle_editor_item_is_left_out_of_painting_but_still_takes_clicks(qtbot, view):
    no_contents = QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
    item = view.canvas.editor_item
    assert item.flags() & no_contents  # stepping paints the boxes item alone
    click(qtbot, view, 40, 35)
    assert item.selected_rect == (20, 20, 60, 50) and not item.flags() & no_contents
    qtbot.keyClick(view.canvas, QtCore.Qt.Key.Key_Escape)
    assert item.selected_rect is None and item.flags() & no_contents


def test_click_selects_and_drag_moves_in_whole_pixels(qtbot, view):
    click(qtbot, view, 40, 35)
    session = view.box_editor.session()
    assert session.selected == session.boxes[0].uid
    assert view.canvas.editor_item.selected_rect == (20, 20, 60, 50)
    drag(qtbot, view, (40, 35), (52, 42))
    assert rects(view)[0] == (32, 27, 72, 57) and session.dirty
    key(qtbot, view, QtCore.Qt.Key.Key_Z, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert rects(view)[0] == (20, 20, 60, 50) and not session.dirty
    key(qtbot, view, QtCore.Qt.Key.Key_Y, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert rects(view)[0] == (32, 27, 72, 57)


def test_drag_of_an_unselected_box_grabs_it_and_drag_on_empty_image_pans(qtbot, view):
    before = view.canvas.view_box.viewRange()
    drag(qtbot, view, (170, 120), (150, 100))
    assert view.canvas.view_box.viewRange() != before  # panned, as before editing existed
    assert view.box_editor.session() is None or not view.box_editor.session().dirty
    view.reset_view()
    qtbot.wait(QtWidgets.QApplication.doubleClickInterval() + 50)  # the next press is no double click
    drag(qtbot, view, (120, 90), (110, 80))
    assert rects(view)[1] == (90, 60, 130, 100)


def test_resize_by_a_handle_clamps_to_the_image(qtbot, view):
    click(qtbot, view, 40, 35)
    drag(qtbot, view, (60, 50), (400, 400))  # bottom-right handle far outside the image
    assert rects(view)[0] == (20, 20, 191, 127)
    drag(qtbot, view, (20, 20), (100, 25))  # top-left handle dragged past the right edge: normalised
    x0, y0, x1, y1 = rects(view)[0]
    assert x0 < x1 and y0 < y1 and all(isinstance(v, int) for v in view.box_editor.session().to_json()[0].values()
                                       if not isinstance(v, (str, float)))


def test_keys_tab_nudge_delete_duplicate_add(qtbot, view):
    view.canvas.setFocus()
    key(qtbot, view, QtCore.Qt.Key.Key_Tab)
    session = view.box_editor.session()
    assert session.index_of(session.selected) == 0
    key(qtbot, view, QtCore.Qt.Key.Key_Tab)
    assert session.index_of(session.selected) == 1
    key(qtbot, view, QtCore.Qt.Key.Key_Right)
    key(qtbot, view, QtCore.Qt.Key.Key_Down, QtCore.Qt.KeyboardModifier.ShiftModifier)
    assert rects(view)[1] == (101, 80, 141, 120)
    key(qtbot, view, QtCore.Qt.Key.Key_D, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert len(rects(view)) == 3 and rects(view)[2] == (106, 85, 146, 125)
    key(qtbot, view, QtCore.Qt.Key.Key_Delete)
    assert len(rects(view)) == 2
    key(qtbot, view, QtCore.Qt.Key.Key_W)
    drag(qtbot, view, (150, 10), (170, 31))
    assert rects(view)[-1] == (150, 10, 170, 31)
    assert session.boxes[-1].label == "a"  # the signal's label offered by default
    for _ in range(4):
        key(qtbot, view, QtCore.Qt.Key.Key_Z, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert rects(view) == [(20, 20, 60, 50), (100, 70, 140, 110)] and not session.dirty


def test_label_change_offers_the_signals_labels(qtbot, view):
    offered = []
    view.box_editor.label_chooser = lambda labels, current: offered.append((labels, current)) or "fm"
    click(qtbot, view, 120, 90)
    key(qtbot, view, QtCore.Qt.Key.Key_L)
    assert offered == [(["a"], None)]
    assert view.box_editor.session().to_json()[1]["label"] == "fm"
    assert view.boxes_item.tag_text(1) == "1 fm"


def test_ctrl_s_asks_for_a_save_and_a_conflict_keeps_the_edits(qtbot, view, sample):
    asked = []
    view.box_editor.save_requested.connect(asked.append)
    click(qtbot, view, 40, 35)
    key(qtbot, view, QtCore.Qt.Key.Key_Left)
    with qtbot.waitSignal(view.box_editor.save_requested):
        key(qtbot, view, QtCore.Qt.Key.Key_S, QtCore.Qt.KeyboardModifier.ControlModifier)
    request = asked[0]
    assert request.boxes[0] == {**BOXES[0], "x_min": 19, "x_max": 59} and request.sample_id == "0001"
    new_sha = save_boxes(request.json_path, request.boxes, request.expected_sha256, request.image_shape)
    view.box_editor.saved(request.key, request.boxes, new_sha)
    assert not view.box_editor.session().dirty
    assert json.loads(request.json_path.read_text())["original_boxes"] == [{"t": 1}]


def test_leaving_a_dirty_sample_saves_it_and_edits_survive_stepping_back(qtbot, view, sample):
    asked = []
    view.box_editor.save_requested.connect(asked.append)
    click(qtbot, view, 40, 35)
    key(qtbot, view, QtCore.Qt.Key.Key_Up)
    show(qtbot, view, sample, "0002")
    assert [r.sample_id for r in asked] == ["0001"]
    assert rects(view) == [(100, 70, 140, 110)]
    show(qtbot, view, sample, "0001")  # the file is unchanged (save not done): our edits are shown
    assert rects(view)[0] == (20, 19, 60, 49)
    key(qtbot, view, QtCore.Qt.Key.Key_Z, QtCore.Qt.KeyboardModifier.ControlModifier)
    assert rects(view)[0] == (20, 20, 60, 50)


def test_escape_cancels_add_mode_and_selection(qtbot, view):
    key(qtbot, view, QtCore.Qt.Key.Key_W)
    assert view.canvas.editor_item.add_mode
    view.canvas.setFocus()
    key(qtbot, view, QtCore.Qt.Key.Key_Escape)
    assert not view.canvas.editor_item.add_mode
    click(qtbot, view, 40, 35)
    key(qtbot, view, QtCore.Qt.Key.Key_Escape)
    assert view.box_editor.session().selected is None and view.canvas.editor_item.selected_rect is None


def test_labels_read_from_the_whole_signal_come_first(qtbot, view):
    view.box_editor.set_signal_labels(str(view.box_editor.sample.json_path.parent.parent), {"lte": 9, "a": 1})
    offered = []
    view.box_editor.label_chooser = lambda labels, current: offered.append(labels) or None
    click(qtbot, view, 120, 90)
    key(qtbot, view, QtCore.Qt.Key.Key_L)
    assert offered == [["lte", "a"]]
