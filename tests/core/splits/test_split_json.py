"""The split encoder writes exactly ``json.dumps(indent=2)``, whatever the IDs hold."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from specgui.core.splits.json_format import dumps_split

# quotes, backslashes, control characters, DEL and non-ASCII: everything the fast join must spot
ids = st.text(alphabet=st.sampled_from('09af-_ .:"\\\n\t\x00\x7fé€'), max_size=12) | st.text(max_size=6)
values = st.lists(ids, max_size=12) | st.lists(st.one_of(ids, st.integers(), st.none()), max_size=4) | st.integers()


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.sampled_from(["train_samples", "val_samples", "version", "notes"]), values))
def test_split_json_matches_json_dumps_indent_2(data):
    assert dumps_split(data) == json.dumps(data, indent=2)
