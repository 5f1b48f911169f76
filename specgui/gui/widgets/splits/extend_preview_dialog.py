"""The extend preview: the version that would be written, +N train, val unchanged, the IDs.

When some new samples share a capture window with val samples (the preview, a
:class:`~specgui.core.splits.guard.CheckedPreview` has ``leaks``), they are listed with their
evidence and a checkbox, checked by default, leaves them out of this version: they stay
pending, to be labelled into a later version or dropped, instead of leaking into train.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QStringListModel
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDialog, QDialogButtonBox, QHeaderView, QLabel, QListView,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from ..checks.leak_text import describe_evidence

if TYPE_CHECKING:  # the guard (and the audit under it) is imported by its first preview job
    from specgui.core.splits.guard import CheckedPreview


class ExtendPreviewDialog(QDialog):
    """Shows what ``extend`` would write; Accept means "write exactly this" (less :meth:`excluded`)."""

    def __init__(self, preview: CheckedPreview, parent: QWidget | None = None):
        super().__init__(parent)
        self.preview = preview
        self.leaks = preview.leaks
        self.setWindowTitle(f"Extend {preview.signal}: v{preview.parent_version} → v{preview.new_version}")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        ids = QListView()
        ids.setUniformItemSizes(True)  # stays fast with tens of thousands of IDs
        self._ids_model = QStringListModel(list(preview.added), self)
        ids.setModel(self._ids_model)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        held = preview.held_back
        held_note = (f"{len(held)} sample(s) held back: "
                     + ", ".join(f"{h.sample_id} ({h.reason})" for h in held[:10])) if held else None
        for note in (preview.note, preview.leak_note, held_note):
            if note:
                label = QLabel(f"Note: {note}")
                label.setWordWrap(True)
                layout.addWidget(label)
        self.leave_out_check: QCheckBox | None = None
        if self.leaks:
            self._add_leaks(layout)
        self.ids_label = QLabel()
        layout.addWidget(self.ids_label)
        layout.addWidget(ids, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.write_button = buttons.addButton(f"Write v{preview.new_version}", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._update_summary()
        self.resize(620 if self.leaks else 460, 560 if self.leaks else 420)

    def excluded(self) -> tuple[str, ...]:
        """The new samples to leave out of this version (the leaking ones, if the box is checked)."""
        if self.leave_out_check is None or not self.leave_out_check.isChecked():
            return ()
        return self._leaking_ids()

    def _leaking_ids(self) -> tuple[str, ...]:
        """Every leaking new sample: from the preview's leak groups (the pairs shown may be capped)."""
        ids = getattr(self.preview, "leaking_ids", None)
        return tuple(ids) if ids is not None else tuple(sorted({new_id for new_id, _, _ in self.leaks}))

    def _add_leaks(self, layout: QVBoxLayout) -> None:
        count = len(self._leaking_ids())
        more = self.preview.leaks_truncated
        warning = QLabel(f"<b>{count} new sample(s) share a capture window with val samples.</b> "
                         "Training on them would leak validation data into train.")
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #e5484d")
        self.leak_table = QTableWidget(len(self.leaks), 3)
        self.leak_table.setHorizontalHeaderLabels(["New sample", "Val sample", "Evidence"])
        self.leak_table.verticalHeader().hide()
        self.leak_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.leak_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, (new_id, val_id, evidence) in enumerate(self.leaks):
            text = describe_evidence("capture", evidence, first="new")
            for column, value in enumerate((new_id, val_id, text)):
                item = QTableWidgetItem(value)
                item.setToolTip(text)
                self.leak_table.setItem(row, column, item)
        header = self.leak_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.leave_out_check = QCheckBox(f"Leave these {count} out of this version (they stay pending)")
        self.leave_out_check.setChecked(True)
        self.leave_out_check.toggled.connect(self._update_summary)
        layout.addWidget(warning)
        layout.addWidget(self.leak_table, 1)
        if more:
            self.more_label = QLabel(f"… and {more:,} more pair(s) of the same captures (not listed)")
            layout.addWidget(self.more_label)
        layout.addWidget(self.leave_out_check)

    def _update_summary(self, *_args) -> None:
        preview, left_out = self.preview, len(self.excluded())
        adding = len(preview.added) - left_out
        kept = f" ({left_out:,} leaking left out, still pending)" if left_out else ""
        self.summary.setText(
            f"<p>Write <b>v{preview.new_version}</b> of <b>{preview.signal}</b> from "
            f"v{preview.parent_version} and make it active:</p>"
            f"<ul><li><b>+{adding:,}</b> train{kept} (train becomes {preview.train_count - left_out:,})</li>"
            f"<li>val unchanged: {preview.val_count:,} (frozen since v1)</li></ul>")
        self.ids_label.setText(f"New samples ({len(preview.added):,}): {adding:,} added, the {left_out:,} leaking "
                               "ones above left out" if left_out else f"Samples to add ({adding:,}):")
        self.write_button.setEnabled(adding > 0)
        self.write_button.setToolTip("" if adding else "every new sample leaks: nothing left to add")
