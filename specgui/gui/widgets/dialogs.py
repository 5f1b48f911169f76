"""Every modal question and message the app asks, in one place tests can replace.

Callers use ``dialogs.ask_extend(...)`` (module attribute, not ``from … import``), so a
test's ``monkeypatch.setattr(dialogs, "ask_extend", ...)`` answers without a modal loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from specgui.app.check_jobs import PairOutcome
from specgui.app.jobs import DiffOutcome
from .splits.create_split_dialog import CreateSplitDialog
from .splits.diff_dialog import DiffDialog
from .splits.extend_preview_dialog import ExtendPreviewDialog
from .checks.leak_pair_dialog import LeakPairDialog

if TYPE_CHECKING:  # the guard's imports (the audit, process pools) wait for its first use
    from specgui.core.splits.guard import CheckedPreview


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Yes/No question; True for Yes."""
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def warn(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def ask_extend(parent: QWidget | None, preview: CheckedPreview) -> bool:
    """Show the extend preview; True when the user chose to write it."""
    return ExtendPreviewDialog(preview, parent).exec() == QDialog.DialogCode.Accepted


def show_leak_pair(parent: QWidget | None, outcome: PairOutcome) -> LeakPairDialog:
    """Show a leak pair side by side in a window of its own (not modal: browsing goes on)."""
    dialog = parent.findChild(LeakPairDialog) if parent is not None else None
    if dialog is None:
        dialog = LeakPairDialog(parent)
    dialog.show_pair(outcome)
    dialog.show()
    dialog.raise_()
    return dialog


def ask_initial_split(parent: QWidget | None, signal: str, sample_count: int,
                      request_preview=None) -> tuple[float, int, str | None] | None:
    """Ask for v1's validation ratio, seed and grouping; None when cancelled.

    ``request_preview(val_ratio, seed)`` asks for the figures of each grouping; they reach
    the open dialog through :meth:`CreateSplitDialog.show_preview` (find it as a child of ``parent``).
    """
    dialog = CreateSplitDialog(signal, sample_count, parent)
    if request_preview is not None:
        dialog.preview_requested.connect(request_preview)
        dialog.request_preview()
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
    finally:
        dialog.deleteLater()  # a later preview result must not find it


def show_diff(parent: QWidget | None, outcome: DiffOutcome) -> None:
    DiffDialog(outcome, parent).exec()
