"""Review states: one file per signal beside splits/, under the split lock; exclude held back."""

from __future__ import annotations

import json

import pytest

from specgui.core.errors import ReviewFileError
from specgui.core.review.states import (
    held_back_by_review, read_review_states, review_path, review_progress, set_review_states,
)
from specgui.core.splits.verify import verify_splits
from specgui.core.splits.manager import SplitManager

from helpers import make_signal

IDS = [f"{i:04d}" for i in range(10)]


@pytest.fixture
def signal(tmp_path):
    return make_signal(tmp_path / "signals", "sig", IDS)


def test_set_and_read_back(signal):
    set_review_states(signal, ["0001", "0002"], "reviewed", updated_by="bob")
    set_review_states(signal, ["0003"], "exclude", "interference, not signal")
    entries = read_review_states(signal)
    assert {k: e.state for k, e in entries.items()} == {"0001": "reviewed", "0002": "reviewed", "0003": "exclude"}
    assert entries["0003"].note == "interference, not signal" and entries["0001"].updated_by == "bob"
    assert review_path(signal).parent == signal  # beside splits/, not in samples/
    assert not list((signal / "samples").glob("*review*"))
    set_review_states(signal, ["0001"], None)
    assert "0001" not in read_review_states(signal)
    assert review_progress(read_review_states(signal), IDS) == (2, 10)


def test_sample_jsons_are_untouched(signal):
    before = {p.name: p.read_bytes() for p in (signal / "samples").iterdir()}
    set_review_states(signal, IDS, "relabel", "boxes too wide")
    assert {p.name: p.read_bytes() for p in (signal / "samples").iterdir()} == before


def test_unknown_id_is_refused_naming_it_and_nothing_written(signal):
    with pytest.raises(ReviewFileError, match="'nope'"):
        set_review_states(signal, ["0001", "nope"], "reviewed")
    assert not review_path(signal).exists()


@pytest.mark.parametrize("ids, state, note", [
    (["../x"], "reviewed", None), (["0001"], "done", None), (["0001"], "exclude", "x" * 5000),
])
def test_bad_requests_are_refused(signal, ids, state, note):
    with pytest.raises(ReviewFileError):
        set_review_states(signal, ids, state, note, require_known=False)
    assert not review_path(signal).exists()


@pytest.mark.parametrize("content, words", [
    ("{", "malformed JSON"), ("[]", "expected a JSON object"), ('{"samples": {}}', "not a review file"),
    ('{"format": "specgui-review", "samples": []}', "'samples'"),
    ('{"format": "specgui-review", "samples": {"0001": {"state": "maybe"}}}', "not one of"),
    ('{"format": "specgui-review", "samples": {"0001": "reviewed"}}', "expected an object"),
    ('{"format": "specgui-review", "samples": {"0001": {"state": "exclude", "note": 5}}}', "'note'"),
    ('{"format": "specgui-review", "samples": {"../x": {"state": "exclude"}}}', "entry '../x'"),
    (b"\xff\xfe", "not UTF-8"),
])
def test_a_malformed_file_is_reported_and_never_overwritten(signal, content, words):
    path = review_path(signal)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ReviewFileError) as info:
        read_review_states(signal)
    assert words in str(info.value) and str(path) in str(info.value)
    before = path.read_bytes()
    with pytest.raises(ReviewFileError):
        set_review_states(signal, ["0001"], "reviewed")
    assert path.read_bytes() == before


def test_extension_holds_back_excluded_samples(signal):
    manager = SplitManager(signal.parent)
    manager.create_initial_split("sig", 0.2, 42)
    make_signal(signal.parent, "sig", ["0100", "0101", "0102"])
    set_review_states(signal, ["0101"], "exclude", "interference")
    held = held_back_by_review(signal, manager.get_pending_samples("sig"))
    assert [(h.sample_id, h.kind, h.reason) for h in held] == [("0101", "excluded", "interference")]
    version = manager.extend_split("sig", exclude=[h.sample_id for h in held])
    train, _ = manager.get_split("sig", version)
    assert "0100" in train and "0102" in train and "0101" not in train


def test_verify_warns_about_excluded_samples_already_in_a_version(signal):
    manager = SplitManager(signal.parent)
    manager.create_initial_split("sig", 0.2, 42)
    _, val = manager.get_split("sig")
    set_review_states(signal, [val[0]], "exclude", "bad")
    report = verify_splits(signal)
    assert report.ok  # a warning, not a problem: val stays frozen
    assert [w.kind for w in report.warnings] == ["excluded_in_split"]
    assert report.warnings[0].sample_ids == (val[0],) and "val" in report.warnings[0].message
    review_path(signal).write_text("{")
    assert [w.kind for w in verify_splits(signal).warnings] == ["review_unreadable"]
