"""The conflict dialog: both sides listed (counts, boxes, what differs) and the three choices."""

from __future__ import annotations

import pytest
from PySide6 import QtCore

from specgui.gui.widgets.sample.conflict_dialog import KEEP, OVERWRITE, RELOAD, ConflictDialog, box_lines

pytestmark = pytest.mark.gui
SHARED = {"x_min": 1, "y_min": 2, "x_max": 30, "y_max": 40, "label": "fm"}
THEIRS = [SHARED, {"x_min": 5, "y_min": 5, "x_max": 9, "y_max": 9, "label": "lte"}]
MINE = [SHARED, {"x_min": 50, "y_min": 6, "x_max": 70, "y_max": 9}, {"x_min": 0, "y_min": 0, "x_max": 3, "y_max": 3,
                                                                      "label": "<b>x</b>"}]


def test_each_side_lists_its_boxes_and_marks_those_the_other_lacks():
    assert box_lines(THEIRS, MINE) == ["  fm  1,2 – 30,40", "* lte  5,5 – 9,9"]
    assert box_lines(MINE, THEIRS)[1] == "* (no label)  50,6 – 70,9"
    many = [dict(SHARED, x_min=i) for i in range(9)]
    assert box_lines(many, [])[-1] == "  … and 3 more" and len(box_lines(many, [])) == 7


def test_the_dialog_shows_both_counts_and_escapes_labels(qtbot):
    dialog = ConflictDialog(None, "/data/sig/samples/a.json: changed on disk", THEIRS, MINE)
    qtbot.addWidget(dialog)
    text = dialog.informativeText()
    assert "On disk (theirs): 2 boxes" in text and "In the view (mine): 3 boxes" in text
    assert "lte" in text and "&lt;b&gt;x&lt;/b&gt;" in text and "<b>x</b>" not in text
    assert dialog.text().startswith("/data/sig/samples/a.json")
    dialog.show()
    qtbot.waitExposed(dialog)


def test_unreadable_theirs_says_why(qtbot):
    dialog = ConflictDialog(None, "changed", None, MINE, "file not found (deleted since it was loaded?)")
    qtbot.addWidget(dialog)
    assert "file not found" in dialog.informativeText() and "3 boxes" in dialog.informativeText()


@pytest.mark.parametrize("choice", [RELOAD, OVERWRITE, KEEP])
def test_each_button_gives_its_choice(qtbot, choice):
    dialog = ConflictDialog(None, "changed", THEIRS, MINE)
    qtbot.addWidget(dialog)
    QtCore.QTimer.singleShot(0, dialog.choice_buttons[choice].click)
    dialog.exec()
    assert dialog.choice() == choice


def test_escape_keeps_editing(qtbot):
    dialog = ConflictDialog(None, "changed", THEIRS, MINE)
    qtbot.addWidget(dialog)
    QtCore.QTimer.singleShot(0, lambda: qtbot.keyClick(dialog, QtCore.Qt.Key.Key_Escape))
    dialog.exec()
    assert dialog.choice() == KEEP
