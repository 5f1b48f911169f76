"""The whole window: save through the worker, conflicts, review marks with Space, the journal."""

from __future__ import annotations

import json

import pytest
from PySide6 import QtCore

from specgui.core.review.journal import read_entries
from specgui.core.review.states import read_review_states, set_review_states
from specgui.core.review.box_save import file_sha256, save_boxes
from specgui.core.splits.manager import SplitManager
from specgui.app.jobs import preview_extend_job

from ..helpers import make_signal
from .conftest import WAIT_MS, select_and_wait

pytestmark = pytest.mark.gui
IDS = ["a1", "a2", "a3", "a4"]
BOX = [{"x_min": 10, "y_min": 10, "x_max": 30, "y_max": 20, "label": "sig"}]


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "signals"
    make_signal(root, "sig", IDS, shape=(64, 96), boxes=BOX, extra={"original_boxes": [{"t": 1}]})
    return root


def nudge_and_save(qtbot, window, times=1):
    canvas = window.view.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, QtCore.Qt.Key.Key_Tab)
    for _ in range(times):
        qtbot.keyClick(canvas, QtCore.Qt.Key.Key_Right)
    qtbot.keyClick(canvas, QtCore.Qt.Key.Key_S, QtCore.Qt.KeyboardModifier.ControlModifier)


def test_ctrl_s_saves_through_the_worker_keeping_other_keys(qtbot, open_window, root):
    window = open_window(root)
    select_and_wait(qtbot, window, "sig", "a1")
    path = root / "sig" / "samples" / "a1.json"
    with qtbot.waitSignal(window.state.edits.boxes_saved, timeout=WAIT_MS):
        nudge_and_save(qtbot, window, 3)
    data = json.loads(path.read_text())
    assert data["boxes"] == [{**BOX[0], "x_min": 13, "x_max": 33}] and data["original_boxes"] == [{"t": 1}]
    assert not window.view.box_editor.session().dirty
    assert window.view.box_editor.session().base_sha256 == file_sha256(path)


@pytest.mark.parametrize("choice", ["keep", "overwrite", "reload"])
def test_a_file_changed_on_disk_is_never_clobbered_silently(qtbot, open_window, root, choice):
    window = open_window(root)
    select_and_wait(qtbot, window, "sig", "a2")
    path = root / "sig" / "samples" / "a2.json"
    theirs = [{"x_min": 1, "y_min": 1, "x_max": 5, "y_max": 5, "label": "theirs"}]
    save_boxes(path, theirs, file_sha256(path), (64, 96))  # the backend (or a second window) wrote it
    asked = []
    window.edit_wiring.conflict_chooser = lambda *shown: asked.append(shown) or choice
    with qtbot.waitSignal(window.state.edits.save_conflicted, timeout=WAIT_MS):
        nudge_and_save(qtbot, window)
    message, shown_theirs, shown_mine, problem = asked[0]
    assert str(path) in message and problem is None
    assert list(shown_theirs) == theirs and shown_mine == [{**BOX[0], "x_min": 11, "x_max": 31}]
    if choice == "keep":
        assert json.loads(path.read_text())["boxes"] == theirs
        assert window.view.box_editor.session().dirty  # the edits stay in the view
        assert [tuple(b) for b in window.view.boxes_item.boxes] == [(11, 10, 31, 20)]
    elif choice == "overwrite":
        qtbot.waitUntil(lambda: json.loads(path.read_text())["boxes"][0]["x_min"] == 11, timeout=WAIT_MS)
    else:
        qtbot.waitUntil(lambda: [tuple(b) for b in window.view.boxes_item.boxes] == [(1, 1, 5, 5)], timeout=WAIT_MS)
        assert json.loads(path.read_text())["boxes"] == theirs


def test_space_marks_reviewed_and_steps_x_excludes_and_extension_holds_it_back(qtbot, open_window, root):
    SplitManager(root).create_initial_split("sig", 0.25, 42)
    make_signal(root, "sig", ["b1", "b2"], shape=(64, 96), boxes=BOX)
    window = open_window(root)
    qtbot.waitUntil(lambda: window.tree_panel.model.find("sig", "b2").isValid(), timeout=WAIT_MS)
    select_and_wait(qtbot, window, "sig", "a1")
    window.tree_panel.tree.setFocus()
    qtbot.keyClick(window.tree_panel.tree, QtCore.Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.tree_panel.current_key() == ("sig", "a2"), timeout=WAIT_MS)
    signal_dir = root / "sig"
    qtbot.waitUntil(lambda: "a1" in read_review_states(signal_dir), timeout=WAIT_MS)
    assert read_review_states(signal_dir)["a1"].state == "reviewed"
    qtbot.waitUntil(lambda: window.tree_panel.model.review_of("sig", "a1") == "reviewed", timeout=WAIT_MS)
    header = window.tree_panel.model.data(window.tree_panel.model.find("sig", None))
    assert "1 / 6 reviewed" in header
    assert window.tree_panel.model.data(window.tree_panel.model.find("sig", "a1", 1)).endswith("✓")
    window.edit_wiring.note_chooser = lambda sample_id: "interference"
    select_and_wait(qtbot, window, "sig", "b1")
    qtbot.keyClick(window.tree_panel.tree, QtCore.Qt.Key.Key_X)
    qtbot.waitUntil(lambda: "b1" in read_review_states(signal_dir), timeout=WAIT_MS)
    assert read_review_states(signal_dir)["b1"].note == "interference"
    qtbot.waitUntil(lambda: window.tree_panel.model.review_of("sig", "b1") == "exclude", timeout=WAIT_MS)
    preview = preview_extend_job(root, "sig", ())  # what the window's Extend… dialog is shown
    assert preview.added == ("b2",)
    assert [(h.sample_id, h.kind, h.reason) for h in preview.held_back] == [("b1", "excluded", "interference")]
    window.tree_panel.review_combo.setCurrentIndex(window.tree_panel.review_combo.findData("exclude"))
    assert window.tree_panel.model.shown_count(0) == 1
    window.tree_panel.review_combo.setCurrentIndex(0)
    select_and_wait(qtbot, window, "sig", "a1")
    assert window.tree_panel.jump_review(None) and window.tree_panel.current_key() == ("sig", "a2")


def test_unsaved_edits_are_journaled_and_offered_back(qtbot, open_window, root):
    window = open_window(root)
    select_and_wait(qtbot, window, "sig", "a3")
    window.view.box_editor.save_on_leave = False
    canvas = window.view.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, QtCore.Qt.Key.Key_Tab)
    qtbot.keyClick(canvas, QtCore.Qt.Key.Key_Down)
    window.close()  # flushes the journal
    entries = read_entries()
    assert [e.json_path for e in entries] == [str(root / "sig" / "samples" / "a3.json")]
    assert entries[0].boxes[0]["y_min"] == 11
    second = open_window(root, wait=False)
    second.edit_wiring.restore_chooser = lambda count: True
    qtbot.waitUntil(lambda: second.view.box_editor.dirty_keys() == [entries[0].json_path], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: second.tree_panel.model.rowCount() > 0, timeout=WAIT_MS)
    select_and_wait(qtbot, second, "sig", "a3")
    assert [tuple(b) for b in second.view.boxes_item.boxes] == [(10, 11, 30, 21)]


def test_the_label_dialog_offers_the_labels_of_samples_not_yet_visited(qtbot, open_window, tmp_path):
    root = tmp_path / "labelled"
    make_signal(root, "sig", ["b1"], shape=(64, 96), boxes=BOX)
    other = [{**BOX[0], "label": "wideband"}] * 3 + [{**BOX[0], "label": "fm"}] * 2
    make_signal(root, "sig", ["b2", "b3"], shape=(64, 96), boxes=other)
    window = open_window(root)
    editor = window.view.box_editor
    select_and_wait(qtbot, window, "sig", "b1")
    qtbot.waitUntil(lambda: editor._signal_labels.get(str(root / "sig")) is not None, timeout=WAIT_MS)
    offered = []
    editor.label_chooser = lambda labels, current: offered.append(labels) or None
    window.view.canvas.setFocus()
    qtbot.keyClick(window.view.canvas, QtCore.Qt.Key.Key_Tab)
    qtbot.keyClick(window.view.canvas, QtCore.Qt.Key.Key_L)
    assert offered == [["wideband", "fm", "sig"]]  # b2 and b3 were never shown
