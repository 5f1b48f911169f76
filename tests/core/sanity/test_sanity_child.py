"""The sanity pass in a child process: the same report as in-process, errors named, cancel clean."""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import replace

import pytest

from specgui.core.sanity.run import run_sanity_pass
from specgui.core.sanity.child import DevicesProbed, ChildFailed, run_in_child
from specgui.core.sanity.report import SanityProgress, SanityReport
from tests.helpers import make_signal
from tests.core.sanity.test_sanity_cancel import _alive, _child_pids, signal_many
from tests.core.sanity.test_sanity_samples import SIGNAL, build_mixed_signal, write_split


def _drain(events):
    """Every non-None event of a child run, in order."""
    return [e for e in events if e is not None]


def _without_timing(report: SanityReport) -> SanityReport:
    zero = replace(report.timing, **{k: 0 for k in report.timing.__dataclass_fields__})
    return replace(report, timing=zero, workers=0, multiprocessing_context=None, prefetch_factor=None)


def test_the_child_reports_what_an_in_process_pass_reports(torchsig_root):
    build_mixed_signal(torchsig_root)
    events = _drain(run_in_child(torchsig_root, SIGNAL, device="cpu", workers=0))
    assert isinstance(events[0], DevicesProbed) and events[0].cuda == ()
    assert all(isinstance(e, SanityProgress) for e in events[1:-1]) and events[-2].done == events[-2].total
    here = run_sanity_pass(torchsig_root, SIGNAL, device="cpu", workers=0)
    assert isinstance(events[-1], SanityReport)
    assert _without_timing(events[-1]) == _without_timing(here)
    assert not events[-1].clean and len(events[-1].problems) == len(here.problems) > 0


def test_a_report_survives_the_json_round_trip_exactly(torchsig_root):
    build_mixed_signal(torchsig_root)
    report = run_sanity_pass(torchsig_root, SIGNAL, device="cpu", workers=0)
    assert SanityReport.from_dict(json.loads(json.dumps(report.to_dict()))) == report


def test_bad_usage_comes_back_as_the_cores_message(tmp_path):
    make_signal(tmp_path, "nosplit", ["a", "b"])
    events = _drain(run_in_child(tmp_path, "nosplit", device="cpu"))
    assert isinstance(events[-1], ChildFailed) and "no split" in events[-1].message
    make_signal(tmp_path, "split", ["a", "b"])
    write_split(tmp_path / "split", ["a"], ["b"])
    events = _drain(run_in_child(tmp_path, "split", device="cuda:7"))
    assert isinstance(events[-1], ChildFailed) and "cuda" in events[-1].message.lower()


@pytest.fixture
def long_pass(tmp_path):
    """400 samples: a pass long enough (~1 s) to be cancelled or killed in the middle."""
    return signal_many(tmp_path, 400)


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs /proc")


def _descendants() -> set[int]:
    found, todo = set(), set(_child_pids())
    while todo:
        pid = todo.pop()
        found.add(pid)
        for task in os.listdir(f"/proc/{pid}/task") if os.path.isdir(f"/proc/{pid}/task") else ():
            try:
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    todo |= {int(p) for p in fh.read().split()} - found
            except OSError:
                continue
    return {p for p in found if _alive(p)}


@needs_proc
def test_closing_the_events_stops_the_child_and_its_loader_workers(long_pass):
    before = _descendants()
    events = run_in_child(long_pass, "many", device="cpu", workers=2, batch_size=1)
    try:
        while not (isinstance(event := next(events), SanityProgress) and event.done > 0):
            pass
        assert len(_descendants() - before) >= 3  # the child and its two loader workers
    finally:
        events.close()
    deadline = time.monotonic() + 10
    while _descendants() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not (_descendants() - before)


@needs_proc
def test_a_child_that_dies_is_a_named_failure_not_a_hang(long_pass):
    before = _child_pids()
    events = run_in_child(long_pass, "many", device="cpu", workers=0, batch_size=1)
    while not isinstance(next(events), SanityProgress):
        pass
    (child,) = _child_pids() - before
    os.kill(child, signal.SIGKILL)
    rest = _drain(events)
    assert isinstance(rest[-1], ChildFailed) and "killed by signal 9" in rest[-1].message


def test_lines_that_are_not_events_are_ignored():
    from specgui.core.sanity.child import _decode

    assert _decode(b"some library printed this\n") is None
    assert _decode(b"[1, 2]\n") is None
    assert _decode(b'{"event": "devices", "cuda": []}\n') == {"event": "devices", "cuda": []}
