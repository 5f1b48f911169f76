"""Many sample IDs to path strings at once: the same files :func:`sample_paths` names, unsafe IDs refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from specgui.core.errors import UnsafeSampleIdError
from specgui.core.samples.ids import sample_path_strings, sample_paths


def test_path_strings_name_the_same_files_as_sample_paths(tmp_path):
    ids = ["0001", "3fa85f6457174562", "a b", "ünï"]
    pairs = list(sample_path_strings(tmp_path, ids))
    assert [(Path(n), Path(j)) for n, j in pairs] == [sample_paths(tmp_path, s) for s in ids]
    assert all(isinstance(p, str) for pair in pairs for p in pair)
    assert list(sample_path_strings(str(tmp_path) + "/", ["x"])) == [(f"{tmp_path}/x.npz", f"{tmp_path}/x.json")]


@pytest.mark.parametrize("bad", ["../up", "a/b", "", "~home", "c:x", "tab\there"])
def test_one_unsafe_id_among_many_is_refused_naming_it(tmp_path, bad):
    with pytest.raises(UnsafeSampleIdError) as raised:
        sample_path_strings(tmp_path, ["ok1", bad, "ok2"])  # refused at once, before a path is read
    assert repr(bad) in str(raised.value) or "empty" in str(raised.value)
