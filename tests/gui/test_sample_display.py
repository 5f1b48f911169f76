"""Selecting samples in the window: the file's pixels and boxes, errors, stale loads, prefetch."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt

from helpers import write_sample
from specgui.core.samples.status import SampleStatus
from specgui.gui.models.sample_tree_model import StatusRole
from specgui.app import jobs

from .conftest import WAIT_MS, select_and_wait

pytestmark = pytest.mark.gui


def file_pixels(samples_dir, sample_id):
    with np.load(samples_dir / f"{sample_id}.npz") as data:
        return data["spectrogram"]


def file_boxes(samples_dir, sample_id):
    boxes = json.loads((samples_dir / f"{sample_id}.json").read_text())["boxes"]
    return np.array([[b[k] for k in ("x_min", "y_min", "x_max", "y_max")] for b in boxes], dtype=float)


def test_selecting_a_sample_shows_that_files_pixels_and_exactly_its_boxes(qtbot, open_window, signals_root):
    samples = signals_root / "alpha" / "samples"
    write_sample(samples, "a03", shape=(40, 64), seed=7,
                 boxes=[{"x_min": 1, "y_min": 2, "x_max": 9, "y_max": 30}, {"x_min": 30, "y_min": 5, "x_max": 60, "y_max": 8}])
    window = open_window(signals_root)
    for sample_id in ("a01", "a03"):
        select_and_wait(qtbot, window, "alpha", sample_id)
        assert np.array_equal(window.view.image_item.image, file_pixels(samples, sample_id))
        assert np.array_equal(window.view.boxes_item.boxes, file_boxes(samples, sample_id))
    assert window.view.boxes_item.boxes.shape == (2, 4)


def test_the_torchsig_samples_display_with_their_boxes(qtbot, open_window, torchsig_root):
    window = open_window(torchsig_root)
    shown = 0
    for rows in (window.tree_panel.model.signal_rows(i) for i in range(window.tree_panel.model.signal_count())):
        signal = rows.snapshot.name
        for sample_id in rows.ids:
            select_and_wait(qtbot, window, signal, sample_id)
            samples = torchsig_root / signal / "samples"
            assert window.view.image_item.image.shape == (1024, 1024)
            assert np.array_equal(window.view.image_item.image, file_pixels(samples, sample_id))
            assert np.array_equal(window.view.boxes_item.boxes, file_boxes(samples, sample_id))
            assert len(window.view.boxes_item.boxes) > 0
            shown += 1
    assert shown == 14


def test_a_corrupt_sample_shows_the_core_message_and_the_app_keeps_working(qtbot, open_window, signals_root):
    samples = signals_root / "alpha" / "samples"
    (samples / "a02.npz").write_bytes(b"this is not a zip file")
    window = open_window(signals_root)
    with qtbot.waitSignal(window.state.samples.sample_failed, timeout=WAIT_MS) as failed:
        window.tree_panel.select("alpha", "a02")
    message = failed.args[2]
    assert "a02.npz" in message
    assert "Cannot show this sample" in window.view.error_text and "a02.npz" in window.view.error_text
    model = window.tree_panel.model
    qtbot.waitUntil(lambda: model.data(model.find("alpha", "a02"), StatusRole) is SampleStatus.INVALID, timeout=WAIT_MS)
    assert "a02.npz" in model.data(model.find("alpha", "a02"), Qt.ItemDataRole.ToolTipRole)  # the reason
    select_and_wait(qtbot, window, "alpha", "a03")  # another sample still shows
    assert window.view.error_text == ""
    assert np.array_equal(window.view.image_item.image, file_pixels(samples, "a03"))


def test_a_slow_load_that_finishes_after_the_user_moved_on_is_not_shown(qtbot, open_window, signals_root, monkeypatch):
    release, entered = threading.Event(), threading.Event()
    real = jobs.load_sample

    def gated(samples_dir, sample_id, **kwargs):
        if sample_id == "b00":
            entered.set()
            release.wait(20)
        return real(samples_dir, sample_id, **kwargs)

    monkeypatch.setattr(jobs, "load_sample", gated)
    window = open_window(signals_root)
    loaded = []
    window.state.samples.sample_loaded.connect(lambda signal, sample: loaded.append(sample.sample_id))
    window.tree_panel.select("beta", "b00")
    assert entered.wait(10)
    select_and_wait(qtbot, window, "alpha", "a04")
    release.set()
    qtbot.waitUntil(lambda: ("beta", "b00") in window.state.samples.cache, timeout=WAIT_MS)  # arrived, cached
    qtbot.wait(50)  # the only "sleep": give a wrongly delivered result the chance to repaint
    assert window.view.current_sample_id == "a04"
    assert "b00" not in loaded


def test_the_next_and_previous_samples_are_prefetched(qtbot, open_window, signals_root):
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "alpha", "a02")
    cache = window.state.samples.cache
    qtbot.waitUntil(lambda: ("alpha", "a01") in cache and ("alpha", "a03") in cache, timeout=WAIT_MS)
    with qtbot.waitSignal(window.view.sample_painted, timeout=WAIT_MS):
        window.next_sample()
    assert window.view.current_sample_id == "a03"


def test_the_metadata_panel_follows_the_shown_sample(qtbot, open_window, signals_root):
    write_sample(signals_root / "alpha" / "samples", "a05", extra={"snr_db": 17.5, "class_names": ["x"]})
    window = open_window(signals_root)
    select_and_wait(qtbot, window, "alpha", "a05")
    tree = window.metadata.tree

    def shown():
        return {tree.topLevelItem(i).text(0): tree.topLevelItem(i).text(1) for i in range(tree.topLevelItemCount())}

    qtbot.waitUntil(lambda: shown().get("sample") == "a05", timeout=WAIT_MS)  # filled just after the paint
    assert shown()["snr_db"] == "17.5"
