"""One sample's boxes while they are edited: integer rectangles, stable ids, undo and redo.

Qt-free and cheap: every edit is a command holding the whole (small) box tuple before and
after, so undo/redo restore exact states (no drift from replaying deltas). Nudges of the
same box within :data:`MERGE_S` merge into one command; an edit that changes nothing is not
recorded. Boxes are clamped to the image as the field writes them (``0..W-1`` × ``0..H-1``,
max > min) and never changed silently at save time: what is shown is what is saved.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field, replace

MERGE_S = 1.0
COORDS = ("x_min", "y_min", "x_max", "y_max")
Rect = tuple[int, int, int, int]


@dataclass(frozen=True)
class EditBox:
    uid: int
    rect: Rect  # x_min, y_min, x_max, y_max (pixel edges, integers)
    label: str | None = None
    extra: tuple = ()  # the box's other keys, in file order: ((key, value), ...)
    explicit_label: bool = False  # the file had a 'label' key (else it came from class_names)


@dataclass
class _Command:
    text: str
    before: tuple[EditBox, ...]
    after: tuple[EditBox, ...]
    merge_key: object = None
    stamp: float = field(default_factory=time.monotonic)


def clamp_rect(rect, image_shape: tuple[int, int]) -> Rect:
    """``rect`` normalised (min ≤ max), rounded to whole pixels, inside ``0..W-1`` × ``0..H-1``,
    at least one pixel wide and tall."""
    rows, cols = image_shape
    x0, y0, x1, y1 = (int(round(float(v))) for v in rect)
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    x0, y0 = min(max(x0, 0), cols - 2), min(max(y0, 0), rows - 2)
    x1, y1 = min(max(x1, x0 + 1), cols - 1), min(max(y1, y0 + 1), rows - 1)
    return x0, y0, x1, y1


def _coerce(value) -> int:
    return int(round(float(value)))


class BoxEditSession:
    """The boxes of one sample file, as edited, with the hash of the bytes they came from."""

    def __init__(self, raw_boxes: list, image_shape: tuple[int, int], sha256: str,
                 class_names: list | None = None, *, dirty: bool = False):
        self.image_shape = (int(image_shape[0]), int(image_shape[1]))
        self.base_sha256 = sha256
        self._class_names = class_names if isinstance(class_names, list) else None
        self._ids = itertools.count(1)
        self._boxes = tuple(self._from_raw(i, b) for i, b in enumerate(raw_boxes) if isinstance(b, dict))
        self._undo: list[_Command] = []
        self._redo: list[_Command] = []
        self._clean: int | None = None if dirty else 0  # len(self._undo) when the boxes matched the file
        self.selected: int | None = None

    def _from_raw(self, index: int, raw: dict) -> EditBox:
        label = raw.get("label")
        explicit = "label" in raw
        names = self._class_names
        if label is None and not explicit and names is not None and index < len(names):
            label = names[index]
        extra = tuple((k, v) for k, v in raw.items() if k not in COORDS and k != "label")
        rect = tuple(_coerce(raw[k]) for k in COORDS)
        return EditBox(next(self._ids), rect, None if label is None else str(label), extra, explicit)

    # -- reading ------------------------------------------------------------------------

    @property
    def boxes(self) -> tuple[EditBox, ...]:
        return self._boxes

    @property
    def dirty(self) -> bool:
        return self._clean != len(self._undo)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def index_of(self, uid: int | None) -> int | None:
        return next((i for i, b in enumerate(self._boxes) if b.uid == uid), None)

    def box(self, uid: int | None) -> EditBox | None:
        i = self.index_of(uid)
        return None if i is None else self._boxes[i]

    def to_json(self) -> list[dict]:
        """The boxes as the file stores them: coordinates, label, then every other key kept."""
        names, count = self._class_names, len(self._boxes)
        out = []
        for i, b in enumerate(self._boxes):
            row = dict(zip(COORDS, b.rect))
            implied = names[i] if names is not None and len(names) == count else None
            if b.explicit_label or (b.label is not None and b.label != implied):
                row["label"] = b.label
            row.update(b.extra)
            out.append(row)
        return out

    # -- selection ----------------------------------------------------------------------

    def select(self, uid: int | None) -> None:
        self.selected = uid if self.index_of(uid) is not None else None

    def cycle(self, step: int = 1) -> int | None:
        """Select the next (``step`` 1) or previous box, in file order, wrapping around."""
        if not self._boxes:
            self.selected = None
            return None
        i = self.index_of(self.selected)
        i = (0 if step > 0 else len(self._boxes) - 1) if i is None else (i + step) % len(self._boxes)
        self.selected = self._boxes[i].uid
        return self.selected

    # -- edits --------------------------------------------------------------------------

    def _push(self, text: str, after: tuple[EditBox, ...], merge_key=None) -> bool:
        before = self._boxes
        if after == before:
            return False
        if self._clean is not None and self._clean > len(self._undo):
            self._clean = None  # the saved state was undone past: no longer reachable
        now = time.monotonic()
        last = self._undo[-1] if self._undo else None
        mergeable = (merge_key is not None and last is not None and last.merge_key == merge_key
                     and now - last.stamp < MERGE_S and self._clean != len(self._undo))
        if mergeable:
            last.after, last.stamp = after, now
            if last.after == last.before:  # nudged back to where it started: nothing to undo
                self._undo.pop()
        else:
            self._undo.append(_Command(text, before, after, merge_key, now))
        self._redo.clear()
        self._boxes = after
        return True

    def _replace(self, uid: int, **changes) -> tuple[EditBox, ...]:
        return tuple(replace(b, **changes) if b.uid == uid else b for b in self._boxes)

    def set_rect(self, uid: int, rect, text: str = "Resize box") -> bool:
        if self.box(uid) is None:
            return False
        return self._push(text, self._replace(uid, rect=clamp_rect(rect, self.image_shape)))

    def move(self, uid: int, dx: int, dy: int, *, merge: bool = True) -> bool:
        """Translate box ``uid`` by whole pixels, stopping at the image edges (size kept)."""
        b = self.box(uid)
        if b is None:
            return False
        rows, cols = self.image_shape
        x0, y0, x1, y1 = b.rect
        dx = min(max(int(dx), -x0), (cols - 1) - x1) if x1 <= cols - 1 else min(int(dx), 0) - (x1 - (cols - 1))
        dy = min(max(int(dy), -y0), (rows - 1) - y1) if y1 <= rows - 1 else min(int(dy), 0) - (y1 - (rows - 1))
        rect = clamp_rect((x0 + dx, y0 + dy, x1 + dx, y1 + dy), self.image_shape)
        return self._push("Move box", self._replace(uid, rect=rect), ("move", uid) if merge else None)

    def add(self, rect, label: str | None = None) -> int:
        uid = next(self._ids)
        box = EditBox(uid, clamp_rect(rect, self.image_shape), label, (), label is not None)
        self._push("Add box", self._boxes + (box,))
        self.selected = uid
        return uid

    def delete(self, uid: int) -> bool:
        if self.box(uid) is None:
            return False
        i = self.index_of(uid)
        self._push("Delete box", tuple(b for b in self._boxes if b.uid != uid))
        if self.selected == uid:
            self.selected = self._boxes[min(i, len(self._boxes) - 1)].uid if self._boxes else None
        return True

    def duplicate(self, uid: int, offset: int = 5) -> int | None:
        b = self.box(uid)
        if b is None:
            return None
        x0, y0, x1, y1 = b.rect
        new = replace(b, uid=next(self._ids), explicit_label=b.label is not None,
                      rect=clamp_rect((x0 + offset, y0 + offset, x1 + offset, y1 + offset), self.image_shape))
        self._push("Duplicate box", self._boxes + (new,))
        self.selected = new.uid
        return new.uid

    def set_label(self, uid: int, label: str | None) -> bool:
        if self.box(uid) is None:
            return False
        label = label.strip() or None if isinstance(label, str) else None
        return self._push("Change label", self._replace(uid, label=label, explicit_label=True))

    # -- history ------------------------------------------------------------------------

    def undo(self) -> bool:
        if not self._undo:
            return False
        command = self._undo.pop()
        self._redo.append(command)
        self._boxes = command.before
        self._keep_selection()
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        command = self._redo.pop()
        command.stamp = 0.0  # a redone command never merges with the next nudge
        self._undo.append(command)
        self._boxes = command.after
        self._keep_selection()
        return True

    def _keep_selection(self) -> None:
        if self.index_of(self.selected) is None:
            self.selected = None

    def mark_saved(self, sha256: str) -> None:
        """The boxes now match the file, whose bytes hash to ``sha256``."""
        self.base_sha256 = sha256
        self._clean = len(self._undo)
        if self._undo:
            self._undo[-1].stamp = 0.0  # the next nudge is a new command: undo returns to the saved state
