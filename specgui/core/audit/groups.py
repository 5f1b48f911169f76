"""Leaks as groups: every sample that shares data across train and val, found in O(samples).

- ``exact``: all samples with one pixel hash (its train IDs and its val IDs);
- ``near``: a connected set of samples whose perceptual hashes link train to val within
  the threshold (A~B~C: one group), identical hashes counted once in the search;
- ``capture``: per capture, the train windows and the val windows that overlap or touch
  one of the other side (:mod:`.capture_groups`).

A 2,500-copy image costs one hash in the search and one group, never 2,000 x 500 pairs.
The pair view (:func:`group_pairs`) stays for compatibility, capped per group; the true
number of pairs of each group is counted without listing them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .hashes import PHASH_BITS, hashes_to_words
from .near_index import near_links, unique_rows

LEAK_KINDS = ("exact", "near", "capture")
#: Pairs listed per group unless all are asked for.
DEFAULT_PAIRS_PER_GROUP = 20


@dataclass(frozen=True)
class LeakGroup:
    """Samples of train and val that share data; ``pair_count`` train/val pairs leak in it."""

    kind: str
    train_ids: tuple[str, ...]
    val_ids: tuple[str, ...]
    evidence: dict = field(default_factory=dict)
    pair_count: int = 0

    @property
    def train_count(self) -> int:
        return len(self.train_ids)

    @property
    def val_count(self) -> int:
        return len(self.val_ids)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "train_count": self.train_count, "val_count": self.val_count,
                "train_ids": list(self.train_ids), "val_ids": list(self.val_ids),
                "evidence": self.evidence, "pair_count": self.pair_count}


def components(count: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component label (the smallest member) of each of ``count`` nodes, given edges.

    Vectorised union-find: hook each edge's larger root under the smaller, then jump
    pointers until every node points at its root; repeat until no edge spans two roots.
    """
    parent = np.arange(count, dtype=np.int64)
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    while len(left):
        a, b = parent[left], parent[right]
        spans = a != b
        if not spans.any():
            break
        np.minimum.at(parent, np.maximum(a, b)[spans], np.minimum(a, b)[spans])
        while True:
            jumped = parent[parent]
            if (jumped == parent).all():
                break
            parent = jumped
    return parent


class LeakTable:
    """The fingerprinted samples of both sides in arrays, train first: built once per audit.

    Groups are found with numpy over per-sample codes, not with per-sample Python containers:
    a 100,000-sample audit made ~300,000 small lists and tuples here, which the window's
    collector then walked on the UI thread (40 ms stalls at the end of the audit).
    """

    def __init__(self, train, val, fingerprints):
        self.fingerprints = fingerprints
        train_ids = [s for s in train if s in fingerprints]
        self.ids = train_ids + [s for s in val if s in fingerprints]
        self.train_count = len(train_ids)
        codes: dict[str, int] = {}  # pixel hash -> code (str -> int: never walked by the collector)
        self.exact = np.fromiter((codes.setdefault(fingerprints[s][0], len(codes)) for s in self.ids),
                                 dtype=np.int64, count=len(self.ids))
        self.digests = list(codes)

    def sides_per(self, keys: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """Train and val members of each of ``count`` keys (``keys`` holds one per sample)."""
        cut = self.train_count
        return np.bincount(keys[:cut], minlength=count), np.bincount(keys[cut:], minlength=count)


class _Members:
    """The samples of each key (one key per sample, in :class:`LeakTable` order), split by side:
    one stable argsort, lists made only for the keys asked about.

    No numpy call that releases the GIL runs per key: a thread that drops and retakes the GIL
    every millisecond starves a waiting one (the retaking thread wins every race), and the
    window's UI thread waited 50 ms for 40 groups' ``np.searchsorted``."""

    def __init__(self, table: LeakTable, keys: np.ndarray, in_train: np.ndarray, in_val: np.ndarray):
        self._ids = table.ids
        self._order = np.argsort(keys, kind="stable").tolist()
        self._train = in_train.tolist()
        self._starts = np.concatenate(([0], np.cumsum(in_train + in_val))).tolist()
        self._made: dict[int, tuple[list[str], list[str]]] = {}

    def __getitem__(self, key: int) -> tuple[list[str], list[str]]:
        made = self._made.get(key)
        if made is None:
            start, cut, end = self._starts[key], self._starts[key] + self._train[key], self._starts[key + 1]
            ids, order = self._ids, self._order  # a key's rows ascend: its train rows come first
            made = self._made[key] = ([ids[i] for i in order[start:cut]], [ids[i] for i in order[cut:end]])
        return made


def exact_groups(table: LeakTable) -> list[LeakGroup]:
    """One group per pixel hash held by both a train and a val sample."""
    count = len(table.digests)
    in_train, in_val = table.sides_per(table.exact, count)
    members = _Members(table, table.exact, in_train, in_val)
    groups = []
    for code in np.flatnonzero((in_train > 0) & (in_val > 0)).tolist():
        t, v = members[code]
        shape = list(table.fingerprints[t[0]][2])
        groups.append(LeakGroup("exact", tuple(sorted(t)), tuple(sorted(v)),
                                {"hash": table.digests[code], "shape": shape}, len(t) * len(v)))
    return groups


@dataclass
class _NearGraph:
    """Unique perceptual hashes (nodes), their members per side, and train-node -> val-node links."""

    words: np.ndarray
    members: _Members
    counts: tuple[np.ndarray, np.ndarray]  # train and val members of each node
    links: tuple[np.ndarray, np.ndarray, np.ndarray]  # (train node, val node, distance), node != node
    self_linked: np.ndarray  # nodes whose own train and val members differ in pixels
    label: np.ndarray | None = None  # connected-component label of each node
    roots: list[int] = field(default_factory=list)  # the label of each near group, in order


def _near_graph(table: LeakTable, threshold: int) -> _NearGraph:
    fingerprints = table.fingerprints
    unique, inverse = unique_rows(hashes_to_words([fingerprints[s][1] for s in table.ids]))
    inverse = inverse.ravel().astype(np.int64, copy=False)
    nodes = len(unique)
    in_train, in_val = table.sides_per(inverse, nodes)
    train_nodes, val_nodes = np.flatnonzero(in_train), np.flatnonzero(in_val)
    i, j, distance = near_links(unique[train_nodes], unique[val_nodes], threshold)
    tn, vn = train_nodes[i], val_nodes[j]
    other = tn != vn
    # a node on both sides links to itself when its members differ in pixels (else: exact leaks only)
    digests = max(1, len(table.digests))
    pixels_per_node = np.bincount(np.unique(inverse * digests + table.exact) // digests, minlength=nodes)
    self_linked = np.flatnonzero((in_train > 0) & (in_val > 0) & (pixels_per_node > 1))
    return _NearGraph(unique, _Members(table, inverse, in_train, in_val), (in_train, in_val),
                      (tn[other], vn[other], distance[other]), self_linked)


def _self_pairs(t: list[str], v: list[str], fingerprints) -> int:
    """Train/val pairs of one perceptual hash whose pixels differ (identical ones are exact leaks)."""
    by_exact: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for side, ids in ((0, t), (1, v)):
        for s in ids:
            by_exact[fingerprints[s][0]][side] += 1
    return len(t) * len(v) - sum(a * b for a, b in by_exact.values())


def _near_members(graph: _NearGraph, node: int, side: int, linking: set[int], fingerprints) -> list[str]:
    """Members of ``node`` on ``side`` with a near pair: all when the node links to another one on
    that side, else (a node linked only to itself) those whose pixels differ from one of the other side."""
    ids = graph.members[node][side]
    if node in linking:
        return ids
    others = {fingerprints[s][0] for s in graph.members[node][1 - side]}
    return [s for s in ids if others - {fingerprints[s][0]}]


def near_groups(table: LeakTable, threshold: int) -> tuple[list[LeakGroup], _NearGraph]:
    """Connected sets of near-duplicate train/val samples (and the graph, for the pair view)."""
    graph = _near_graph(table, threshold)
    fingerprints = table.fingerprints
    tn, vn, distance = graph.links
    label = graph.label = components(len(graph.words), tn, vn)
    in_train, in_val = graph.counts
    linked: dict[int, dict] = defaultdict(lambda: {"nodes": set(), "distances": [], "pairs": 0})
    for a, b, d in zip(tn.tolist(), vn.tolist(), distance.tolist()):
        info = linked[int(label[a])]
        info["nodes"].update((a, b))
        info["distances"].append(d)
        info["pairs"] += int(in_train[a]) * int(in_val[b])
    for n in graph.self_linked.tolist():
        info = linked[int(label[n])]
        info["nodes"].add(n)
        info["distances"].append(0)
        info["pairs"] += _self_pairs(*graph.members[n], fingerprints)
    linking = (set(tn.tolist()), set(vn.tolist()))
    groups = []
    for root, info in linked.items():
        t = sorted(s for n in info["nodes"] for s in _near_members(graph, n, 0, linking[0], fingerprints))
        v = sorted(s for n in info["nodes"] for s in _near_members(graph, n, 1, linking[1], fingerprints))
        evidence = {"threshold": threshold, "bits": PHASH_BITS, "min_distance": min(info["distances"]),
                    "max_distance": max(info["distances"]), "hashes": len(info["nodes"])}
        groups.append(LeakGroup("near", tuple(t), tuple(v), evidence, info["pairs"]))
        graph.roots.append(root)
    return groups, graph


def near_group_pairs(groups: list[LeakGroup], graph: _NearGraph, fingerprints, limit: int | None) -> list[list]:
    """Per near group (as :func:`near_groups` returned them): up to ``limit`` (train, val,
    evidence) pairs, closest links first."""
    tn, vn, distance = graph.links
    by_root: dict[int, list] = defaultdict(list)
    for n in graph.self_linked.tolist():
        by_root[int(graph.label[n])].append((n, n, 0))
    for d, a, b in sorted(zip(distance.tolist(), tn.tolist(), vn.tolist())):
        by_root[int(graph.label[a])].append((a, b, d))
    return [_pairs_of(group, by_root[root], graph, fingerprints, limit) for group, root in zip(groups, graph.roots)]


def _pairs_of(group: LeakGroup, links, graph: _NearGraph, fingerprints, limit: int | None) -> list:
    pairs = []
    for a, b, d in links:
        for t in sorted(graph.members[a][0]):
            for v in sorted(graph.members[b][1]):
                if a == b and fingerprints[t][0] == fingerprints[v][0]:
                    continue  # identical pixels: an exact leak
                pairs.append((t, v, {"distance": d, "threshold": group.evidence["threshold"], "bits": PHASH_BITS,
                                     "train_phash": fingerprints[t][1].hex(), "val_phash": fingerprints[v][1].hex()}))
                if limit is not None and len(pairs) >= limit:
                    return pairs
    return pairs


def exact_group_pairs(group: LeakGroup, limit: int | None):
    """Up to ``limit`` (train, val, evidence) pairs of an exact group, in ID order."""
    pairs = []
    for t in group.train_ids:
        for v in group.val_ids:
            pairs.append((t, v, dict(group.evidence)))
            if limit is not None and len(pairs) >= limit:
                return pairs
    return pairs
