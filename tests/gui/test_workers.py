"""The one worker style: results on the main thread, progress, cancel points, waiting on quit."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject, QThread

from specgui.app.jobs import Progress
from specgui.gui.workers import Worker, WorkerPool

pytestmark = pytest.mark.gui


class Receiver(QObject):
    """A main-thread object whose bound methods receive the results."""

    def __init__(self):
        super().__init__()
        self.returned, self.progress, self.threads = [], [], []

    def on_returned(self, value):
        self.returned.append(value)
        self.threads.append(QThread.currentThread())

    def on_progress(self, label, done, total):
        self.progress.append((label, done, total))


def counting_job(n):
    for i in range(n):
        yield Progress("Counting", i, n)
    return n * 10


def test_generator_job_reports_progress_and_returns_on_the_main_thread(qtbot):
    pool, receiver = WorkerPool(2), Receiver()
    pool.progress_changed.connect(receiver.on_progress)
    with qtbot.waitSignal(pool.busy_changed, check_params_cb=lambda busy: not busy, timeout=10_000):
        pool.run(counting_job, 3, returned=receiver.on_returned, long=True)
    assert receiver.returned == [30]
    assert receiver.threads == [QThread.currentThread()]  # delivered on the main thread
    assert receiver.progress == [("Counting", 0, 3), ("Counting", 1, 3), ("Counting", 2, 3)]


def test_cancel_stops_a_generator_at_its_next_yield_and_runs_its_cleanup(qtbot):
    started, cleaned = threading.Event(), threading.Event()

    def endless():
        try:
            started.set()
            while True:
                yield Progress("Spinning", 0, 0)
        finally:
            cleaned.set()

    pool, receiver = WorkerPool(1), Receiver()
    worker = pool.run(endless, returned=receiver.on_returned, long=True)
    assert started.wait(10)
    with qtbot.waitSignal(worker.signals.aborted, timeout=10_000):
        pool.cancel_long()
    assert cleaned.is_set() and receiver.returned == []


def test_an_exception_in_a_job_is_reported_as_one_line(qtbot):
    def broken():
        raise RuntimeError("boom")

    pool = WorkerPool(1)
    with qtbot.waitSignal(pool.job_failed, timeout=10_000) as blocker:
        pool.run(broken)
    assert "RuntimeError: boom" in blocker.args[0]


def test_shutdown_cancels_and_waits_for_running_workers(qtbot):
    inside, finished = threading.Event(), threading.Event()

    def slow():
        try:
            inside.set()
            while True:
                yield None
        finally:
            finished.set()

    pool = WorkerPool(1)
    worker = pool.run(slow)
    queued = pool.run(counting_job, 2)  # never started: taken off the queue, not waited for
    assert inside.wait(10)
    assert pool.shutdown(timeout_s=10)
    assert finished.is_set() and worker.is_done
    assert queued not in pool.active()


def test_a_worker_cancelled_before_it_starts_never_runs(qtbot):
    ran = threading.Event()

    def job():
        ran.set()

    worker = Worker(job)
    worker.quit()
    with qtbot.waitSignal(worker.signals.aborted, timeout=5000):
        WorkerPool(1).start(worker)
    assert not ran.is_set()


def test_nothing_starts_after_shutdown(qtbot):
    ran = threading.Event()

    def job():
        ran.set()

    pool = WorkerPool(1)
    assert pool.shutdown(timeout_s=5)
    worker = pool.run(job)
    assert worker.abort_requested and not pool.active()
    assert not worker.wait(0.2) and not ran.is_set()
