"""The audit's worker pool: same answers inline, on threads and on processes; falls back inline."""

from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

import specgui.core.audit.work as audit_work
from specgui.core.audit.work import check_files, choose_pool, run_checks
from tests.core.audit.test_audit_helpers import spectro_image, window, write_pixels


@pytest.fixture
def tasks(tmp_path: Path) -> list[tuple]:
    samples = tmp_path / "samples"
    for i in range(70):
        write_pixels(samples, f"s{i:02d}", spectro_image(i, shape=(48, 64)), **window("cap", i * 1.0))
    (samples / "s03.npz").write_bytes(b"broken")
    (samples / "s04.json").write_text("[]")
    return [(f"s{i:02d}", samples / f"s{i:02d}.npz", samples / f"s{i:02d}.json", "extra") for i in range(70)]


def _results(iterable) -> dict:
    return {task[0]: result for task, result in iterable}


def test_pools_agree_with_inline(tasks, tmp_path):
    inline = _results(run_checks(tasks, tmp_path, workers=1))
    assert len(inline) == 70 and isinstance(inline["s03"][0], str) and isinstance(inline["s04"][1], str)
    assert inline["s05"][1] == ("cap", 5.0, 0.1) and len(inline["s05"][0][1]) == 32
    assert _results(run_checks(tasks, tmp_path, workers=2, pool="thread")) == inline
    assert _results(run_checks(tasks, tmp_path, workers=2, pool="process")) == inline
    assert _results(run_checks(tasks, tmp_path, workers=2, pool="inline")) == inline


def test_only_the_asked_files_are_read(tasks, tmp_path):
    _, npz, js, _ = tasks[7]
    pixels, win = check_files(npz, None, tmp_path)
    assert win is None and pixels[2] == (48, 64)
    assert check_files(None, js, tmp_path)[0] is None


class _BrokenPool:
    """An executor whose every task fails as if a worker process had been killed."""

    def submit(self, *_args):
        future = Future()
        future.set_exception(BrokenProcessPool("worker killed"))
        return future

    def shutdown(self, wait=True, cancel_futures=False):
        pass


def test_broken_or_unavailable_pool_finishes_inline(tasks, tmp_path, monkeypatch):
    expected = _results(run_checks(tasks, tmp_path, workers=1))
    monkeypatch.setattr(audit_work, "_make_pool", lambda kind, workers: _BrokenPool())
    assert _results(run_checks(tasks, tmp_path, workers=2)) == expected

    def no_pool(kind, workers):
        raise OSError("no semaphores here")

    monkeypatch.setattr(audit_work, "_make_pool", no_pool)
    assert _results(run_checks(tasks, tmp_path, workers=2)) == expected


def test_unknown_pool_kind_is_refused(tasks, tmp_path):
    with pytest.raises(ValueError):
        list(run_checks(tasks, tmp_path, pool="gpu"))
    with pytest.raises(ValueError):
        choose_pool("gpu", 10, 10)


def test_auto_takes_processes_only_for_many_small_files():
    assert choose_pool("auto", 10_000, 45_000) == "process"
    assert choose_pool("auto", 10_000, 700_000) == "thread"  # 1024x1024: zlib releases the GIL
    assert choose_pool("auto", 100, 45_000) == "inline"  # not worth starting processes; threads only contend
    assert choose_pool("thread", 10_000, 45_000) == "thread" and choose_pool("process", 1, 1) == "process"


def test_decoding_processes_run_at_a_lower_priority_than_the_caller():
    """The window's UI thread must win the CPU over its own verdict workers (2 cores are common)."""
    import os

    from specgui.core.audit.work import _make_pool

    mine = os.nice(0)
    with _make_pool("process", 1) as pool:
        theirs = pool.submit(os.nice, 0).result(timeout=60)
    assert theirs == min(mine + 5, 19)
