"""The app layer's jobs without Qt: progress and cancel points, and what they return."""

from __future__ import annotations

import pytest

from helpers import make_signal, write_sample
from specgui.app import jobs
from specgui.app.jobs import Progress, preview_extend_job, progress_of
from specgui.core.splits.manager import SplitManager
from tests.core.audit.test_audit_helpers import (  # noqa: F401 - cache_dir is a fixture
    cache_dir,
    spectro_image,
    window,
    write_pixels,
    write_split,
)


def steps(count: int, closed: list):
    try:
        for done in range(1, count + 1):
            yield done, count
        return "result"
    finally:
        closed.append(True)


def drain(generator):
    """Run a job generator as the worker does: (what it yielded, what it returned)."""
    yielded = []
    while True:
        try:
            yielded.append(next(generator))
        except StopIteration as stop:
            return yielded, stop.value


def test_progress_of_reports_every_step_and_returns_the_result():
    closed = []
    yielded, result = drain(progress_of(steps(3, closed), "Reading"))
    assert yielded == [Progress("Reading", 1, 3), Progress("Reading", 2, 3), Progress("Reading", 3, 3)]
    assert result == "result" and closed == [True]


def test_progress_of_throttles_but_keeps_the_first_and_the_last_step(monkeypatch):
    monkeypatch.setattr(jobs.time, "monotonic", lambda: 100.0)  # no time passes between steps
    yielded, _ = drain(progress_of(steps(5, []), "Auditing", min_interval_s=0.1))
    assert yielded == [Progress("Auditing", 1, 5), None, None, None, Progress("Auditing", 5, 5)]


def test_a_cancel_closes_the_steps_so_their_cleanup_runs():
    closed = []
    job = progress_of(steps(10, closed), "Reading")
    assert next(job) == Progress("Reading", 1, 10)
    job.close()  # what the worker does at a cancel point
    assert closed == [True]


def test_the_create_preview_job_reports_progress_then_a_plan_per_grouping(tmp_path):
    make_signal(tmp_path, "alpha", [f"a{i:02d}" for i in range(6)])
    yielded, outcome = drain(jobs.preview_create_job(tmp_path, "alpha", 0.34, 3))
    assert yielded and all(isinstance(p, Progress) for p in yielded) and yielded[-1].done == yielded[-1].total
    assert outcome.error is None and outcome.plans and outcome.plans[0].group_by is None


def test_the_create_preview_of_a_missing_signal_is_a_message(tmp_path):
    _, outcome = drain(jobs.preview_create_job(tmp_path, "nope", 0.34, 3))
    assert outcome.plans == () and "nope" in outcome.error


def test_extend_job_writes_what_the_preview_showed_and_refuses_a_moved_split(tmp_path):
    make_signal(tmp_path, "alpha", [f"a{i:02d}" for i in range(6)])
    manager = SplitManager(tmp_path)
    manager.create_initial_split("alpha", 0.34, 3)
    write_sample(tmp_path / "alpha" / "samples", "a06", seed=106)  # its own pixels: no copy of a val sample
    preview = preview_extend_job(tmp_path, "alpha", ())
    assert preview.added == ("a06",)
    yielded, outcome = drain(jobs.extend_job(tmp_path, preview))
    assert yielded == [Progress("Extending split", 0, 1)] and (outcome.version, outcome.error) == (2, None)
    _, again = drain(jobs.extend_job(tmp_path, preview))  # its parent is no longer the active version
    assert again.stale and again.version is None and manager.list_versions("alpha")[-1].version == 2


@pytest.mark.parametrize("exclude", [(), ("a06",)])
def test_the_extend_preview_holds_back_what_it_is_told(tmp_path, exclude):
    make_signal(tmp_path, "alpha", [f"a{i:02d}" for i in range(6)])
    SplitManager(tmp_path).create_initial_split("alpha", 0.34, 3)
    for sample_id, seed in (("a06", 106), ("a07", 107)):  # their own pixels: no copies of val samples
        write_sample(tmp_path / "alpha" / "samples", sample_id, seed=seed)
    preview = preview_extend_job(tmp_path, "alpha", exclude)
    assert preview.added == tuple(i for i in ("a06", "a07") if i not in exclude)


def test_the_preview_job_lists_every_leaking_id_but_caps_the_pairs(tmp_path, cache_dir):
    samples = tmp_path / "signals" / "sig" / "samples"
    write_pixels(samples, "t", spectro_image(0), **window("cap", 0.0))
    write_pixels(samples, "v", spectro_image(1), **window("cap", 5.0, 1.0))
    for k in range(30):  # thirty new windows inside the val one: one group, 30 pairs
        write_pixels(samples, f"n{k:02d}", spectro_image(2 + k), **window("cap", 5.0 + k / 40))
    write_split(samples.parent, ["t"], ["v"])
    guarded = preview_extend_job(tmp_path / "signals", "sig", ())  # the window's preview holds every one back
    assert guarded.added == () and {(h.kind, h.sample_id) for h in guarded.held_back} == {
        ("leak_capture", f"n{k:02d}") for k in range(30)} and all(" v's" in h.reason for h in guarded.held_back)
    from specgui.core.splits.guard import check_extend

    checked = check_extend(SplitManager(tmp_path / "signals"), "sig", check_samples=False)  # unguarded: listed
    assert len(checked.leak_groups) == 1 and checked.leak_groups[0].pair_count == 30
    assert len(checked.leaks) == 20 and checked.leaks_truncated == 10
    assert checked.leaking_ids == tuple(f"n{k:02d}" for k in range(30))
