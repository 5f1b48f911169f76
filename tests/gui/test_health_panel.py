"""The split-health tab: filled from real files, a missing val file warned about, version changes, stale drops."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

from helpers import make_signal, write_sample
from specgui.core.splits.manager import SplitManager
from specgui.app import check_jobs
from specgui.gui.state import health_controller
from specgui.gui.state.health_controller import HealthController
from specgui.gui.workers import WorkerPool

from .conftest import WAIT_MS, select_and_wait

pytestmark = pytest.mark.gui

# 32x48 images; every box 18 px wide (0.375 of 48 columns: bin 7 of 20) and 11 px high (0.34: bin 6)
BOX = {"x_min": 2, "y_min": 3, "x_max": 20, "y_max": 14, "label": "burst"}


@pytest.fixture
def health_root(tmp_path):
    """alpha: v1 over eight samples of one box each, then v2 adding two samples of two boxes."""
    root = tmp_path / "signals"
    make_signal(root, "alpha", [f"s{i:02d}" for i in range(8)], boxes=[BOX])
    manager = SplitManager(root)
    manager.create_initial_split("alpha", 0.25, 7)
    for i, sample_id in enumerate(("n00", "n01")):
        write_sample(root / "alpha" / "samples", sample_id, seed=20 + i, boxes=[BOX, BOX])
    manager.extend_split("alpha", ["n00", "n01"])
    return root, manager


def open_health(qtbot, open_window, root):
    """The window with alpha selected and the health tab shown; returns once the first health arrives."""
    window = open_window(root)
    panel = window.health_panel
    with qtbot.waitSignal(window.state.health.finished, timeout=WAIT_MS):
        window.side_tabs.setCurrentWidget(panel)
        select_and_wait(qtbot, window, "alpha", "s00")
    qtbot.waitUntil(lambda: panel.health is not None and not window.state.health.running, timeout=WAIT_MS)
    return window, panel


def test_the_panel_fills_from_real_files(qtbot, open_window, health_root):
    root, manager = health_root
    window, panel = open_health(qtbot, open_window, root)
    health = panel.health
    assert health.version == 2 and health.val_frozen is True
    x, y = panel.plots.series["box_width"]["train"]
    assert np.flatnonzero(y).tolist() == [7] and y[7] == pytest.approx(1.0)
    assert x[7] == pytest.approx(0.35 * 48) and x[8] == pytest.approx(0.40 * 48)  # pixels: one image size
    _, h = panel.plots.series["box_height"]["val"]
    assert np.flatnonzero(h).tolist() == [6]
    _, counts = panel.plots.series["boxes_per_sample"]["train"]
    assert counts[1] == pytest.approx(6 / 8) and counts[2] == pytest.approx(2 / 8)  # 6 old + 2 new train
    heat = panel.plots.heat_images["train"].image
    assert heat.shape == (16, 16) and heat.sum() == pytest.approx(1.0)
    assert "val frozen" in panel.summary.text() and "v2" in panel.summary.text()
    assert "JS distance" in panel.drift_label.text()
    assert not panel.warnings_label.isVisibleTo(panel)
    assert [panel.classes.cell(0, c) for c in range(3)] == ["burst", "10", "2"]  # 6 + 2x2 train boxes
    assert panel.class_table.isVisibleTo(panel)


def test_a_val_file_gone_from_disk_is_warned_about(qtbot, open_window, health_root):
    root, manager = health_root
    val = manager.get_split("alpha")[1]
    (root / "alpha" / "samples" / f"{val[0]}.npz").unlink()
    window, panel = open_health(qtbot, open_window, root)
    assert panel.health.val.missing == [val[0]]
    assert panel.warnings_label.isVisibleTo(panel)
    assert "val shrank" in panel.warnings_label.text() and val[0] in panel.warnings_label.text()
    assert "#e5484d" in panel.warnings_label.styleSheet()


def test_choosing_another_version_recomputes(qtbot, open_window, health_root):
    root, _ = health_root
    window, panel = open_health(qtbot, open_window, root)
    qtbot.waitUntil(lambda: panel.version_picker.count() == 3, timeout=WAIT_MS)  # active, v1, v2
    with qtbot.waitSignal(window.state.health.finished, timeout=WAIT_MS,
                          check_params_cb=lambda health: health.version == 1):
        window.split_panel.membership_requested.emit("alpha", 1)  # the split panel's version choice
    qtbot.waitUntil(lambda: panel.health.version == 1, timeout=WAIT_MS)
    assert panel.health.train.listed == 6 and "v1" in panel.summary.text()


@pytest.fixture
def gated_jobs(monkeypatch):
    """The active version's job waits for a gate (plain function: deaf to cancel); v1's runs for real."""
    gate = threading.Event()

    def job(generation, signals_root, signal, version):
        if version is None:
            gate.wait(WAIT_MS / 1000)
            return check_jobs.CheckOutcome(generation, signal, error="stale: must never be shown")
        return check_jobs.health_job(generation, signals_root, signal, version)

    monkeypatch.setattr(health_controller, "health_job", job)
    yield gate
    gate.set()


def test_a_newer_request_drops_the_older_result(qtbot, health_root, gated_jobs):
    root, _ = health_root
    pool = WorkerPool(2)
    controller = HealthController(pool)
    controller.set_signals_root(root)
    finished, failed = [], []
    controller.finished.connect(finished.append)
    controller.failed.connect(lambda signal, message: failed.append(message))
    assert controller.request("alpha", None)
    with qtbot.waitSignal(controller.finished, timeout=WAIT_MS):
        assert controller.request("alpha", 1)  # the first is still stuck at the gate
    gated_jobs.set()
    qtbot.waitUntil(lambda: not pool.active(), timeout=WAIT_MS)
    assert [h.version for h in finished] == [1] and failed == []
    assert controller.result.version == 1 and not controller.running


def test_cancel_stops_the_pass(qtbot, health_root, monkeypatch):
    root, _ = health_root
    gate = threading.Event()

    def slow_job(generation, signals_root, signal, version):
        while not gate.wait(0.01):
            yield None  # a cancel point each round
        return check_jobs.CheckOutcome(generation, signal, error="never reached")

    monkeypatch.setattr(health_controller, "health_job", slow_job)
    pool = WorkerPool(2)
    controller = HealthController(pool)
    controller.set_signals_root(root)
    finished = []
    controller.finished.connect(finished.append)
    assert controller.request("alpha", None) and controller.running
    with qtbot.waitSignals([controller.cancelled, controller.running_changed], order="strict",
                           timeout=WAIT_MS):
        controller.cancel()
    qtbot.waitUntil(lambda: not pool.active(), timeout=WAIT_MS)
    assert finished == [] and not controller.running
    gate.set()


def test_the_diff_dialog_says_val_shrank_when_val_files_are_gone(qtbot, health_root):
    """The diff job runs the core's checked diff: b's val IDs missing on disk reach the dialog."""
    from specgui.app.jobs import diff_job
    from specgui.gui.widgets.splits.diff_dialog import DiffDialog

    root, manager = health_root
    val = manager.get_split("alpha")[1]
    (root / "alpha" / "samples" / f"{val[0]}.json").unlink()
    outcome = diff_job(root, "alpha", 1, 2)
    assert outcome.error is None and outcome.val_missing == (val[0],) and outcome.b_val_frozen
    dialog = DiffDialog(outcome)
    qtbot.addWidget(dialog)
    assert dialog.missing_label.isVisibleTo(dialog)
    assert "Val shrank because files went missing" in dialog.missing_label.text()
    assert val[0] in dialog.missing_label.text()


@pytest.mark.parametrize("group_by", [None, "capture"])
def test_the_tab_says_whether_v1_is_capture_aware_and_counts_capture_leaks(qtbot, open_window, tmp_path, group_by):
    root = tmp_path / "signals"
    for i in range(20):  # two recordings, runs of two back-to-back windows, 1 s apart
        start = (i % 10) * 0.1 + (i % 10) // 2 * 1.0
        write_sample(root / "alpha" / "samples", f"s{i:02d}", seed=i, boxes=[BOX],
                     extra={"source_capture": f"rec{i // 10}", "window_start_sec": start, "window_duration_sec": 0.1})
    SplitManager(root).create_initial_split("alpha", 0.25, 1, group_by=group_by)
    window, panel = open_health(qtbot, open_window, root)
    text = panel.capture_label.text()
    if group_by:
        assert panel.health.group_by == "capture" and panel.health.capture_leaks == 0
        assert "capture-aware (v1 grouped by capture)" in text and "0 capture leak pair(s)" in text
        png = os.environ.get("SPECGUI_HEALTH_PNG")
        if png:
            window.grab().save(png)
    else:
        assert panel.health.group_by is None and panel.health.capture_leaks > 0
        assert "not capture-aware" in text and f"{panel.health.capture_leaks} capture leak pair(s)" in text
