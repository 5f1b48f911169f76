"""One signal's rows for the sample list: the snapshot's arrays plus what the filter shows."""

from __future__ import annotations

from bisect import bisect_left

import numpy as np

from specgui.core.samples.status import SampleStatus

from specgui.app.snapshot import STATUSES, SignalSnapshot, count_statuses


class SignalRows:
    """``ids`` sorted, ``codes`` a status index per ID, ``visible`` the positions the filter keeps."""

    def __init__(self, snapshot: SignalSnapshot):
        self.snapshot = snapshot
        self.ids = snapshot.ids
        self.codes = snapshot.codes.copy()  # a failed load marks a row invalid in place
        self.reasons = dict(snapshot.reasons)
        self.visible = np.arange(len(self.ids), dtype=np.int64)

    def status(self, position: int) -> SampleStatus:
        return STATUSES[self.codes[position]]

    def position(self, sample_id: str) -> int | None:
        """Where ``sample_id`` sits in the sorted IDs (binary search), None if absent."""
        i = bisect_left(self.ids, sample_id)
        return i if i < len(self.ids) and self.ids[i] == sample_id else None

    def row_of(self, position: int) -> int | None:
        """The shown row holding ``position``, None when the filter hides it."""
        row = int(np.searchsorted(self.visible, position))
        return row if row < len(self.visible) and self.visible[row] == position else None

    def apply_filter(self, text: str, code: int | None) -> None:
        """Keep IDs containing ``text`` (any case; the snapshot's lower-cased array) with ``code``."""
        if not text and code is None:
            self.visible = np.arange(len(self.ids), dtype=np.int64)
            return
        mask = np.ones(len(self.ids), dtype=bool)
        if text:
            mask &= np.char.find(self.snapshot.lower_ids(), text.lower()) >= 0
        if code is not None:
            mask &= self.codes == code
        self.visible = np.flatnonzero(mask)

    def counts(self) -> dict[SampleStatus, int]:
        return count_statuses(self.codes)
