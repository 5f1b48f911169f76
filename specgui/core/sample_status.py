"""Each sample's place in a split version: train, val, pending, invalid or missing."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .sample_index import SignalScan
from .split_version import SplitVersion


class SampleStatus(str, enum.Enum):
    TRAIN = "train"
    VAL = "val"
    PENDING = "pending"  # complete on disk, in no split of this version
    INVALID = "invalid"  # on disk but unusable (a file missing, or failed to load)
    MISSING = "missing"  # in the split, not on disk


@dataclass(frozen=True)
class SignalStatus:
    """Status of every sample ID of one signal against one version (or none)."""

    version: int | None
    ids: tuple[str, ...]  # sorted, every ID on disk or in the split
    statuses: dict[str, SampleStatus]
    reasons: dict[str, str]  # why a sample is invalid or missing

    def count(self, status: SampleStatus) -> int:
        return sum(1 for s in self.statuses.values() if s is status)

    def counts(self) -> dict[str, int]:
        totals = {s.value: 0 for s in SampleStatus}
        for s in self.statuses.values():
            totals[s.value] += 1
        return totals


def signal_status(scan: SignalScan, split: SplitVersion | None, failed: dict[str, str] | None = None) -> SignalStatus:
    """Statuses from one scan and one split; ``failed`` maps IDs that failed to load to a reason."""
    statuses: dict[str, SampleStatus] = {}
    reasons: dict[str, str] = {}
    for sample_id in scan.complete:
        statuses[sample_id] = SampleStatus.PENDING
    for sample_id in scan.npz_missing:
        statuses[sample_id] = SampleStatus.INVALID
        reasons[sample_id] = f"{sample_id}.npz is missing (only the .json is on disk)"
    for sample_id in scan.json_missing:
        statuses[sample_id] = SampleStatus.INVALID
        reasons[sample_id] = f"{sample_id}.json is missing (only the .npz is on disk)"
    if split is not None:
        for side, status in ((split.train, SampleStatus.TRAIN), (split.val, SampleStatus.VAL)):
            for sample_id in side:
                current = statuses.get(sample_id)
                if current is SampleStatus.PENDING:
                    statuses[sample_id] = status
                elif current is None:
                    statuses[sample_id] = SampleStatus.MISSING
                    reasons[sample_id] = f"in {status.value} of v{split.version} but not on disk"
    for sample_id, reason in (failed or {}).items():
        if sample_id in statuses and statuses[sample_id] is not SampleStatus.MISSING:
            statuses[sample_id] = SampleStatus.INVALID
            reasons[sample_id] = reason
    return SignalStatus(split.version if split else None, tuple(sorted(statuses)), statuses, reasons)
