"""The split-version panel: create, extend (preview then write), stale previews, rollback, diff, read-only."""

from __future__ import annotations

import json

import pytest

from helpers import write_sample
from specgui.core.samples.status import SampleStatus
from specgui.core.splits.manager import SplitManager
from specgui.gui.models.sample_tree_model import StatusRole
from specgui.app import snapshot as snapshot_module
from specgui.gui.widgets import dialogs
from specgui.gui.widgets.splits.diff_dialog import DiffDialog
from specgui.core.splits.guard import check_extend
from specgui.gui.widgets.splits.extend_preview_dialog import ExtendPreviewDialog

from .conftest import WAIT_MS, select_and_wait

pytestmark = pytest.mark.gui


def status_of(window, signal, sample_id):
    model = window.tree_panel.model
    return model.data(model.find(signal, sample_id), StatusRole)


def versions_shown(window):
    return [row.version for row in window.split_panel.model.rows()]


@pytest.fixture
def extended_root(signals_root):
    """alpha: v1 from six samples, then two more samples on disk (pending)."""
    SplitManager(signals_root).create_initial_split("alpha", 0.34, 3)
    for seed, sample_id in ((6, "a06"), (7, "a07")):  # pixels of their own: a copy of a val sample is held back
        write_sample(signals_root / "alpha" / "samples", sample_id, seed=seed)
    return signals_root


def open_on_alpha(qtbot, open_window, root):
    window = open_window(root)
    select_and_wait(qtbot, window, "alpha", "a00")
    qtbot.waitUntil(lambda: window.split_panel.signal == "alpha" and bool(versions_shown(window)), timeout=WAIT_MS)
    return window


def test_create_the_initial_split_from_the_panel(qtbot, open_window, signals_root, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_initial_split", lambda parent, signal, count, request_preview=None: (0.34, 3, None))
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "alpha", "a00")
    assert window.split_panel.create_button.isEnabled()
    assert not window.split_panel.extend_button.isEnabled()
    with qtbot.waitSignal(window.state.splits.split_changed, timeout=WAIT_MS):
        window.split_panel.create_button.click()
    written = json.loads((signals_root / "alpha" / "splits" / "v1.json").read_text())
    assert written["random_seed"] == 3 and written["val_count"] == 2
    qtbot.waitUntil(lambda: versions_shown(window) == [1], timeout=WAIT_MS)
    for sample_id in written["val_samples"]:
        qtbot.waitUntil(lambda s=sample_id: status_of(window, "alpha", s) is SampleStatus.VAL, timeout=WAIT_MS)
    assert not window.split_panel.create_button.isEnabled()


def test_one_click_writes_the_next_version_then_undo_reactivates_the_parent(qtbot, open_window, extended_root, monkeypatch):
    def no_dialog(*args):
        raise AssertionError("one click writes: no modal dialog in the normal path")

    monkeypatch.setattr(dialogs, "ask_extend", no_dialog)
    monkeypatch.setattr(dialogs, "confirm", no_dialog)
    window = open_on_alpha(qtbot, open_window, extended_root)
    panel = window.split_panel
    assert status_of(window, "alpha", "a06") is SampleStatus.PENDING
    qtbot.waitUntil(lambda: panel.extend_button.text() == "Extend +2", timeout=WAIT_MS)  # from the guarded preview
    with qtbot.waitSignal(window.state.splits.split_changed, timeout=WAIT_MS) as changed:
        panel.extend_button.click()
    assert changed.args[:2] == ["alpha", 2]
    v1 = json.loads((extended_root / "alpha" / "splits" / "v1.json").read_text())
    v2 = json.loads((extended_root / "alpha" / "splits" / "v2.json").read_text())
    assert v2["val_samples"] == v1["val_samples"] and v2["train_samples"][-2:] == ["a06", "a07"]
    qtbot.waitUntil(lambda: panel.notice.isVisible(), timeout=WAIT_MS)
    assert panel.notice.label.text() == "v2: +2 train, val unchanged"
    qtbot.waitUntil(lambda: status_of(window, "alpha", "a06") is SampleStatus.TRAIN, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: versions_shown(window) == [1, 2], timeout=WAIT_MS)
    assert window.split_panel.model.rows()[1].is_active
    qtbot.waitUntil(lambda: panel.extend_button.text() == "Extend +0", timeout=WAIT_MS)
    assert not panel.extend_button.isEnabled()
    with qtbot.waitSignal(window.state.splits.split_changed, timeout=WAIT_MS) as undone:
        panel.notice.undo_button.click()
    assert undone.args[:2] == ["alpha", 1]
    assert SplitManager(extended_root).get_active_split_version("alpha") == 1
    assert json.loads((extended_root / "alpha" / "splits" / "v2.json").read_text()) == v2  # v2 stays, untouched
    qtbot.waitUntil(lambda: "rolled back" in panel.notice.label.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.model.data(panel.model.index(1, 1)) == "v2 (rolled back)", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: status_of(window, "alpha", "a06") is SampleStatus.PENDING, timeout=WAIT_MS)


def test_a_split_changed_by_someone_else_after_the_preview_is_refused(qtbot, open_window, extended_root, monkeypatch):
    def someone_else_extends_meanwhile(parent, preview):
        SplitManager(extended_root).extend_split("alpha", ["a06"])  # another labeller writes v2
        return True

    warnings = []
    monkeypatch.setattr(dialogs, "ask_extend", someone_else_extends_meanwhile)
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: warnings.append(text))
    window = open_on_alpha(qtbot, open_window, extended_root)
    window.split_panel.ask_checkbox.setChecked(True)  # "Ask before extending": the confirm step is back
    qtbot.waitUntil(lambda: window.split_panel.extend_button.text() == "Extend +2", timeout=WAIT_MS)
    with qtbot.waitSignal(window.state.splits.split_failed, timeout=WAIT_MS) as failed:
        window.split_panel.extend_button.click()
    assert failed.args[2] is True  # stale
    assert "someone else changed the split" in warnings[0].lower() and "preview again" in warnings[0]
    assert not (extended_root / "alpha" / "splits" / "v3.json").exists()
    qtbot.waitUntil(lambda: versions_shown(window) == [1, 2], timeout=WAIT_MS)  # the other writer's v2 shows


def test_selecting_a_version_colours_the_tree_by_it_and_set_active_rolls_back(qtbot, open_window, extended_root, monkeypatch):
    SplitManager(extended_root).extend_split("alpha")
    confirms = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text: confirms.append(text) or True)
    window = open_on_alpha(qtbot, open_window, extended_root)
    qtbot.waitUntil(lambda: versions_shown(window) == [1, 2], timeout=WAIT_MS)
    assert status_of(window, "alpha", "a06") is SampleStatus.TRAIN
    window.split_panel.table.selectRow(0)  # v1: a06 was not in it
    qtbot.waitUntil(lambda: status_of(window, "alpha", "a06") is SampleStatus.PENDING, timeout=WAIT_MS)
    assert "not" in window.tree_panel.legend.version_label.text()
    assert window.split_panel.set_active_button.isEnabled()
    with qtbot.waitSignal(window.state.splits.split_changed, timeout=WAIT_MS):
        window.split_panel.set_active_button.click()
    assert "v1" in confirms[0]
    assert SplitManager(extended_root).get_active_split_version("alpha") == 1
    qtbot.waitUntil(lambda: [r.version for r in window.split_panel.model.rows() if r.is_active] == [1], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.split_panel.extend_button.text() == "Extend +2", timeout=WAIT_MS)


def test_diff_two_versions_lists_the_changes_and_the_val_frozen_badges(qtbot, open_window, extended_root, monkeypatch):
    SplitManager(extended_root).extend_split("alpha")
    shown = []
    monkeypatch.setattr(dialogs, "show_diff", lambda parent, outcome: shown.append(outcome))
    window = open_on_alpha(qtbot, open_window, extended_root)
    qtbot.waitUntil(lambda: versions_shown(window) == [1, 2], timeout=WAIT_MS)
    window.split_panel.table.selectAll()
    assert window.split_panel.diff_button.isEnabled()
    with qtbot.waitSignal(window.state.splits.diff_computed, timeout=WAIT_MS):
        window.split_panel.diff_button.click()
    (outcome,) = shown
    assert outcome.diff.train_added == ("a06", "a07") and outcome.diff.val_unchanged
    assert outcome.a_val_frozen and outcome.b_val_frozen
    dialog = DiffDialog(outcome)
    qtbot.addWidget(dialog)
    assert dialog.list_contents()["train_added"] == ["a06", "a07"]
    assert "val frozen" in dialog.findChild(type(window.split_panel.title)).text()


def test_the_preview_dialog_shows_the_new_version_the_count_and_the_ids(qtbot, extended_root):
    preview = check_extend(SplitManager(extended_root), "alpha")
    dialog = ExtendPreviewDialog(preview)
    qtbot.addWidget(dialog)
    assert dialog.write_button.text() == "Write v2"
    assert dialog._ids_model.stringList() == ["a06", "a07"]


def test_a_read_only_signal_browses_but_disables_writes_with_the_reason(qtbot, open_window, extended_root, monkeypatch):
    real = snapshot_module.can_write
    monkeypatch.setattr(snapshot_module, "can_write", lambda path: "alpha" not in str(path) and real(path))
    (extended_root / "alpha" / "splits").chmod(0o555)  # what a user would see; root ignores it, hence the patch
    try:
        window = open_on_alpha(qtbot, open_window, extended_root)
        panel = window.split_panel
        for button in (panel.extend_button, panel.create_button, panel.set_active_button):
            assert not button.isEnabled()
        assert "read-only" in panel.extend_button.toolTip()
        assert "read-only" in panel.reason_label.text() and panel.reason_label.isVisibleTo(panel)
        assert "read-only" in window.access_label.text() and window.access_label.isVisibleTo(window)
        select_and_wait(qtbot, window, "alpha", "a06")  # browsing still works
        select_and_wait(qtbot, window, "beta", "b00")
        qtbot.waitUntil(lambda: panel.signal == "beta", timeout=WAIT_MS)
        assert panel.create_button.isEnabled() and not panel.reason_label.isVisibleTo(panel)
        assert not window.access_label.isVisibleTo(window)
    finally:
        (extended_root / "alpha" / "splits").chmod(0o755)
