"""Fixtures for the window tests: isolated settings, small real data folders, a window.

Every test runs with ``SPECGUI_SETTINGS_FILE`` in its temp dir, so the user's settings are
never read or written. Windows are closed at teardown, which cancels and waits for workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import make_signal

SIGNALS = {"alpha": ["a00", "a01", "a02", "a03", "a04", "a05"], "beta": ["b00", "b01", "b02"]}
WAIT_MS = 15_000


@pytest.fixture(autouse=True)
def garbage_collected_on_the_ui_thread():
    """Every window a test opens hands garbage collection back when it closes: nothing the
    test left behind can then be collected on a later test's worker thread."""
    import gc

    from specgui.gui.main_thread_gc import MainThreadGarbageCollector

    yield
    leaked = MainThreadGarbageCollector._active
    if leaked:  # a window or state never shut down: repair, then fail the test that did it
        MainThreadGarbageCollector._active = 0
        gc.collect()
        gc.enable()
    assert not leaked and gc.isenabled(), f"{leaked} window state(s) left without shutdown()"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "settings" / "specgui.ini"
    monkeypatch.setenv("SPECGUI_SETTINGS_FILE", str(path))
    return path


@pytest.fixture
def signals_root(tmp_path) -> Path:
    """Two signals of tiny samples, no splits yet."""
    root = tmp_path / "signals"
    for name, ids in SIGNALS.items():
        make_signal(root, name, ids, boxes=[{"x_min": 2, "y_min": 3, "x_max": 20, "y_max": 14}])
    return root


@pytest.fixture
def open_window(qtbot):
    """``open_window(root)``: a shown window whose tree is filled (waits for the scan)."""
    windows = []

    def factory(root, *, wait: bool = True, size=(1200, 800)):
        from specgui.gui.app import create_window

        window = create_window(root, poll_ms=0)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        windows.append(window)
        if wait:
            qtbot.waitUntil(lambda: window.tree_panel.model.rowCount() > 0, timeout=WAIT_MS)
            wait_until_shown(qtbot, window)
        return window

    yield factory
    for window in windows:
        window.close()
        workers = window.state.pool.active() + window.state.load_pool.active()
        assert all(worker.is_done for worker in workers), [(w.name, w.is_done) for w in workers]


def wait_until_shown(qtbot, window) -> None:
    """The sample a folder opens on (its remembered one, else the first) is painted, if any."""
    key = window.tree_panel.current_key()
    if key is not None and key[1] is not None:
        qtbot.waitUntil(lambda: window.view.painted_sample_id == key[1] or bool(window.view.error_text),
                        timeout=WAIT_MS)


def select_and_wait(qtbot, window, signal: str, sample_id: str) -> None:
    """Select a sample and wait until its image and boxes are painted."""
    if window.tree_panel.current_key() == (signal, sample_id):  # already current (a folder opens on one)
        qtbot.waitUntil(lambda: window.view.painted_sample_id == sample_id, timeout=WAIT_MS)
        return
    with qtbot.waitSignal(window.view.sample_painted, timeout=WAIT_MS,
                          check_params_cb=lambda painted: painted == sample_id):
        assert window.tree_panel.select(signal, sample_id)


def current_ids(window) -> tuple[str, str | None] | None:
    return window.tree_panel.current_key()
