"""The sanity-pass tab: a real pass to a report, planted problems, the version, cancel, torch kept out."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from helpers import make_signal, write_sample
from specgui.core.samples.status import SampleStatus
from specgui.core.splits.manager import SplitManager
from specgui.gui.models.sample_tree_model import StatusRole

from .conftest import WAIT_MS, select_and_wait

pytestmark = pytest.mark.gui

PASS_MS = 120_000  # spawned loader workers import torch: slow on a busy two-core machine


@pytest.fixture
def planted_root(tmp_path) -> Path:
    """alpha: v1 over eight samples; then one .npz turned to garbage and one box pushed off the image."""
    root = tmp_path / "signals"
    ids = [f"s{i:02d}" for i in range(8)]
    make_signal(root, "alpha", ids)
    manager = SplitManager(root)
    manager.create_initial_split("alpha", 0.25, 7)
    train, val = manager.get_split("alpha")
    (root / "alpha" / "samples" / f"{train[0]}.npz").write_bytes(b"not a zip file")
    write_sample(root / "alpha" / "samples", val[0], boxes=[{"x_min": 5, "y_min": 5, "x_max": 400, "y_max": 9}])
    return root


def open_on(qtbot, open_window, root, signal="alpha", sample="s00"):
    window = open_window(root)
    select_and_wait(qtbot, window, signal, sample)
    panel = window.sanity_panel
    qtbot.waitUntil(lambda: panel.signal == signal and panel.version_picker.count() > 1, timeout=WAIT_MS)
    window.side_tabs.setCurrentWidget(panel)
    return window, panel


def run_pass(qtbot, window, panel, workers=0):
    panel.workers_spin.setValue(workers)
    with qtbot.waitSignal(window.state.sanity.finished, timeout=PASS_MS) as finished:
        panel.run_bar.start_button.click()
    qtbot.waitUntil(lambda: panel.run_bar.start_button.isEnabled(), timeout=WAIT_MS)
    return finished.args[0]


def click_row(qtbot, table, row):
    rect = table.visualRect(table.model().index(row, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_pass_reports_the_counts_and_the_planted_problems_and_a_row_selects_the_sample(qtbot, open_window, planted_root):
    train, val = SplitManager(planted_root).get_split("alpha")
    window, panel = open_on(qtbot, open_window, planted_root)
    assert not panel.run_bar.cancel_button.isEnabled()
    report = run_pass(qtbot, window, panel)
    assert (report.splits["train"].samples_checked, report.splits["val"].samples_checked) == (len(train), len(val))
    assert report.workers == 0 and report.split_version == 1
    assert {(p.sample_id, p.split) for p in report.problems} == {(train[0], "train"), (val[0], "val")}
    view = panel.report_view
    assert view.problems.rowCount() == 2 and view.table.isVisibleTo(panel)
    assert [view.problems.cell(r, 0) for r in range(2)] == [train[0], val[0]]
    summary = view.summary.text()
    assert "6 of 6" in summary and "2 of 2" in summary and "samples/s" in summary and "Decode" in summary
    assert view.plot.isVisibleTo(panel)
    assert "Done: 8 samples" in panel.run_bar.status.text()
    with qtbot.waitSignal(window.state.samples.sample_failed, timeout=WAIT_MS):
        click_row(qtbot, view.table, 0)
    assert window.tree_panel.current_key() == ("alpha", train[0])
    qtbot.waitUntil(lambda: "Cannot show this sample" in window.view.error_text, timeout=WAIT_MS)
    if not report.device.startswith("cuda"):
        assert "no GPU found" in panel.device_combo.itemText(0)
    model = window.tree_panel.model  # the pass's problems mark those samples invalid, with its reason
    for sample_id in (train[0], val[0]):
        qtbot.waitUntil(lambda: model.data(model.find("alpha", sample_id), StatusRole) is SampleStatus.INVALID,
                        timeout=WAIT_MS)
    assert "sanity pass" in model.data(model.find("alpha", val[0]), Qt.ItemDataRole.ToolTipRole)


def test_the_version_chosen_in_the_split_panel_is_the_one_checked(qtbot, open_window, signals_root):
    manager = SplitManager(signals_root)
    manager.create_initial_split("alpha", 0.34, 3)
    make_signal(signals_root, "alpha", ["a06", "a07"])
    manager.extend_split("alpha")
    window, panel = open_on(qtbot, open_window, signals_root, sample="a00")
    qtbot.waitUntil(lambda: panel.version_picker.count() == 3, timeout=WAIT_MS)  # active, v1, v2
    assert panel.options().version is None and "v2" in panel.version_picker.currentText()
    qtbot.waitUntil(lambda: len(window.split_panel.model.rows()) == 2, timeout=WAIT_MS)
    window.split_panel.table.selectRow(0)  # v1
    assert panel.options().version == 1
    report = run_pass(qtbot, window, panel)
    assert report.split_version == 1 and report.samples_checked == 6 and report.clean
    assert "clean" in panel.report_view.summary.text() and not panel.report_view.table.isVisibleTo(panel)


def test_a_signal_without_a_split_says_so_in_the_panel(qtbot, open_window, signals_root):
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "beta", "b00")
    panel = window.sanity_panel
    qtbot.waitUntil(lambda: panel.signal == "beta", timeout=WAIT_MS)
    with qtbot.waitSignal(window.state.sanity.failed, timeout=PASS_MS):
        panel.run_bar.start_button.click()
    qtbot.waitUntil(lambda: panel.run_bar.start_button.isEnabled(), timeout=WAIT_MS)
    assert "no split yet" in panel.run_bar.status.text()


def _children(pid: int | str) -> set[int]:
    pids: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            pids.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    return pids


def _child_pids() -> set[int]:
    """Live descendants of this process (the pass's child and its loader workers), less
    multiprocessing's resource tracker (kept on purpose)."""
    pids, todo = set(), _children("self")
    while todo:
        pid = todo.pop()
        if pid not in pids:
            pids.add(pid)
            todo |= _children(pid)
    alive = set()
    for pid in pids:
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and b"resource_tracker" not in cmdline:
            alive.add(pid)
    return alive


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
def test_cancel_stops_every_spawned_loader_worker_and_the_panel_returns_to_idle(qtbot, open_window, tmp_path):
    root = tmp_path / "signals"
    make_signal(root, "many", [f"m{i:03d}" for i in range(200)])  # not decoded before the test cancels
    SplitManager(root).create_initial_split("many", 0.2, 1)
    window, panel = open_on(qtbot, open_window, root, signal="many", sample="m000")
    before = _child_pids()
    panel.workers_spin.setValue(1)
    panel.batch_spin.setValue(1)
    panel.run_bar.start_button.click()
    assert panel.run_bar.cancel_button.isEnabled() and not panel.run_bar.start_button.isEnabled()
    # the pass's process and its loader worker are up; 200 samples one by one: far from over
    qtbot.waitUntil(lambda: len(_child_pids() - before) >= 2, timeout=PASS_MS)
    workers = _child_pids() - before
    outcomes = []
    for fact in (window.state.sanity.cancelled, window.state.sanity.finished, window.state.sanity.failed):
        fact.connect(lambda *args: outcomes.append(args))
    with qtbot.waitSignal(window.state.sanity.running_changed, timeout=PASS_MS, check_params_cb=lambda running: not running):
        panel.run_bar.cancel_button.click()
        assert panel.run_bar.cancel_button.text() == "Cancelling…"
    assert outcomes == [("many",)], f"the pass was not cancelled: {outcomes} / {panel.run_bar.status.text()}"
    assert not (workers & _child_pids()), "the pass's process or a loader worker outlived the cancel"
    qtbot.waitUntil(lambda: panel.run_bar.start_button.isEnabled(), timeout=WAIT_MS)
    assert not panel.run_bar.cancel_button.isEnabled() and "Cancelled" in panel.run_bar.status.text()
    assert panel.report_view.report is None and not window.state.sanity.running


def test_the_panel_shows_the_core_default_batch_size(qtbot):
    from specgui.core.sanity import run as sanity
    from specgui.gui.widgets.checks.sanity_panel import SanityPanel

    panel = SanityPanel()
    qtbot.addWidget(panel)
    assert panel.batch_spin.value() == sanity.DEFAULT_BATCH_SIZE
    assert panel.options().workers is None and panel.options().device == "auto"


def test_torch_never_loads_in_the_window_process_even_after_a_pass(planted_root):
    """The pass runs in a child process: importing torch there cannot freeze the window."""
    script = textwrap.dedent(f"""
        import sys, time
        from PySide6.QtCore import QEventLoop
        from specgui.gui.app import create_window, ensure_application

        app = ensure_application()
        window = create_window({str(planted_root)!r}, poll_ms=0)
        window.show()

        def wait(ready):
            deadline = time.monotonic() + 120
            while not ready():
                assert time.monotonic() < deadline, "timed out"
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

        wait(lambda: window.tree_panel.model.rowCount() > 0)
        window.tree_panel.select("alpha", None)
        wait(lambda: window.sanity_panel.run_bar.start_button.isEnabled())
        window.side_tabs.setCurrentWidget(window.sanity_panel)
        app.processEvents()
        before = "torch" in sys.modules
        reports = []
        window.state.sanity.finished.connect(reports.append)
        window.sanity_panel.workers_spin.setValue(0)
        window.sanity_panel.run_bar.start_button.click()
        wait(lambda: reports)
        print(before, "torch" in sys.modules, reports[0].samples_checked)
        window.close()
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SPECGUI_SETTINGS_FILE": str(planted_root.parent / "s.ini")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=240)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["False", "False", "8"]
