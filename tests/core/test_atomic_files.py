"""Atomic writes: never half a file, never an overwrite, never through a link."""

from __future__ import annotations

import json
import os

import pytest

from specgui.core.atomic_files import create_exclusive, point_link, remove_stale_temps, stale_temps, write_atomic
from specgui.core.errors import SplitVersionExistsError
from specgui.core.splits.json_format import dumps_split


def test_write_atomic_replaces_whole_and_leaves_no_temp(tmp_path):
    path = tmp_path / "f.json"
    write_atomic(path, b"one")
    write_atomic(path, b"two")
    assert path.read_bytes() == b"two" and sorted(os.listdir(tmp_path)) == ["f.json"]


def test_create_exclusive_never_overwrites(tmp_path):
    path = tmp_path / "v1.json"
    create_exclusive(path, b"first")
    with pytest.raises(SplitVersionExistsError, match="never overwritten"):
        create_exclusive(path, b"second")
    assert path.read_bytes() == b"first" and sorted(os.listdir(tmp_path)) == ["v1.json"]


def test_point_link_replaces_a_dangling_link_without_writing_through(tmp_path):
    link = tmp_path / "active.json"
    os.symlink("gone.json", link)
    (tmp_path / "v2.json").write_text("{}")
    assert point_link(link, "v2.json", b"{}") == "symlink"
    assert os.readlink(link) == "v2.json" and not (tmp_path / "gone.json").exists()


def test_point_link_falls_back_to_a_copy(tmp_path, monkeypatch):
    def no_symlinks(*args, **kwargs):
        raise OSError("symlinks not supported here")

    monkeypatch.setattr(os, "symlink", no_symlinks)
    link = tmp_path / "active.json"
    assert point_link(link, "v1.json", b'{"version": 1}') == "copy"
    assert not link.is_symlink() and json.loads(link.read_text()) == {"version": 1}


def test_stale_temps_are_listed_and_removed(tmp_path):
    (tmp_path / ".v3.json.tmp-1-ab").write_text("{")
    (tmp_path / "v1.json").write_text("{}")
    assert [p.name for p in stale_temps(tmp_path)] == [".v3.json.tmp-1-ab"]
    assert remove_stale_temps(tmp_path) == 1 and os.listdir(tmp_path) == ["v1.json"]


@pytest.mark.parametrize("data", [
    {"version": 2, "train_samples": ["a", "b\"q", "\u00e9"], "val_samples": [], "notes": "x\ny",
     "val_ratio": 0.25, "parent_version": 1, "nested": {"k": [1, {"z": None}]}},
    {},
])
def test_split_json_is_byte_identical_to_json_dumps_indent_2(data):
    assert dumps_split(data) == json.dumps(data, indent=2)
