"""The sample index: one pass, IDs of any shape, per-sample file state, signals root."""

from __future__ import annotations

import os

import pytest

from specgui.core.errors import DataRootError
from specgui.core.layout import resolve_signals_root
from specgui.core.samples.index import FileState, list_signals, scan_signal
from tests.helpers import write_sample


def test_scan_finds_complete_and_half_samples(tmp_path):
    samples = tmp_path / "sig" / "samples"
    for sample_id in ["0002", "3fa85f6457174562", "0001"]:
        write_sample(samples, sample_id)
    (samples / "onlynpz.npz").write_bytes(b"x")
    (samples / "onlyjson.json").write_text("{}")
    (samples / "notes.txt").write_text("ignored")
    (samples / ".npz").write_bytes(b"")
    scan = scan_signal(tmp_path / "sig")
    assert scan.complete == ("0001", "0002", "3fa85f6457174562")
    assert scan.json_missing == ("onlynpz",) and scan.npz_missing == ("onlyjson",)
    assert scan.file_state("0001") is FileState.COMPLETE
    assert scan.file_state("onlynpz") is FileState.JSON_MISSING
    assert scan.file_state("onlyjson") is FileState.NPZ_MISSING
    assert scan.file_state("nothing") is None


def test_scan_of_a_signal_without_samples_folder_reports_it(tmp_path):
    (tmp_path / "sig").mkdir()
    scan = scan_signal(tmp_path / "sig")
    assert scan.complete == () and not scan.samples_dir_exists
    assert "no samples/ folder" in scan.error


def test_symlinked_samples_are_marked(tmp_path):
    samples = tmp_path / "sig" / "samples"
    write_sample(tmp_path / "elsewhere", "real")
    samples.mkdir(parents=True)
    os.symlink(tmp_path / "elsewhere" / "real.npz", samples / "real.npz")
    os.symlink(tmp_path / "elsewhere" / "real.json", samples / "real.json")
    scan = scan_signal(tmp_path / "sig")
    assert scan.complete == ("real",) and "real" in scan.symlinked


def test_scan_does_not_stat_each_file(tmp_path, monkeypatch):
    samples = tmp_path / "sig" / "samples"
    samples.mkdir(parents=True)
    for i in range(50):
        (samples / f"{i:04d}.npz").write_bytes(b"")
        (samples / f"{i:04d}.json").write_text("")
    calls = []
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda *a, **k: calls.append(a) or real_stat(*a, **k))
    assert len(scan_signal(tmp_path / "sig").complete) == 50
    assert len(calls) < 5


def test_root_may_be_the_signals_folder_or_its_parent(tmp_path):
    (tmp_path / "signals" / "b").mkdir(parents=True)
    (tmp_path / "signals" / "a").mkdir()
    (tmp_path / "signals" / ".hidden").mkdir()
    (tmp_path / "signals" / "file.txt").write_text("")
    assert resolve_signals_root(tmp_path) == tmp_path / "signals"
    assert resolve_signals_root(tmp_path / "signals") == tmp_path / "signals"
    assert list_signals(tmp_path / "signals") == ["a", "b"]


def test_bad_root_is_a_named_error(tmp_path):
    with pytest.raises(DataRootError, match="folder not found"):
        resolve_signals_root(tmp_path / "missing")
    (tmp_path / "f").write_text("")
    with pytest.raises(DataRootError, match="not a folder"):
        resolve_signals_root(tmp_path / "f")


def test_unsafe_file_names_are_set_aside_not_indexed(tmp_path):
    samples = tmp_path / "sig" / "samples"
    write_sample(samples, "good")
    for name in ["a..b.npz", "a..b.json", "~home.npz", "~home.json", "tab\there.npz", "tab\there.json"]:
        (samples / name).write_bytes(b"")
    scan = scan_signal(tmp_path / "sig")
    assert scan.complete == ("good",)
    assert set(scan.unsafe_names) == {"a..b", "~home", "tab\there"}


def test_the_byte_array_and_the_name_by_name_paths_agree(tmp_path, monkeypatch):
    import specgui.core.samples.index as index

    samples = tmp_path / "sig" / "samples"
    samples.mkdir(parents=True)
    for name in ["0001.npz", "0001.json", "x.npz", "y.json", ".npz", "a.npz.json", "b.txt", "0001.npz.bak"]:
        (samples / name).write_bytes(b"")
    fast = scan_signal(tmp_path / "sig")
    monkeypatch.setattr(index, "sorted_stems", lambda names: None)
    slow = scan_signal(tmp_path / "sig")
    assert fast == slow
    assert fast.complete == ("0001",) and fast.json_missing == ("x",)
    assert fast.npz_missing == ("a.npz", "y")


def test_non_ascii_ids_take_the_name_by_name_path(tmp_path):
    samples = tmp_path / "sig" / "samples"
    samples.mkdir(parents=True)
    for name in ["é.npz", "é.json", "0001.npz", "0001.json", "ü.npz"]:
        (samples / name).write_bytes(b"")
    scan = scan_signal(tmp_path / "sig")
    assert scan.complete == ("0001", "é") and scan.json_missing == ("ü",)
