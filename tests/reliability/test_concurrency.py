"""Concurrency: many writers on one signal, new samples arriving, readers watching.

Injected: 8 processes extending the same signal at once (half with ``expected_parent``
from a fresh preview) while a producer keeps writing samples and a reader keeps reading
the split the way specgui and the seed's training code do; the same race with the lock
switched off (a share whose locks are local to each client); a reader thread hammering a
version file while it is written; and the two-first-writers race on a brand-new signal.
Each race is checked from the files (``split_checker.py``) and from what each process
says it wrote.
"""

from __future__ import annotations

import contextlib
import json
import threading

import pytest

import specgui.core.splits.manager as splits_module
from benchmarks.stress_splits import make_bulk_signal, npz_blob, run_race
from specgui.core.errors import StaleSplitError
from specgui.core.splits.manager import SplitManager
from tests.helpers import make_signal

from .split_checker import check_splits_folder


def test_eight_writers_a_producer_and_a_reader_with_the_lock():
    summary = run_race(workers=8, seconds=2.5, seed=7, lock="flock")
    assert summary["problems"] == [], json.dumps(summary, indent=1)
    assert set(summary["outcomes"]) <= {"returned", "stale"}, summary["outcomes"]
    assert summary["versions"] > 8 and summary["produced"] > 50
    assert summary["reader_reads"] > 100 and summary["reader_failures"] == 0


def test_without_a_working_lock_nothing_is_overwritten_or_lost():
    """Locks that silently do nothing: exclusive creation still keeps every version whole."""
    summary = run_race(workers=6, seconds=1.5, seed=8, lock="none")
    corruption = [p for p in summary["problems"] if not p.startswith("unclear or unexpected answer")]
    assert corruption == [], json.dumps(summary, indent=1)
    assert summary["reader_failures"] == 0


def test_a_reader_never_sees_a_half_written_version(tmp_path):
    make_bulk_signal(tmp_path, 3000, npz_blob(tmp_path))  # ~60 KB version files: a wide write window
    manager = SplitManager(tmp_path)
    manager.create_initial_split("sig")
    splits = tmp_path / "sig" / "splits"
    stop, seen, torn = threading.Event(), [0], []

    def reader():
        while not stop.is_set():
            for path in list(splits.glob("*.json")):
                try:
                    data = json.loads(path.read_bytes())
                except FileNotFoundError:
                    continue
                except ValueError as exc:
                    torn.append(f"{path.name}: {exc}")
                    continue
                if data["train_count"] != len(data["train_samples"]):
                    torn.append(path.name)
                seen[0] += 1
    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for n in range(40):
            make_signal(tmp_path, "sig", [f"new{n:03d}"])
            manager.extend_split("sig")
    finally:
        stop.set()
        thread.join()
    assert torn == [] and seen[0] > 40
    assert check_splits_folder(splits, allow_temps=False).problems == []


@contextlib.contextmanager
def _another_writer_creates_v1_first(root):
    """Deterministic replay of the race: the other labeller's create lands just before ours locks."""
    real = splits_module.split_lock

    @contextlib.contextmanager
    def lock_after_the_other_writer(splits_dir, *args, **kwargs):
        splits_module.split_lock = real
        SplitManager(root).create_initial_split("sig")
        with real(splits_dir, *args, **kwargs):
            yield
    splits_module.split_lock = lock_after_the_other_writer
    try:
        yield
    finally:
        splits_module.split_lock = real


def test_two_first_extends_on_a_new_signal_loser_is_told_to_preview_again(tmp_path):
    make_signal(tmp_path, "sig", ["a", "b", "c", "d"])
    with _another_writer_creates_v1_first(tmp_path), pytest.raises(StaleSplitError):
        SplitManager(tmp_path).extend_split("sig", expected_parent=0)


def test_two_first_extends_on_a_new_signal_loser_without_expected_parent_succeeds(tmp_path):
    make_signal(tmp_path, "sig", ["a", "b", "c", "d"])
    with _another_writer_creates_v1_first(tmp_path):
        result = SplitManager(tmp_path).extend_split("sig")
    assert result == 1 and check_splits_folder(tmp_path / "sig" / "splits").problems == []
