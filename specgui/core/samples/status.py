"""Each sample's place in a split version: train, val, pending, invalid or missing.

Computed as one status code per sorted ID (a numpy array), since the window rates 100,000
samples on every rescan: set membership runs in C over the whole ID tuple, and only the
rare IDs (half on disk, missing, failed to load) are handled one by one.
"""

from __future__ import annotations

import bisect
import enum
import functools
from dataclasses import dataclass, field

import numpy as np

from .index import SignalScan
from ..splits.version import SplitVersion


class SampleStatus(str, enum.Enum):
    TRAIN = "train"
    VAL = "val"
    PENDING = "pending"  # complete on disk, in no split of this version
    INVALID = "invalid"  # on disk but unusable (a file missing, or failed to load)
    MISSING = "missing"  # in the split, not on disk


#: ``SignalStatus.codes`` index this tuple.
STATUS_ORDER: tuple[SampleStatus, ...] = tuple(SampleStatus)
_CODE = {status: np.uint8(i) for i, status in enumerate(STATUS_ORDER)}


@dataclass(frozen=True)
class SignalStatus:
    """Status of every sample ID of one signal against one version (or none)."""

    version: int | None
    ids: tuple[str, ...]  # sorted, every ID on disk or in the split
    codes: np.ndarray = field(repr=False)  # uint8 per ID, an index into STATUS_ORDER
    reasons: dict[str, str] = field(default_factory=dict)  # why a sample is invalid or missing

    @functools.cached_property
    def statuses(self) -> dict[str, SampleStatus]:
        return dict(zip(self.ids, (STATUS_ORDER[c] for c in self.codes.tolist())))

    def count(self, status: SampleStatus) -> int:
        return int(np.count_nonzero(self.codes == _CODE[status]))

    def counts(self) -> dict[str, int]:
        totals = np.bincount(self.codes, minlength=len(STATUS_ORDER))
        return {status.value: int(totals[i]) for i, status in enumerate(STATUS_ORDER)}


def signal_status(scan: SignalScan, split: SplitVersion | None, failed: dict[str, str] | None = None) -> SignalStatus:
    """Statuses from one scan and one split; ``failed`` maps IDs that failed to load to a reason."""
    half = _half_on_disk(scan)
    ids = tuple(sorted(scan.complete + tuple(half))) if half else scan.complete
    train = frozenset(split.train) if split else frozenset()
    val = frozenset(split.val) if split else frozenset()
    in_train, in_val = _members(ids, train), _members(ids, val)
    missing: dict[str, str] = {}
    if split is not None and (np.count_nonzero(in_train) < len(train) or np.count_nonzero(in_val) < len(val)):
        on_disk = frozenset(ids)
        for side, name in ((split.train, "train"), (split.val, "val")):
            missing.update((i, f"in {name} of v{split.version} but not on disk") for i in side if i not in on_disk)
        ids = tuple(sorted(on_disk.union(missing)))
        in_train, in_val = _members(ids, train), _members(ids, val)
    codes = np.full(len(ids), _CODE[SampleStatus.PENDING], dtype=np.uint8)
    codes[in_train] = _CODE[SampleStatus.TRAIN]
    codes[in_val] = _CODE[SampleStatus.VAL]
    for group, status in ((half, SampleStatus.INVALID), (missing, SampleStatus.MISSING)):
        for sample_id in group:
            codes[_index(ids, sample_id)] = _CODE[status]
    reasons = {**half, **missing}
    for sample_id, reason in (failed or {}).items():
        at = _index(ids, sample_id)
        if at is not None and sample_id not in missing:
            codes[at] = _CODE[SampleStatus.INVALID]
            reasons[sample_id] = reason
    return SignalStatus(split.version if split else None, ids, codes, reasons)


def _half_on_disk(scan: SignalScan) -> dict[str, str]:
    reasons = {i: f"{i}.npz is missing (only the .json is on disk)" for i in scan.npz_missing}
    reasons.update((i, f"{i}.json is missing (only the .npz is on disk)") for i in scan.json_missing)
    return reasons


def _members(ids: tuple[str, ...], group: frozenset[str]) -> np.ndarray:
    """Mask of ``ids`` in ``group``: the membership test runs in C, not in a Python loop."""
    if not group:
        return np.zeros(len(ids), dtype=bool)
    return np.fromiter(map(group.__contains__, ids), dtype=bool, count=len(ids))


def _index(ids: tuple[str, ...], sample_id: str) -> int | None:
    at = bisect.bisect_left(ids, sample_id)
    return at if at < len(ids) and ids[at] == sample_id else None
