"""The indexed near search finds exactly the pairs all-pairs popcount finds, once each."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specgui.core.audit.near_index import (
    BITS,
    brute_near,
    chunk_layout,
    chunk_values,
    near_links,
    plan,
    unique_rows,
)


def _words(rng, n):
    return rng.integers(0, 2**64, size=(n, 4), dtype=np.uint64)


def _flip(row: np.ndarray, bits) -> np.ndarray:
    row = row.copy()
    for b in bits:
        row[b // 64] ^= np.uint64(1 << (b % 64))
    return row


def _as_set(result):
    return set(zip(*(part.tolist() for part in result)))


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 40), st.integers(0, 40), st.integers(0, BITS),
       st.sampled_from(["index", "auto"]))
def test_indexed_search_equals_brute_force(seed, n, m, threshold, method):
    rng = np.random.default_rng(seed)
    a = _words(rng, n)
    b = _words(rng, m)
    for k in range(min(n, m, 12)):  # planted pairs around the threshold, some identical
        spread = int(rng.integers(0, threshold + 3))
        b[k] = _flip(a[k], rng.choice(BITS, size=min(BITS, spread), replace=False))
    if n > 2 and m > 2:
        a[-1] = a[0]  # a repeated hash on one side
    expected = _as_set(brute_near(a, b, threshold))
    got = near_links(a, b, threshold, method=method)
    assert len(got[0]) == len(expected)  # each pair once
    assert _as_set(got) == expected
    assert list(zip(got[0].tolist(), got[1].tolist())) == sorted(zip(got[0].tolist(), got[1].tolist()))


@pytest.mark.parametrize("threshold", [0, 5, 12, 40, 64])
def test_planted_pairs_are_found_among_random_hashes(threshold):
    rng = np.random.default_rng(threshold)
    a, b = _words(rng, 3000), _words(rng, 800)
    for k in range(50):
        b[k] = _flip(a[10 * k], rng.choice(BITS, size=int(rng.integers(0, threshold + 1)), replace=False))
    found = _as_set(near_links(a, b, threshold, method="index"))
    assert {(10 * k, k) for k in range(50)} <= {(i, j) for i, j, _ in found}
    assert found == _as_set(brute_near(a, b, threshold))


def test_shared_chunk_values_fall_back_without_missing_pairs():
    """Hashes that agree on most chunks (as blank captures do) would make every pair a candidate."""
    rng = np.random.default_rng(5)
    base = _words(rng, 1)[0]
    a = np.array([_flip(base, rng.choice(BITS, size=6, replace=False)) for _ in range(400)])
    b = np.array([_flip(base, rng.choice(BITS, size=6, replace=False)) for _ in range(300)])
    assert _as_set(near_links(a, b, 8)) == _as_set(brute_near(a, b, 8))
    assert _as_set(near_links(a, b, 8, method="index")) == _as_set(brute_near(a, b, 8))


def test_plans_are_exact_by_pigeonhole_and_brute_force_wins_for_tiny_inputs():
    for threshold in (0, 3, 17, 40, 90):
        chunks = plan(200_000, 50_000, threshold, force=True)
        assert sum(width for _, width, _ in chunks) == BITS
        assert sum(radius + 1 for _, _, radius in chunks) >= threshold + 1
    assert plan(10, 10, 40) is None
    assert plan(200_000, 50_000, 40) is not None


def test_chunks_cover_every_bit_once():
    rng = np.random.default_rng(0)
    words = _words(rng, 5)
    for count in (4, 7, 13, 41):
        rebuilt = np.zeros_like(words)
        for start, width in chunk_layout(count):
            values = chunk_values(words, start, width)
            for k in range(width):
                bit = start + k
                rebuilt[:, bit // 64] |= ((values >> np.uint64(k)) & np.uint64(1)) << np.uint64(bit % 64)
        assert (rebuilt == words).all()


def test_empty_sides_and_bad_method():
    empty = np.zeros((0, 4), dtype=np.uint64)
    assert all(len(x) == 0 for x in near_links(empty, _words(np.random.default_rng(1), 3), 10))
    with pytest.raises(ValueError):
        near_links(empty, empty, 3, method="faiss")


@pytest.mark.parametrize("rows, distinct", [(0, 1), (1, 1), (500, 7), (2000, 2000)])
def test_unique_rows_answers_as_numpy_unique_over_rows(rows, distinct):
    rng = np.random.default_rng(rows)
    pool = rng.integers(0, 2**64 - 1, size=(distinct, 4), dtype=np.uint64, endpoint=True)
    pool[::2, :3] = pool[0, :3]  # half the rows share their first three words: told apart by the last one
    words = pool[rng.integers(0, distinct, rows)] if rows else np.zeros((0, 4), np.uint64)
    unique, inverse = unique_rows(words)
    expected, expected_inverse = np.unique(words, axis=0, return_inverse=True)
    assert np.array_equal(unique, expected) and np.array_equal(inverse, expected_inverse.ravel())
    assert np.array_equal(unique[inverse], words)
