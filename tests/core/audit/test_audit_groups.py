"""Leak groups: exact, near (connected through train/val links) and capture groups, the capped
pair view, and the pair counts, against a brute-force reference."""

from __future__ import annotations

import itertools
import time

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from specgui.core.audit.audit import find_leak_groups
from specgui.core.audit.groups import components
from specgui.core.audit.windows import TOUCH_TOLERANCE_SEC

BITS = 256


def phash(seed: int) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, size=32, dtype=np.uint8).tobytes()


def flip(h: bytes, bits) -> bytes:
    a = np.frombuffer(h, dtype=np.uint8).copy()
    for b in bits:
        a[b // 8] ^= 1 << (b % 8)
    return a.tobytes()


def distance(x: bytes, y: bytes) -> int:
    return int(np.unpackbits(np.frombuffer(x, np.uint8) ^ np.frombuffer(y, np.uint8)).sum())


def fp(exact: str, ph: bytes):
    return (exact, ph, (8, 8))


def reference_pairs(train, val, fps, windows, threshold):
    """Every leaking pair, the slow obvious way (the audit before groups)."""
    pairs = set()
    for t, v in itertools.product(train, val):
        if t in fps and v in fps:
            if fps[t][0] == fps[v][0]:
                pairs.add(("exact", t, v))
            elif distance(fps[t][1], fps[v][1]) <= threshold:
                pairs.add(("near", t, v))
        if t in windows and v in windows:
            (ct, st_, dt), (cv, sv, dv) = windows[t], windows[v]
            if ct is not None and ct == cv and st_ is not None and sv is not None:
                if st_ + dt >= sv - TOUCH_TOLERANCE_SEC and sv + dv >= st_ - TOUCH_TOLERANCE_SEC:
                    pairs.add(("capture", t, v))
    return pairs


def test_one_big_exact_group_is_one_group_with_capped_pairs():
    train = [f"t{i:04d}" for i in range(2400)]
    val = [f"v{i:04d}" for i in range(600)]
    fps = {s: fp("same", phash(1)) for s in train + val}
    fps["t-other"] = fp("other", phash(2))
    started = time.perf_counter()
    groups, leaks, truncated = find_leak_groups(train + ["t-other"], val, fps, {}, 40)
    assert time.perf_counter() - started < 5  # 1,440,000 pairs are counted, never listed
    assert len(groups) == 1
    group = groups[0]
    assert (group.kind, group.train_count, group.val_count, group.pair_count) == ("exact", 2400, 600, 1_440_000)
    assert group.train_ids == tuple(train) and group.val_ids == tuple(val)
    assert len(leaks) == 20 and truncated == 1_440_000 - 20
    assert all(leak.kind == "exact" and leak.evidence["hash"] == "same" for leak in leaks)
    _, all_leaks, none_left = find_leak_groups(train[:30], val[:10], fps, {}, 40, None)
    assert len(all_leaks) == 300 and none_left == 0


def test_many_small_groups_and_a_group_entirely_in_train():
    train, val, fps = [], [], {}
    for k in range(50):
        train.append(f"t{k}")
        val.append(f"v{k}")
        fps[f"t{k}"] = fps[f"v{k}"] = fp(f"img{k}", phash(k))
    for k in range(5):  # five copies of one image, all in train: no leak
        train.append(f"copy{k}")
        fps[f"copy{k}"] = fp("train-only", phash(999))
    groups, leaks, truncated = find_leak_groups(train, val, fps, {}, 40)
    assert len(groups) == 50 and {g.kind for g in groups} == {"exact"}
    assert {(g.train_ids, g.val_ids) for g in groups} == {((f"t{k}",), (f"v{k}",)) for k in range(50)}
    assert len(leaks) == 50 and truncated == 0
    assert not any("copy" in leak.train for leak in leaks)


def test_near_chain_across_train_and_val_is_one_group():
    a = phash(7)
    b = flip(a, range(0, 20))  # A~B: 20 bits
    c = flip(b, range(100, 120))  # B~C: 20 bits; A~C: 40 bits, over the threshold
    d = flip(a, range(200, 230))  # a train sample 30 bits from A, linked to nothing in val
    fps = {"A": fp("a", a), "B": fp("b", b), "C": fp("c", c), "D": fp("d", d), "far": fp("f", phash(8))}
    groups, leaks, truncated = find_leak_groups(["A", "C", "D"], ["B", "far"], fps, {}, 25)
    assert len(groups) == 1
    group = groups[0]
    assert (group.kind, group.train_ids, group.val_ids) == ("near", ("A", "C"), ("B",))
    assert group.evidence["min_distance"] == group.evidence["max_distance"] == 20
    assert group.pair_count == 2 and truncated == 0
    assert {(leak.train, leak.val, leak.evidence["distance"]) for leak in leaks} == {("A", "B", 20), ("C", "B", 20)}


def test_same_perceptual_hash_different_pixels_is_near_not_exact():
    h = phash(3)
    fps = {"t1": fp("x", h), "t2": fp("y", h), "v1": fp("x", h)}
    groups, leaks, _ = find_leak_groups(["t1", "t2"], ["v1"], fps, {}, 10)
    assert sorted((g.kind, g.train_ids, g.val_ids) for g in groups) == [("exact", ("t1",), ("v1",)),
                                                                        ("near", ("t2",), ("v1",))]
    assert {(leak.kind, leak.train, leak.val) for leak in leaks} == {("exact", "t1", "v1"), ("near", "t2", "v1")}
    assert next(g for g in groups if g.kind == "near").pair_count == 1


def test_capture_groups_per_recording():
    windows = {"t1": ("cap-a", 0.0, 1.0), "t2": ("cap-a", 0.5, 1.0), "t3": ("cap-a", 5.0, 1.0),
               "v1": ("cap-a", 1.5, 1.0), "v2": ("cap-a", 2.5, 0.5),  # v2 touches v1 only (both val)
               "t4": ("cap-b", 0.0, 1.0), "v3": ("cap-b", 1.0, 1.0),  # back to back
               "t5": ("cap-c", 0.0, 1.0), "t6": ("cap-c", 0.5, 1.0)}  # overlap, both train
    groups, leaks, truncated = find_leak_groups(["t1", "t2", "t3", "t4", "t5", "t6"], ["v1", "v2", "v3"], {},
                                                windows, 40)
    assert [(g.kind, g.evidence["capture"], g.train_ids, g.val_ids, g.pair_count) for g in groups] == [
        ("capture", "cap-a", ("t2",), ("v1",), 1), ("capture", "cap-b", ("t4",), ("v3",), 1)]
    assert {(leak.train, leak.val) for leak in leaks} == {("t2", "v1"), ("t4", "v3")}
    assert groups[0].evidence["train_span"] == [0.5, 1.5] and truncated == 0


def test_components_of_a_chain_and_isolated_nodes():
    labels = components(7, np.array([5, 4, 3, 1]), np.array([6, 5, 4, 0]))
    assert labels.tolist() == [0, 0, 2, 3, 3, 3, 3]
    assert components(3, np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() == [0, 1, 2]


samples = st.lists(st.tuples(st.booleans(), st.integers(0, 5), st.lists(st.integers(0, 255), max_size=14), st.booleans(),
                             st.sampled_from([None, "a", "b"]), st.integers(0, 30), st.integers(0, 6)),
                   max_size=40)


@settings(max_examples=120, deadline=None)
@given(samples, st.integers(0, 30), st.sampled_from([None, 1, 3]))
def test_groups_and_pairs_match_the_brute_force_reference(items, threshold, cap):
    train, val, fps, windows = [], [], {}, {}
    bases = [phash(k) for k in range(6)]
    for n, (is_train, base, flips, variant, capture, start, length) in enumerate(items):
        sample_id = f"s{n:02d}"
        (train if is_train else val).append(sample_id)
        ph = flip(bases[base], set(flips))
        fps[sample_id] = fp(f"{ph.hex()}-{variant}", ph)  # same pixels, same hash; not always the reverse
        windows[sample_id] = (capture, start / 10, length / 10)
    expected = reference_pairs(train, val, fps, windows, threshold)
    groups, leaks, truncated = find_leak_groups(train, val, fps, windows, threshold, cap)
    listed = {(leak.kind, leak.train, leak.val) for leak in leaks}
    assert listed <= expected and len(listed) == len(leaks)
    assert sum(g.pair_count for g in groups) == len(expected) == len(leaks) + truncated
    for kind in ("exact", "near", "capture"):
        leaking = {(t, v) for k, t, v in expected if k == kind}
        in_groups = [g for g in groups if g.kind == kind]
        assert {t for g in in_groups for t in g.train_ids} == {t for t, _ in leaking}
        assert {v for g in in_groups for v in g.val_ids} == {v for _, v in leaking}
        if cap is not None:
            assert all(sum(1 for leak in leaks if leak.kind == kind and leak.train in g.train_ids
                           and leak.val in g.val_ids) <= cap for g in in_groups if kind != "near")
    if cap is None:
        assert listed == expected and truncated == 0
