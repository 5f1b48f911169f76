"""The app state without a window: stale scans and listings dropped, failures kept, facts in order."""

from __future__ import annotations

import threading

import pytest

from helpers import make_signal, write_sample
from specgui.core.splits.manager import SplitManager
from specgui.gui.app_state import AppState

from .conftest import WAIT_MS

pytestmark = pytest.mark.gui


@pytest.fixture
def state(qtbot):
    state = AppState(poll_ms=0)
    yield state
    assert state.shutdown(timeout_s=10)


def test_a_root_scan_overtaken_by_a_newer_one_is_dropped(qtbot, state, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    make_signal(first, "old", ["o1"])
    make_signal(second, "new", ["n1", "n2"])
    seen = []
    state.scans.signals_scanned.connect(lambda snaps: seen.append([s.name for s in snaps]))
    state.open_root(first)
    state.open_root(second)  # before the first scan's result is delivered
    qtbot.waitUntil(lambda: seen == [["new"]], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: state.idle(), timeout=WAIT_MS)
    assert seen == [["new"]]


def test_only_the_latest_version_listing_is_delivered(qtbot, state, signals_root):
    manager = SplitManager(signals_root)
    manager.create_initial_split("alpha", 0.34, 3)
    manager.create_initial_split("beta", 0.34, 3)
    with qtbot.waitSignal(state.scans.signals_scanned, timeout=WAIT_MS):
        state.open_root(signals_root)
    listed = []
    state.splits.versions_listed.connect(lambda outcome: listed.append(outcome.signal))
    state.splits.list_versions("alpha")
    state.splits.list_versions("beta")
    qtbot.waitUntil(lambda: listed == ["beta"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: state.idle(), timeout=WAIT_MS)
    assert listed == ["beta"]


def test_a_sample_that_failed_to_load_stays_invalid_and_is_never_offered_for_extend(qtbot, state, signals_root):
    SplitManager(signals_root).create_initial_split("alpha", 0.34, 3)
    for seed, sample_id in ((10, "a10"), (11, "a11")):  # pixels of their own (a copy of a val sample is held back)
        write_sample(signals_root / "alpha" / "samples", sample_id, seed=seed)
    (signals_root / "alpha" / "samples" / "a11.npz").write_bytes(b"garbage")
    with qtbot.waitSignal(state.scans.signals_scanned, timeout=WAIT_MS):
        state.open_root(signals_root)
    assert state.scans.snapshot("alpha").pending_in_active == 2
    with qtbot.waitSignal(state.samples.sample_failed, timeout=WAIT_MS):
        state.samples.request("alpha", "a11")
    qtbot.waitUntil(lambda: state.scans.snapshot("alpha").pending_in_active == 1, timeout=WAIT_MS)
    with qtbot.waitSignal(state.splits.extend_previewed, timeout=WAIT_MS) as previewed:
        state.request_extend_preview("alpha")
    assert previewed.args[0].added == ("a10",)


def test_extension_previews_asked_together_run_once_and_a_newer_ask_waits_for_the_running_one(
        qtbot, state, signals_root, monkeypatch):
    """Each preview decodes every uncached new and val sample: a launch or rescan that asks
    several times must start one job, and a job still running must not get a twin."""
    import specgui.gui.state.split_controller as split_controller

    SplitManager(signals_root).create_initial_split("alpha", 0.34, 3)
    write_sample(signals_root / "alpha" / "samples", "a10", seed=10)
    with qtbot.waitSignal(state.scans.signals_scanned, timeout=WAIT_MS):
        state.open_root(signals_root)
    started, gate = [], threading.Event()
    real = split_controller.preview_extend_job

    def counted(root, signal, exclude):
        started.append((signal, exclude))
        gate.wait(WAIT_MS / 1000)
        return real(root, signal, exclude)

    monkeypatch.setattr(split_controller, "preview_extend_job", counted)
    delivered = []
    state.splits.extend_previewed.connect(lambda preview: delivered.append(preview.added))
    gate.set()
    for _ in range(3):
        state.splits.preview_extend("alpha")
    with qtbot.waitSignal(state.splits.extend_previewed, timeout=WAIT_MS):
        state.splits.preview_extend("alpha", ("a10",))  # the last ask of the moment wins
    assert started == [("alpha", ("a10",))] and delivered == [()]
    started.clear(), delivered.clear(), gate.clear()
    state.splits.preview_extend("alpha")
    qtbot.waitUntil(lambda: started != [], timeout=WAIT_MS)  # running, held at the gate
    state.splits.preview_extend("alpha", ("a10",))
    qtbot.wait(3 * split_controller.PREVIEW_DELAY_MS)
    assert started == [("alpha", ())]  # no twin while it runs
    gate.set()
    qtbot.waitUntil(lambda: len(started) == 2 and delivered != [], timeout=WAIT_MS)
    qtbot.waitUntil(state.idle, timeout=WAIT_MS)
    assert started == [("alpha", ()), ("alpha", ("a10",))]
    assert delivered == [()]  # the older answer was dropped: only the newest ask's is shown


def test_a_signals_labels_are_read_once_after_the_delay_not_during_the_first_paint(qtbot, state, tmp_path, monkeypatch):
    import specgui.gui.state.edit_controller as edit_controller

    samples = tmp_path / "signals" / "sig" / "samples"
    write_sample(samples, "a", boxes=[{"x_min": 1, "y_min": 1, "x_max": 5, "y_max": 5, "label": "fm"}])
    write_sample(samples, "b", boxes=[{"x_min": 1, "y_min": 1, "x_max": 5, "y_max": 5, "label": "lte"}])
    started = []
    real = edit_controller.signal_labels_job

    def counted(signal_dir):
        started.append(signal_dir)
        return (yield from real(signal_dir))

    monkeypatch.setattr(edit_controller, "signal_labels_job", counted)
    signal_dir = str(samples.parent)
    state.edits._labels_timer.setInterval(300)
    state.edits.load_labels(signal_dir)
    state.edits.load_labels(signal_dir)  # the second sample shown, as the first paint happens
    assert state.idle() and started == []
    with qtbot.waitSignal(state.edits.labels_loaded, timeout=WAIT_MS) as loaded:
        pass
    assert started == [signal_dir] and loaded.args == [signal_dir, {"fm": 1, "lte": 1}]
