"""A sample deleted from disk while the window shows it: no crash, the list says so, the view names the file."""

from __future__ import annotations

import pytest

from specgui.core.samples.status import SampleStatus
from specgui.core.splits.manager import SplitManager

from .conftest import WAIT_MS, select_and_wait
from .test_split_panel import status_of

pytestmark = pytest.mark.gui


def test_a_sample_removed_while_shown_turns_missing_and_then_names_its_file(qtbot, open_window, signals_root):
    SplitManager(signals_root).create_initial_split("alpha", 0.34, 3)
    samples = signals_root / "alpha" / "samples"
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "alpha", "a01")
    assert status_of(window, "alpha", "a01") in (SampleStatus.TRAIN, SampleStatus.VAL)

    (samples / "a01.npz").unlink()
    (samples / "a01.json").unlink()
    window.state.live.poll_due.emit()  # as the watcher or the periodic poll would
    qtbot.waitUntil(lambda: status_of(window, "alpha", "a01") is SampleStatus.MISSING, timeout=WAIT_MS)
    assert window.tree_panel.current_key() == ("alpha", "a01")  # the selection stayed put

    select_and_wait(qtbot, window, "alpha", "a02")  # the app keeps working
    with qtbot.waitSignal(window.state.samples.sample_failed, timeout=WAIT_MS) as failed:
        window.tree_panel.select("alpha", "a01")
    assert "a01" in failed.args[2]
    qtbot.waitUntil(lambda: "a01" in window.view.error_text, timeout=WAIT_MS)
    assert "a01" in set(sum(SplitManager(signals_root).get_split("alpha"), []))  # the split was not touched
