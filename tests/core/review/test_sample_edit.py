"""Box saves: key-preserving, atomic, refused on a changed file or bad boxes (nothing written)."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone

import pytest

from specgui.core.atomic_files import stale_temps
from specgui.core.errors import SampleConflictError, SampleError
from specgui.core.review.box_save import file_sha256, load_for_edit, save_boxes, validate_boxes
from specgui.core.samples.index import scan_signal
from specgui.core.samples.loading import load_sample

from helpers import make_signal, write_sample

FIELD_EXTRA = {
    "source_capture": "site4.rfcap", "window_start_sec": 12.45, "center_freq_mhz": 825.0,
    "original_boxes": [{"time_start_sec": 12.46, "time_end_sec": 12.49, "freq_start_mhz": 826.1}],
    "snr_db": [29.3], "nested": {"a": [1, 2.5, None, "x"], "big": 12345678901234567890}, "unicode": "Ωµ",
}


@pytest.fixture
def sample(tmp_path):
    signal = make_signal(tmp_path / "signals", "sig", ["0001"], shape=(32, 48),
                         boxes=[{"x_min": 1, "y_min": 2, "x_max": 10, "y_max": 12, "label": "a", "confidence": 0.5}],
                         extra=FIELD_EXTRA)
    return signal / "samples", "0001"


def test_load_for_edit_hashes_the_file_bytes(sample):
    samples_dir, sid = sample
    editable = load_for_edit(samples_dir, sid)
    raw = (samples_dir / f"{sid}.json").read_bytes()
    assert editable.sha256 == hashlib.sha256(raw).hexdigest() == file_sha256(editable.json_path)
    assert editable.image_shape == (32, 48)
    assert load_sample(samples_dir, sid).labels.sha256 == editable.sha256  # the window's load agrees


def test_save_keeps_every_other_key_exactly_and_records_the_edit(sample, monkeypatch):
    samples_dir, sid = sample
    monkeypatch.setenv("SPECGUI_USER", "alice")
    editable = load_for_edit(samples_dir, sid)
    new_boxes = [{"x_min": 0, "y_min": 0, "x_max": 48, "y_max": 32, "label": "b"},
                 {"x_min": 3.0, "y_min": 4, "x_max": 5, "y_max": 6}]
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    digest = save_boxes(editable.json_path, new_boxes, editable.sha256, editable.image_shape, now=when)
    after = json.loads(editable.json_path.read_text())
    assert digest == file_sha256(editable.json_path)
    assert after["boxes"] == [{"x_min": 0, "y_min": 0, "x_max": 48, "y_max": 32, "label": "b"},
                              {"x_min": 3, "y_min": 4, "x_max": 5, "y_max": 6}]
    assert isinstance(after["boxes"][1]["x_min"], int)
    for key, value in editable.metadata.items():
        if key != "boxes":
            assert after[key] == value and type(after[key]) is type(value), key
    assert list(after)[: len(editable.metadata)] == list(editable.metadata)  # key order kept
    assert after["edited_at"] == "2026-01-02T03:04:05Z" and after["edited_by"] == "alice"
    assert stale_temps(samples_dir) == []
    assert scan_signal(samples_dir.parent).complete == ("0001",)


def test_changed_file_is_refused_and_nothing_written(sample):
    samples_dir, sid = sample
    editable = load_for_edit(samples_dir, sid)
    theirs = dict(editable.metadata, boxes=[{"x_min": 2, "y_min": 2, "x_max": 4, "y_max": 4}])
    editable.json_path.write_text(json.dumps(theirs))  # the backend re-labelled it in place
    before = editable.json_path.read_bytes()
    with pytest.raises(SampleConflictError) as info:
        save_boxes(editable.json_path, [], editable.sha256, editable.image_shape)
    assert str(editable.json_path) in str(info.value) and "changed on disk" in str(info.value)
    assert editable.json_path.read_bytes() == before
    assert stale_temps(samples_dir) == []


def test_second_of_two_editors_is_refused(sample):
    samples_dir, sid = sample
    first, second = load_for_edit(samples_dir, sid), load_for_edit(samples_dir, sid)
    box = [{"x_min": 1, "y_min": 1, "x_max": 2, "y_max": 2}]
    save_boxes(first.json_path, box, first.sha256, first.image_shape)
    saved = first.json_path.read_bytes()
    with pytest.raises(SampleConflictError):
        save_boxes(second.json_path, [], second.sha256, second.image_shape)
    assert first.json_path.read_bytes() == saved


@pytest.mark.parametrize("boxes, words", [
    ({"x_min": 1}, "must be a JSON list"),
    ("boxes", "must be a JSON list"),
    ([[1, 2, 3, 4]], "expected an object"),
    ([{"x_min": 1, "y_min": 1, "x_max": 5}], "lacks y_max"),
    ([{"x_min": "1", "y_min": 1, "x_max": 5, "y_max": 5}], "not a number"),
    ([{"x_min": True, "y_min": 1, "x_max": 5, "y_max": 5}], "not a number"),
    ([{"x_min": None, "y_min": 1, "x_max": 5, "y_max": 5}], "not a number"),
    ([{"x_min": float("nan"), "y_min": 1, "x_max": 5, "y_max": 5}], "not a whole pixel"),
    ([{"x_min": 1.5, "y_min": 1, "x_max": 5, "y_max": 5}], "not a whole pixel"),
    ([{"x_min": 6, "y_min": 1, "x_max": 5, "y_max": 5}], "inverted"),
    ([{"x_min": 5, "y_min": 1, "x_max": 5, "y_max": 5}], "zero area"),
    ([{"x_min": -1, "y_min": 1, "x_max": 5, "y_max": 5}], "outside the 48x32 image"),
    ([{"x_min": 1, "y_min": 1, "x_max": 49, "y_max": 5}], "outside the 48x32 image"),
    ([{"x_min": 1, "y_min": 1, "x_max": 5, "y_max": 33}], "outside the 48x32 image"),
    ([{"x_min": 1, "y_min": 1, "x_max": 5, "y_max": 5, "label": 3}], "'label'"),
])
def test_invalid_boxes_are_refused_naming_the_file_and_nothing_written(sample, boxes, words):
    samples_dir, sid = sample
    editable = load_for_edit(samples_dir, sid)
    before = editable.json_path.read_bytes()
    with pytest.raises(SampleError) as info:
        save_boxes(editable.json_path, boxes, editable.sha256, editable.image_shape)
    assert words in str(info.value) and str(editable.json_path) in str(info.value)
    assert editable.json_path.read_bytes() == before
    assert stale_temps(samples_dir) == []


def test_validate_keeps_extra_box_keys():
    out = validate_boxes([{"x_min": 1, "y_min": 1, "x_max": 2.0, "y_max": 2, "confidence": None, "k": [1]}], (4, 4), "f")
    assert out == [{"x_min": 1, "y_min": 1, "x_max": 2, "y_max": 2, "confidence": None, "k": [1]}]


def test_indented_files_stay_indented_and_one_line_files_stay_one_line(tmp_path):
    samples = tmp_path / "signals" / "sig" / "samples"
    write_sample(samples, "a")
    path = samples / "a.json"
    path.write_text(json.dumps(json.loads(path.read_text()), indent=1))
    save_boxes(path, [], file_sha256(path), (32, 48))
    assert path.read_text().startswith('{\n "sample_id"')
    write_sample(samples, "b")
    save_boxes(samples / "b.json", [], file_sha256(samples / "b.json"), (32, 48))
    assert (samples / "b.json").read_text().count("\n") == 1


def test_a_symlinked_json_is_not_replaced(tmp_path):
    samples = tmp_path / "signals" / "sig" / "samples"
    write_sample(samples, "a")
    real = samples / "real.txt"
    os.replace(samples / "a.json", real)
    os.symlink(real.name, samples / "a.json")
    with pytest.raises(SampleError, match="symlink"):
        save_boxes(samples / "a.json", [], file_sha256(real), (32, 48))
    assert os.path.islink(samples / "a.json")


def test_a_deleted_or_malformed_file_is_refused(sample):
    samples_dir, sid = sample
    editable = load_for_edit(samples_dir, sid)
    editable.json_path.write_text("{not json")
    with pytest.raises(SampleError):
        save_boxes(editable.json_path, [], None, editable.image_shape)
    assert editable.json_path.read_text() == "{not json"
    editable.json_path.unlink()
    with pytest.raises(SampleError, match="not found"):
        save_boxes(editable.json_path, [], editable.sha256, editable.image_shape)
    assert not editable.json_path.exists()


def test_a_temp_file_left_by_a_killed_save_is_no_sample(sample):
    samples_dir, sid = sample
    (samples_dir / f".{sid}.json.tmp-123-abcd").write_text("{}")
    (samples_dir / f".{sid}.npz.tmp-123-abcd").write_text("x")
    assert scan_signal(samples_dir.parent).complete == (sid,)
