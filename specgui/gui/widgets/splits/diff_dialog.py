"""Two split versions side by side: what train and val gained and lost from a to b."""

from __future__ import annotations

import html

from PySide6.QtCore import QStringListModel
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QLabel, QListView, QVBoxLayout, QWidget

from specgui.app.jobs import DiffOutcome

FROZEN_BADGE = ("<span style='background:#1f7a3a; color:white; padding:2px 6px; border-radius:4px'>"
                "val frozen</span>")
CHANGED_BADGE = ("<span style='background:#b3261e; color:white; padding:2px 6px; border-radius:4px'>"
                 "val differs from v1</span>")


MISSING_SHOWN = 10  # IDs named in the warning; the count says how many there are


class DiffDialog(QDialog):
    """Four lists (train added/removed, val added/removed) and a 'val frozen' badge per side."""

    def __init__(self, outcome: DiffOutcome, parent: QWidget | None = None):
        super().__init__(parent)
        diff = outcome.diff
        assert diff is not None
        self.setWindowTitle(f"{outcome.signal}: v{diff.a} → v{diff.b}")
        header = QLabel(
            f"<p><b>v{diff.a}</b> {_badge(outcome.a_val_frozen)} &nbsp;→&nbsp; "
            f"<b>v{diff.b}</b> {_badge(outcome.b_val_frozen)}</p>"
            + ("<p>Validation sets are identical.</p>" if diff.val_unchanged
               else "<p><b>The validation sets differ.</b></p>"))
        self.missing_label = QLabel(_missing_text(outcome), styleSheet="color: #e5484d")
        self.missing_label.setWordWrap(True)
        self.missing_label.setVisible(bool(outcome.val_missing))
        header.setWordWrap(True)
        grid = QGridLayout()
        self._models = []
        lists = (("Train added", diff.train_added), ("Train removed", diff.train_removed),
                 ("Val added", diff.val_added), ("Val removed", diff.val_removed))
        for i, (title, ids) in enumerate(lists):
            grid.addWidget(QLabel(f"<b>{title}</b> ({len(ids):,})"), 0, i)
            view = QListView()
            view.setUniformItemSizes(True)
            model = QStringListModel(list(ids), self)
            self._models.append(model)
            view.setModel(model)
            grid.addWidget(view, 1, i)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(self.missing_label)
        layout.addLayout(grid, 1)
        layout.addWidget(buttons)
        self.resize(720, 440)

    def list_contents(self) -> dict[str, list[str]]:
        """The four lists' IDs by title (for tests and copy-out)."""
        keys = ("train_added", "train_removed", "val_added", "val_removed")
        return {k: m.stringList() for k, m in zip(keys, self._models)}


def _missing_text(outcome: DiffOutcome) -> str:
    """The val-shrank warning: val IDs of b listed in the split whose files are not on disk."""
    if not outcome.val_missing:
        return ""
    ids = outcome.val_missing
    shown = ", ".join(html.escape(i) for i in ids[:MISSING_SHOWN]) + (" …" if len(ids) > MISSING_SHOWN else "")
    return (f"⚠ <b>Val shrank because files went missing</b>: {len(ids):,} val sample(s) of "
            f"v{outcome.diff.b} are not on disk: {shown}")


def _badge(frozen: bool) -> str:
    return FROZEN_BADGE if frozen else CHANGED_BADGE
