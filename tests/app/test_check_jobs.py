"""The check jobs without Qt: one CheckOutcome each, a message where the check cannot run."""

from __future__ import annotations

from types import SimpleNamespace

from helpers import make_signal
from specgui.app.check_jobs import CheckOutcome, audit_job, health_job, load_pair_job
from specgui.core.splits.manager import SplitManager

from .test_jobs import drain


def signal_with_split(root):
    make_signal(root, "alpha", [f"a{i:02d}" for i in range(6)])
    SplitManager(root).create_initial_split("alpha", 0.34, 3)


def test_health_and_audit_return_their_result_in_a_check_outcome(tmp_path):
    signal_with_split(tmp_path)
    _, health = drain(health_job(7, tmp_path, "alpha", None))
    assert isinstance(health, CheckOutcome) and (health.generation, health.signal, health.error) == (7, "alpha", None)
    assert health.result.version == 1 and health.result.train.listed + health.result.val.listed == 6
    yielded, audit = drain(audit_job(8, tmp_path, "alpha", 1, 10))
    assert audit.error is None and audit.result.version == 1 and audit.result.signal == "alpha"
    assert [p for p in yielded if p is not None][-1].label == "Auditing"


def test_a_signal_without_a_split_is_a_message_not_a_traceback(tmp_path):
    make_signal(tmp_path, "alpha", ["a00"])
    for job in (health_job(1, tmp_path, "alpha", None), audit_job(1, tmp_path, "alpha", None, 10)):
        _, outcome = drain(job)
        assert outcome.result is None and outcome.error and "alpha" in outcome.error


def test_a_leak_pair_naming_an_unsafe_id_is_refused_without_reading(tmp_path):
    make_signal(tmp_path, "alpha", ["a00"])
    outcome = load_pair_job(3, tmp_path, "alpha", SimpleNamespace(train="a00", val="../../etc/passwd"))
    assert outcome.train.sample is not None and outcome.val.sample is None
    assert outcome.val.message and outcome.generation == 3
