"""The leak-audit tab: a planted exact duplicate found and shown side by side, problems, threshold, cancel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from helpers import make_signal
from specgui.core.splits.manager import SplitManager

from .conftest import WAIT_MS, select_and_wait

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def private_audit_cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "audit-cache"
    monkeypatch.setenv("SPECGUI_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def leaky_root(tmp_path):
    """alpha: v1 of eight samples; a train sample's pixels copied from a val sample, another train .npz gone."""
    root = tmp_path / "signals"
    make_signal(root, "alpha", [f"s{i:02d}" for i in range(8)])
    manager = SplitManager(root)
    manager.create_initial_split("alpha", 0.25, 7)
    train, val = manager.get_split("alpha")
    samples = root / "alpha" / "samples"
    shutil.copyfile(samples / f"{val[0]}.npz", samples / f"{train[0]}.npz")
    (samples / f"{train[1]}.npz").unlink()
    return root, train, val


def open_audit(qtbot, open_window, root, sample):
    window = open_window(root)
    select_and_wait(qtbot, window, "alpha", sample)
    panel = window.audit_panel
    qtbot.waitUntil(lambda: panel.signal == "alpha" and panel.version_picker.count() > 1, timeout=WAIT_MS)
    window.side_tabs.setCurrentWidget(panel)
    return window, panel


def test_the_audit_finds_a_planted_duplicate_and_the_pair_opens_side_by_side(qtbot, open_window, leaky_root):
    root, train, val = leaky_root
    window, panel = open_audit(qtbot, open_window, root, train[0])
    panel.threshold_spin.setValue(12)
    with qtbot.waitSignal(window.state.audits.audit_finished, timeout=WAIT_MS) as finished:
        panel.run_bar.start_button.click()
    qtbot.waitUntil(lambda: panel.run_bar.start_button.isEnabled(), timeout=WAIT_MS)
    report = finished.args[0]
    assert report.near_threshold == 12
    assert [(leak.kind, leak.train, leak.val) for leak in report.leaks] == [("exact", train[0], val[0])]
    assert [panel.leaks.cell(0, c) for c in range(3)] == ["exact", train[0], val[0]]
    assert "identical pixels (32×48)" in panel.leaks.cell(0, 3)
    assert "1 leak pair" in panel.summary.text()
    assert panel.problems.rowCount() == 1 and panel.problems.cell(0, 0) == train[1]
    assert ".npz is not on disk" in panel.problems.cell(0, 2) and panel.problems_box.isVisibleTo(panel)

    panel.leak_table.selectRow(0)
    assert panel.pair_button.isEnabled() and val[0] in panel.pair_detail.text()
    with qtbot.waitSignal(window.state.audits.pair_loaded, timeout=WAIT_MS):
        rect = panel.leak_table.visualRect(panel.leaks.index(0, 1))
        for click in (QTest.mouseClick, QTest.mouseDClick):  # a double-click: the first press, then the second
            click(panel.leak_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = panel.pair_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.views["train"].current_sample_id == train[0]
    assert dialog.views["val"].current_sample_id == val[0]
    for view in dialog.views.values():
        assert len(view.boxes_item.boxes) == 1  # each side with its own boxes
    assert "exact leak" in dialog.evidence_label.text()
    assert (dialog.views["train"].image_item.image == dialog.views["val"].image_item.image).all()
    dialog.close()


def test_a_problem_row_selects_that_sample(qtbot, open_window, leaky_root):
    root, train, val = leaky_root
    window, panel = open_audit(qtbot, open_window, root, val[1])
    with qtbot.waitSignal(window.state.audits.audit_finished, timeout=WAIT_MS):
        panel.run_bar.start_button.click()
    panel.problem_table.clicked.emit(panel.problems.index(0, 0))
    assert window.tree_panel.current_key() == ("alpha", train[1])


def test_cancelling_an_audit_returns_the_panel_to_idle_without_a_report(qtbot, open_window, tmp_path):
    root = tmp_path / "signals"
    make_signal(root, "alpha", [f"s{i:03d}" for i in range(150)])
    SplitManager(root).create_initial_split("alpha", 0.2, 1)
    window, panel = open_audit(qtbot, open_window, root, "s000")
    outcomes = []
    window.state.audits.audit_finished.connect(outcomes.append)
    window.state.audits.audit_cancelled.connect(outcomes.append)
    with qtbot.waitSignal(window.state.audits.running_changed, timeout=WAIT_MS, check_params_cb=lambda running: not running):
        panel.run_bar.start_button.click()
        panel.run_bar.cancel_button.click()  # before the worker reaches its first cancel point
    assert outcomes == ["alpha"]
    assert panel.report is None and panel.run_bar.start_button.isEnabled() and "Cancelled" in panel.run_bar.status.text()


def test_a_signal_without_a_split_says_so(qtbot, open_window, signals_root):
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "beta", "b00")
    panel = window.audit_panel
    with qtbot.waitSignal(window.state.audits.audit_failed, timeout=WAIT_MS):
        panel.run_bar.start_button.click()
    qtbot.waitUntil(lambda: panel.run_bar.start_button.isEnabled(), timeout=WAIT_MS)
    assert "no split yet" in panel.run_bar.status.text()
