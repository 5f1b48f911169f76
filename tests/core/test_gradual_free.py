"""Big containers emptied a piece at a time (so a worker never holds the GIL for long)."""

from __future__ import annotations

import threading
import time
import weakref

from specgui.core.gradual_free import free_gradually


class _Item:
    pass


def test_dicts_and_lists_are_emptied_and_their_items_freed():
    items = [_Item() for _ in range(1_000)]
    alive = [weakref.ref(item) for item in items]
    table, rows = {i: item for i, item in enumerate(items)}, list(items)
    del items
    free_gradually(table, rows)
    assert table == {} and rows == []
    assert not any(ref() for ref in alive)


def _ticks_during_free(entries: int) -> int:
    """How often another thread ran (it wakes every millisecond) while a table was freed."""
    table = {i: (str(i), bytes(8)) for i in range(entries)}
    ticks: list[float] = []
    stop = threading.Event()

    def tick():
        while not stop.wait(0.001):
            ticks.append(time.perf_counter())

    other = threading.Thread(target=tick)
    other.start()
    try:
        time.sleep(0.01)
        started = time.perf_counter()
        free_gradually(table)
        ended = time.perf_counter()
    finally:
        stop.set()
        other.join()
    assert table == {}
    return sum(started < t < ended for t in ticks)


def test_another_thread_runs_while_a_big_table_is_freed():
    """``table.clear()`` frees all 300,000 entries in one C call: the other thread gets in once
    at most, at the edge; freed gradually it runs every few milliseconds (~6 times here). Up
    to three tries, for a machine too busy to schedule it."""
    assert any(_ticks_during_free(300_000) >= 3 for _ in range(3))
