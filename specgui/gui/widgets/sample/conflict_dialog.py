"""The save-conflict dialog: the file on disk (theirs) beside the view's edits (mine), and the
three ways on: reload theirs, overwrite with mine, keep editing."""

from __future__ import annotations

from html import escape

from PySide6 import QtCore, QtWidgets

RELOAD, OVERWRITE, KEEP = "reload", "overwrite", "keep"
LISTED = 6  # boxes listed per side; the rest are counted


def _key(box) -> tuple:
    if not isinstance(box, dict):
        return (repr(box),)
    return tuple(box.get(k) for k in ("x_min", "y_min", "x_max", "y_max", "label"))


def box_lines(boxes, other) -> list[str]:
    """One line per box (``label  x0,y0 – x1,y1``), ``*`` where the other side lacks it."""
    elsewhere = {_key(b) for b in other}
    lines = []
    for box in boxes[:LISTED]:
        mark = " " if _key(box) in elsewhere else "*"
        if isinstance(box, dict):
            label = box.get("label") or "(no label)"
            where = f"{box.get('x_min')},{box.get('y_min')} – {box.get('x_max')},{box.get('y_max')}"
            lines.append(f"{mark} {label}  {where}")
        else:
            lines.append(f"{mark} {box!r}")
    if len(boxes) > LISTED:
        lines.append(f"  … and {len(boxes) - LISTED} more")
    return lines


def _column(title: str, boxes, other, problem: str | None) -> list[str]:
    if boxes is None:
        return [f"{title}:", problem or "cannot be read now"]
    count = f"{len(boxes)} box{'es' if len(boxes) != 1 else ''}"
    return [f"{title}: {count}", *(box_lines(boxes, other) or ["  (none)"])]


def conflict_text(theirs, mine, problem: str | None = None) -> str:
    """The two sides in two columns (plain text, monospace)."""
    left = _column("On disk (theirs)", theirs, mine or [], problem)
    right = _column("In the view (mine)", mine, theirs or [], None)
    width = max(len(line) for line in left) + 4
    rows = max(len(left), len(right))
    left, right = left + [""] * (rows - len(left)), right + [""] * (rows - len(right))
    return "\n".join((a.ljust(width) + b).rstrip() for a, b in zip(left, right))


def conflict_html(theirs, mine, problem: str | None = None) -> str:
    """Rich text for the message box: the columns unwrapped, then what ``*`` means."""
    return (f"<pre>{escape(conflict_text(theirs, mine, problem))}</pre>"
            "<p>* only on this side. Your edits are kept in the view until you choose.</p>")


class ConflictDialog(QtWidgets.QMessageBox):
    """The message names the file; the informative text shows both sides; three buttons."""

    def __init__(self, parent, message: str, theirs, mine, problem: str | None = None):
        super().__init__(QtWidgets.QMessageBox.Icon.Warning, "Sample changed on disk", escape(message), parent=parent)
        self.setTextFormat(QtCore.Qt.TextFormat.RichText)  # both texts: the message escaped, never markup
        self.setInformativeText(conflict_html(theirs, mine, problem))
        self.choice_buttons = {
            RELOAD: self.addButton("Reload theirs", QtWidgets.QMessageBox.ButtonRole.DestructiveRole),
            OVERWRITE: self.addButton("Overwrite with mine", QtWidgets.QMessageBox.ButtonRole.AcceptRole),
            KEEP: self.addButton("Keep editing", QtWidgets.QMessageBox.ButtonRole.RejectRole),
        }
        self.setDefaultButton(self.choice_buttons[KEEP])
        self.setEscapeButton(self.choice_buttons[KEEP])

    def choice(self) -> str:
        clicked = self.clickedButton()
        return next((name for name, button in self.choice_buttons.items() if button is clicked), KEEP)


def ask_conflict(parent, message: str, theirs, mine, problem: str | None = None) -> str:
    dialog = ConflictDialog(parent, message, theirs, mine, problem)
    dialog.exec()
    return dialog.choice()
