"""A samples folder's file names to sorted sample IDs, as fixed-width byte arrays.

The usual listing holds 100,000s of ASCII names ``ID.npz`` and ``ID.json`` with safe IDs.
For that case the names become one numpy byte array: the suffixes are matched and cut by
numpy's string functions and the IDs sorted on big-endian 64-bit keys, which order ASCII
bytes exactly as Python orders the strings. That is about three times faster than a Python
pass over the names, and the listing is the floor of every split operation.

Anything unusual (a non-ASCII name, a name that might hide an unsafe ID) gets ``None`` and
the caller takes its per-name path, which reports each unsafe name; nothing here guesses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_HAS_STRING_SLICE = hasattr(getattr(np, "strings", None), "slice")  # numpy >= 2.3


@dataclass(frozen=True)
class SortedStems:
    """Sample IDs found in one listing, each tuple in plain string order."""

    complete: tuple[str, ...]  # both files
    npz_only: tuple[str, ...]  # an ``.npz`` and no ``.json``
    json_only: tuple[str, ...]  # a ``.json`` and no ``.npz``


def sorted_stems(names: list[bytes]) -> SortedStems | None:
    """IDs of the ``.npz``/``.json`` names, or None when the listing needs the per-name path.

    ``names`` are raw names as ``os.listdir(bytes_path)`` gives them. A name that is just a
    suffix (``.npz``) has no ID and is skipped.
    """
    arrays = _stem_arrays(names)
    if arrays is None:
        return None
    complete, npz_only, json_only = arrays
    return SortedStems(_to_str(complete), _to_str(npz_only), _to_str(json_only))


def complete_stems_not_in(names: list[bytes], known: list[str]) -> list[str] | None:
    """The complete IDs of the listing that are not in ``known``, sorted (what an extend adds);
    None when the listing needs the per-name path.

    Membership by binary search in the sorted known IDs: faster than sets of 100,000 str,
    and only the few IDs that are new are ever made into str.
    """
    arrays = _stem_arrays(names)
    if arrays is None:
        return None
    try:
        pool = _sort(_byte_array(known)) if known else np.array([], dtype=np.bytes_)
    except UnicodeEncodeError:  # a non-ASCII known ID matches no ID here, but say so plainly
        return None
    complete = arrays[0]
    return list(_to_str(complete[~_members(complete, pool)]))


def _stem_arrays(names: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Sorted byte arrays of the complete, ``.npz``-only and ``.json``-only IDs, or None."""
    if not names:
        empty = np.array([], dtype=np.bytes_)
        return empty, empty, empty
    if not _HAS_STRING_SLICE:
        return None
    listing = _byte_array(names)
    if not _plainly_safe(listing):
        return None
    npz = _ids_with_suffix(listing, b".npz")
    js = _ids_with_suffix(listing, b".json")
    if npz is None or js is None:
        return None
    if len(npz) == len(js) and np.array_equal(npz, js):  # the usual case: every sample whole
        return npz, npz[:0], js[:0]
    npz_in_js, js_in_npz = _members(npz, js), _members(js, npz)
    return npz[npz_in_js], npz[~npz_in_js], js[~js_in_npz]


_CONVERT_CHUNK = 16_384  # names per conversion call


def _byte_array(names: list[bytes] | list[str]) -> np.ndarray:
    """``np.array(names, dtype=np.bytes_)`` (non-ASCII str raises ``UnicodeEncodeError`` alike),
    converted a slice at a time: one call over 200,000 names holds the GIL ~35 ms, and a scan on
    a worker froze the window's UI thread that long."""
    out = np.empty(len(names), dtype=f"S{max(1, max(map(len, names)))}")
    for start in range(0, len(names), _CONVERT_CHUNK):
        out[start:start + _CONVERT_CHUNK] = names[start:start + _CONVERT_CHUNK]
    return out


def _plainly_safe(listing: np.ndarray) -> bool:
    """Every name printable ASCII with nothing that could make a stem unsafe.

    Names sit side by side in the buffer, padded with NUL bytes (never part of a real name);
    a mark spanning two names only sends the listing to the careful path.
    """
    raw = listing.view(np.uint8)
    if raw.max() > 126 or np.count_nonzero(raw < 32) != np.count_nonzero(raw == 0):
        return False  # non-ASCII, DEL or a control character somewhere
    dots = raw == ord(".")
    return not (dots[1:] & dots[:-1]).any() and not (raw == ord("\\")).any()


def _ids_with_suffix(listing: np.ndarray, suffix: bytes) -> np.ndarray | None:
    """Sorted stems of the names ending in ``suffix``; None if one looks like an absolute path."""
    stems = np.strings.slice(listing[np.strings.endswith(listing, suffix)], 0, -len(suffix))
    stems = _sort(stems)
    if len(stems) and stems[0] == b"":  # the name was only the suffix: no ID
        stems = stems[1:]
    # unsafe_id_reason's rule: '~' first, or ':' second (a drive letter)
    if np.strings.startswith(stems, b"~").any() or (np.strings.slice(stems, 1, 2) == b":").any():
        return None
    return stems


def _sort(stems: np.ndarray) -> np.ndarray:
    """``stems`` in byte order, via big-endian uint64 keys (a string sort is 3x slower).

    Sorted on the first 8 bytes, which tell random IDs apart but for a few pairs; only the
    IDs that tie there are then sorted on all their keys, and put back in the same slots.
    """
    if len(stems) < 2:
        return stems
    words = -(-stems.dtype.itemsize // 8)
    keys = stems.astype(f"S{8 * words}").view(">u8").reshape(-1, words)
    order = np.argsort(keys[:, 0])
    if words > 1:
        first = keys[order, 0]
        tied = np.flatnonzero(first[1:] == first[:-1])
        if len(tied) > len(stems) // 8:  # long shared prefixes (0000000000000001...): sort on all keys
            order = np.lexsort(keys.T[::-1])  # lexsort's last key is the primary one
        elif len(tied):
            slots = np.union1d(tied, tied + 1)
            group = order[slots]
            order[slots] = group[np.lexsort(keys[group].T[::-1])]
    return stems[order]


def _members(ids: np.ndarray, sorted_pool: np.ndarray) -> np.ndarray:
    """Mask of ``ids`` found in ``sorted_pool``."""
    if not len(sorted_pool):
        return np.zeros(len(ids), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_pool, ids), len(sorted_pool) - 1)
    return sorted_pool[at] == ids


def _to_str(ids: np.ndarray) -> tuple[str, ...]:
    """ASCII byte strings to a tuple of str: one join, one decode, one split."""
    if not len(ids):
        return ()
    return tuple(b"\n".join(ids.tolist()).decode("ascii").split("\n"))
