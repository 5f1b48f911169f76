"""Garbage collection happens on the UI thread while a window is open, never on a worker."""

from __future__ import annotations

import gc
import threading

import pytest

from specgui.gui.main_thread_gc import MainThreadGarbageCollector

from .conftest import WAIT_MS

pytestmark = pytest.mark.gui


class _Cyclic:
    """Garbage only the cyclic collector can free; records the thread that freed it."""

    freed_on: list[str] = []

    def __init__(self):
        self.me = self

    def __del__(self):
        _Cyclic.freed_on.append(threading.current_thread().name)


def test_a_cycle_dropped_while_a_worker_allocates_is_freed_on_the_ui_thread(qtbot):
    _Cyclic.freed_on = []
    collector = MainThreadGarbageCollector()
    try:
        _Cyclic()  # unreachable at once: a cycle
        kept = []
        worker = threading.Thread(target=lambda: kept.extend([i] for i in range(50_000)), name="worker")
        worker.start()  # 50,000 live containers: far past the point where Python would collect
        worker.join()
        assert _Cyclic.freed_on == []  # automatic collection is off: the worker freed nothing
        qtbot.waitUntil(lambda: _Cyclic.freed_on != [], timeout=WAIT_MS)
        assert _Cyclic.freed_on == [threading.main_thread().name]
    finally:
        collector.stop()


def test_collection_comes_back_on_when_the_last_window_closes(qtbot):
    _Cyclic.freed_on = []
    first, second = MainThreadGarbageCollector(), MainThreadGarbageCollector()
    assert not gc.isenabled()
    first.stop()
    assert not gc.isenabled()  # the second window is still open
    _Cyclic()
    second.stop()
    assert gc.isenabled() and _Cyclic.freed_on == [threading.main_thread().name]  # collected on stop
    second.stop()  # twice is harmless
    assert gc.isenabled() and MainThreadGarbageCollector._active == 0


@pytest.fixture
def collected_generations():
    """The generation of every collection that runs while the test does."""
    seen: list[int] = []

    def record(phase, info):
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(record)
    yield seen
    gc.callbacks.remove(record)


def _make_oldest_generation_due() -> list:
    """Counts as after a long session: the oldest and middle generations past their thresholds,
    the youngest past its own (the returned containers are alive)."""
    for _ in range(gc.get_threshold()[2] + 1):
        gc.collect(1)  # each one counts towards the oldest generation
    for _ in range(gc.get_threshold()[1] + 1):
        gc.collect(0)
    return [[i] for i in range(gc.get_threshold()[0] * 2)]


def test_a_full_collection_waits_until_the_old_generation_grew_by_a_quarter(qtbot, collected_generations):
    collector = MainThreadGarbageCollector(freeze_after_ms=None)
    try:
        collector._long_lived, collector._promoted = 1_000_000, 1_000  # grew by 0.1%: not yet
        kept = _make_oldest_generation_due()
        collected_generations.clear()
        collector.collect_due()
        assert collected_generations == [1]
        collector._promoted = 300_000  # grew by 30%
        kept += _make_oldest_generation_due()
        collected_generations.clear()
        collector.collect_due()
        assert collected_generations == [2]
        assert collector._promoted == 0 and collector._long_lived >= 1_300_000
    finally:
        collector.stop()


def test_a_full_collection_waits_while_background_work_runs_up_to_a_limit(qtbot, collected_generations):
    from specgui.gui.main_thread_gc import DEFER_FULL_LIMIT

    collector = MainThreadGarbageCollector(freeze_after_ms=None)
    working = [True]
    collector.defer_full_while(lambda: working[0])
    try:
        collector._long_lived, collector._promoted = 1_000_000, 300_000  # due by the 25% rule
        kept = _make_oldest_generation_due()
        collected_generations.clear()
        collector.collect_due()
        assert collected_generations == [1]  # a worker runs: its live data would be walked too
        collector._promoted = 300_000
        working[0] = False  # the work is done
        kept += _make_oldest_generation_due()
        collected_generations.clear()
        collector.collect_due()
        assert collected_generations == [2]
        working[0] = True
        collector._long_lived, collector._promoted = 1_000_000, DEFER_FULL_LIMIT  # a long job piled up enough
        kept += _make_oldest_generation_due()
        collected_generations.clear()
        collector.collect_due()
        assert collected_generations == [2] and kept
    finally:
        collector.stop()


def test_the_window_defers_full_collections_while_its_workers_run(qtbot, open_window, tmp_path):
    from helpers import make_signal

    make_signal(tmp_path / "signals", "alpha", ["a00", "a01"])
    window = open_window(tmp_path / "signals")
    state = window.state
    qtbot.waitUntil(state.idle, timeout=WAIT_MS)
    busy = state.garbage_collector._background_busy
    assert busy is not None and busy() is False
    release = threading.Event()
    state.pool.run(release.wait, 30)
    assert busy() is True
    release.set()
    qtbot.waitUntil(lambda: not busy(), timeout=WAIT_MS)


def test_the_check_runs_often_while_workers_allocate_fast_and_rarely_when_quiet(qtbot):
    collector = MainThreadGarbageCollector(freeze_after_ms=None)
    try:
        gc.collect(0)
        assert collector._timer.interval() == 250
        kept = [[i] for i in range(gc.get_threshold()[0] * 10)]  # as a worker building a big result
        collector.collect_due()
        assert collector._timer.interval() == 10
        collector.collect_due()  # nothing allocated since
        assert collector._timer.interval() == 250
        assert len(kept) > 0
    finally:
        collector.stop()


def test_startup_objects_are_frozen_once_and_later_cycles_are_still_freed(qtbot, monkeypatch):
    monkeypatch.setattr(MainThreadGarbageCollector, "_frozen", False)
    before = gc.get_freeze_count()
    collector = MainThreadGarbageCollector(freeze_after_ms=1)
    try:
        qtbot.waitUntil(lambda: MainThreadGarbageCollector._frozen, timeout=WAIT_MS)
        assert gc.get_freeze_count() > before  # what was alive then is out of every later walk
        frozen = gc.get_freeze_count()
        second = MainThreadGarbageCollector(freeze_after_ms=1)  # a second window freezes nothing more
        qtbot.wait(50)
        second.stop()
        assert gc.get_freeze_count() == frozen
        _Cyclic.freed_on = []
        _Cyclic()
        kept = [[i] for i in range(gc.get_threshold()[0] * 2)]
        qtbot.waitUntil(lambda: _Cyclic.freed_on != [], timeout=WAIT_MS)
        assert _Cyclic.freed_on == [threading.main_thread().name] and kept
    finally:
        collector.stop()
        gc.unfreeze()  # the rest of the test session collects as before


def test_no_full_collection_runs_before_the_startup_objects_are_frozen(qtbot, monkeypatch, collected_generations):
    monkeypatch.setattr(MainThreadGarbageCollector, "_frozen", False)
    collector = MainThreadGarbageCollector(freeze_after_ms=60_000)  # the launch: not frozen yet
    try:
        collector._long_lived, collector._promoted = 0, 1_000_000  # the 25% rule alone would allow it
        kept = _make_oldest_generation_due()
        collected_generations.clear()
        collector.collect_due()
        assert collected_generations == [1] and kept
    finally:
        collector.stop()


def test_the_window_freezes_the_startup_objects_at_its_first_paint(qtbot, open_window, monkeypatch, tmp_path):
    from helpers import make_signal

    monkeypatch.setattr(MainThreadGarbageCollector, "_frozen", False)
    make_signal(tmp_path / "signals", "alpha", ["a00", "a01"])
    before = gc.get_freeze_count()
    try:
        window = open_window(tmp_path / "signals")  # waits for the first sample painted
        assert MainThreadGarbageCollector._frozen and gc.get_freeze_count() > before
        assert window.state.garbage_collector._freeze_pending is False
    finally:
        gc.unfreeze()
