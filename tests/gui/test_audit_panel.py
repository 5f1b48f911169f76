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
    with qtbot.waitSignal(window.state.audits.finished, timeout=WAIT_MS) as finished:
        panel.run_bar.start_button.click()
    qtbot.waitUntil(lambda: panel.run_bar.start_button.isEnabled(), timeout=WAIT_MS)
    report = finished.args[0]
    assert report.near_threshold == 12
    assert [(leak.kind, leak.train, leak.val) for leak in report.leaks] == [("exact", train[0], val[0])]
    tree = panel.group_tree
    group_row = tree.topLevelItem(0)
    assert tree.topLevelItemCount() == 1 and [group_row.text(c) for c in range(3)] == ["exact", "1", "1"]
    assert "identical pixels (32×48)" in group_row.text(3)
    assert "1 leak group" in panel.summary.text()
    assert panel.problems.rowCount() == 1 and panel.problems.cell(0, 0) == train[1]
    assert ".npz is not on disk" in panel.problems.cell(0, 2) and panel.problems_box.isVisibleTo(panel)

    tree.setCurrentItem(group_row)
    assert panel.pair_button.isEnabled() and val[0] in panel.pair_detail.text()
    train_row = tree.expand_side(0, "train").child(0)
    assert train_row.text(1) == train[0]
    with qtbot.waitSignal(window.state.audits.pair_loaded, timeout=WAIT_MS):
        tree.scrollToItem(train_row)
        rect = tree.visualItemRect(train_row)
        for click in (QTest.mouseClick, QTest.mouseDClick):  # a double-click: the first press, then the second
            click(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = panel.pair_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.views["train"].current_sample_id == train[0]
    assert dialog.views["val"].current_sample_id == val[0]
    for view in dialog.views.values():
        assert len(view.boxes_item.boxes) == 1  # each side with its own boxes
    assert "exact leak" in dialog.evidence_label.text()
    assert (dialog.views["train"].image_item.image == dialog.views["val"].image_item.image).all()
    dialog.close()


def test_a_report_never_widens_the_side_panel_or_resizes_the_spectrogram(qtbot, open_window, leaky_root):
    """A long title once set the panel's minimum width: the splitter gave it room, and the
    spectrogram beside it was resized and redrawn (a 40 ms stall after a 100,000-sample audit)."""
    root, train, val = leaky_root
    window, panel = open_audit(qtbot, open_window, root, train[0])
    window.resize(1200, 800)
    qtbot.wait(50)
    before = (window.view.size(), panel.minimumSizeHint().width())
    with qtbot.waitSignal(window.state.audits.finished, timeout=WAIT_MS):
        panel.run_bar.start_button.click()
    qtbot.waitUntil(lambda: panel.run_bar.start_button.isEnabled(), timeout=WAIT_MS)
    qtbot.wait(50)  # the layout settles
    assert panel.problems_box.isVisibleTo(panel) and "double-click one to compare" in panel.leaks_title.text()
    assert (window.view.size(), panel.minimumSizeHint().width()) == before


def test_a_problem_row_selects_that_sample(qtbot, open_window, leaky_root):
    root, train, val = leaky_root
    window, panel = open_audit(qtbot, open_window, root, val[1])
    with qtbot.waitSignal(window.state.audits.finished, timeout=WAIT_MS):
        panel.run_bar.start_button.click()
    panel.problem_table.clicked.emit(panel.problems.index(0, 0))
    assert window.tree_panel.current_key() == ("alpha", train[1])


def test_cancelling_an_audit_returns_the_panel_to_idle_without_a_report(qtbot, open_window, tmp_path):
    root = tmp_path / "signals"
    make_signal(root, "alpha", [f"s{i:03d}" for i in range(150)])
    SplitManager(root).create_initial_split("alpha", 0.2, 1)
    window, panel = open_audit(qtbot, open_window, root, "s000")
    outcomes = []
    window.state.audits.finished.connect(outcomes.append)
    window.state.audits.cancelled.connect(outcomes.append)
    with qtbot.waitSignal(window.state.audits.running_changed, timeout=WAIT_MS, check_params_cb=lambda running: not running):
        panel.run_bar.start_button.click()
        panel.run_bar.cancel_button.click()  # before the worker reaches its first cancel point
    assert outcomes == ["alpha"]
    assert panel.report is None and panel.run_bar.start_button.isEnabled() and "Cancelled" in panel.run_bar.status.text()


def test_a_signal_without_a_split_says_so(qtbot, open_window, signals_root):
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "beta", "b00")
    panel = window.audit_panel
    with qtbot.waitSignal(window.state.audits.failed, timeout=WAIT_MS):
        panel.run_bar.start_button.click()
    qtbot.waitUntil(lambda: panel.run_bar.start_button.isEnabled(), timeout=WAIT_MS)
    assert "no split yet" in panel.run_bar.status.text()


def _groups(count: int, size: int):
    from specgui.core.audit.groups import LeakGroup

    return [LeakGroup("exact", tuple(f"g{g}-t{i:05d}" for i in range(size * 4 // 5)),
                      tuple(f"g{g}-v{i:05d}" for i in range(size // 5)), {"hash": f"{g:032x}", "shape": [64, 64]},
                      (size * 4 // 5) * (size // 5)) for g in range(count)]


def test_forty_big_groups_show_at_once_and_list_members_page_by_page(qtbot):
    from specgui.gui.widgets.checks.audit_panel import AuditPanel
    from specgui.gui.widgets.checks.leak_group_tree import MEMBER_PAGE

    panel = AuditPanel()
    qtbot.addWidget(panel)
    tree = panel.group_tree
    tree.show_groups(_groups(40, 2500))
    assert tree.topLevelItemCount() == 40
    assert sum(tree.topLevelItem(g).child(s).childCount() for g in range(40) for s in (0, 1)) == 0  # nothing listed yet
    side = tree.expand_side(3, "train")
    assert side.childCount() == MEMBER_PAGE + 1 and "1,800 more" in side.child(MEMBER_PAGE).text(3)
    tree.itemActivated.emit(side.child(MEMBER_PAGE), 0)  # the "more" row: the next page
    assert side.childCount() == 2 * MEMBER_PAGE + 1 and side.child(MEMBER_PAGE).text(1) == f"g3-t{MEMBER_PAGE:05d}"


def test_any_train_and_val_member_of_a_group_make_the_pair_shown(qtbot):
    from specgui.gui.widgets.checks.audit_panel import AuditPanel

    panel = AuditPanel()
    qtbot.addWidget(panel)

    from specgui.core.audit.audit import AuditReport

    report = AuditReport(signal="sig", version=1, train_count=4000, val_count=1000, near_threshold=40, leaks=(),
                         problems=(), decoded=5000, groups=tuple(_groups(2, 2500)))
    panel.set_signal("sig")
    panel.show_report(report)
    assert "2 leak group(s)" in panel.summary.text() and "2,000,000 train/val pairs" in panel.summary.text()
    tree = panel.group_tree
    tree.setCurrentItem(tree.expand_side(1, "train").child(7))
    tree.setCurrentItem(tree.expand_side(1, "val").child(3))
    asked = []
    panel.pair_requested.connect(lambda signal, leak: asked.append((signal, leak)))
    assert panel.pair_button.isEnabled()
    panel.pair_button.click()
    (signal, leak), = asked
    assert (signal, leak.kind, leak.train, leak.val) == ("sig", "exact", "g1-t00007", "g1-v00003")
    assert "g1-t00007" in panel.pair_detail.text() and "identical pixels (64×64)" in panel.pair_detail.text()
    panel.resize(900, 700)
    panel.grab().save("/tmp/audit-groups.png")
