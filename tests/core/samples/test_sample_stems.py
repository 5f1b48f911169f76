"""The byte-array path of the sample index against the name-by-name one, on many listings."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from specgui.core.samples.index import _scan_names
from specgui.core.samples.stems import sorted_stems

# IDs of every width the field uses, and the characters that make IDs unusual or unsafe
ID_CHARS = "0123456789abcdefABCDEF_-. ~:\\\t\x7fé"
ids = st.text(alphabet=ID_CHARS, min_size=0, max_size=40)
suffixes = st.sampled_from([".npz", ".json", ".txt", ".npz.bak", ""])
names = st.lists(st.tuples(ids, suffixes).map("".join), unique=True, max_size=60)


def _careful(listing: list[str]):
    scan = _scan_names(Path("sig"), listing)
    return scan.complete, scan.json_missing, scan.npz_missing, scan.unsafe_names


@settings(max_examples=400, deadline=None)
@given(names)
def test_fast_path_agrees_with_the_careful_one_or_steps_aside(listing):
    fast = sorted_stems([os.fsencode(n) for n in listing])
    complete, npz_only, json_only, unsafe = _careful(listing)
    if fast is None:
        return  # the careful path answers; nothing to compare
    assert not unsafe, "an unsafe ID slipped through the fast path"
    assert (fast.complete, fast.npz_only, fast.json_only) == (complete, npz_only, json_only)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789abcdef", min_size=1, max_size=40), unique=True, max_size=80),
       st.data())
def test_plain_listings_always_take_the_fast_path_and_come_out_sorted(stems, data):
    """Hex IDs of mixed widths (so several 8-byte sort keys), some missing a file."""
    drop_npz = data.draw(st.sets(st.sampled_from(stems))) if stems else set()
    drop_json = data.draw(st.sets(st.sampled_from(stems))) if stems else set()
    listing = [f"{s}.npz" for s in stems if s not in drop_npz] + [f"{s}.json" for s in stems if s not in drop_json]
    fast = sorted_stems([n.encode() for n in listing])
    assert fast is not None
    assert fast.complete == tuple(sorted(set(stems) - drop_npz - drop_json))
    assert fast.npz_only == tuple(sorted(drop_json - drop_npz))
    assert fast.json_only == tuple(sorted(drop_npz - drop_json))


def test_ids_that_differ_only_in_length_or_past_the_first_key_sort_as_python_does():
    stems = ["abcdefgh", "abcdefg", "abcdefgh0", "abcdefgh00000000x", "abcdefgh00000000", "b", ""]
    listing = [f"{s}{suffix}".encode() for s in stems for suffix in (".npz", ".json")]
    fast = sorted_stems(listing)
    assert fast is not None and fast.complete == tuple(sorted(s for s in stems if s))


def test_unusual_listings_step_aside():
    for odd in (["é.npz", "é.json"], ["a..b.npz"], ["~x.npz"], ["C:x.npz"], ["a\\b.json"], ["tab\tx.npz"]):
        assert sorted_stems([n.encode() for n in odd]) is None, odd
    assert sorted_stems([b"x.npz", b"x.json"]).complete == ("x",)
    assert sorted_stems([]).complete == ()


@settings(max_examples=300, deadline=None)
@given(names, st.lists(ids, max_size=30), st.data())
def test_new_ids_are_the_complete_ones_minus_the_known(listing, known, data):
    """``complete_stems_not_in`` against the set difference it replaces, on any listing."""
    from specgui.core.samples.stems import complete_stems_not_in

    fast = complete_stems_not_in([os.fsencode(n) for n in listing], known)
    scan = _scan_names(Path("sig"), listing)
    if fast is None:
        assert sorted_stems([os.fsencode(n) for n in listing]) is None or any(not k.isascii() for k in known)
        return
    assert fast == sorted(scan.complete_ids.difference(known))


def test_new_complete_ids_reads_the_folder_like_a_scan(tmp_path):
    from specgui.core.samples.index import new_complete_ids

    samples = tmp_path / "sig" / "samples"
    samples.mkdir(parents=True)
    for name in ["0001.npz", "0001.json", "0002.npz", "0002.json", "0003.npz", "b.json", "é.npz", "é.json"]:
        (samples / name).write_bytes(b"")
    assert new_complete_ids(tmp_path / "sig", ["0001"]) == ["0002", "é"]  # non-ASCII: the careful path
    (samples / "é.npz").unlink()
    assert new_complete_ids(tmp_path / "sig", ["0001"], {"0002"}) == []
    assert new_complete_ids(tmp_path / "sig", [], ["é"]) == ["0001", "0002"]  # non-ASCII known ID
    assert new_complete_ids(tmp_path / "missing") == []
