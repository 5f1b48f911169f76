"""A labeler reviews a signal end to end in the real window, from the keyboard and the mouse:
step, fix a box by dragging it, undo, redo, save, mark reviewed, exclude one, and the next
extension's preview (the window's own Extend… path) holds the excluded one back."""

from __future__ import annotations

import json

import pytest
from PySide6 import QtCore

from specgui.core.review.states import read_review_states
from specgui.core.splits.manager import SplitManager
from specgui.gui.widgets import dialogs

from ..helpers import make_signal, write_sample
from .conftest import WAIT_MS, select_and_wait
from .test_box_editing import drag

pytestmark = pytest.mark.gui
BOX = [{"x_min": 10, "y_min": 10, "x_max": 30, "y_max": 20, "label": "sig", "score": 0.75}]
CTRL, SHIFT = QtCore.Qt.KeyboardModifier.ControlModifier, QtCore.Qt.KeyboardModifier.ShiftModifier


def rects(window):
    return [tuple(int(v) for v in r) for r in window.view.boxes_item.boxes]


def test_a_signal_reviewed_from_the_keyboard_and_the_extension_holds_the_excluded_back(
        qtbot, open_window, tmp_path, monkeypatch):
    root = tmp_path / "signals"
    make_signal(root, "sig", ["a1", "a2", "a3", "a4"], shape=(64, 96), boxes=BOX)
    SplitManager(root).create_initial_split("sig", 0.25, 42)
    for seed, sample_id in enumerate(["b1", "b2", "b3"], start=10):  # own pixels: copies of val would be held back too
        write_sample(root / "sig" / "samples", sample_id, shape=(64, 96), boxes=BOX, seed=seed,
                     extra={"original_boxes": [{"t": 1}]})
    window = open_window(root)
    tree, canvas = window.tree_panel.tree, window.view.canvas
    qtbot.waitUntil(lambda: window.tree_panel.model.find("sig", "b3").isValid(), timeout=WAIT_MS)
    select_and_wait(qtbot, window, "sig", "b1")

    # step: J goes to the next sample
    tree.setFocus()
    with qtbot.waitSignal(window.view.sample_painted, timeout=WAIT_MS, check_params_cb=lambda s: s == "b2"):
        qtbot.keyClick(tree, QtCore.Qt.Key.Key_J)
    assert window.tree_panel.current_key() == ("sig", "b2")

    # fix a box: drag it through the viewport by (+10, +10) pixels
    drag(qtbot, window.view, (20, 15), (30, 25))
    assert rects(window) == [(20, 20, 40, 30)]
    session = window.view.box_editor.session()
    assert session.dirty

    # undo, redo
    canvas.setFocus()
    qtbot.keyClick(canvas, QtCore.Qt.Key.Key_Z, CTRL)
    assert rects(window) == [(10, 10, 30, 20)] and not session.dirty
    qtbot.keyClick(canvas, QtCore.Qt.Key.Key_Z, CTRL | SHIFT)
    assert rects(window) == [(20, 20, 40, 30)] and session.dirty

    # save: Ctrl+S through the worker; every other key kept
    path = root / "sig" / "samples" / "b2.json"
    with qtbot.waitSignal(window.state.edits.boxes_saved, timeout=WAIT_MS):
        qtbot.keyClick(canvas, QtCore.Qt.Key.Key_S, CTRL)
    saved = json.loads(path.read_text())
    assert saved["boxes"] == [{**BOX[0], "x_min": 20, "y_min": 20, "x_max": 40, "y_max": 30}]
    assert saved["original_boxes"] == [{"t": 1}] and saved["sample_id"] == "b2" and "edited_at" in saved
    assert not session.dirty

    # mark reviewed: Space marks and steps on
    tree.setFocus()
    qtbot.keyClick(tree, QtCore.Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.tree_panel.current_key() == ("sig", "b3"), timeout=WAIT_MS)
    signal_dir = root / "sig"
    qtbot.waitUntil(lambda: "b2" in read_review_states(signal_dir), timeout=WAIT_MS)
    assert read_review_states(signal_dir)["b2"].state == "reviewed"

    # exclude one: X asks for a note
    notes = []
    window.edit_wiring.note_chooser = lambda sample_id: notes.append(sample_id) or "interference burst"
    qtbot.waitUntil(lambda: window.view.painted_sample_id == "b3", timeout=WAIT_MS)
    qtbot.keyClick(tree, QtCore.Qt.Key.Key_X)
    assert notes == ["b3"]
    qtbot.waitUntil(lambda: window.tree_panel.model.review_of("sig", "b3") == "exclude", timeout=WAIT_MS)
    assert read_review_states(signal_dir)["b3"].note == "interference burst"

    # the next extension: one click on the guarded Extend button writes it; the excluded one stays out
    qtbot.waitUntil(lambda: window.split_panel.extend_button.text() == "Extend +2 (1 held back)", timeout=WAIT_MS)
    with qtbot.waitSignal(window.state.splits.split_changed, timeout=WAIT_MS):
        window.split_panel.extend_button.click()
    preview = window.split_panel.notice.preview
    assert preview.added == ("b1", "b2")
    assert [(h.sample_id, h.kind, h.reason) for h in preview.held_back] == [("b3", "excluded", "interference burst")]
    written = json.loads((root / "sig" / "splits" / "v2.json").read_text())
    assert {"b1", "b2"} <= set(written["train_samples"]) and "b3" not in written["train_samples"] + written["val_samples"]
