"""Box editing in the spectrogram view: sessions per sample, keys, undo, saves asked for.

Until a box is selected nothing changes for drawing: the view keeps its one
:class:`BoxesItem` and no edit session exists. Selecting (click, Tab) makes a
:class:`BoxEditSession` for that file; it lives while the window is open, so undo/redo
survive stepping away and back. Saving is only *asked for* (``save_requested``): the
window hands it to the state's edit controller, whose worker writes and answers with
:meth:`saved` or :meth:`save_refused`. Nothing here touches the files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from specgui.core.review.box_edits import BoxEditSession
from specgui.core.samples.loading import LoadedSample

from .box_editor_item import BoxEditorItem
from .boxes_item import BoxesItem, describe_box

NUDGE_KEYS = {QtCore.Qt.Key.Key_Left: (-1, 0), QtCore.Qt.Key.Key_Right: (1, 0),
              QtCore.Qt.Key.Key_Up: (0, -1), QtCore.Qt.Key.Key_Down: (0, 1)}
BIG_NUDGE = 10


@dataclass(frozen=True)
class SaveRequest:
    """Write ``boxes`` into ``json_path`` unless its SHA-256 is no longer ``expected_sha256``."""

    key: str
    signal: str
    sample_id: str
    json_path: Path
    boxes: list
    expected_sha256: str | None
    image_shape: tuple[int, int]


def ask_label(parent: QtWidgets.QWidget, offered: list[str], current: str | None) -> str | None:
    """The label dialog: the signal's labels first, any text allowed; None when cancelled."""
    items = list(dict.fromkeys(([current] if current else []) + offered)) or [""]
    text, ok = QtWidgets.QInputDialog.getItem(parent, "Box label", "Label (labels in this signal first):",
                                              items, 0, True)
    return text if ok else None


class BoxEditor(QtCore.QObject):
    """Owns the edit sessions and the editor item; the view forwards samples and keys here."""

    edits_changed = QtCore.Signal(str, bool)  # file key, dirty: any edit, undo, redo or save
    save_requested = QtCore.Signal(object)  # SaveRequest
    selection_changed = QtCore.Signal(object)  # index of the selected box in the file order, or None
    labels_wanted = QtCore.Signal(str)  # a signal folder shown for the first time: count its labels

    def __init__(self, boxes_item: BoxesItem, editor_item: BoxEditorItem, owner: QtWidgets.QWidget):
        super().__init__(owner)
        self._boxes, self._item, self._owner = boxes_item, editor_item, owner
        self._sessions: dict[str, BoxEditSession] = {}
        self._sample: LoadedSample | None = None
        self._describe: Callable[[int, object, dict], str] = lambda i, rect, meta: describe_box(i, rect, meta)
        self._labels: dict[str, Counter] = {}  # labels seen this session, per signal folder
        self._signal_labels: dict[str, Counter | None] = {}  # all of a signal's labels, once read
        self._last_label: str | None = None
        self._pending: set[str] = set()  # keys with a save in flight
        self.save_on_leave = True
        self.autosave = False
        self.label_chooser: Callable[[list[str], str | None], str | None] = (
            lambda offered, current: ask_label(self._owner, offered, current))
        editor_item.box_at = self._uid_at
        editor_item.on_select = self._on_item_select
        editor_item.on_rect = self._on_item_rect
        editor_item.on_add = self._on_item_add
        self._autosave_timer = QtCore.QTimer(self, singleShot=True, interval=800)
        self._autosave_timer.timeout.connect(self._on_autosave_timer_timeout)

    # -- samples ------------------------------------------------------------------------

    @staticmethod
    def key_of(sample: LoadedSample) -> str:
        return str(sample.json_path)

    def session(self, key: str | None = None) -> BoxEditSession | None:
        if key is None:
            key = self.key_of(self._sample) if self._sample is not None else None
        return self._sessions.get(key) if key is not None else None

    @property
    def sample(self) -> LoadedSample | None:
        return self._sample

    def show_sample(self, sample: LoadedSample | None, describe=None) -> bool:
        """Forget the previous sample (saving it if wanted); True when ``sample`` has edits
        kept from before (the view then draws them instead of the file's boxes)."""
        self.leave()
        self._sample = sample
        if describe is not None:
            self._describe = describe
        if sample is None:
            self._item.set_selected(None, None)
            return False
        rows, cols = sample.spectrogram.shape
        self._item.set_image_shape(rows, cols)
        signal = str(sample.json_path.parent.parent)
        labels = self._labels.setdefault(signal, Counter())
        labels.update(label for label in sample.labels.box_labels if label)
        if signal not in self._signal_labels:
            self._signal_labels[signal] = None  # asked once; filled by set_signal_labels
            self.labels_wanted.emit(signal)
        session = self._sessions.get(self.key_of(sample))
        if session is not None and not session.dirty and session.base_sha256 != sample.labels.sha256:
            del self._sessions[self.key_of(sample)]  # changed on disk, nothing of ours lost: start afresh
            session = None
        if session is None:
            self._item.set_selected(None, None)
            return False
        session.select(None)
        self.redraw()
        return True

    def leave(self) -> None:
        """The user moves on: save the current sample's edits if they are unsaved."""
        session = self.session()
        if session is not None and session.dirty and self.save_on_leave:
            self.save()
        self._item.cancel_drag()
        self._item.add_mode = False

    def adopt(self, key: str, session: BoxEditSession) -> None:
        """Edits restored from the journal: shown when that sample is next visited."""
        self._sessions[key] = session

    def dirty_keys(self) -> list[str]:
        return [k for k, s in self._sessions.items() if s.dirty]

    def sessions(self) -> dict[str, BoxEditSession]:
        return dict(self._sessions)

    def discard(self, key: str) -> None:
        """Drop the edits of ``key`` (reload theirs): the next show uses the file."""
        self._sessions.pop(key, None)
        self.edits_changed.emit(key, False)

    def _ensure_session(self) -> BoxEditSession | None:
        sample = self._sample
        if sample is None:
            return None
        key = self.key_of(sample)
        session = self._sessions.get(key)
        if session is None:
            meta = sample.labels.metadata
            raw = meta.get("boxes") if isinstance(meta.get("boxes"), list) else []
            session = BoxEditSession(raw, sample.spectrogram.shape, sample.labels.sha256, meta.get("class_names"))
            self._sessions[key] = session
        return session

    # -- drawing ------------------------------------------------------------------------

    def redraw(self) -> None:
        """Rebuild the boxes path (commits only, never per mouse move) and the editor item."""
        session = self.session()
        if session is None:
            return
        rects = [b.rect for b in session.boxes]
        labels = [b.label for b in session.boxes]
        meta = {**(self._sample.labels.metadata if self._sample else {}), "boxes": session.to_json()}
        self._boxes.set_boxes(rects, labels, lambda i: self._describe(i, rects[i], meta))
        box = session.box(session.selected)
        self._item.set_selected(session.selected, box.rect if box else None)
        self.selection_changed.emit(session.index_of(session.selected))

    def _changed(self) -> None:
        session = self.session()
        self.redraw()
        if session is not None:
            self.edits_changed.emit(self.key_of(self._sample), session.dirty)
            if self.autosave and session.dirty:
                self._autosave_timer.start()

    # -- gestures from the item ---------------------------------------------------------

    def _uid_at(self, x: float, y: float) -> int | None:
        index = self._boxes.box_at(x, y)
        if index is None:
            return None
        session = self._ensure_session()
        return session.boxes[index].uid if session and index < len(session.boxes) else None

    def _on_item_select(self, uid: int | None) -> None:
        session = self._ensure_session()
        if session is not None:
            session.select(uid)
            self.redraw()

    def _on_item_rect(self, uid: int, rect) -> None:
        session = self._ensure_session()
        if session is not None and session.set_rect(uid, rect, "Move/resize box"):
            self._changed()
        else:
            self.redraw()

    def _on_item_add(self, rect) -> None:
        self._item.add_mode = False
        session = self._ensure_session()
        if session is not None:
            session.add(rect, self._last_label or self._common_label())
            self._changed()

    # -- commands (keys, menu) ----------------------------------------------------------

    def select_next(self, step: int = 1) -> bool:
        session = self._ensure_session()
        if session is None or not session.boxes:
            return False
        session.cycle(step)
        self.redraw()
        return True

    def nudge(self, dx: int, dy: int) -> bool:
        session = self.session()
        if session is None or session.selected is None:
            return False
        if session.move(session.selected, dx, dy):
            self._changed()
        return True

    def delete_selected(self) -> bool:
        session = self.session()
        if session is None or session.selected is None:
            return False
        session.delete(session.selected)
        self._changed()
        return True

    def duplicate_selected(self) -> bool:
        session = self.session()
        if session is None or session.selected is None:
            return False
        session.duplicate(session.selected)
        self._changed()
        return True

    def start_add(self) -> bool:
        """The next drag on the image draws a new box (``W``, as in labelImg)."""
        if self._sample is None:
            return False
        self._item.add_mode = True
        return True

    def change_label(self) -> bool:
        session = self.session()
        if session is None or session.selected is None:
            return False
        current = session.box(session.selected).label
        label = self.label_chooser(self.offered_labels(), current)
        if label is None:
            return False
        if session.set_label(session.selected, label):
            self._last_label = label.strip() or None
            self._changed()
        return True

    def set_signal_labels(self, signal_dir: str, counts: dict) -> None:
        """The labels of ``signal_dir``'s samples (read in the background; a big signal sampled) with their counts."""
        self._signal_labels[signal_dir] = Counter(counts)

    def offered_labels(self) -> list[str]:
        """Labels of this signal's samples (most used first; before they are read, those seen
        here this session), then the labels of other signals."""
        signal = str(self._sample.json_path.parent.parent) if self._sample else None
        here = self._signal_labels.get(signal) or self._labels.get(signal, Counter())
        session = self.session()
        mine = Counter(b.label for b in session.boxes if b.label) if session else Counter()
        ordered = [label for label, _ in (here + mine).most_common()]
        others = Counter()
        for counter in (*self._labels.values(), *(c for c in self._signal_labels.values() if c)):
            others.update(counter)
        return ordered + [label for label, _ in others.most_common() if label not in ordered]

    def _common_label(self) -> str | None:
        offered = self.offered_labels()
        return offered[0] if offered else None

    def cancel(self) -> bool:
        """Esc: stop a drag or the add mode, else drop the selection."""
        if self._item.cancel_drag() or self._item.add_mode:
            self._item.add_mode = False
            return True
        session = self.session()
        if session is not None and session.selected is not None:
            session.select(None)
            self.redraw()
            return True
        return False

    def undo(self) -> bool:
        session = self.session()
        if session is None or not session.undo():
            return False
        self._changed()
        return True

    def redo(self) -> bool:
        session = self.session()
        if session is None or not session.redo():
            return False
        self._changed()
        return True

    # -- saving -------------------------------------------------------------------------

    def save(self, key: str | None = None, *, overwrite_sha: str | None = None) -> bool:
        """Ask for the edits of ``key`` (default: the sample shown) to be written."""
        key = key or (self.key_of(self._sample) if self._sample else None)
        session = self._sessions.get(key) if key else None
        if session is None or (not session.dirty and overwrite_sha is None):
            return False
        path = Path(key)
        self._pending.add(key)
        self.save_requested.emit(SaveRequest(
            key, path.parent.parent.name, path.stem, path, session.to_json(),
            overwrite_sha or session.base_sha256, session.image_shape))
        return True

    def saved(self, key: str, boxes: list, sha256: str) -> None:
        """The worker wrote ``boxes``: clean if nothing was edited since the request."""
        self._pending.discard(key)
        session = self._sessions.get(key)
        if session is None:
            return
        if session.to_json() == boxes:
            session.mark_saved(sha256)
        else:
            session.base_sha256 = sha256  # edited meanwhile: still dirty, saved against the new file
        self.edits_changed.emit(key, session.dirty)

    def save_refused(self, key: str) -> None:
        """The file changed or could not be written: the edits stay, unsaved."""
        self._pending.discard(key)

    def _on_autosave_timer_timeout(self) -> None:
        self.save()

    # -- keys on the canvas -------------------------------------------------------------

    def wants_key(self, event: QtGui.QKeyEvent) -> bool:
        """Keys the canvas takes from window shortcuts and focus traversal (ShortcutOverride)."""
        key = event.key()
        session = self.session()
        selected = session is not None and session.selected is not None
        if key in NUDGE_KEYS:
            return selected
        if key == QtCore.Qt.Key.Key_Escape:
            return selected or self._item.add_mode or self._item.dragging
        return key in (QtCore.Qt.Key.Key_Tab, QtCore.Qt.Key.Key_Backtab) and self._sample is not None

    def handle_key(self, event: QtGui.QKeyEvent) -> bool:
        """Tab/Shift+Tab cycle, arrows nudge 1 px (Shift: 10 px), Esc cancels; True if used."""
        key = event.key()
        if key in (QtCore.Qt.Key.Key_Tab, QtCore.Qt.Key.Key_Backtab):
            back = key == QtCore.Qt.Key.Key_Backtab or bool(event.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier)
            return self.select_next(-1 if back else 1)
        if key in NUDGE_KEYS:
            dx, dy = NUDGE_KEYS[key]
            step = BIG_NUDGE if event.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier else 1
            return self.nudge(dx * step, dy * step)
        if key == QtCore.Qt.Key.Key_Escape:
            return self.cancel()
        return False
