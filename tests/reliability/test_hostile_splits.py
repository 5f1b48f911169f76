"""Hostile split files and ``active.json``: refused or recovered by name, nothing opened outside, nothing written.

Injected: every corpus split case as ``v2.json`` (malformed, missing keys, wrong types,
IDs with ``/``, ``\\``, ``..``, NUL or absolute paths, duplicates, train∩val overlap,
version not matching the file name, huge integers); ``active.json`` as a dangling
symlink, a symlink out of the folder (to a *valid* split elsewhere), an absolute
symlink, a symlink into a subfolder, loops, a folder, a FIFO, a bad copy; version files
that are symlinks out of the folder, FIFOs or ``/dev/zero``.
"""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
import warnings

import pytest

from specgui.core.errors import SampleError, SplitFileError
from specgui.core.samples.loading import load_sample
from specgui.core.splits.manager import SplitManager
from specgui.core.splits.version import read_split_version
from tests.helpers import make_signal

from .faults import make_corpus, snapshot
from .split_checker import check_splits_folder

IDS = [f"{i:04d}" for i in range(10)]


def _signal(tmp_path, **kwargs):
    make_signal(tmp_path, "sig", IDS)
    manager = SplitManager(tmp_path)
    manager.create_initial_split("sig", **kwargs)
    return manager, tmp_path / "sig" / "splits"


@pytest.mark.parametrize("case", sorted(make_corpus.split_cases()))
def test_each_corpus_split_file_is_read_or_refused_by_name(tmp_path, corpus, case):
    blob, expected = corpus["split"][case]
    manager, splits = _signal(tmp_path)
    (splits / "v2.json").write_bytes(blob)
    before = snapshot(tmp_path)
    if expected == "ok":
        assert read_split_version(splits / "v2.json").version == 2
    else:
        with pytest.raises(SplitFileError) as err:
            read_split_version(splits / "v2.json")
        assert str(splits / "v2.json") in str(err.value) and expected in err.value.problem
        rows = {row.version: row for row in manager.list_versions("sig")}  # the listing keeps going
        assert rows[1].problem is None and expected in rows[2].problem
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("case", sorted(c for c in make_corpus.split_cases() if c.startswith("id_")))
def test_unsafe_ids_in_the_active_split_are_never_opened(tmp_path, corpus, case, monkeypatch):
    manager, splits = _signal(tmp_path)
    (splits / "v2.json").write_bytes(corpus["split"][case][0])
    (splits / "active.json").unlink()
    (splits / "active.json").symlink_to("v2.json")
    opened = []
    real_open, real_os_open = builtins.open, os.open
    monkeypatch.setattr(builtins, "open", lambda f, *a, **k: (opened.append(str(f)), real_open(f, *a, **k))[1])
    monkeypatch.setattr(os, "open", lambda f, *a, **k: (opened.append(str(f)), real_os_open(f, *a, **k))[1])
    before = snapshot(tmp_path)
    with pytest.raises(SplitFileError, match="v2.json"):
        manager.get_split("sig")
    with pytest.raises(SplitFileError, match="v2.json"):
        manager.extend_split("sig")
    bad_ids = json.loads(corpus["split"][case][0])["train_samples"][1:]
    for bad in bad_ids:
        with pytest.raises(SampleError):
            load_sample(tmp_path / "sig" / "samples", bad)
    assert all("samples" not in path for path in opened), opened
    snapshot_after = snapshot(tmp_path)
    snapshot_after.pop("sig/splits/.specgui.lock", None), before.pop("sig/splits/.specgui.lock", None)
    assert snapshot_after == before


def _outside_split(tmp_path, manager, version=7):
    """A perfectly valid split file outside the splits folder, with a val set of its own."""
    train, val = manager.get_split("sig")
    data = json.loads((tmp_path / "sig" / "splits" / "v1.json").read_text())
    data.update(version=version, train_samples=val, val_samples=train, train_count=len(val), val_count=len(train),
                notes="planted outside")
    outside = tmp_path / f"v{version}.json"
    outside.write_text(json.dumps(data))
    return outside


def _plant_active(splits, outside, kind):
    active = splits / "active.json"
    active.unlink()
    if kind == "dangling":
        active.symlink_to("v9.json")
    elif kind == "relative_out":
        active.symlink_to(os.path.join("..", "..", outside.name))
    elif kind == "absolute_out":
        active.symlink_to(outside)
    elif kind == "subfolder":
        (splits / "sub").mkdir()
        (splits / "sub" / "v1.json").write_bytes((splits / "v1.json").read_bytes())
        active.symlink_to("sub/v1.json")
    elif kind == "self_loop":
        active.symlink_to("active.json")
    elif kind == "loop":
        (splits / "loop.json").symlink_to("active.json")
        active.symlink_to("loop.json")
    elif kind == "version_loop":
        (splits / "v5.json").symlink_to("v6.json")
        (splits / "v6.json").symlink_to("v5.json")
        active.symlink_to("v5.json")
    elif kind == "chain_out":  # a valid v3 that lives outside, reached through a link named v3.json
        data = json.loads(outside.read_text())
        data["version"] = 3
        (outside.parent / "v3.json").write_text(json.dumps(data))
        (splits / "v3.json").symlink_to(outside.parent / "v3.json")
        active.symlink_to("v3.json")
    elif kind == "folder":
        active.mkdir()
    elif kind == "fifo":
        os.mkfifo(active)
    elif kind == "bad_copy":
        active.write_text('{"version": "one"')
    elif kind == "copy_of_missing":
        active.write_text(json.dumps({"version": 4, "train_samples": [], "val_samples": []}))


ACTIVE_CASES = ["dangling", "relative_out", "absolute_out", "subfolder", "self_loop", "loop", "version_loop",
                "chain_out", "fifo", "bad_copy", "copy_of_missing"]


@pytest.mark.parametrize("kind", ACTIVE_CASES)
def test_a_hostile_active_json_is_never_followed_out_and_is_repaired_by_the_next_extend(tmp_path, kind):
    manager, splits = _signal(tmp_path)
    outside = _outside_split(tmp_path, manager)
    outside_bytes = outside.read_bytes()
    v1_train, v1_val = manager.get_split("sig")
    _plant_active(splits, outside, kind)
    resolution = manager.resolve_active("sig")
    assert resolution.version.version == 1 and resolution.recovered and "active.json" in resolution.note
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        assert manager.get_split("sig") == (v1_train, v1_val)  # never the planted lists
    make_signal(tmp_path, "sig", ["new0"])
    new = manager.extend_split("sig")  # the next number after every vN.json name, junk ones included
    state = check_splits_folder(splits, require_contiguous=False)
    assert state.active_version == new and state.versions[new]["parent_version"] == 1
    assert state.versions[new]["val_samples"] == v1_val and "new0" in state.versions[new]["train_samples"]
    assert outside.read_bytes() == outside_bytes, "the repair wrote through a link"
    assert not [p for p in state.problems if "v1.json" in p or f"v{new}.json" in p]


@pytest.mark.parametrize("copy_mode", [False, True])
def test_an_active_json_folder_is_a_clear_error_and_left_alone(tmp_path, copy_mode, monkeypatch):
    manager, splits = _signal(tmp_path)
    _plant_active(splits, None, "folder")
    (splits / "active.json" / "keep.txt").write_text("user data")
    if copy_mode:
        monkeypatch.setattr(os, "symlink", lambda *a, **k: (_ for _ in ()).throw(OSError(1, "no symlinks")))
    make_signal(tmp_path, "sig", ["new0"])
    with pytest.raises(SplitFileError, match="active.json: is a folder"):
        manager.extend_split("sig")
    assert (splits / "active.json" / "keep.txt").read_text() == "user data"
    assert manager.resolve_active("sig").recovered  # reads still work, with the reason
    assert not check_splits_folder(splits).temps


def test_an_extend_refused_for_an_active_json_folder_writes_no_version(tmp_path):
    manager, splits = _signal(tmp_path)
    _plant_active(splits, None, "folder")
    make_signal(tmp_path, "sig", ["new0"])
    with pytest.raises(SplitFileError):
        manager.extend_split("sig")
    assert sorted(p.name for p in splits.glob("v*.json")) == ["v1.json"]


def _read_in_subprocess(path):
    """Read in a child with a deadline: a FIFO would block it, /dev/zero would eat memory forever."""
    code = ("import sys\nfrom specgui.core.splits.version import read_split_version\n"
            "from specgui.core.errors import SplitFileError\n"
            "try:\n    read_split_version(sys.argv[1], 2)\n    print('accepted')\n"
            "except SplitFileError as exc:\n    print('SplitFileError', exc)\n")
    try:
        done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return "timed out"
    return done.stdout.strip() or done.stderr.strip()[-300:]


@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "symlink_out"])
def test_a_version_file_that_is_not_a_plain_file_here_is_refused(tmp_path, kind):
    manager, splits = _signal(tmp_path)
    path = splits / "v2.json"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev_zero":
        path.symlink_to("/dev/zero")
    else:
        path.symlink_to(_outside_split(tmp_path, manager, version=2))
    answer = _read_in_subprocess(path)
    assert answer.startswith(f"SplitFileError {path}:"), answer
