"""The extension guard: nothing enters a split that training cannot load or that leaks into val.

:func:`check_extend` is what every caller about to extend asks (the Python API, the CLI and
the window share it): the manager's preview, less the samples held back, each with a
:class:`~.results.HeldBack` ``kind`` and a ``reason`` naming the file:

- ``excluded``: marked exclude in review (``review.json``), or handed in by the caller;
- ``unreadable``: the ``.npz`` fails the dataset's load (not a zip, truncated, no
  ``spectrogram`` key, not uint8, not 2-D), or its size differs from the version's;
- ``bad_labels``: the JSON is not an object, or a box is invalid or leaves the image;
- ``leak_exact`` / ``leak_near`` / ``leak_capture``: the audit's three leak kinds against
  the parent's val (same pixels, perceptual hash within the threshold, overlapping or
  touching window of one capture).

One decode per candidate gives all of it (:mod:`..audit.verdicts`), cached per file state
in the per-user audit cache. Held-back samples stay pending; a fixed (rewritten) file is
judged again. The manager is a parameter (duck-typed): :mod:`.manager` runs this module
from ``extend_split`` / ``create_initial_split``, so it must not be imported here.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, fields, replace

from ..audit.cache import AuditCache
from ..audit.capture_groups import capture_groups, leaking_new_groups
from ..audit.groups import DEFAULT_PAIRS_PER_GROUP
from ..audit.hashes import DEFAULT_NEAR_THRESHOLD, PHASH_BITS, hashes_to_words
from ..audit.near_index import near_links
from ..audit.verdicts import UNREADABLE, Verdict, sample_verdicts
from ..errors import SpecguiError
from ..review.states import held_back_by_review
from .results import ExtendPreview, HeldBack

LEAK_EXACT, LEAK_NEAR, LEAK_CAPTURE = "leak_exact", "leak_near", "leak_capture"
HELD_BACK_KINDS = (UNREADABLE, "bad_labels", LEAK_EXACT, LEAK_NEAR, LEAK_CAPTURE, "excluded")


@dataclass(frozen=True)
class CheckedPreview(ExtendPreview):
    """An :class:`ExtendPreview` whose ``added`` passed the guard, plus ``held_back`` (the new
    samples left out, with why; they stay pending). Unguarded (``check_samples=False``) it
    carries the capture leaks of ``added`` instead: ``leak_groups`` (new samples on their train
    side), ``leaks`` (a few ``(new_id, val_id, evidence)`` pairs of each group;
    ``leaks_truncated`` more were not listed). ``leak_note``: why a leak check could not run."""

    leaks: tuple = ()
    leak_note: str | None = None
    held_back: tuple[HeldBack, ...] = ()
    leak_groups: tuple = ()
    leaks_truncated: int = 0

    @property
    def leaking_ids(self) -> tuple[str, ...]:
        """Every new sample in a leak group, listed pairs or not."""
        ids = {new_id for group in self.leak_groups for new_id in group.train_ids}
        ids.update(new_id for new_id, _, _ in self.leaks)
        return tuple(sorted(ids))

    def without(self, excluded) -> CheckedPreview:
        """The preview to write when ``excluded`` new samples are left out (they stay pending)."""
        gone = set(excluded)
        kept = tuple(s for s in self.added if s not in gone)
        return replace(self, added=kept, new_version=self.new_version if kept else self.parent_version,
                       train_count=self.train_count - (len(self.added) - len(kept)),
                       leaks=tuple(leak for leak in self.leaks if leak[0] not in gone),
                       leak_groups=tuple(g for g in self.leak_groups if not gone.issuperset(g.train_ids)))


def _as_held_back(item) -> HeldBack:
    """A caller's hold-back: a :class:`HeldBack`, or the ID of a sample that failed to load."""
    return item if isinstance(item, HeldBack) else HeldBack(item, "unreadable", "could not be loaded")


def check_extend(manager, signal: str, new_sample_ids=None, *, hold_back=(), check_samples: bool = True,
                 use_cache: bool = True, cache_dir: str | os.PathLike | None = None, workers: int | None = None,
                 pool: str = "auto", progress=None, near_threshold: int = DEFAULT_NEAR_THRESHOLD,
                 pairs_per_group: int | None = DEFAULT_PAIRS_PER_GROUP) -> CheckedPreview:
    """What extending ``signal`` would write now (``new_sample_ids``: only these), guarded.

    ``check_samples`` False skips the load and leak checks (the review excludes and
    ``hold_back`` still apply) and lists the capture leaks instead of holding them back.
    ``progress(done, total)`` follows the checks. Raises what ``preview_extend`` raises; a
    leak check that cannot run (an unreadable val version) is a ``leak_note``.
    """
    held = {h.sample_id: h for h in map(_as_held_back, hold_back)}
    full = manager.preview_extend(signal, new_sample_ids)  # one listing: every candidate, nothing held yet
    for row in held_back_by_review(manager.signal_dir(signal), full.added):  # review 'exclude': never trained on
        held.setdefault(row.sample_id, row)
    rows = tuple(held[s] for s in full.added if s in held)  # added is sorted: so are the rows
    checked = CheckedPreview(**{f.name: getattr(full, f.name) for f in fields(full)}).without(
        [row.sample_id for row in rows])
    checked = replace(checked, held_back=rows)
    preview = checked
    if not check_samples:
        return _with_capture_leaks(manager, signal, checked, use_cache, cache_dir, pairs_per_group)
    if not preview.added:
        return checked
    try:
        val = manager.read_version(signal, preview.parent_version).val if preview.parent_version else ()
    except SpecguiError as exc:
        val, checked = (), replace(checked, leak_note=f"the leak checks could not run: {exc}")
    cache = AuditCache(manager.signal_dir(signal), folder=cache_dir, data_root=manager.base_dir, enabled=use_cache)
    verdicts = sample_verdicts(manager.samples_dir(signal), list(preview.added) + list(val), cache,
                               bound=manager.base_dir, workers=workers, pool=pool, progress=progress)
    cache.save()
    new = {s: verdicts[s] for s in preview.added}
    guarded = unusable(new, reference_shape(verdicts[s] for s in val) or reference_shape(new.values()), signal)
    good = {s: v for s, v in new.items() if s not in guarded}
    leaks = val_leaks(good, {s: verdicts[s] for s in val if verdicts[s].ok}, near_threshold)
    guarded.update((s, row) for s, (row, _) in leaks.items())
    rows = tuple(sorted(rows + tuple(guarded.values()), key=lambda h: h.sample_id))
    return replace(checked.without(guarded), held_back=rows)


def check_create(manager, signal: str, ids, *, use_cache: bool = True, cache_dir=None, workers: int | None = None,
                 pool: str = "auto", progress=None) -> tuple[list[str], list[HeldBack], dict[str, Verdict]]:
    """``(usable IDs, held back, verdicts)`` of the samples v1 would be made of: unreadable
    ones and those of another size than most stay out (there is no val to leak into yet)."""
    cache = AuditCache(manager.signal_dir(signal), folder=cache_dir, data_root=manager.base_dir, enabled=use_cache)
    verdicts = sample_verdicts(manager.samples_dir(signal), list(ids), cache, bound=manager.base_dir,
                               workers=workers, pool=pool, progress=progress)
    cache.save()
    held = unusable(verdicts, reference_shape(verdicts.values()), signal)
    return [s for s in ids if s not in held], sorted(held.values(), key=lambda h: h.sample_id), verdicts


def reference_shape(verdicts) -> tuple[int, int] | None:
    """The size most loadable samples have (ties: the first seen), None when none loads."""
    counts = Counter(v.shape for v in verdicts if v.ok)
    return counts.most_common(1)[0][0] if counts else None


def unusable(verdicts: dict[str, Verdict], shape: tuple[int, int] | None, signal: str) -> dict[str, HeldBack]:
    """A :class:`HeldBack` per sample that fails to load, or whose size is not ``shape``."""
    found = {}
    for sample_id, verdict in verdicts.items():
        if not verdict.ok:
            found[sample_id] = HeldBack(sample_id, verdict.kind, verdict.reason or "cannot be loaded")
        elif shape is not None and verdict.shape != shape:
            found[sample_id] = HeldBack(sample_id, UNREADABLE, f"{sample_id}.npz: spectrogram is "
                                        f"{verdict.shape[0]}x{verdict.shape[1]}, the samples of {signal} are "
                                        f"{shape[0]}x{shape[1]} (training batches need one size)")
    return found


def val_leaks(new: dict[str, Verdict], val: dict[str, Verdict], near_threshold: int = DEFAULT_NEAR_THRESHOLD,
              side: str = "val") -> dict[str, tuple[HeldBack, str]]:
    """``(HeldBack, val partner)`` per ``new`` sample that leaks into ``val``: the first of exact
    pixels, near duplicate, overlapping capture window (all verdicts must be ok)."""
    found: dict[str, tuple[HeldBack, str]] = {}
    exact = {}
    for sample_id in sorted(val):
        exact.setdefault(val[sample_id].fingerprint[0], sample_id)
    for sample_id, verdict in sorted(new.items()):
        twin = exact.get(verdict.fingerprint[0])
        if twin is not None:
            found[sample_id] = HeldBack(sample_id, LEAK_EXACT, f"same pixels as {side} sample {twin}"), twin
    new_ids = [s for s in sorted(new) if s not in found]
    val_ids = sorted(val)
    words = hashes_to_words([new[s].fingerprint[1] for s in new_ids])
    i, j, distance = near_links(words, hashes_to_words([val[s].fingerprint[1] for s in val_ids]), near_threshold)
    for a, b, d in zip(i.tolist(), j.tolist(), distance.tolist()):
        if new_ids[a] not in found:  # pairs come sorted by (new, val): the first is the nearest-named
            found[new_ids[a]] = HeldBack(new_ids[a], LEAK_NEAR, f"near duplicate of {side} sample {val_ids[b]} "
                                         f"({d} of {PHASH_BITS} hash bits differ)"), val_ids[b]
    windows = {s: v.window for s, v in new.items() if s not in found and v.window}
    groups = capture_groups(windows, {s: v.window for s, v in val.items() if v.window}, DEFAULT_PAIRS_PER_GROUP)
    for group, pairs in groups:
        partner = {a: b for a, b, _ in reversed(pairs)}
        for sample_id in group.train_ids:
            other = partner.get(sample_id, group.val_ids[0])
            found[sample_id] = HeldBack(sample_id, LEAK_CAPTURE, f"its window of capture {group.evidence['capture']} "
                                        f"overlaps or touches {side} sample {other}'s"), other
    return found


def _with_capture_leaks(manager, signal, checked: CheckedPreview, use_cache, cache_dir, limit) -> CheckedPreview:
    try:
        found = leaking_new_groups(manager, signal, checked, use_cache=use_cache, cache_dir=cache_dir, limit=limit)
    except SpecguiError as exc:
        return replace(checked, leak_note=f"the capture-window leak check could not run: {exc}")
    pairs = sorted((pair for _, listed in found for pair in listed), key=lambda p: (p[0], p[1]))
    return replace(checked, leaks=tuple(pairs), leak_groups=tuple(group for group, _ in found),
                   leaks_truncated=sum(group.pair_count for group, _ in found) - len(pairs))
