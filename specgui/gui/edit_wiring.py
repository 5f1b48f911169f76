"""Connects box editing and review states: the view's save requests to the edit controller,
its answers back to the view, conflicts to a dialog, the journal, and review marks to the list.

Dialogs are attributes (``conflict_chooser(message, theirs, mine, problem)``, ``note_chooser``,
``restore_chooser``) so tests can answer them.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QMessageBox, QStatusBar, QWidget

from specgui.core.review.box_edits import BoxEditSession
from specgui.core.review.journal import JournalEntry

from .app_state import AppState
from .widgets.sample.conflict_dialog import KEEP, OVERWRITE, RELOAD, ask_conflict

__all__ = ["EditWiring", "KEEP", "OVERWRITE", "RELOAD"]

def ask_note(window, sample_id: str) -> str | None:
    text, ok = QInputDialog.getText(window, "Exclude sample", f"Why is {sample_id} excluded? (optional)")
    return text if ok else None


def ask_restore(window, count: int) -> bool:
    answer = QMessageBox.question(window, "Unsaved box edits",
                                  f"Unsaved box edits of {count} sample(s) were kept from the last session. "
                                  "Restore them? (No discards them.)")
    return answer == QMessageBox.StandardButton.Yes


class EditWiring(QObject):
    """See the module docstring."""

    def __init__(self, view, tree_panel, status_bar: QStatusBar, state: AppState, parent: QWidget):
        super().__init__(parent)
        self.view, self.tree, self.status_bar, self.state = view, tree_panel, status_bar, state
        self.conflict_chooser = lambda message, theirs, mine, problem: ask_conflict(parent, message, theirs, mine, problem)
        self.note_chooser = lambda sample_id: ask_note(parent, sample_id)
        self.restore_chooser = lambda count: ask_restore(parent, count)
        editor, edits = view.box_editor, state.edits
        editor.save_requested.connect(edits.save)
        editor.edits_changed.connect(self._on_edits_changed)
        edits.boxes_saved.connect(self._on_boxes_saved)
        edits.save_conflicted.connect(self._on_save_conflicted)
        edits.save_failed.connect(self._on_save_failed)
        edits.journal_found.connect(self._on_journal_found)
        edits.review_loaded.connect(tree_panel.show_review)
        edits.review_failed.connect(self._on_review_failed)
        tree_panel.signal_requested.connect(edits.load_review)
        editor.labels_wanted.connect(edits.load_labels)
        edits.labels_loaded.connect(editor.set_signal_labels)
        edits.find_journal()

    # -- review marks ---------------------------------------------------------------------
    def mark(self, state: str | None, *, step: bool = False) -> bool:
        key = self.tree.current_key()
        if key is None or key[1] is None:
            return False
        note = None
        if state == "exclude":
            note = self.note_chooser(key[1])
            if note is None:
                return False
        self.state.edits.set_review(key[0], [key[1]], state, note)
        if step:
            self.tree.step(+1)
        return True

    def _on_review_failed(self, signal: str, message: str) -> None:
        self.status_bar.showMessage(f"Review states of {signal}: {message}", 8000)

    # -- saves ----------------------------------------------------------------------------
    def _on_edits_changed(self, key: str, dirty: bool) -> None:
        session = self.view.box_editor.session(key)
        entry = None
        if session is not None and dirty:
            entry = JournalEntry(key, session.base_sha256, session.to_json(), session.image_shape)
        self.state.edits.journal(entry, key)

    def _on_boxes_saved(self, outcome) -> None:
        request = outcome.request
        self.view.box_editor.saved(request.key, request.boxes, outcome.sha256)
        self.status_bar.showMessage(f"Saved boxes of {request.signal}/{request.sample_id}", 4000)

    def _on_save_failed(self, outcome) -> None:
        self.view.box_editor.save_refused(outcome.request.key)
        self.status_bar.showMessage(f"Not saved (edits kept): {outcome.error}", 10000)

    def _on_save_conflicted(self, outcome) -> None:
        request, editor = outcome.request, self.view.box_editor
        editor.save_refused(request.key)
        choice = self.conflict_chooser(outcome.error, outcome.theirs, request.boxes, outcome.theirs_problem)
        if choice == OVERWRITE:
            editor.save(request.key, overwrite_sha=outcome.actual_sha256)
        elif choice == RELOAD:
            editor.discard(request.key)
            sample = editor.sample
            if sample is not None and str(sample.json_path) == request.key:
                self.state.samples.request(request.signal, request.sample_id)
        else:
            self.status_bar.showMessage("Save refused: the file changed on disk; your edits are kept", 8000)

    def _on_journal_found(self, entries: list[JournalEntry]) -> None:
        if not self.restore_chooser(len(entries)):
            for entry in entries:
                self.state.edits.journal(None, entry.json_path)
            return
        for entry in entries:
            session = BoxEditSession(entry.boxes, entry.image_shape, entry.base_sha256, None, dirty=True)
            self.view.box_editor.adopt(entry.json_path, session)
        self.status_bar.showMessage(f"Restored unsaved edits of {len(entries)} sample(s)", 8000)
