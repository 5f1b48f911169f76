"""Files appearing on disk while the window is open; cancelling a write; quitting waits."""

from __future__ import annotations

import threading

import pytest

from helpers import make_signal, write_sample
from specgui.core.samples.status import SampleStatus
from specgui.core.splits.manager import SplitManager
from specgui.app import jobs
from specgui.gui.state import split_controller
from specgui.gui.state.live_watch import DEBOUNCE_MS
from specgui.gui.widgets import dialogs

from .conftest import WAIT_MS, select_and_wait
from .test_split_panel import status_of

pytestmark = pytest.mark.gui


def test_new_files_on_disk_appear_as_pending_and_the_extend_count_follows(qtbot, open_window, signals_root):
    SplitManager(signals_root).create_initial_split("alpha", 0.34, 3)
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "alpha", "a00")
    qtbot.waitUntil(lambda: window.split_panel.extend_button.text() == "Extend +0", timeout=WAIT_MS)
    assert str(signals_root / "alpha" / "samples") in window.state.live.watched()
    write_sample(signals_root / "alpha" / "samples", "a10", seed=10)
    write_sample(signals_root / "alpha" / "samples", "a11", seed=11)
    qtbot.waitUntil(lambda: status_of(window, "alpha", "a11") is SampleStatus.PENDING, timeout=WAIT_MS)
    assert status_of(window, "alpha", "a10") is SampleStatus.PENDING
    qtbot.waitUntil(lambda: window.split_panel.extend_button.text() == "Extend +2", timeout=WAIT_MS)
    assert window.tree_panel.current_key() == ("alpha", "a00")  # the selection stayed put


def test_a_new_signal_folder_appears_and_the_poll_catches_what_the_watcher_missed(qtbot, open_window, signals_root):
    window = open_window(signals_root)
    make_signal(signals_root, "gamma", ["g0"])
    qtbot.waitUntil(lambda: window.tree_panel.model.signal_row("gamma") is not None, timeout=WAIT_MS)
    window.state.live.stop()  # no watcher any more: only the periodic poll can see changes
    write_sample(signals_root / "beta" / "samples", "b09")
    window.state.live.poll_due.emit()
    qtbot.waitUntil(lambda: status_of(window, "beta", "b09") is SampleStatus.PENDING, timeout=WAIT_MS)
    make_signal(signals_root, "delta", ["d0"])
    window.refresh()  # F5
    qtbot.waitUntil(lambda: window.tree_panel.model.signal_row("delta") is not None, timeout=WAIT_MS)


def test_a_split_write_cancelled_midway_writes_nothing(qtbot, open_window, signals_root, monkeypatch):
    SplitManager(signals_root).create_initial_split("alpha", 0.34, 3)
    write_sample(signals_root / "alpha" / "samples", "a10", seed=10)
    at_cancel_point, go_on = threading.Event(), threading.Event()

    def gated_extend(root, preview):
        inner = jobs.extend_job(root, preview)
        first = next(inner)  # the real job, paused at its last cancel point before writing
        at_cancel_point.set()
        go_on.wait(20)
        yield first
        return (yield from inner)

    monkeypatch.setattr(split_controller, "extend_job", gated_extend)
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "alpha", "a00")
    qtbot.waitUntil(lambda: window.split_panel.extend_button.text() == "Extend +1", timeout=WAIT_MS)
    window.split_panel.extend_button.click()
    qtbot.waitUntil(at_cancel_point.is_set, timeout=WAIT_MS)
    assert window.job_progress.isVisible()
    with qtbot.waitSignal(window.state.pool.long_busy_changed, timeout=WAIT_MS,
                          check_params_cb=lambda busy: not busy):
        window.job_progress.cancel_button.click()
        go_on.set()
    names = sorted(p.name for p in (signals_root / "alpha" / "splits").iterdir())
    assert [n for n in names if not n.startswith(".specgui.lock")] == ["active.json", "v1.json"]
    assert SplitManager(signals_root).get_active_split_version("alpha") == 1
    qtbot.waitUntil(lambda: window.split_panel.extend_button.isEnabled(), timeout=WAIT_MS)  # can try again


def test_quitting_cancels_and_waits_for_running_workers(qtbot, open_window, signals_root, monkeypatch):
    cleaned_up = threading.Event()
    release, loading = threading.Event(), threading.Event()
    real = jobs.load_sample

    def endless_scan():
        try:
            while True:
                yield jobs.Progress("Scanning", 0, 0)
        finally:
            cleaned_up.set()

    def slow_load(samples_dir, sample_id, **kwargs):
        loading.set()
        release.wait(20)
        return real(samples_dir, sample_id, **kwargs)

    monkeypatch.setattr(jobs, "load_sample", slow_load)
    window = open_window(signals_root, wait=False)  # the first sample's load is the slow one too
    qtbot.waitUntil(lambda: window.tree_panel.model.rowCount() > 0, timeout=WAIT_MS)
    scan = window.state.pool.run(endless_scan, long=True)
    window.tree_panel.select("beta", "b02")
    qtbot.waitUntil(loading.is_set, timeout=WAIT_MS)
    load = next(w for w in window.state.load_pool.active() if w.name == "load_sample_job")
    threading.Timer(0.3, release.set).start()  # the load is slow, not stuck: close must outwait it
    window.close()
    assert cleaned_up.is_set() and scan.is_done
    assert load.is_done and release.is_set()


@pytest.fixture
def counted_reads(monkeypatch):
    """How often each signal is rescanned and its versions listed (the jobs, counted as they start)."""
    from specgui.gui.state import scan_controller

    counts = {"scans": [], "listings": []}
    real_scan, real_list = scan_controller.scan_signal_job, split_controller.list_versions_job

    def scan(signals_root, name, *args):
        counts["scans"].append(name)
        return real_scan(signals_root, name, *args)

    def listing(generation, signals_root, signal):
        counts["listings"].append(signal)
        return real_list(generation, signals_root, signal)

    monkeypatch.setattr(scan_controller, "scan_signal_job", scan)
    monkeypatch.setattr(split_controller, "list_versions_job", listing)
    return counts


def open_with_two_pending(qtbot, open_window, signals_root):
    """alpha: v1 of six samples and two more on disk, shown in the window."""
    SplitManager(signals_root).create_initial_split("alpha", 0.34, 3)
    for sample_id, seed in (("a06", 106), ("a07", 107)):  # own pixels: a copy of a val sample is held back
        write_sample(signals_root / "alpha" / "samples", sample_id, seed=seed)
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "alpha", "a00")
    return window


def extend_from_the_panel(qtbot, window, monkeypatch):
    """One click on the guarded Extend (no confirm: "Ask before extending" is off by default)."""
    qtbot.waitUntil(lambda: window.split_panel.extend_button.text() == "Extend +2", timeout=WAIT_MS)
    with qtbot.waitSignal(window.state.splits.split_changed, timeout=WAIT_MS):
        window.split_panel.extend_button.click()
    qtbot.waitUntil(lambda: [r.version for r in window.split_panel.model.rows()] == [1, 2], timeout=WAIT_MS)


def test_the_apps_own_split_write_is_rescanned_and_relisted_once(qtbot, open_window, signals_root, monkeypatch,
                                                                 counted_reads):
    """The watcher sees the app's own vN.json and active.json; the window has rescanned already."""
    window = open_with_two_pending(qtbot, open_window, signals_root)
    assert str(signals_root / "alpha" / "splits") in window.state.live.watched()
    qtbot.waitUntil(window.state.idle, timeout=WAIT_MS)
    qtbot.wait(3 * DEBOUNCE_MS)  # the sample files written above have been seen and rescanned
    counted_reads["scans"].clear(), counted_reads["listings"].clear()
    extend_from_the_panel(qtbot, window, monkeypatch)
    qtbot.wait(3 * DEBOUNCE_MS)  # well past the watcher's debounce: a second pass would have started
    qtbot.waitUntil(window.state.idle, timeout=WAIT_MS)
    assert counted_reads == {"scans": ["alpha"], "listings": ["alpha"]}


def test_a_write_by_someone_else_just_after_the_apps_own_is_still_shown(qtbot, open_window, signals_root, monkeypatch,
                                                                       counted_reads):
    window = open_with_two_pending(qtbot, open_window, signals_root)
    extend_from_the_panel(qtbot, window, monkeypatch)
    SplitManager(signals_root).set_active_version("alpha", 1)  # another process rolls back at once
    qtbot.waitUntil(lambda: [r.version for r in window.split_panel.model.rows() if r.is_active] == [1],
                    timeout=WAIT_MS)
    qtbot.waitUntil(lambda: status_of(window, "alpha", "a06") is SampleStatus.PENDING, timeout=WAIT_MS)


def test_the_apps_first_split_is_rescanned_and_relisted_once(qtbot, open_window, signals_root, monkeypatch,
                                                             counted_reads):
    """v1 makes splits/ appear in the signal's folder: that echo is the app's own too."""
    monkeypatch.setattr(dialogs, "ask_initial_split", lambda parent, signal, count, request_preview=None: (0.34, 3, None))
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "alpha", "a00")
    qtbot.waitUntil(window.state.idle, timeout=WAIT_MS)
    counted_reads["scans"].clear(), counted_reads["listings"].clear()
    with qtbot.waitSignal(window.state.splits.split_changed, timeout=WAIT_MS):
        window.split_panel.create_button.click()
    qtbot.waitUntil(lambda: [r.version for r in window.split_panel.model.rows()] == [1], timeout=WAIT_MS)
    qtbot.wait(3 * DEBOUNCE_MS)
    qtbot.waitUntil(window.state.idle, timeout=WAIT_MS)
    assert counted_reads == {"scans": ["alpha"], "listings": ["alpha"]}
    assert str(signals_root / "alpha" / "splits") in window.state.live.watched()  # watched from now on
