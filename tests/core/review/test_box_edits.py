"""The edit model: clamping, integer pixels, undo/redo, merged nudges, dirty state, file keys kept."""

from __future__ import annotations

import pytest

from specgui.core.review.box_edits import BoxEditSession, clamp_rect

RAW = [{"x_min": 10, "y_min": 20, "x_max": 30, "y_max": 40, "label": "a", "confidence": 0.9},
       {"x_min": 50, "y_min": 50, "x_max": 60, "y_max": 70}]


def session(class_names=None):
    return BoxEditSession(RAW, (100, 200), "sha", class_names)


def test_unchanged_session_writes_back_the_same_boxes():
    s = session()
    assert s.to_json() == RAW and not s.dirty


@pytest.mark.parametrize("rect, expected", [
    ((5.4, 5.6, 20.5, 30), (5, 6, 20, 30)), ((30, 40, 10, 20), (10, 20, 30, 40)),
    ((-5, -5, 500, 500), (0, 0, 199, 99)), ((10, 10, 10, 10), (10, 10, 11, 11)), ((199, 99, 199, 99), (198, 98, 199, 99)),
])
def test_clamp(rect, expected):
    assert clamp_rect(rect, (100, 200)) == expected


def test_move_stops_at_the_edges_keeping_the_size():
    s = session()
    uid = s.boxes[0].uid
    s.move(uid, -100, 0)
    assert s.boxes[0].rect == (0, 20, 20, 40)
    s.move(uid, 1000, 1000)
    assert s.boxes[0].rect == (179, 79, 199, 99)


def test_nudges_merge_into_one_undo_and_undo_redo_restore_exact_states():
    s = session()
    uid = s.boxes[0].uid
    for _ in range(5):
        s.move(uid, 1, 0)
    assert s.boxes[0].rect == (15, 20, 35, 40) and s.dirty
    s.undo()
    assert s.boxes[0].rect == (10, 20, 30, 40) and not s.dirty
    s.redo()
    assert s.boxes[0].rect == (15, 20, 35, 40)
    s.move(uid, -5, 0, merge=True)  # a redone command does not merge: one more step
    assert s.boxes[0].rect == (10, 20, 30, 40)
    s.undo()
    assert s.boxes[0].rect == (15, 20, 35, 40)


def test_add_delete_duplicate_label_are_undoable_commands():
    s = session()
    first = s.boxes[0].uid
    new = s.add((100, 10, 90, 5), "b")
    assert s.box(new).rect == (90, 5, 100, 10) and s.selected == new
    dup = s.duplicate(first)
    assert s.box(dup).rect == (15, 25, 35, 45) and s.box(dup).extra == (("confidence", 0.9),)
    s.set_label(first, "  c ")
    s.delete(s.boxes[1].uid)
    assert [b.label for b in s.boxes] == ["c", "b", "a"]
    for _ in range(4):
        assert s.undo()
    assert s.to_json() == RAW and not s.dirty and not s.undo()
    for _ in range(4):
        assert s.redo()
    assert len(s.boxes) == 3 and s.dirty


def test_saved_state_and_a_new_edit_after_undo():
    s = session()
    uid = s.boxes[0].uid
    s.move(uid, 1, 0)
    s.mark_saved("new")
    assert not s.dirty and s.base_sha256 == "new"
    s.undo()
    assert s.dirty
    s.move(uid, 0, 3)  # the saved state is gone from the history: dirty until saved again
    assert s.dirty and not s.can_redo


def test_class_names_labels_are_kept_readable_after_a_delete():
    raw = [{"x_min": 1, "y_min": 1, "x_max": 5, "y_max": 5}, {"x_min": 6, "y_min": 6, "x_max": 9, "y_max": 9}]
    s = BoxEditSession(raw, (100, 200), "sha", ["bpsk", "fm"])
    assert [b.label for b in s.boxes] == ["bpsk", "fm"] and s.to_json() == raw  # unchanged: no label keys added
    s.delete(s.boxes[0].uid)
    assert s.to_json() == [{"x_min": 6, "y_min": 6, "x_max": 9, "y_max": 9, "label": "fm"}]


def test_cycle_and_selection_survive_undo():
    s = session()
    assert s.cycle() == s.boxes[0].uid and s.cycle() == s.boxes[1].uid and s.cycle() == s.boxes[0].uid
    assert s.cycle(-1) == s.boxes[1].uid
    new = s.add((1, 1, 3, 3))
    s.undo()
    assert s.selected is None and s.box(new) is None
    assert not session().set_rect(999, (1, 1, 2, 2))
