"""Moving through the sample tree as one flat list: step, jump to a status, neighbours.

Signals are walked in order, each through the rows its filter shows; status jumps test a
whole signal's codes with one numpy expression, so "next pending" stays instant at 100k.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QModelIndex

from specgui.core.sample_status import SampleStatus

from ..state.snapshot import CODE
from .sample_tree_model import SampleTreeModel


def _place(index: QModelIndex) -> tuple[int, int | None]:
    """(signal row, sample row or None for the signal itself) of ``index``."""
    if index.internalId() == 0:
        return index.row(), None
    return index.internalId() - 1, index.row()


def step(model: SampleTreeModel, index: QModelIndex, delta: int) -> QModelIndex:
    """The sample ``delta`` rows away (crossing into the next/previous signal), or invalid."""
    count = model.rowCount()
    if count == 0:
        return QModelIndex()
    if not index.isValid():
        signal, row = (0, -1) if delta > 0 else (count - 1, None)
    else:
        signal, row = _place(index)
    if row is None:
        row = -1 if delta > 0 else len(model.signal_rows(signal).visible)
    target = row + delta
    while 0 <= signal < count:
        visible = len(model.signal_rows(signal).visible)
        if 0 <= target < visible:
            return model.index(target, 0, model.index(signal, 0))
        if delta > 0:
            signal, target = signal + 1, 0
        else:
            signal -= 1
            target = len(model.signal_rows(signal).visible) - 1 if signal >= 0 else -1
    return QModelIndex()


def find_status(model: SampleTreeModel, index: QModelIndex, status: SampleStatus, forward: bool = True) -> QModelIndex:
    """The next (or previous) visible sample with ``status``, wrapping around; invalid if none."""
    count = model.rowCount()
    if count == 0:
        return QModelIndex()
    code = CODE[status]
    start_signal, start_row = _place(index) if index.isValid() else ((0, None) if forward else (count - 1, None))
    if start_row is None:
        start_row = -1 if forward else len(model.signal_rows(start_signal).visible)
    order = [(start_signal + i * (1 if forward else -1)) % count for i in range(count + 1)]
    for n, signal in enumerate(order):
        rows = model.signal_rows(signal)
        hits = np.flatnonzero(rows.codes[rows.visible] == code)
        if n == 0:
            hits = hits[hits > start_row] if forward else hits[hits < start_row]
        elif n == count:  # back at the start signal: the part before (after) the start
            hits = hits[hits <= start_row] if forward else hits[hits >= start_row]
        if len(hits):
            row = int(hits[0] if forward else hits[-1])
            return model.index(row, 0, model.index(signal, 0))
    return QModelIndex()


def neighbour_ids(model: SampleTreeModel, index: QModelIndex, reach: int = 1) -> list[str]:
    """IDs of the samples up to ``reach`` rows after and before ``index`` (next first)."""
    if not index.isValid() or index.internalId() == 0:
        return []
    rows = model.signal_rows(index.internalId() - 1)
    found = []
    for distance in range(1, reach + 1):
        for row in (index.row() + distance, index.row() - distance):
            if 0 <= row < len(rows.visible):
                found.append(rows.ids[int(rows.visible[row])])
    return found
