"""Every modal question and message the app asks, in one place tests can replace.

Callers use ``dialogs.ask_extend(...)`` (module attribute, not ``from … import``), so a
test's ``monkeypatch.setattr(dialogs, "ask_extend", ...)`` answers without a modal loop.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QLabel, QMessageBox, QSpinBox, QWidget

from specgui.core.audit.checked_preview import CheckedPreview

from specgui.app.check_jobs import PairOutcome
from specgui.app.jobs import DiffOutcome
from .diff_dialog import DiffDialog
from .extend_preview_dialog import ExtendPreviewDialog
from .leak_pair_dialog import LeakPairDialog


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


def ask_extend_leaving_out(parent: QWidget | None, preview: CheckedPreview) -> tuple[str, ...] | None:
    """Show a preview with leaking new samples; the IDs to leave out, or None when cancelled."""
    dialog = ExtendPreviewDialog(preview, parent)
    return dialog.excluded() if dialog.exec() == QDialog.DialogCode.Accepted else None


def show_leak_pair(parent: QWidget | None, outcome: PairOutcome) -> LeakPairDialog:
    """Show a leak pair side by side in a window of its own (not modal: browsing goes on)."""
    dialog = parent.findChild(LeakPairDialog) if parent is not None else None
    if dialog is None:
        dialog = LeakPairDialog(parent)
    dialog.show_pair(outcome)
    dialog.show()
    dialog.raise_()
    return dialog


def ask_initial_split(parent: QWidget | None, signal: str, sample_count: int) -> tuple[float, int] | None:
    """Ask for the validation ratio and random seed of v1; None when cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(f"Create the initial split of {signal}")
    ratio = QDoubleSpinBox(decimals=2, minimum=0.01, maximum=0.99, singleStep=0.05, value=0.2)
    seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=42)
    form = QFormLayout(dialog)
    form.addRow(QLabel(f"v1 from the {sample_count:,} samples on disk; the validation set is frozen from then on."))
    form.addRow("Validation ratio", ratio)
    form.addRow("Random seed", seed)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return float(ratio.value()), int(seed.value())


def show_diff(parent: QWidget | None, outcome: DiffOutcome) -> None:
    DiffDialog(outcome, parent).exec()
