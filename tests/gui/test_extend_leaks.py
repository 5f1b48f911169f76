"""Extend preview leak flagging: new samples whose capture window touches a val sample's are left out."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from helpers import write_sample
from specgui.core.splits.guard import CheckedPreview, check_extend
from specgui.core.samples.status import SampleStatus
from specgui.core.splits.manager import SplitManager
from specgui.gui.models.sample_tree_model import StatusRole
from specgui.gui.widgets import dialogs
from specgui.gui.widgets.splits.extend_preview_dialog import ExtendPreviewDialog

from .conftest import WAIT_MS, select_and_wait

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def private_audit_cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "audit-cache"
    monkeypatch.setenv("SPECGUI_CACHE_DIR", str(folder))
    return folder


def window_meta(capture: str, start: float) -> dict:
    return {"source_capture": capture, "window_start_sec": start, "window_duration_sec": 0.1}


@pytest.fixture
def capture_root(tmp_path):
    """cap: v1 of six samples from six recordings; then two new samples, one the val sample's
    next window of the same recording (a leak), one from a recording of its own."""
    root = tmp_path / "signals"
    samples = root / "cap" / "samples"
    for i in range(6):
        write_sample(samples, f"c{i}", seed=i, extra=window_meta(f"rec{i}.rfcap", 10.0))
    manager = SplitManager(root)
    manager.create_initial_split("cap", 0.34, 5)
    val_id = manager.get_split("cap")[1][0]
    val_capture = json.loads((samples / f"{val_id}.json").read_text())["source_capture"]
    write_sample(samples, "n_leak", seed=20, extra=window_meta(val_capture, 10.1))  # back to back with val
    write_sample(samples, "n_fine", seed=21, extra=window_meta("other.rfcap", 10.0))
    return root, val_id


def status_of(window, signal, sample_id):
    model = window.tree_panel.model
    return model.data(model.find(signal, sample_id), StatusRole)


def open_on_cap(qtbot, open_window, root):
    window = open_window(root)
    select_and_wait(qtbot, window, "cap", "c0")
    qtbot.waitUntil(lambda: window.split_panel.extend_button.isEnabled(), timeout=WAIT_MS)
    return window


def answer_with_real_dialog(qtbot, seen, uncheck=False):
    """Build the real preview dialog, note what it shows, answer as if Write was pressed."""
    def ask(parent, preview):
        dialog = ExtendPreviewDialog(preview, parent)
        qtbot.addWidget(dialog)
        seen.append({"preview": preview, "check": dialog.leave_out_check.text(),
                     "checked": dialog.leave_out_check.isChecked(),
                     "rows": [[dialog.leak_table.item(r, c).text() for c in range(3)]
                              for r in range(dialog.leak_table.rowCount())]})
        if uncheck:
            dialog.leave_out_check.setChecked(False)
        seen[-1]["summary"] = dialog.summary.text()
        return dialog.excluded()
    return ask


def no_plain_dialog(parent, preview):
    raise AssertionError("a preview with leaks must offer to leave them out")


def test_a_new_sample_from_a_val_capture_window_is_held_back_and_one_click_writes_the_rest(
        qtbot, open_window, capture_root, monkeypatch):
    root, val_id = capture_root
    monkeypatch.setattr(dialogs, "ask_extend", no_plain_dialog)  # one click: no dialog
    window = open_on_cap(qtbot, open_window, root)
    panel = window.split_panel
    qtbot.waitUntil(lambda: panel.extend_button.text() == "Extend +1 (1 held back)", timeout=WAIT_MS)
    with qtbot.waitSignal(window.state.splits.split_changed, timeout=WAIT_MS):
        panel.extend_button.click()
    v2 = json.loads((root / "cap" / "splits" / "v2.json").read_text())
    assert "n_fine" in v2["train_samples"] and "n_leak" not in v2["train_samples"] + v2["val_samples"]
    assert v2["samples_added"] == 1
    qtbot.waitUntil(panel.notice.isVisible, timeout=WAIT_MS)
    assert panel.notice.label.text() == "v2: +1 train, val unchanged; 1 held back"
    details = panel.notice.open_details()
    qtbot.addWidget(details)
    assert not details.isModal()
    assert [details.added_list.item(i).text() for i in range(details.added_list.count())] == ["n_fine"]
    row = details.held_tree.topLevelItem(0)
    assert (row.text(0), row.text(1)) == ("n_leak", "leak_capture") and val_id in row.text(2)
    with qtbot.waitSignal(panel.sample_requested, timeout=WAIT_MS) as opened:
        details.held_tree.itemDoubleClicked.emit(row, 0)
    assert opened.args == ["cap", "n_leak"]
    qtbot.waitUntil(lambda: window.tree_panel.current_key() == ("cap", "n_leak"), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: status_of(window, "cap", "n_fine") is SampleStatus.TRAIN, timeout=WAIT_MS)
    assert SplitManager(root).get_pending_samples("cap") == ["n_leak"]  # held back: still pending on disk
    model = window.tree_panel.model
    qtbot.waitUntil(lambda: status_of(window, "cap", "n_leak") is SampleStatus.INVALID, timeout=WAIT_MS)
    tip = model.data(model.find("cap", "n_leak"), Qt.ItemDataRole.ToolTipRole)
    assert "held back" in tip and "leak_capture" in tip and val_id in tip
    window.tree_panel.select("cap", "c0")
    window.next_invalid()  # the "I" key reaches the held-back sample
    assert window.tree_panel.current_key() == ("cap", "n_leak")


def test_ask_before_extending_brings_back_the_confirm_step(qtbot, open_window, capture_root, monkeypatch):
    root, _ = capture_root
    asked = []
    monkeypatch.setattr(dialogs, "ask_extend", lambda parent, preview: asked.append(preview) or False)
    window = open_on_cap(qtbot, open_window, root)
    window.split_panel.ask_checkbox.setChecked(True)
    assert window.settings.ask_before_extend() is True
    qtbot.waitUntil(lambda: window.split_panel.extend_button.text() == "Extend +1 (1 held back)", timeout=WAIT_MS)
    window.split_panel.extend_button.click()
    assert [h.sample_id for h in asked[0].held_back] == ["n_leak"] and asked[0].added == ("n_fine",)
    assert not (root / "cap" / "splits" / "v2.json").exists()  # declined: nothing written


def test_the_dialog_refuses_to_write_nothing_when_every_new_sample_leaks(qtbot, capture_root):
    root, val_id = capture_root
    preview = check_extend(SplitManager(root), "cap", hold_back=("n_fine",), check_samples=False)
    evidence = {"capture": "rec.rfcap", "train_window": [10.1, 10.2], "val_window": [10.0, 10.1],
                "overlap_sec": 0.0, "touching": True}
    checked = replace(preview, leaks=(("n_leak", val_id, evidence),))
    dialog = ExtendPreviewDialog(checked)
    qtbot.addWidget(dialog)
    assert not dialog.write_button.isEnabled() and "nothing left" in dialog.write_button.toolTip()
    dialog.leave_out_check.setChecked(False)
    assert dialog.write_button.isEnabled() and dialog.excluded() == ()
    assert checked.without(("n_leak",)).is_noop


def test_the_dialog_leaves_out_every_leaking_sample_of_a_group_even_if_pairs_are_capped(qtbot, capture_root):
    from specgui.core.audit.groups import LeakGroup

    root, val_id = capture_root
    preview = SplitManager(root).preview_extend("cap")
    evidence = {"capture": "rec.rfcap", "train_window": [10.1, 10.2], "val_window": [10.0, 10.1],
                "overlap_sec": 0.0, "touching": True}
    group = LeakGroup("capture", ("n_fine", "n_leak"), (val_id,), {"capture": "rec.rfcap"}, 2)
    checked = CheckedPreview(**{f: getattr(preview, f) for f in preview.__dataclass_fields__},
                             leaks=(("n_leak", val_id, evidence),), leak_groups=(group,), leaks_truncated=1)
    dialog = ExtendPreviewDialog(checked)
    qtbot.addWidget(dialog)
    assert dialog.excluded() == ("n_fine", "n_leak")
    assert "1 more pair" in dialog.more_label.text()
