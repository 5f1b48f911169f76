"""The sample JSON loader: boxes and every metadata key kept; a named refusal for bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest

from specgui.core.errors import SampleError, UnsafeSampleIdError
from specgui.core.samples.ids import check_sample_id, sample_paths
from specgui.core.samples.labels import load_sample_labels
from specgui.core.samples.loading import load_sample
from tests.helpers import write_sample

BOX = {"x_min": 10, "y_min": 20, "x_max": 30.5, "y_max": 40}


def _write(tmp_path, content) -> object:
    path = tmp_path / "s.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_boxes_labels_and_unknown_keys_are_kept(tmp_path):
    meta = {"boxes": [BOX, {**BOX, "label": "lfm"}], "class_names": ["a", "b"], "snr_db": [1, 2],
            "spectrogram_params": {"fft_size": 4096}, "weird": None}
    labels = load_sample_labels(_write(tmp_path, meta))
    assert labels.boxes.dtype == np.float64 and labels.boxes.shape == (2, 4)
    assert labels.boxes[0].tolist() == [10, 20, 30.5, 40]
    assert labels.box_labels == ("a", "lfm")
    assert labels.metadata == meta


def test_empty_box_list_is_fine(tmp_path):
    labels = load_sample_labels(_write(tmp_path, {"boxes": []}))
    assert labels.boxes.shape == (0, 4) and labels.box_count == 0


BAD_JSON = {
    "malformed": ('{"boxes": [', "malformed JSON at line 1"),
    "not an object": ("[1, 2]", "expected a JSON object, found list"),
    "boxes missing": ({"sample_id": "x"}, "no 'boxes' key"),
    "boxes not a list": ({"boxes": {"a": 1}}, "'boxes' is dict"),
    "box not an object": ({"boxes": [[1, 2, 3, 4]]}, "box 0 is list"),
    "box key missing": ({"boxes": [{"x_min": 1, "y_min": 1, "x_max": 2}]}, "box 0 lacks y_max"),
    "non-numeric": ({"boxes": [{**BOX, "x_min": "10"}]}, "'x_min' is '10', not a number"),
    "boolean": ({"boxes": [{**BOX, "y_max": True}]}, "not a number"),
    "NaN": ('{"boxes": [{"x_min": NaN, "y_min": 1, "x_max": 2, "y_max": 3}]}', "not a finite number"),
    "inf": ('{"boxes": [{"x_min": 1, "y_min": 1, "x_max": Infinity, "y_max": 3}]}', "not a finite number"),
    "inverted": ({"boxes": [{**BOX, "x_min": 50}]}, "box 0 is inverted"),
    "zero area": ({"boxes": [{**BOX, "y_max": 20}]}, "box 0 is zero area"),
}


@pytest.mark.parametrize("case", sorted(BAD_JSON))
def test_bad_json_is_refused_naming_the_file(tmp_path, case):
    content, expected = BAD_JSON[case]
    path = _write(tmp_path, content)
    with pytest.raises(SampleError) as err:
        load_sample_labels(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_not_utf8_is_refused(tmp_path):
    path = tmp_path / "s.json"
    path.write_bytes(b'{"boxes": [], "note": "\xff\xfe"}')
    with pytest.raises(SampleError, match="not UTF-8"):
        load_sample_labels(path)


def test_deeply_nested_json_is_refused_not_crashing(tmp_path):
    path = _write(tmp_path, "[" * 100_000 + "]" * 100_000)
    with pytest.raises(SampleError, match="nested too deeply|expected a JSON object"):
        load_sample_labels(path)


def test_huge_json_is_refused_unread(tmp_path, monkeypatch):
    import specgui.core.samples.labels as module

    monkeypatch.setattr(module, "MAX_JSON_BYTES", 100)
    path = _write(tmp_path, {"boxes": [], "pad": "x" * 200})
    with pytest.raises(SampleError, match="refused unread"):
        load_sample_labels(path)


def test_box_outside_the_image_is_refused_when_the_shape_is_known(tmp_path):
    path = _write(tmp_path, {"boxes": [{"x_min": 0, "y_min": 0, "x_max": 65, "y_max": 10}]})
    assert load_sample_labels(path).box_count == 1
    with pytest.raises(SampleError, match="outside the 64x32 image"):
        load_sample_labels(path, image_shape=(32, 64))
    edge = _write(tmp_path, {"boxes": [{"x_min": 0, "y_min": 0, "x_max": 64, "y_max": 32}]})
    assert load_sample_labels(edge, image_shape=(32, 64)).box_count == 1


def test_load_sample_checks_boxes_against_the_real_image(tmp_path):
    samples = tmp_path / "sig" / "samples"
    write_sample(samples, "ok", shape=(32, 48))
    sample = load_sample(samples, "ok")
    assert sample.spectrogram.shape == (32, 48) and sample.labels.box_count == 1
    write_sample(samples, "wide", shape=(32, 48), boxes=[{"x_min": 0, "y_min": 0, "x_max": 100, "y_max": 5}])
    with pytest.raises(SampleError, match="wide.json: box 0"):
        load_sample(samples, "wide")


@pytest.mark.parametrize("bad_id", ["../x", "a/b", "a\\b", "..", "x\x00y", "", "/etc/passwd", "C:evil", "a..b"])
def test_unsafe_ids_are_never_joined_to_a_path(tmp_path, bad_id):
    with pytest.raises(UnsafeSampleIdError):
        check_sample_id(bad_id, tmp_path)
    with pytest.raises(UnsafeSampleIdError):
        sample_paths(tmp_path, bad_id)


@pytest.mark.parametrize("good_id", ["0001", "3fa85f6457174562", "a.b", "capture_12-3"])
def test_ids_of_any_shape_are_accepted(tmp_path, good_id):
    npz, js = sample_paths(tmp_path, good_id)
    assert npz.parent == tmp_path and npz.name == f"{good_id}.npz" and js.name == f"{good_id}.json"
