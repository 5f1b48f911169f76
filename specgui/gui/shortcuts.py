"""The keyboard map, in one table: the window installs it and the Help menu lists it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


@dataclass(frozen=True)
class Shortcut:
    keys: tuple[str, ...]  # QKeySequence strings
    action: str  # the MainWindow method name it calls (no arguments)
    text: str
    also: str = ""  # keys that do the same where the tree has focus (handled by the tree)


SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut(("J",), "next_sample", "Next sample", also="Down"),
    Shortcut(("K",), "previous_sample", "Previous sample", also="Up"),
    Shortcut(("N",), "next_pending", "Next pending sample (wraps around)"),
    Shortcut(("Shift+N",), "previous_pending", "Previous pending sample"),
    Shortcut(("I",), "next_invalid", "Next invalid sample (wraps around)"),
    Shortcut(("Shift+I",), "previous_invalid", "Previous invalid sample"),
    Shortcut(("Space",), "mark_reviewed_and_next", "Mark the sample reviewed and step to the next"),
    Shortcut(("R",), "mark_relabel", "Mark the sample as needing relabelling"),
    Shortcut(("X",), "mark_exclude", "Mark the sample exclude (never trained on; asks for a note)"),
    Shortcut(("Shift+X",), "clear_review", "Clear the sample's review state"),
    Shortcut(("U",), "next_unreviewed", "Next sample not reviewed yet (wraps around)"),
    Shortcut(("Shift+U",), "next_relabel", "Next sample marked relabel"),
    Shortcut(("Home",), "reset_view", "Fit the whole spectrogram"),
    Shortcut(("Ctrl+F", "/"), "focus_filter", "Filter sample IDs"),
    Shortcut(("F5",), "refresh", "Rescan the data folder"),
    Shortcut(("Ctrl+O",), "open_folder", "Open a data folder"),
    Shortcut(("Esc",), "cancel_jobs", "Cancel a running scan or split operation"),
    Shortcut(("Ctrl+Q",), "close", "Quit"),
)


def shortcuts_html() -> str:
    rows = "".join(
        f"<tr><td style='padding-right:16px'><b>{' / '.join(s.keys + ((s.also,) if s.also else ()))}</b></td>"
        f"<td>{s.text}</td></tr>"
        for s in SHORTCUTS)
    edit_rows = "".join(f"<tr><td style='padding-right:16px'><b>{k}</b></td><td>{t}</td></tr>" for k, t in EDIT_KEYS)
    return (f"<table>{rows}</table><p>Up/Down in the tree move too; the next and previous samples "
            "are loaded ahead, so stepping shows them at once.</p>"
            f"<p><b>Editing boxes</b> (click the image first)</p><table>{edit_rows}</table>")


#: Keys of the spectrogram view's box editor (its own actions; listed here for Help).
EDIT_KEYS: tuple[tuple[str, str], ...] = (
    ("Click / Tab / Shift+Tab", "Select a box / the next / the previous one"),
    ("Drag", "Move the selected box; drag a handle to resize; drag elsewhere pans"),
    ("Arrows / Shift+Arrows", "Nudge the selected box 1 px / 10 px"),
    ("W then drag", "Add a box"),
    ("Del / Backspace", "Delete the selected box"),
    ("Ctrl+D", "Duplicate the selected box"),
    ("L", "Change the selected box's label (labels in this signal first)"),
    ("Ctrl+Z / Ctrl+Shift+Z, Ctrl+Y", "Undo / redo (per sample, while the window is open)"),
    ("Ctrl+S", "Save the boxes (also done on leaving the sample; File → Autosave box edits saves after each change)"),
    ("Esc", "Cancel a drag or add, then drop the selection"),
)


class ShortcutsDialog(QDialog):
    """Help → Keyboard shortcuts."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        label = QLabel(shortcuts_html())
        label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(buttons)
