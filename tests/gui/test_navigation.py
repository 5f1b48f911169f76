"""Filtering the tree and moving through it from the keyboard: j/k, next pending, next invalid."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from specgui.core.samples.status import SampleStatus
from specgui.core.splits.manager import SplitManager

from .conftest import WAIT_MS, current_ids, select_and_wait

pytestmark = pytest.mark.gui


def visible_ids(window, signal):
    model = window.tree_panel.model
    rows = model.signal_rows(model.signal_row(signal))
    return [rows.ids[i] for i in rows.visible]


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    window.tree_panel.tree.setFocus()
    qtbot.keyClick(window.tree_panel.tree, key, modifier)


def test_the_id_filter_and_the_state_filter_narrow_the_tree(qtbot, open_window, signals_root):
    SplitManager(signals_root).create_initial_split("alpha", 0.34, 3)
    window = open_window(signals_root)
    panel = window.tree_panel
    qtbot.keyClicks(panel.filter_edit, "A0")  # any case
    qtbot.waitUntil(lambda: visible_ids(window, "beta") == [], timeout=WAIT_MS)
    assert visible_ids(window, "alpha") == ["a00", "a01", "a02", "a03", "a04", "a05"]
    panel.filter_edit.setText("3")
    qtbot.waitUntil(lambda: visible_ids(window, "alpha") == ["a03"], timeout=WAIT_MS)
    panel.filter_edit.clear()
    panel.state_combo.setCurrentIndex(panel.state_combo.findData(SampleStatus.VAL))
    qtbot.waitUntil(lambda: len(visible_ids(window, "alpha")) == 2, timeout=WAIT_MS)
    assert visible_ids(window, "beta") == []  # beta has no split: nothing is val
    assert panel.model.data(panel.model.find("alpha", None)).startswith("▾ alpha (2/6) — v1")


def test_the_selection_survives_a_filter_that_keeps_it(qtbot, open_window, signals_root):
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "alpha", "a04")
    window.tree_panel.filter_edit.setText("a0")
    qtbot.waitUntil(lambda: len(visible_ids(window, "beta")) == 0, timeout=WAIT_MS)
    assert current_ids(window) == ("alpha", "a04")


def test_j_and_k_step_through_samples_across_signals(qtbot, open_window, signals_root):
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "alpha", "a04")
    for key, expected in ((Qt.Key.Key_J, "a05"), (Qt.Key.Key_J, "b00"), (Qt.Key.Key_K, "a05"), (Qt.Key.Key_K, "a04")):
        with qtbot.waitSignal(window.view.sample_painted, timeout=WAIT_MS,
                              check_params_cb=lambda painted, e=expected: painted == e):
            press(qtbot, window, key)
    with qtbot.waitSignal(window.view.sample_painted, timeout=WAIT_MS, check_params_cb=lambda p: p == "a05"):
        press(qtbot, window, Qt.Key.Key_Down)


def test_n_and_i_jump_to_the_next_pending_and_invalid_sample(qtbot, open_window, signals_root):
    samples = signals_root / "alpha" / "samples"
    SplitManager(signals_root).create_initial_split("alpha", 0.2, 1)
    from helpers import write_sample

    write_sample(samples, "a06")  # pending: on disk after v1
    write_sample(samples, "a07")
    (samples / "a03.json").unlink()  # invalid: the .npz alone
    (signals_root / "beta" / "samples" / "b01.json").unlink()
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "alpha", "a00")
    press(qtbot, window, Qt.Key.Key_N)
    assert current_ids(window) == ("alpha", "a06")
    press(qtbot, window, Qt.Key.Key_N)
    assert current_ids(window) == ("alpha", "a07")
    press(qtbot, window, Qt.Key.Key_N)
    assert current_ids(window) == ("beta", "b00")  # beta has no split: all pending
    press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert current_ids(window) == ("alpha", "a07")
    press(qtbot, window, Qt.Key.Key_I)
    assert current_ids(window) == ("beta", "b01")
    press(qtbot, window, Qt.Key.Key_I)
    assert current_ids(window) == ("alpha", "a03")  # wrapped around
    press(qtbot, window, Qt.Key.Key_I, Qt.KeyboardModifier.ShiftModifier)
    assert current_ids(window) == ("beta", "b01")
    qtbot.waitUntil(lambda: "b01.json" in window.view.error_text, timeout=WAIT_MS)  # shown as an error


def test_the_help_menu_lists_the_shortcuts(qtbot, open_window, signals_root):
    from specgui.gui.shortcuts import shortcuts_html

    window = open_window(signals_root)
    menus = [a.text() for a in window.menuBar().actions()]
    assert "&Help" in menus
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert [a.text() for a in help_menu.actions()] == ["Keyboard shortcuts…", "About specgui…"]
    text = shortcuts_html()
    for needle in ("J / Down", "K / Up", "Shift+N", "Shift+I", "Next pending", "Next invalid"):
        assert needle in text
