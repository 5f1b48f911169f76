"""The audit's leak groups as a tree: group -> its train and val sides -> their samples.

Built lazily so a report of 100,000 leaking samples shows at once: only the group rows
are made up front; a side's samples are added when it is expanded, ``MEMBER_PAGE`` at a
time (a "more" row adds the next page). Any train sample and any val sample of one group
make a pair to look at: choosing a sample remembers it as its side's pick for that group,
and :meth:`current_pair` pairs it with the other side's pick (or its first sample).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from .leak_text import describe_evidence

if TYPE_CHECKING:  # the audit is imported when one runs, not at launch
    from specgui.core.audit.audit import Leak

MEMBER_PAGE = 200
KIND_ROLE = Qt.ItemDataRole.UserRole  # "group", "side", "member" or "more"
DATA_ROLE = Qt.ItemDataRole.UserRole + 1  # group index, (group, side), (group, side, id), (group, side, shown)


class LeakGroupTree(QTreeWidget):
    """See the module docstring; ``pair_activated(Leak)`` on a double-click (or Enter) on a sample."""

    pair_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setColumnCount(4)
        self.setHeaderLabels(["Kind", "Train", "Val", "Evidence"])
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.groups: tuple = ()
        self._pairs: dict[tuple[str, str], Leak] = {}
        self._picks: dict[tuple[int, str], str] = {}  # (group, side) -> the sample chosen last
        self.itemExpanded.connect(self._on_expanded)
        self.itemActivated.connect(self._on_activated)
        self.currentItemChanged.connect(self._on_current_changed)

    def show_groups(self, groups, leaks=()) -> None:
        """Replace the tree with ``groups``; ``leaks`` (the report's pairs) give a listed pair its evidence."""
        self.clear()
        self.groups = tuple(groups)
        self._pairs = {(leak.train, leak.val): leak for leak in leaks}
        self._picks.clear()
        rows = []
        for index, group in enumerate(self.groups):
            item = QTreeWidgetItem([group.kind, f"{group.train_count:,}", f"{group.val_count:,}",
                                    describe_evidence(group.kind, group.evidence)])
            item.setData(0, KIND_ROLE, "group")
            item.setData(0, DATA_ROLE, index)
            item.setToolTip(3, f"{group.pair_count:,} train/val pair(s) leak in this group")
            for side, ids in (("train", group.train_ids), ("val", group.val_ids)):
                child = QTreeWidgetItem(item, [side, f"{len(ids):,}" if side == "train" else "",
                                               f"{len(ids):,}" if side == "val" else "", "expand to list the samples"])
                child.setData(0, KIND_ROLE, "side")
                child.setData(0, DATA_ROLE, (index, side))
                child.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
            rows.append(item)
        self.addTopLevelItems(rows)
        self._fit_columns(range(3))

    def current_pair(self) -> Leak | None:
        """The train/val pair the current row stands for (a group: its first pair), or None."""
        item = self.currentItem()
        if item is None:
            return None
        kind, data = item.data(0, KIND_ROLE), item.data(0, DATA_ROLE)
        if kind == "group":
            return self._pair(data)
        if kind in ("side", "member"):
            return self._pair(data[0])
        return None

    def expand_side(self, group: int, side: str) -> QTreeWidgetItem:
        """The (expanded) row of one side of one group: its first page of samples listed."""
        self.topLevelItem(group).setExpanded(True)
        item = self.topLevelItem(group).child(0 if side == "train" else 1)
        item.setExpanded(True)
        return item

    def _pair(self, index: int) -> Leak:
        group = self.groups[index]
        train = self._picks.get((index, "train"), group.train_ids[0])
        val = self._picks.get((index, "val"), group.val_ids[0])
        listed = self._pairs.get((train, val))
        if listed is not None and listed.kind == group.kind:
            return listed
        from specgui.core.audit.audit import Leak

        return Leak(group.kind, train, val, dict(group.evidence))

    def _on_expanded(self, item: QTreeWidgetItem) -> None:
        if item.data(0, KIND_ROLE) == "side" and item.childCount() == 0:
            self._add_page(item, 0)

    def _add_page(self, side_item: QTreeWidgetItem, start: int) -> None:
        index, side = side_item.data(0, DATA_ROLE)
        group = self.groups[index]
        ids = group.train_ids if side == "train" else group.val_ids
        stop = min(len(ids), start + MEMBER_PAGE)
        rows = []
        for sample_id in ids[start:stop]:
            row = QTreeWidgetItem([side, sample_id if side == "train" else "", sample_id if side == "val" else "", ""])
            row.setToolTip(1 if side == "train" else 2, "double-click: compare with the other side's pick")
            row.setData(0, KIND_ROLE, "member")
            row.setData(0, DATA_ROLE, (index, side, sample_id))
            rows.append(row)
        if stop < len(ids):
            more = QTreeWidgetItem(["", "", "", f"… {len(ids) - stop:,} more: double-click to list {MEMBER_PAGE} more"])
            more.setData(0, KIND_ROLE, "more")
            more.setData(0, DATA_ROLE, (index, side, stop))
            rows.append(more)
        side_item.addChildren(rows)
        side_item.setText(3, f"{len(ids):,} {side} sample(s); double-click one to compare it")
        self._fit_columns((0, 1 if side == "train" else 2))

    def _fit_columns(self, columns) -> None:
        """Fit ``columns`` to what is shown, never narrower than a collapsed ``train`` / ``val``
        row one level down (Qt measures expanded rows only) or a count of 100,000."""
        metrics = self.fontMetrics()
        least = {0: metrics.horizontalAdvance("capture") + 2 * self.indentation() + 8,
                 1: metrics.horizontalAdvance("100,000") + 12, 2: metrics.horizontalAdvance("100,000") + 12}
        for column in columns:
            self.resizeColumnToContents(column)
            self.setColumnWidth(column, max(self.columnWidth(column), least[column]))

    def _on_current_changed(self, current: QTreeWidgetItem | None, _previous) -> None:
        if current is not None and current.data(0, KIND_ROLE) == "member":
            index, side, sample_id = current.data(0, DATA_ROLE)
            self._picks[(index, side)] = sample_id

    def _on_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        kind = item.data(0, KIND_ROLE)
        if kind == "more":
            parent = item.parent()
            start = item.data(0, DATA_ROLE)[2]
            parent.removeChild(item)
            self._add_page(parent, start)
        elif kind == "member":
            self._on_current_changed(item, None)
            self.pair_activated.emit(self._pair(item.data(0, DATA_ROLE)[0]))
