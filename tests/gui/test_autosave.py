"""The autosave setting: off by default, a checkable File menu action, remembered; leaving saves anyway."""

from __future__ import annotations

import json

import pytest
from PySide6 import QtCore

from specgui.gui.settings import AppSettings, open_settings

from ..helpers import make_signal
from .conftest import WAIT_MS, select_and_wait

pytestmark = pytest.mark.gui
BOX = [{"x_min": 10, "y_min": 10, "x_max": 30, "y_max": 20, "label": "sig"}]


@pytest.fixture
def root(tmp_path):
    root = tmp_path / "signals"
    make_signal(root, "sig", ["a1", "a2"], shape=(64, 96), boxes=BOX)
    return root


def nudge(qtbot, window):
    canvas = window.view.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, QtCore.Qt.Key.Key_Tab)
    qtbot.keyClick(canvas, QtCore.Qt.Key.Key_Right)


def x_min(root, sample_id):
    return json.loads((root / "sig" / "samples" / f"{sample_id}.json").read_text())["boxes"][0]["x_min"]


def test_autosave_is_off_by_default_and_junk_reads_as_off(isolated_settings):
    settings = AppSettings(open_settings())
    assert settings.autosave() is False
    settings.store.setValue("edit/autosave", "maybe")
    assert settings.autosave() is False
    settings.set_autosave(True)
    assert AppSettings(open_settings()).autosave() is True


def test_off_an_edit_waits_for_ctrl_s_or_leaving(qtbot, open_window, root):
    window = open_window(root)
    assert not window.autosave_action.isChecked() and not window.view.box_editor.autosave
    select_and_wait(qtbot, window, "sig", "a1")
    nudge(qtbot, window)
    qtbot.wait(1500)  # past the autosave delay: nothing written
    assert x_min(root, "a1") == 10 and window.view.box_editor.session().dirty
    with qtbot.waitSignal(window.state.edits.boxes_saved, timeout=WAIT_MS):
        select_and_wait(qtbot, window, "sig", "a2")  # leaving the sample saves it
    assert x_min(root, "a1") == 11


def test_the_menu_action_turns_it_on_and_is_remembered(qtbot, open_window, root, isolated_settings):
    window = open_window(root)
    window.autosave_action.trigger()
    assert window.view.box_editor.autosave and AppSettings(open_settings()).autosave()
    select_and_wait(qtbot, window, "sig", "a1")
    with qtbot.waitSignal(window.state.edits.boxes_saved, timeout=WAIT_MS):
        nudge(qtbot, window)  # no Ctrl+S, no step
    assert x_min(root, "a1") == 11 and not window.view.box_editor.session().dirty
    window.close()
    again = open_window(root)
    assert again.autosave_action.isChecked() and again.view.box_editor.autosave
    again.autosave_action.trigger()
    assert not again.view.box_editor.autosave and not AppSettings(open_settings()).autosave()
