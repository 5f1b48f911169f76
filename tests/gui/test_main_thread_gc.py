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
