"""The one worker style of the app: a QRunnable that owns a QObject of signals.

A job is a plain function or a generator function. A generator's every ``yield`` reports
progress (the yielded value goes out on ``yielded``) and is a cancel point: after
:meth:`Worker.quit` the generator is closed at its next ``yield`` (its ``finally`` blocks
run) and ``aborted`` is emitted instead of ``returned``. Expected failures are returned as
values by the jobs; anything raised is reported on ``errored``.

The signals object is created on the main thread, so results reach bound methods of
main-thread objects through queued connections. :class:`WorkerPool` keeps every worker
referenced until its ``finished`` has been delivered, and cancels and waits for all of them
on quit.
"""

from __future__ import annotations

import inspect
import threading
import time
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class WorkerSignals(QObject):
    """What a worker reports; emitted from its thread, delivered on the main thread."""

    started = Signal()
    yielded = Signal(object)
    returned = Signal(object)
    errored = Signal(object)
    aborted = Signal()
    finished = Signal()


class _Aborted(Exception):
    """Raised inside :meth:`Worker.run` when a cancel point sees the abort flag."""


class Worker(QRunnable):
    """Runs ``func(*args, **kwargs)`` once on a pool thread; see the module docstring."""

    def __init__(self, func: Callable[..., Any], *args: Any, **kwargs: Any):
        super().__init__()
        self.setAutoDelete(False)  # Python owns it; the pool's set keeps it alive
        self.signals = WorkerSignals()
        self.name = getattr(func, "__name__", "job")
        self._func, self._args, self._kwargs = func, args, kwargs
        self._abort = threading.Event()
        self._done = threading.Event()

    @property
    def abort_requested(self) -> bool:
        return self._abort.is_set()

    @property
    def is_done(self) -> bool:
        return self._done.is_set()

    def quit(self) -> None:
        """Ask the job to stop at its next cancel point (a generator's ``yield``)."""
        self._abort.set()

    def wait(self, timeout_s: float | None = None) -> bool:
        """Block until ``run`` has returned; True if it has."""
        return self._done.wait(timeout_s)

    def run(self) -> None:  # noqa: D401 - QRunnable hook, runs on a pool thread
        signals = self.signals
        try:
            if self._abort.is_set():
                raise _Aborted
            signals.started.emit()
            result = self._func(*self._args, **self._kwargs)
            if inspect.isgenerator(result):
                result = self._drive(result)
            signals.returned.emit(result)
        except _Aborted:
            signals.aborted.emit()
        except Exception as exc:  # reported, never raised into Qt's thread pool
            signals.errored.emit(exc)
        finally:
            self._done.set()
            signals.finished.emit()

    def _drive(self, generator) -> Any:
        while True:
            if self._abort.is_set():
                generator.close()
                raise _Aborted
            try:
                value = next(generator)
            except StopIteration as stop:
                return stop.value
            if value is not None:
                self.signals.yielded.emit(value)


class WorkerPool(QObject):
    """Starts workers on a private thread pool, keeps them referenced, cancels and awaits them.

    Long jobs (scans, split operations) report progress on ``progress_changed`` and can be
    cancelled together from the status bar; a job that raised is reported on ``job_failed``
    as one line, never as a traceback in the window.
    """

    busy_changed = Signal(bool)
    long_busy_changed = Signal(bool)
    progress_changed = Signal(str, int, int)  # label, done, total
    job_failed = Signal(str)

    def __init__(self, max_threads: int = 3, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._workers: dict[WorkerSignals, Worker] = {}
        self._long: set[WorkerSignals] = set()
        self._closed = False

    def run(self, func: Callable[..., Any], *args: Any, returned: Callable[[Any], None] | None = None,
            aborted: Callable[[], None] | None = None, finished: Callable[[], None] | None = None,
            yielded: Callable[[Any], None] | None = None, long: bool = False, priority: int = 0) -> Worker:
        """Start ``func(*args)`` as a worker; the callbacks must be bound methods of main-thread objects."""
        worker = Worker(func, *args)
        for signal, slot in ((worker.signals.returned, returned), (worker.signals.aborted, aborted),
                             (worker.signals.finished, finished), (worker.signals.yielded, yielded)):
            if slot is not None:
                signal.connect(slot)
        worker.signals.errored.connect(self._on_worker_errored)
        if long:
            worker.signals.yielded.connect(self._on_worker_yielded)
            if not self._long:
                self.long_busy_changed.emit(True)
            self._long.add(worker.signals)
        return self.start(worker, priority)

    def start(self, worker: Worker, priority: int = 0) -> Worker:
        """Run ``worker``; higher ``priority`` jumps the queue (sample loads over scans).

        After :meth:`shutdown` nothing starts any more (a late timer cannot revive work).
        """
        if self._closed:
            worker.quit()
            return worker
        was_idle = not self._workers
        self._workers[worker.signals] = worker
        worker.signals.finished.connect(self._on_worker_finished)
        self._pool.start(worker, priority)
        if was_idle:
            self.busy_changed.emit(True)
        return worker

    def active(self) -> list[Worker]:
        """Workers started and not yet reported finished."""
        return list(self._workers.values())

    def is_busy(self) -> bool:
        """A worker was started and has not yet reported finished."""
        return bool(self._workers)

    def cancel_long(self) -> None:
        """Cancel the long jobs (the status bar's Cancel button)."""
        for signals in list(self._long):
            self._workers[signals].quit()

    def cancel_all(self) -> None:
        for worker in list(self._workers.values()):
            worker.quit()

    def wait_all(self, timeout_s: float = 30.0) -> bool:
        """Block until every worker's ``run`` has returned; True if all did in time.

        Waits on each worker rather than on the pool, so a queued worker that never ran is
        taken off the queue instead of waited for.
        """
        deadline = time.monotonic() + timeout_s
        for worker in list(self._workers.values()):
            if self._pool.tryTake(worker):  # queued, never started
                self._forget(worker.signals)
        for worker in list(self._workers.values()):
            if not worker.wait(max(0.0, deadline - time.monotonic())):
                return False
        return True

    def shutdown(self, timeout_s: float = 30.0) -> bool:
        """Refuse new work, cancel every worker and wait for all of them (call on quit)."""
        self._closed = True
        self.cancel_all()
        ok = self.wait_all(timeout_s)
        self._pool.waitForDone(max(1, int(timeout_s * 1000)))
        return ok

    def _on_worker_yielded(self, value: Any) -> None:
        label, done, total = (getattr(value, k, None) for k in ("label", "done", "total"))
        if isinstance(done, int) and isinstance(total, int):
            self.progress_changed.emit(str(label or ""), done, total)

    def _on_worker_errored(self, exc: Exception) -> None:
        self.job_failed.emit(f"Unexpected error in a background job: {type(exc).__name__}: {exc}")

    def _on_worker_finished(self) -> None:
        self._forget(self.sender())

    def _forget(self, signals) -> None:
        if signals in self._long:
            self._long.discard(signals)
            if not self._long:
                self.long_busy_changed.emit(False)
        if self._workers.pop(signals, None) is not None and not self._workers:
            self.busy_changed.emit(False)
