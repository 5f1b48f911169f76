"""An extend preview checked before it is written: which new samples leak into val.

:func:`check_extend` is what a caller about to extend asks: the manager's preview (leaving
out the samples it is told to hold back, e.g. those known to fail loading; they stay
pending) plus the new samples whose capture window overlaps or touches a val sample's.
:meth:`CheckedPreview.without` is the preview to write when the leaking ones are left out.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

from ..errors import SpecguiError
from ..splits.manager import SplitManager
from ..review.states import held_back_by_review
from ..splits.results import ExtendPreview, HeldBack
from .capture_groups import leaking_new_groups
from .groups import DEFAULT_PAIRS_PER_GROUP


@dataclass(frozen=True)
class CheckedPreview(ExtendPreview):
    """An :class:`ExtendPreview` plus its leaks into val: ``leak_groups`` (the capture groups,
    new samples on their train side), ``leaks`` (a few ``(new_id, val_id, evidence)`` pairs of
    each group; ``leaks_truncated`` more were not listed), ``leak_note`` (why the leak check
    could not run, if it could not) and ``held_back`` (:class:`HeldBack` rows: samples left
    out before the check, with why; they stay pending)."""

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


def check_extend(manager: SplitManager, signal: str, *, hold_back=(), use_cache: bool = True,
                 cache_dir: str | os.PathLike | None = None,
                 pairs_per_group: int | None = DEFAULT_PAIRS_PER_GROUP) -> CheckedPreview:
    """The extend preview of ``signal`` without ``hold_back``, with its leaks into val.

    Raises what :meth:`SplitManager.preview_extend` raises; a leak check that cannot run (an
    unreadable val version) is a ``leak_note``, and the preview is still offered.
    """
    held = {h.sample_id: h for h in map(_as_held_back, hold_back)}
    pending = manager.get_pending_samples(signal)
    for row in held_back_by_review(manager.signal_dir(signal), pending):  # review 'exclude': never trained on
        held.setdefault(row.sample_id, row)
    preview = manager.preview_extend(signal, exclude=tuple(held))
    pending_ids = set(pending)
    rows = tuple(held[s] for s in sorted(held) if s in pending_ids)
    checked = CheckedPreview(**{f.name: getattr(preview, f.name) for f in fields(preview)}, held_back=rows)
    try:
        found = leaking_new_groups(manager, signal, preview, use_cache=use_cache, cache_dir=cache_dir,
                                   limit=pairs_per_group)
    except SpecguiError as exc:
        return replace(checked, leak_note=f"the capture-window leak check could not run: {exc}")
    pairs = sorted((pair for _, listed in found for pair in listed), key=lambda p: (p[0], p[1]))
    return replace(checked, leaks=tuple(pairs), leak_groups=tuple(group for group, _ in found),
                   leaks_truncated=sum(group.pair_count for group, _ in found) - len(pairs))
