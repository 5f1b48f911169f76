"""Exact near-duplicate search over 256-bit hashes that does not compare every pair.

Multi-index hashing: cut the hash into ``k`` chunks and give chunk ``c`` a radius ``r_c``
with ``sum(r_c + 1) >= threshold + 1``. By pigeonhole, two hashes at most ``threshold``
bits apart are within ``r_c`` bits on at least one chunk ``c`` (were every chunk
``r_c + 1`` or more apart, the total would exceed the threshold). So, per chunk, the
larger side is sorted by chunk value (a direct-address offset table for narrow chunks,
binary search for wide ones), each hash of the smaller side looks up its chunk value with
every flip of up to ``r_c`` bits, and the candidates found are verified with a popcount
of all 256 bits. A pair is kept only at the first chunk that lets it through, so each pair
comes out exactly once, with no global de-duplication.

The chunk count and radii are chosen by a cost model (probes vs candidates vs all pairs);
the candidate count is then measured on a sample of the queries, so hashes that share
chunk values (not random at all) fall back to the blocked all-pairs popcount rather
than blow up. Either way memory stays bounded: candidates are expanded in blocks.
"""

from __future__ import annotations

from itertools import combinations
from math import comb

import numpy as np

BITS = 256
WORDS = BITS // 64
DIRECT_MAX_BITS = 22  # chunks this narrow use a 2**w offset table (16 MB at most)
CANDIDATE_BLOCK = 1 << 22  # candidate pairs expanded at once (about 100 MB of temporaries)
BRUTE_BLOCK = 1 << 21  # pairs per step of the all-pairs popcount
MAX_PROBES_PER_CHUNK = 1 << 15  # flip patterns per chunk value (radius 3 of 32 bits is 5,489)
SAMPLE_QUERIES = 2000  # queries whose real candidate count checks the model before the search
# Relative costs per unit, measured with numpy 2.4 on one core: an all-pairs XOR-popcount,
# a probe (offset-table or binary-search lookup), a verified candidate (gathers + popcount).
COST_PAIR, COST_PROBE_DIRECT, COST_PROBE_SORTED, COST_CANDIDATE = 1.0, 1.5, 8.0, 4.0


def popcount_rows(words: np.ndarray) -> np.ndarray:
    """Set bits per row of a ``[..., 4]`` uint64 array."""
    return np.bitwise_count(words).sum(axis=-1, dtype=np.int32)


def unique_rows(words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(words, axis=0, return_inverse=True)`` for a ``[n, 4]`` uint64 array, the same
    answer by a lexsort of the columns: ``np.unique`` compares rows as opaque records, which
    for 100,000 rows held the GIL for ~0.3 s (the window froze); this takes ~40 ms and
    releases it."""
    if len(words) == 0:
        return words, np.zeros(0, np.int64)
    order = np.lexsort(words.T[::-1])
    ordered = words[order]
    starts = np.ones(len(ordered), dtype=bool)
    starts[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    inverse = np.empty(len(words), dtype=np.int64)
    inverse[order] = np.cumsum(starts) - 1
    return ordered[starts], inverse


def brute_near(a: np.ndarray, b: np.ndarray, threshold: int, block: int = BRUTE_BLOCK):
    """``(i, j, distance)`` arrays of every pair within ``threshold``: all pairs, in blocks."""
    found = []
    if len(a) and len(b):
        step = max(1, block // len(b))
        for start in range(0, len(a), step):
            distances = popcount_rows(a[start:start + step, None, :] ^ b[None, :, :])
            rows, cols = np.nonzero(distances <= threshold)
            found.append((rows + start, cols, distances[rows, cols]))
    return _concat(found)


def _concat(parts):
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int32)
    return tuple(np.concatenate([p[k] for p in parts]).astype(t) for k, t in enumerate((np.int64, np.int64, np.int32)))


def chunk_layout(count: int) -> list[tuple[int, int]]:
    """``count`` contiguous (start bit, width) chunks covering the 256 bits, widths within one."""
    base, extra = divmod(BITS, count)
    layout, start = [], 0
    for c in range(count):
        width = base + (1 if c < extra else 0)
        layout.append((start, width))
        start += width
    return layout


def chunk_values(words: np.ndarray, start: int, width: int) -> np.ndarray:
    """Bits ``start .. start + width`` (width <= 64) of each hash as uint64; bit b of the hash is
    bit ``b % 64`` of word ``b // 64``."""
    word, offset = divmod(start, 64)
    values = words[:, word] >> np.uint64(offset)
    if offset + width > 64:
        values = values | (words[:, word + 1] << np.uint64(64 - offset))
    if width < 64:
        values = values & np.uint64((1 << width) - 1)
    return values


def chunk_mask(start: int, width: int) -> np.ndarray:
    """The chunk as a ``[4]`` uint64 mask, to count one chunk's differing bits."""
    mask = np.zeros(WORDS, dtype=np.uint64)
    for bit in range(start, start + width):
        mask[bit // 64] |= np.uint64(1 << (bit % 64))
    return mask


def flip_masks(width: int, radius: int) -> np.ndarray:
    """Every value of ``width`` bits with at most ``radius`` bits set (0 first)."""
    masks = [0]
    for r in range(1, radius + 1):
        masks += [sum(1 << b for b in bits) for bits in combinations(range(width), r)]
    return np.array(masks, dtype=np.uint64)


def _probes(width: int, radius: int) -> int:
    return sum(comb(width, i) for i in range(radius + 1))


def plan(n_index: int, n_query: int, threshold: int, *, force: bool = False) -> list[tuple[int, int, int]] | None:
    """The cheapest ``[(start, width, radius), ...]`` by the cost model, or None when comparing
    all pairs is cheaper (unless ``force``). Any plan is exact: ``sum(radius + 1) >= threshold + 1``."""
    best, best_cost = None, float("inf") if force else COST_PAIR * n_index * n_query
    need = threshold + 1
    for count in range(WORDS, min(BITS, max(need, WORDS)) + 1):  # chunks of at most 64 bits
        base, extra = divmod(need, count)
        chunks, cost = [], 0.0
        for c, (start, width) in enumerate(chunk_layout(count)):
            radius = max(0, base - 1 + (1 if c < extra else 0))
            probes = _probes(width, radius)
            if probes > MAX_PROBES_PER_CHUNK:
                break
            probe_cost = COST_PROBE_DIRECT if width <= DIRECT_MAX_BITS else COST_PROBE_SORTED
            cost += probe_cost * n_query * probes + COST_CANDIDATE * n_index * n_query * probes / 2.0 ** width
            chunks.append((start, width, radius))
        else:
            if cost < best_cost:
                best, best_cost = chunks, cost
    return best


class _ChunkIndex:
    """One chunk of the index side: positions sorted by chunk value, and a way to find a value's run."""

    def __init__(self, words: np.ndarray, start: int, width: int):
        values = chunk_values(words, start, width)
        self.order = np.argsort(values, kind="stable")
        if width <= DIRECT_MAX_BITS:
            counts = np.bincount(values.astype(np.int64), minlength=1 << width)
            self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
            self.sorted = None
        else:
            self.sorted = values[self.order]

    def runs(self, probes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(first, stop) positions in ``order`` of the index hashes whose chunk equals each probe."""
        if self.sorted is None:
            p = probes.astype(np.int64)
            return self.offsets[p], self.offsets[p + 1]
        return np.searchsorted(self.sorted, probes, "left"), np.searchsorted(self.sorted, probes, "right")


def _expand(first: np.ndarray, stop: np.ndarray):
    """For runs ``[first, stop)``: (run number, position) of every element, in order."""
    counts = stop - first
    total = int(counts.sum())
    run = np.repeat(np.arange(len(counts)), counts)
    within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return run, first[run] + within


def _index_cost(indexes, query: np.ndarray, chunks, flips) -> float:
    """The model's cost of the indexed search, its candidates counted on a sample of the queries."""
    sample = np.unique(np.linspace(0, len(query) - 1, min(len(query), SAMPLE_QUERIES)).astype(np.int64))
    cost, candidates = 0.0, 0
    for index, (start, width, _), masks in zip(indexes, chunks, flips):
        probes = (chunk_values(query[sample], start, width)[:, None] ^ masks[None, :]).ravel()
        first, stop = index.runs(probes)
        candidates += int((stop - first).sum())
        cost += (COST_PROBE_DIRECT if index.sorted is None else COST_PROBE_SORTED) * len(query) * len(masks)
    return cost + COST_CANDIDATE * candidates * len(query) / len(sample)


def _indexed(index_words: np.ndarray, query: np.ndarray, chunks, threshold: int, indexes, flips):
    """(index position, query position, distance) of each pair within ``threshold``, once each."""
    masks = [chunk_mask(start, width) for start, width, _ in chunks]
    found = []
    for c, ((start, width, _radius), index, flip) in enumerate(zip(chunks, indexes, flips)):
        values = chunk_values(query, start, width)
        step = max(1, CANDIDATE_BLOCK // (4 * len(flip)))
        for q0 in range(0, len(query), step):
            probes = (values[q0:q0 + step, None] ^ flip[None, :]).ravel()
            first, stop = index.runs(probes)
            keep = np.nonzero(stop > first)[0]
            owner, first, stop = keep // len(flip) + q0, first[keep], stop[keep]
            cum = np.cumsum(stop - first)
            s0 = 0
            while s0 < len(cum):  # segments of about CANDIDATE_BLOCK candidates (one run at least)
                base = int(cum[s0 - 1]) if s0 else 0
                s1 = max(s0 + 1, int(np.searchsorted(cum, base + CANDIDATE_BLOCK, "right")))
                run, pos = _expand(first[s0:s1], stop[s0:s1])
                ii, qq = index.order[pos], owner[s0:s1][run]
                diff = index_words[ii] ^ query[qq]
                distance = popcount_rows(diff)
                hit = np.nonzero(distance <= threshold)[0]
                if c and len(hit):  # drop pairs an earlier chunk already let through
                    first_time = np.ones(len(hit), dtype=bool)
                    for mask, (_, _, radius) in zip(masks[:c], chunks[:c]):
                        first_time &= popcount_rows(diff[hit] & mask) > radius
                    hit = hit[first_time]
                found.append((ii[hit], qq[hit], distance[hit]))
                s0 = s1
    return _concat(found)


def near_links(a: np.ndarray, b: np.ndarray, threshold: int, *, method: str = "auto"):
    """``(i, j, distance)`` int arrays, sorted by (i, j): every pair with Hamming(a[i], b[j]) <=
    ``threshold``, each exactly once. ``a`` and ``b`` are ``[n, 4]`` uint64 hash arrays.

    ``method``: ``auto`` (the index when the model and a sample of the data say it is
    cheaper), ``index`` (always; for tests), ``brute`` (all pairs).
    """
    if method not in ("auto", "index", "brute"):
        raise ValueError(f"method must be auto, index or brute, got {method!r}")
    a = np.ascontiguousarray(a, dtype=np.uint64).reshape(-1, WORDS)
    b = np.ascontiguousarray(b, dtype=np.uint64).reshape(-1, WORDS)
    if not len(a) or not len(b) or threshold < 0:
        return _concat([])
    swap = len(b) > len(a)  # index the larger side, probe with the smaller one
    index_words, query = (b, a) if swap else (a, b)
    chunks = None if method == "brute" else plan(len(index_words), len(query), threshold, force=method == "index")
    if chunks is not None:
        indexes = [_ChunkIndex(index_words, start, width) for start, width, _ in chunks]
        flips = [flip_masks(width, radius) for _, width, radius in chunks]
        if method == "auto" and _index_cost(indexes, query, chunks, flips) > COST_PAIR * len(a) * len(b):
            chunks = None  # the hashes share chunk values far more than random ones would
    if chunks is None:
        i, j, distance = brute_near(a, b, threshold)
    else:
        ii, qq, distance = _indexed(index_words, query, chunks, threshold, indexes, flips)
        i, j = (qq, ii) if swap else (ii, qq)
    order = np.lexsort((j, i))
    return i[order], j[order], distance[order]
