"""Splicing a box save into the sample's JSON text: other values byte for byte, or a fallback."""

import json

import pytest

from specgui.core.review.json_splice import splice_values

SAMPLE = {"boxes": [{"x_min": 1, "y_min": 2, "x_max": 3, "y_max": 4, "label": "fm"}],
          "class_names": ["fm"], "snr_db": 12.5, "nested": {"a": [1, {"b": None}]}, "note": "ü \\n \""}


@pytest.mark.parametrize("indent", [None, 1, 2, 4])
def test_splice_matches_a_whole_encode_of_a_dumped_file(indent):
    text = json.dumps(SAMPLE, indent=indent, ensure_ascii=False)
    changed = {"boxes": [{"x_min": 0, "y_min": 0, "x_max": 9, "y_max": 9, "label": None}] * 2,
               "edited_at": "2026-01-01T00:00:00Z", "edited_by": "ana"}
    expected = json.dumps({**SAMPLE, **changed}, indent=indent, ensure_ascii=False)
    assert splice_values(text, changed, indent) == expected


def test_existing_edit_keys_are_replaced_in_place_and_other_spellings_kept():
    text = '{\n "snr_db": 1.0e-5,\n "edited_at": "old",\n "boxes": [],\n "big": 1E+400\n}\n'
    out = splice_values(text, {"boxes": [], "edited_at": "new"}, 1)
    assert out == '{\n "snr_db": 1.0e-5,\n "edited_at": "new",\n "boxes": [],\n "big": 1E+400\n}\n'


@pytest.mark.parametrize("text", [
    '{"boxes": [], "boxes": [1]}',          # duplicate key: json.loads keeps the last
    '{}',                                    # nothing to splice into
    '[1, 2]',                                # not an object
    '{"boxes": [1,}',                        # malformed value
    '{"boxes": []} trailing',                # text after the object
    '{"boxes": [] "x": 1}',                  # missing comma
    '{boxes: []}',                           # unquoted key
])
def test_anything_unusual_falls_back_to_a_whole_encode(text):
    assert splice_values(text, {"boxes": []}, None) is None


def test_any_dumped_object_splices_to_what_a_whole_encode_gives():
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(max_size=5), inner, max_size=3), max_leaves=10)

    @hypothesis.settings(max_examples=200, deadline=None)
    @hypothesis.given(st.dictionaries(st.text(max_size=6), values, min_size=1, max_size=5),
                      st.sampled_from([None, 1, 2]), values)
    def check(obj, indent, boxes):
        text = json.dumps(obj, indent=indent, ensure_ascii=False)
        changed = {"boxes": boxes, "edited_by": "x"}
        spliced = splice_values(text, changed, indent)
        assert spliced == json.dumps({**obj, **changed}, indent=indent, ensure_ascii=False)
        assert json.loads(spliced) == {**obj, **changed}

    check()
