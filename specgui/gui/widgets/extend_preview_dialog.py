"""The extend preview: the version that would be written, +N train, val unchanged, the IDs."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListView, QVBoxLayout, QWidget

from specgui.core.splits import ExtendPreview


class ExtendPreviewDialog(QDialog):
    """Shows what ``extend`` would write; Accept means "write exactly this"."""

    def __init__(self, preview: ExtendPreview, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Extend {preview.signal}: v{preview.parent_version} → v{preview.new_version}")
        added = len(preview.added)
        summary = QLabel(
            f"<p>Write <b>v{preview.new_version}</b> of <b>{preview.signal}</b> from "
            f"v{preview.parent_version} and make it active:</p>"
            f"<ul><li><b>+{added:,}</b> train (train becomes {preview.train_count:,})</li>"
            f"<li>val unchanged: {preview.val_count:,} (frozen since v1)</li></ul>")
        summary.setWordWrap(True)
        ids = QListView()
        ids.setUniformItemSizes(True)  # stays fast with tens of thousands of IDs
        self._ids_model = QStringListModel(list(preview.added), self)
        ids.setModel(self._ids_model)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        if preview.note:
            note = QLabel(f"Note: {preview.note}")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(QLabel(f"Samples to add ({added:,}):"))
        layout.addWidget(ids, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.write_button = buttons.addButton(f"Write v{preview.new_version}", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, 420)
