"""What one click on *Extend* wrote, said without a modal dialog: a notice with Undo and Details.

:class:`ExtendNotice` sits in the split panel: "v5: +118 train, val unchanged; 3 held back",
**Undo** (``undo_requested(signal, parent)``: the parent becomes active again; the written
version stays in the history) and **Details** (:class:`ExtendDetailsDialog`, non-modal: the
added and the held-back samples; activating a held-back row emits ``sample_requested``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFrame, QHBoxLayout, QLabel, QListWidget, QPushButton,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)


def held_back_text(count: int) -> str:
    return f"{count:,} held back" if count else ""


def written_text(version: int, preview) -> str:
    """"v5: +118 train, val unchanged; 3 held back"."""
    held = len(preview.held_back)
    return (f"v{version}: +{len(preview.added):,} train, val unchanged"
            + (f"; {held_back_text(held)}" if held else ""))


class ExtendDetailsDialog(QDialog):
    """The added and the held-back samples of one extension (kind and reason per held-back row)."""

    sample_requested = Signal(str, str)  # signal, sample ID

    def __init__(self, version: int, preview, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{preview.signal}: v{version}")
        self.setModal(False)
        self.signal = preview.signal
        self.added_list = QListWidget()
        self.added_list.addItems(list(preview.added))
        self.held_tree = QTreeWidget()
        self.held_tree.setHeaderLabels(["sample", "kind", "reason"])
        self.held_tree.setRootIsDecorated(False)
        for row in preview.held_back:
            item = QTreeWidgetItem([row.sample_id, row.kind, row.reason])
            item.setToolTip(2, row.reason)
            item.setData(0, Qt.ItemDataRole.UserRole, row.sample_id)
            self.held_tree.addTopLevelItem(item)
        self.held_tree.resizeColumnToContents(0)
        self.held_tree.itemActivated.connect(self._open)
        self.held_tree.itemDoubleClicked.connect(self._open)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>Added to train ({len(preview.added):,})</b>"))
        layout.addWidget(self.added_list, 1)
        layout.addWidget(QLabel(f"<b>Held back ({len(preview.held_back):,})</b> — they stay pending; "
                                "double-click one to open it"))
        layout.addWidget(self.held_tree, 2)
        layout.addWidget(buttons)
        self.resize(640, 480)

    def _open(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.sample_requested.emit(self.signal, item.data(0, Qt.ItemDataRole.UserRole))


class ExtendNotice(QFrame):
    """See the module docstring; hidden until :meth:`show_written`."""

    undo_requested = Signal(str, int)  # signal, the parent version to make active again
    sample_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("ExtendNotice { background: #1f3a2a; border-radius: 4px; } QLabel { color: #f0fff4; }")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Make the previous version active again; the new version stays in the history")
        self.details_button = QPushButton("Details")
        self.details_button.setToolTip("The added and the held-back samples, with why each was held back")
        self.close_button = QPushButton("✕")
        self.close_button.setFlat(True)
        self.close_button.setFixedWidth(24)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 3, 3)
        layout.addWidget(self.label, 1)
        for button in (self.undo_button, self.details_button, self.close_button):
            layout.addWidget(button)
        self.undo_button.clicked.connect(self._on_undo)
        self.details_button.clicked.connect(self.open_details)
        self.close_button.clicked.connect(self.hide)
        self.version: int | None = None
        self.preview = None
        self.details: ExtendDetailsDialog | None = None
        self.hide()

    def show_written(self, version: int, preview) -> None:
        self.version, self.preview = version, preview
        self.label.setText(written_text(version, preview))
        self.undo_button.setEnabled(True)
        self.show()

    def show_undone(self) -> None:
        if self.preview is not None:
            self.label.setText(f"v{self.version} rolled back: v{self.preview.parent_version} is active again "
                               f"(v{self.version} stays in the history)")
            self.undo_button.setEnabled(False)

    def open_details(self) -> ExtendDetailsDialog | None:
        if self.preview is None:
            return None
        self.details = ExtendDetailsDialog(self.version, self.preview, self)
        self.details.sample_requested.connect(self.sample_requested)
        self.details.show()
        return self.details

    def _on_undo(self) -> None:
        if self.preview is not None:
            self.undo_button.setEnabled(False)
            self.undo_requested.emit(self.preview.signal, self.preview.parent_version)


__all__ = ["ExtendDetailsDialog", "ExtendNotice", "held_back_text", "written_text"]
