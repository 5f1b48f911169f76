"""Moving through the sample list: step, jump to a status, neighbours; headers are skipped.

Positions are (signal number, shown sample row); folded signals have no shown samples.
Status jumps test a whole signal's codes with one numpy expression, so "next pending"
stays instant at 100,000 samples.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QModelIndex

from specgui.core.samples.status import SampleStatus

from specgui.app.snapshot import CODE
from .sample_tree_model import SampleTreeModel


def _start(model: SampleTreeModel, index: QModelIndex, forward: bool) -> tuple[int, int]:
    """Where a search begins: the sample at ``index``, or just before/after a header or nothing."""
    if not index.isValid():
        return (0, -1) if forward else (model.signal_count() - 1, model.shown_count(model.signal_count() - 1))
    signal, row = model.locate(index.row())
    if row is None:
        return (signal, -1) if forward else (signal - 1, model.shown_count(signal - 1)) if signal > 0 else (0, -1)
    return signal, row


def step(model: SampleTreeModel, index: QModelIndex, delta: int) -> QModelIndex:
    """The sample ``delta`` rows away (crossing into the next/previous signal), or invalid."""
    if model.signal_count() == 0:
        return QModelIndex()
    signal, row = _start(model, index, delta > 0)
    target = row + delta
    while 0 <= signal < model.signal_count():
        if 0 <= target < model.shown_count(signal):
            return model.row_index(signal, target)
        if delta > 0:
            signal, target = signal + 1, 0
        else:
            signal -= 1
            target = model.shown_count(signal) - 1 if signal >= 0 else -1
    return QModelIndex()


def find_status(model: SampleTreeModel, index: QModelIndex, status: SampleStatus, forward: bool = True) -> QModelIndex:
    """The next (or previous) shown sample with ``status``, wrapping around; invalid if none."""
    count = model.signal_count()
    if count == 0:
        return QModelIndex()
    code = CODE[status]
    start_signal, start_row = _start(model, index, forward)
    order = [(start_signal + i * (1 if forward else -1)) % count for i in range(count + 1)]
    for n, signal in enumerate(order):
        if model.shown_count(signal) == 0:
            continue
        rows = model.signal_rows(signal)
        hits = np.flatnonzero(rows.codes[rows.visible] == code)
        if n == 0:
            hits = hits[hits > start_row] if forward else hits[hits < start_row]
        elif n == count:  # back at the start signal: the part before (after) the start
            hits = hits[hits <= start_row] if forward else hits[hits >= start_row]
        if len(hits):
            return model.row_index(signal, int(hits[0] if forward else hits[-1]))
    return QModelIndex()


def neighbour_ids(model: SampleTreeModel, index: QModelIndex, reach: int = 1) -> list[str]:
    """IDs of the shown samples up to ``reach`` rows after and before ``index`` (next first)."""
    if not index.isValid():
        return []
    signal, row = model.locate(index.row())
    if row is None:
        return []
    rows, found = model.signal_rows(signal), []
    for distance in range(1, reach + 1):
        for other in (row + distance, row - distance):
            if 0 <= other < model.shown_count(signal):
                found.append(rows.ids[int(rows.visible[other])])
    return found
