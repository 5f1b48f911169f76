"""The *Create split…* dialog: each grouping's val ratio and leak pairs before writing, then v1 as chosen."""

from __future__ import annotations

import json
import os
import time

import pytest
from PySide6.QtCore import QTimer

from helpers import write_sample
from specgui.core.audit.audit import audit_split
from specgui.gui.widgets.splits.create_split_dialog import CreateSplitDialog

from .conftest import WAIT_MS, select_and_wait

pytestmark = pytest.mark.gui


@pytest.fixture
def capture_root(tmp_path):
    """runs: 30 windows of 3 recordings in runs of 3 back-to-back windows; two files share pixels."""
    root = tmp_path / "signals"
    samples = root / "runs" / "samples"
    for i in range(30):
        capture, k = divmod(i, 10)
        start = k * 0.1 + (k // 3) * 2.0  # a quiet gap of 2 s after every third window
        meta = {"source_capture": f"rec{capture}.rfcap", "window_start_sec": round(start, 6), "window_duration_sec": 0.1}
        write_sample(samples, f"w{i:02d}", seed=0 if i in (0, 29) else i, extra=meta)  # w00 and w29: same pixels
    return root


def drive_dialog(qtbot, panel, seen: dict, *, choose: int, png: str | None = None, accept: bool = True):
    """Once the open dialog shows its figures: note them, pick row ``choose``, press Write or Cancel."""
    deadline = time.monotonic() + WAIT_MS / 1000

    def step():
        dialog = panel.findChild(CreateSplitDialog)
        if dialog is None or not dialog.plans:
            if time.monotonic() > deadline:
                if dialog is not None:
                    dialog.reject()
                return
            QTimer.singleShot(50, step)
            return
        table = dialog.table
        seen["rows"] = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
        seen["ok_before"] = dialog.ok_button.isEnabled()
        dialog.grouping.setCurrentIndex(choose)
        seen["selected_row"] = table.selectionModel().selectedRows()[0].row()
        seen["status"] = dialog.status.text()
        seen["intro"] = dialog.intro.text()
        if png:
            dialog.grab().save(png)
        (dialog.ok_button.click if accept else dialog.reject)()

    QTimer.singleShot(0, step)


def test_the_dialog_shows_each_grouping_then_writes_a_capture_aware_v1(qtbot, open_window, capture_root, tmp_path):
    window = open_window(capture_root)
    select_and_wait(qtbot, window, "runs", "w00")
    panel = window.split_panel
    seen: dict = {}
    png = os.environ.get("SPECGUI_DIALOG_PNG")
    drive_dialog(qtbot, panel, seen, choose=1, png=png)
    with qtbot.waitSignal(window.state.splits.split_changed, timeout=WAIT_MS):
        panel.create_button.click()  # the real dialog's exec(); drive_dialog answers it
    none, capture, pixels = seen["rows"]
    assert none[0] == "None" and capture[0] == "Capture" and pixels[0] == "Capture + pixels"
    assert none[1] == "6" and none[2] == "20.0%"  # the seed's count: int(30 * 0.2)
    assert int(none[3]) > 0 and int(capture[3]) == 0 and int(pixels[3]) == 0 and int(pixels[4]) == 0
    assert capture[5] == "12" and pixels[5] == "11"  # 3 recordings x 4 runs; w00 and w29 joined by pixels
    assert seen["selected_row"] == 1 and "Capture:" in seen["status"] and seen["ok_before"]
    v1 = json.loads((capture_root / "runs" / "splits" / "v1.json").read_text())
    assert v1["group_by"] == "capture" and v1["group_count"] == 12 and v1["random_seed"] == 42
    assert v1["val_count"] == int(capture[1])
    assert audit_split(capture_root, "runs").leak_counts()["capture"] == 0
    assert panel.findChild(CreateSplitDialog) is None or not panel.findChild(CreateSplitDialog).isVisible()


def test_the_dialog_counts_what_will_be_written_and_names_the_broken_samples(qtbot, open_window, capture_root):
    samples = capture_root / "runs" / "samples"
    blob = (samples / "w05.npz").read_bytes()
    (samples / "w05.npz").write_bytes(blob[: len(blob) // 2])  # truncated
    (samples / "w07.json").write_text("{not json")
    window = open_window(capture_root)
    select_and_wait(qtbot, window, "runs", "w00")
    panel = window.split_panel
    seen: dict = {}
    drive_dialog(qtbot, panel, seen, choose=0)
    with qtbot.waitSignal(window.state.splits.split_changed, timeout=WAIT_MS):
        panel.create_button.click()
    assert "the 28 samples training can load" in seen["intro"] and "2 held back" in seen["intro"]
    assert "w05" in seen["intro"] and "w07" in seen["intro"]
    v1 = json.loads((capture_root / "runs" / "splits" / "v1.json").read_text())
    assert v1["total_samples"] == 28 and not {"w05", "w07"} & set(v1["train_samples"] + v1["val_samples"])


def test_cancelling_the_dialog_writes_nothing(qtbot, open_window, capture_root):
    window = open_window(capture_root)
    select_and_wait(qtbot, window, "runs", "w00")
    seen: dict = {}
    drive_dialog(qtbot, window.split_panel, seen, choose=2, accept=False)
    window.split_panel.create_button.click()
    assert seen["rows"] and not (capture_root / "runs" / "splits" / "v1.json").exists()


def test_a_signal_that_is_one_capture_run_cannot_be_grouped(qtbot):
    """The figures say why, and Write is disabled for that choice (not for the plain shuffle)."""
    from specgui.core.splits.plans import PlanPreview
    from specgui.app.jobs import CreatePreviewOutcome

    dialog = CreateSplitDialog("one", 5)
    qtbot.addWidget(dialog)
    error = "all 5 sample(s) form one group, so no split can keep them apart; create the split without grouping"
    plans = (PlanPreview(None, 4, 1, 5, 4, 0), PlanPreview("capture", error=error), PlanPreview("capture+pixels", error=error))
    dialog.show_preview(CreatePreviewOutcome("one", 0.2, 42, plans))
    assert dialog.ok_button.isEnabled() and dialog.table.item(0, 3).text() == "4"
    dialog.grouping.setCurrentIndex(1)
    assert not dialog.ok_button.isEnabled() and "one group" in dialog.status.text()
    assert dialog.table.item(1, 5).text() == "one group"
    dialog.show_preview(CreatePreviewOutcome("one", 0.3, 42, ()))  # for other inputs: dropped
    assert not dialog.ok_button.isEnabled()
    dialog.show_preview(CreatePreviewOutcome("one", 0.2, 42, error="/x/samples: no samples found for one"))
    assert "no samples found" in dialog.status.text()
