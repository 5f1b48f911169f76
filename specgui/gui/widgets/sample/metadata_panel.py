"""Every field of a sample's JSON as a key/value tree, plus the sample's file paths.

Nothing is hidden or dropped: unknown keys from other producers are shown like known
ones, nested objects and lists expand. Boxes are listed as ``box <index>`` so a labeler
can match them to the tags drawn in the view; selecting one reports its index.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping

from PySide6 import QtCore, QtWidgets

#: Children shown per object/list before a "... N more" row (keeps huge JSON cheap).
MAX_CHILDREN = 500
_BOX_ROLE = QtCore.Qt.ItemDataRole.UserRole + 1


def scalar_text(value) -> str:
    """How a JSON scalar reads in the tree: strings bare, the rest as JSON (null, true, 1.5)."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, allow_nan=True)
    except (TypeError, ValueError):
        return repr(value)


def summary_text(value) -> str:
    """The value column of a container row: its size."""
    if isinstance(value, Mapping):
        return f"{{{len(value)} keys}}"
    return f"[{len(value)} items]"


def box_summary(index: int, box, class_names) -> str:
    """``x 10-300, y 200-260  signal`` for a box row; falls back to the box's JSON."""
    if not isinstance(box, Mapping):
        return scalar_text(box)
    coords = [box.get(k) for k in ("x_min", "x_max", "y_min", "y_max")]
    text = (f"x {scalar_text(coords[0])}-{scalar_text(coords[1])}, "
            f"y {scalar_text(coords[2])}-{scalar_text(coords[3])}")
    label = box.get("label")
    if label is None and isinstance(class_names, list) and index < len(class_names):
        label = class_names[index]
    return f"{text}  {label}" if label is not None else text


class MetadataPanel(QtWidgets.QWidget):
    """A two-column (key, value) tree of one sample's metadata and files."""

    box_selected = QtCore.Signal(int)  # the selected row belongs to box i; -1: left the boxes

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._selected_box = -1
        self._tree = QtWidgets.QTreeWidget()
        self._tree.setColumnCount(2)
        self._tree.setHeaderLabels(["key", "value"])
        self._tree.setUniformRowHeights(True)
        self._tree.setAlternatingRowColors(True)
        self._tree.header().setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        self._tree.currentItemChanged.connect(self._on_current_item_changed)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._tree)

    @property
    def tree(self) -> QtWidgets.QTreeWidget:
        return self._tree

    def show_metadata(self, sample_id: str, metadata: Mapping, paths: Mapping | Iterable = ()) -> None:
        """Show ``metadata`` (every key, in file order) and ``paths`` ({"npz": p, ...} or [p, ...])."""
        self._tree.setUpdatesEnabled(False)
        try:
            self._reset()
            QtWidgets.QTreeWidgetItem(self._tree, ["sample", str(sample_id)])
            files = QtWidgets.QTreeWidgetItem(self._tree, ["files", ""])
            named = paths.items() if isinstance(paths, Mapping) else ((f"{i}", p) for i, p in enumerate(paths))
            for name, path in named:
                row = QtWidgets.QTreeWidgetItem(files, [str(name), os.fspath(path)])
                row.setToolTip(1, row.text(1))
            files.setText(1, f"[{files.childCount()} files]")
            files.setExpanded(True)
            if not isinstance(metadata, Mapping):
                QtWidgets.QTreeWidgetItem(self._tree, ["(metadata)", scalar_text(metadata)])
                return
            for key, value in metadata.items():
                item = self._add(self._tree, str(key), value)
                if key == "boxes" and isinstance(value, list):
                    self._mark_boxes(item, value, metadata.get("class_names"))
        finally:
            self._tree.setUpdatesEnabled(True)

    def clear(self) -> None:
        self._reset()

    def select_box(self, index: int | None) -> None:
        """Select box ``index``'s row (e.g. to follow a click in the view); None clears."""
        boxes = self._boxes_item()
        if boxes is not None and index is not None and 0 <= index < boxes.childCount():
            self._tree.setCurrentItem(boxes.child(index))
        else:
            self._tree.setCurrentItem(None)

    def _reset(self) -> None:
        self._tree.clear()
        if self._selected_box != -1:
            self._selected_box = -1
            self.box_selected.emit(-1)

    def _boxes_item(self) -> QtWidgets.QTreeWidgetItem | None:
        for i in range(self._tree.topLevelItemCount()):
            item = self._tree.topLevelItem(i)
            if item.data(0, _BOX_ROLE) == -1:
                return item
        return None

    def _add(self, parent, key: str, value) -> QtWidgets.QTreeWidgetItem:
        if not isinstance(value, (Mapping, list, tuple)):
            item = QtWidgets.QTreeWidgetItem(parent, [key, scalar_text(value)])
            item.setToolTip(1, item.text(1))
            return item
        item = QtWidgets.QTreeWidgetItem(parent, [key, summary_text(value)])
        pairs = value.items() if isinstance(value, Mapping) else enumerate(value)
        for n, (child_key, child) in enumerate(pairs):
            if n == MAX_CHILDREN:
                QtWidgets.QTreeWidgetItem(item, ["...", f"{len(value) - MAX_CHILDREN} more not shown"])
                break
            self._add(item, str(child_key), child)
        return item

    def _mark_boxes(self, item: QtWidgets.QTreeWidgetItem, boxes: list, class_names) -> None:
        """Tag the ``boxes`` rows with their box index and a readable summary."""
        item.setData(0, _BOX_ROLE, -1)
        item.setExpanded(True)
        for i in range(min(item.childCount(), len(boxes))):
            row = item.child(i)
            if row.text(0) == "...":
                break
            row.setText(0, f"box {i}")
            row.setText(1, box_summary(i, boxes[i], class_names))
            row.setData(0, _BOX_ROLE, i)

    def _on_current_item_changed(self, current, _previous) -> None:
        index = -1
        while current is not None:
            data = current.data(0, _BOX_ROLE)
            if isinstance(data, int) and data >= 0:
                index = data
                break
            current = current.parent()
        if index != self._selected_box:
            self._selected_box = index
            self.box_selected.emit(index)
