"""The per-user fingerprint cache: hits, invalidation, corruption, and never in the data folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import specgui.core.audit.hashes as audit_hashes
from specgui.core.audit.audit import audit_split
from specgui.core.audit.cache import AuditCache, npz_state, user_cache_dir
from tests.core.audit.test_audit_helpers import (  # noqa: F401 - cache_dir is a fixture
    cache_dir,
    data_files,
    spectro_image,
    window,
    write_pixels,
    write_split,
)


@pytest.fixture
def decodes(monkeypatch) -> list[str]:
    """Every ``.npz`` the audit decodes, by file name."""
    seen: list[str] = []
    real = audit_hashes.load_spectrogram

    def counting(path, **kwargs):
        seen.append(Path(path).name)
        return real(path, **kwargs)

    monkeypatch.setattr(audit_hashes, "load_spectrogram", counting)
    return seen


@pytest.fixture
def signals(tmp_path: Path) -> Path:
    root = tmp_path / "data" / "signals"
    for i, sample_id in enumerate(["a", "b", "c", "d", "e"]):
        write_pixels(root / "sig" / "samples", sample_id, spectro_image(i), **window("cap", 10.0 * i))
    write_split(root / "sig", ["a", "b", "c"], ["d", "e"])
    return root


def _bump(path: Path) -> None:
    """A new mtime for sure, even on file systems with coarse timestamps."""
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def test_second_audit_decodes_nothing(signals, cache_dir, decodes):
    first = audit_split(signals, "sig", workers=2)
    assert sorted(decodes) == ["a.npz", "b.npz", "c.npz", "d.npz", "e.npz"]
    assert (first.decoded, first.cache_hits) == (5, 0)
    decodes.clear()
    second = audit_split(signals, "sig", workers=2)
    assert decodes == [] and (second.decoded, second.cache_hits) == (0, 5)
    assert second.leaks == first.leaks == ()
    assert Path(second.cache_path).parent.parent == cache_dir


def test_changed_file_is_decoded_again(signals, cache_dir, decodes):
    audit_split(signals, "sig")
    write_pixels(signals / "sig" / "samples", "a", spectro_image(3), **window("cap", 0.0))  # now = d's pixels
    _bump(signals / "sig" / "samples" / "a.npz")
    decodes.clear()
    report = audit_split(signals, "sig")
    assert decodes == ["a.npz"]
    assert [(leak.kind, leak.train, leak.val) for leak in report.leaks] == [("exact", "a", "d")]


def test_changed_json_window_is_read_again(signals, cache_dir):
    audit_split(signals, "sig")
    write_pixels(signals / "sig" / "samples", "b", spectro_image(1), **window("cap", 40.05))  # into e's window
    _bump(signals / "sig" / "samples" / "b.json")
    report = audit_split(signals, "sig")
    assert [(leak.kind, leak.train, leak.val) for leak in report.leaks] == [("capture", "b", "e")]


@pytest.mark.parametrize("garbage", [b"\x00\xff not json", b'{"format": 1, "pixels": ', b"[1, 2, 3]",
                                     json.dumps({"format": 1, "pixels": {"a": "x"}, "windows": []}).encode()])
def test_corrupt_cache_is_ignored_and_rebuilt(signals, cache_dir, decodes, garbage):
    first = audit_split(signals, "sig")
    Path(first.cache_path).write_bytes(garbage)
    decodes.clear()
    report = audit_split(signals, "sig")
    assert report.decoded == 5 and len(decodes) == 5 and report.cache_note
    assert audit_split(signals, "sig").cache_hits == 5


def _cache_rows(path: Path) -> tuple[dict, list]:
    """The header and every row ``[table, id, *entry]`` of a cache file."""
    header, *lines = path.read_text().splitlines()
    return json.loads(header), [row for line in lines for row in json.loads(line)]


def _write_cache_rows(path: Path, header: dict, rows: list, per_line: int) -> None:
    lines = [json.dumps(header)] + [json.dumps(rows[i:i + per_line]) for i in range(0, len(rows), per_line)]
    path.write_text("\n".join(lines) + "\n")


def test_bad_entries_are_dropped_one_by_one(signals, cache_dir):
    path = Path(audit_split(signals, "sig").cache_path)
    header, rows = _cache_rows(path)
    rows = [["p", "a", 1, 2, "x", "zz", 3, 4] if r[:2] == ["p", "a"] else
            ["w", "b", "nonsense"] if r[:2] == ["w", "b"] else r for r in rows]
    rows += [["q", "c", 1], "not a row", ["p", 7, 1, 2, "x", "zz", 3, 4]]  # unknown table, not a list, bad ID
    _write_cache_rows(path, header, rows, per_line=3)
    report = audit_split(signals, "sig")
    assert (report.decoded, report.cache_hits) == (1, 4) and report.leaks == ()


def test_a_line_that_is_not_an_array_of_rows_rebuilds_the_cache(signals, cache_dir, decodes):
    path = Path(audit_split(signals, "sig").cache_path)
    header, rows = _cache_rows(path)
    _write_cache_rows(path, header, rows, per_line=4)
    path.write_text(path.read_text() + '{"p": 1}\n')
    decodes.clear()
    report = audit_split(signals, "sig")
    assert report.decoded == 5 and "unreadable" in report.cache_note and str(path) in report.cache_note


def test_the_file_is_lines_of_bounded_chunks_and_reads_back(tmp_path, monkeypatch):
    """Each line is parsed in one call that holds the GIL: a big cache must not be one line."""
    import specgui.core.audit.cache as cache_module

    monkeypatch.setattr(cache_module, "CHUNK_ROWS", 7)
    signal_dir = tmp_path / "data" / "sig"
    signal_dir.mkdir(parents=True)
    cache = AuditCache(signal_dir, folder=tmp_path / "cache")
    for i in range(30):
        cache.put_verdict(f"s{i:02d}", (i, 2, 3, 4, 5, 6), None if i % 3 else "unreadable", None if i % 3 else "x.npz: bad")
        cache.put_window(f"s{i:02d}", (i, 9), "cap", float(i), 1.5)
    assert cache.save()
    lines = cache.path.read_text().splitlines()
    assert json.loads(lines[0])["format"] == cache_module.CACHE_FORMAT
    assert [len(json.loads(line)) for line in lines[1:]] == [7] * 8 + [4]  # 60 rows
    again = AuditCache(signal_dir, folder=tmp_path / "cache")
    assert again.note is None and again.verdicts == cache.verdicts and again.windows == cache.windows
    assert again.get_verdict("s03", (3, 2, 3, 4, 5, 6)) == ("unreadable", "x.npz: bad")
    assert again.get_verdict("s03", (3, 2, 3, 4, 5, 7)) is None  # the .json's inode changed
    assert again.get_window("s04", (4, 9)) == ("cap", 4.0, 1.5)


def test_a_cache_of_the_earlier_single_object_format_is_still_used(signals, cache_dir, decodes):
    path = Path(audit_split(signals, "sig").cache_path)
    header, rows = _cache_rows(path)
    tables = {"p": "pixels", "w": "windows", "v": "verdicts"}
    old = {**header, "format": 1, "pixels": {}, "windows": {}, "verdicts": {}}
    for table, sample_id, *entry in rows:
        old[tables[table]][sample_id] = entry
    path.write_text(json.dumps(old))
    decodes.clear()
    report = audit_split(signals, "sig")
    assert decodes == [] and (report.decoded, report.cache_hits) == (0, 5) and report.cache_note is None
    assert json.loads(path.read_text().splitlines()[0])["format"] == 2  # rewritten in the current format


def test_cache_lives_outside_the_data_folder(signals, tmp_path, monkeypatch):
    monkeypatch.delenv("SPECGUI_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    before = data_files(tmp_path / "data")
    report = audit_split(signals, "sig")
    assert data_files(tmp_path / "data") == before
    assert Path(report.cache_path).is_file()
    assert Path(report.cache_path).is_relative_to(tmp_path / "xdg" / "specgui")
    assert not [p for p in Path(report.cache_path).parent.iterdir() if ".tmp-" in p.name]  # written atomically


def test_cache_dir_pointing_into_the_data_folder_is_refused(signals, tmp_path, monkeypatch):
    monkeypatch.setenv("SPECGUI_CACHE_DIR", str(tmp_path / "data" / "cache"))
    before = data_files(tmp_path / "data")
    report = audit_split(tmp_path / "data", "sig")  # ROOT as the parent of signals/
    assert report.cache_path is None and "inside the data folder" in report.cache_note
    assert data_files(tmp_path / "data") == before


def test_unwritable_cache_is_not_fatal(signals, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SPECGUI_CACHE_DIR", str(blocker / "cache"))  # cannot mkdir under a file
    report = audit_split(signals, "sig")
    assert report.decoded == 5 and "not saved" in report.cache_note


def test_cache_folder_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("SPECGUI_CACHE_DIR", str(tmp_path / "override"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "override"
    monkeypatch.delenv("SPECGUI_CACHE_DIR")
    assert user_cache_dir() == tmp_path / "xdg" / "specgui"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "specgui"


def test_one_cache_file_per_signal_folder(tmp_path, cache_dir):
    a = AuditCache(tmp_path / "one" / "sig")
    b = AuditCache(tmp_path / "two" / "sig")
    assert a.path != b.path and a.path.parent == b.path.parent == cache_dir / "audit"


def test_hard_links_share_one_fingerprint(tmp_path, cache_dir, decodes):
    samples = tmp_path / "signals" / "sig" / "samples"
    write_pixels(samples, "orig", spectro_image(7))
    for name in ("link-1", "link-2", "link-3"):  # cp -l: one file under four names
        os.link(samples / "orig.npz", samples / f"{name}.npz")
        (samples / f"{name}.json").write_text((samples / "orig.json").read_text())
    write_pixels(samples, "copy", spectro_image(7))  # same pixels, its own file: decoded
    write_split(samples.parent, ["orig", "link-1", "copy"], ["link-2", "link-3"])
    first = audit_split(samples.parent.parent, "sig", pool="inline")
    assert sorted(decodes) == ["copy.npz", "orig.npz"]
    assert (first.decoded, first.linked, first.cache_hits) == (2, 3, 0)
    (group,) = first.groups
    assert (group.train_ids, group.val_ids) == (("copy", "link-1", "orig"), ("link-2", "link-3"))
    decodes.clear()
    second = audit_split(samples.parent.parent, "sig", pool="inline")  # every name is cached now
    assert decodes == [] and (second.cache_hits, second.linked) == (5, 0) and second.groups == first.groups
    os.link(samples / "orig.npz", samples / "link-4.npz")  # a new link of a cached file: no decode
    (samples / "link-4.json").write_text((samples / "orig.json").read_text())
    write_split(samples.parent, ["orig", "link-1", "copy"], ["link-2", "link-3", "link-4"])
    third = audit_split(samples.parent.parent, "sig", pool="inline")
    assert decodes == [] and (third.cache_hits, third.linked) == (5, 1)
    assert third.groups[0].val_ids == ("link-2", "link-3", "link-4")


def test_only_a_hard_linked_file_has_an_identity(tmp_path):
    """A file with one name cannot share its fingerprint, so 100,000 of them keep no identity."""
    alone, linked = tmp_path / "alone.npz", tmp_path / "linked.npz"
    alone.write_bytes(b"1234")
    linked.write_bytes(b"123456")
    os.link(linked, tmp_path / "other-name.npz")
    key, identity = npz_state(alone)
    assert key == (4, alone.stat().st_mtime_ns) and identity is None
    key, identity = npz_state(linked)
    st = linked.stat()
    assert key == (6, st.st_mtime_ns) and identity == (st.st_dev, st.st_ino, 6, st.st_mtime_ns)
    assert npz_state(tmp_path / "other-name.npz")[1] == identity
    assert npz_state(tmp_path / "missing.npz") == (None, None)


def test_a_broken_file_under_several_names_is_a_problem_for_each(tmp_path, cache_dir, decodes):
    samples = tmp_path / "signals" / "sig" / "samples"
    write_pixels(samples, "a", spectro_image(1))
    write_pixels(samples, "bad", spectro_image(2))
    (samples / "bad.npz").write_bytes(b"not a zip")
    os.link(samples / "bad.npz", samples / "bad-link.npz")
    (samples / "bad-link.json").write_text((samples / "bad.json").read_text())
    write_split(samples.parent, ["a", "bad"], ["bad-link"])
    report = audit_split(samples.parent.parent, "sig", pool="inline")
    assert decodes.count("bad.npz") + decodes.count("bad-link.npz") == 1
    assert {(p.sample_id, p.split) for p in report.problems} == {("bad", "train"), ("bad-link", "val")}
    assert report.groups == ()


def test_the_audit_empties_its_fingerprint_tables_once_the_report_is_made(tmp_path, cache_dir, monkeypatch):
    """In the window the tables are emptied a piece at a time on the worker (see gradual_free)."""
    from specgui.core.audit import audit as audit_module

    samples = tmp_path / "signals" / "sig" / "samples"
    for name, seed in (("a", 1), ("b", 1), ("c", 2)):
        write_pixels(samples, name, spectro_image(seed))
    write_split(samples.parent, ["a", "c"], ["b"])
    seen = []
    real = audit_module.report_of
    monkeypatch.setattr(audit_module, "report_of", lambda found, *args: seen.append(found) or real(found, *args))
    report = audit_split(samples.parent.parent, "sig", pool="inline")
    (found,) = seen
    assert report.groups[0].train_ids == ("a",) and report.groups[0].val_ids == ("b",)
    assert found.fingerprints == {} and found.windows == {} and found.cache.pixels == {}
    assert AuditCache(samples.parent).pixels.keys() == {"a", "b", "c"}  # saved before it was emptied
