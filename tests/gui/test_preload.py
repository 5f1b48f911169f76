"""``--select`` at launch: the named sample is decoded while the folder is still being scanned."""

from __future__ import annotations

import pytest

import specgui.app.jobs as jobs
from specgui.gui.app_state import AppState

from .conftest import WAIT_MS, current_ids

pytestmark = pytest.mark.gui


@pytest.fixture
def counted_loads(monkeypatch):
    """Every sample decode the workers attempt, by sample ID; ``loads.folders`` says where."""

    class Loads(list):
        folders: list = []

    loads = Loads()
    real = jobs.load_sample

    def counting(samples_dir, sample_id):
        loads.append(sample_id)
        loads.folders.append(samples_dir)
        return real(samples_dir, sample_id)

    monkeypatch.setattr(jobs, "load_sample", counting)
    return loads


def test_a_sample_selected_at_launch_is_shown_from_the_one_early_load(qtbot, signals_root, counted_loads):
    from specgui.gui.app import create_window

    window = create_window(signals_root.parent, select="alpha/a03", poll_ms=0)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.view.sample_painted, timeout=WAIT_MS, check_params_cb=lambda s: s == "a03"):
        window.show()
    assert current_ids(window) == ("alpha", "a03")
    assert counted_loads.count("a03") == 1  # the tree's selection found it loaded (or on its way)
    window.close()


@pytest.mark.parametrize("spec", ["../alpha/a03", "alpha/../../a03", "nosuch/a03", "alpha/nosuch"])
def test_a_bad_select_preloads_nothing_outside_and_the_window_says_so(qtbot, signals_root, counted_loads, spec):
    from specgui.gui.app import create_window

    window = create_window(signals_root.parent, select=spec, poll_ms=0)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.tree_panel.model.rowCount() > 0, timeout=WAIT_MS)
    qtbot.waitUntil(window.state.idle, timeout=WAIT_MS)
    assert current_ids(window) is None or current_ids(window)[1] is None
    assert "not in this folder" in window.statusBar().currentMessage()
    inside = signals_root.resolve()
    assert all(folder.resolve().is_relative_to(inside) for folder in counted_loads.folders), counted_loads.folders
    window.close()


def test_a_preload_that_arrives_after_the_folder_opened_is_shown_when_wanted(qtbot, signals_root):
    state = AppState(poll_ms=0)
    try:
        with qtbot.waitSignal(state.scans.signals_scanned, timeout=WAIT_MS):
            state.open_root(signals_root)
        with qtbot.waitSignal(state.samples.sample_loaded, timeout=WAIT_MS,
                              check_params_cb=lambda signal, sample: sample.sample_id == "b01"):
            state.preload_sample("beta", "b01")
            state.samples.request("beta", "b01")  # wanted while the preload is still running
        assert ("beta", "b01") in state.samples.cache
    finally:
        assert state.shutdown(timeout_s=10)


def test_a_preload_kept_before_the_folder_opens_goes_to_the_cache_when_it_does(qtbot, signals_root, counted_loads):
    state = AppState(poll_ms=0)
    try:
        state.open_root(signals_root)
        state.preload_sample("alpha", "a01")
        qtbot.waitUntil(lambda: ("alpha", "a01") in state.samples.cache, timeout=WAIT_MS)
        loaded = []
        state.samples.sample_loaded.connect(lambda signal, sample: loaded.append(sample.sample_id))
        state.samples.request("alpha", "a01")
        assert loaded == ["a01"] and counted_loads == ["a01"]  # straight from the cache, no second load
    finally:
        assert state.shutdown(timeout_s=10)


@pytest.mark.parametrize("spec, announced", [("beta/b01", ["beta"]), ("nosuch/x", ["alpha"])])
def test_launch_announces_only_the_selected_signal(qtbot, signals_root, spec, announced):
    """A launch onto the second signal must not first announce the first one: every
    announcement lists that signal's versions and starts its guarded extension preview (a
    minute of decoding on a 100k-sample signal nobody looked at). A bad ``--select`` falls
    back to the first signal, so the split panel still shows one."""
    from specgui.gui.app import create_window

    window = create_window(signals_root.parent, select=spec, poll_ms=0)
    qtbot.addWidget(window)
    seen: list[str] = []
    window.tree_panel.signal_requested.connect(seen.append)
    window.show()
    qtbot.waitUntil(lambda: window.tree_panel.model.rowCount() > 0, timeout=WAIT_MS)
    qtbot.waitUntil(window.state.idle, timeout=WAIT_MS)
    assert seen == announced
    assert window.split_panel.signal == announced[0]
    window.close()
