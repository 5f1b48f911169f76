"""The lazy sample tree model and its navigation, without a window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from specgui.core.samples.index import SignalScan
from specgui.core.samples.status import SampleStatus
from specgui.core.splits.version import SplitVersion
from specgui.gui.models.sample_tree_model import KeyRole, SampleTreeModel, StatusRole
from specgui.gui.models.tree_navigation import find_status, neighbour_ids, step
from specgui.app.snapshot import snapshot_from

pytestmark = pytest.mark.gui


def snapshot(name, complete, train=(), val=(), npz_missing=(), failed=None):
    scan = SignalScan(name, Path("/nowhere") / name, tuple(sorted(complete)), tuple(sorted(npz_missing)))
    split = SplitVersion(1, tuple(train), tuple(val), Path("v1.json"), {}) if train or val else None
    return snapshot_from(scan, split, split, failed)


@pytest.fixture
def model(qtbot):
    model = SampleTreeModel()
    model.set_snapshots([
        snapshot("s1", ["x0", "x1", "x2", "x3", "Y4"], train=["x0", "x1"], val=["x2", "gone"], npz_missing=["bad"]),
        snapshot("s2", ["z0", "z1"]),
    ])
    return model


def ids_under(model, signal):
    """The sample IDs listed under signal number ``signal`` (its header row excluded)."""
    return [model.row_index(signal, r).data() for r in range(model.shown_count(signal))]


def header(model, signal):
    return model.data(model.row_index(signal))


def test_rows_statuses_and_reasons_come_from_the_arrays(model):
    assert ids_under(model, 0) == ["Y4", "bad", "gone", "x0", "x1", "x2", "x3"]
    statuses = {i: model.data(model.find("s1", i), StatusRole) for i in ids_under(model, 0)}
    assert statuses == {"Y4": SampleStatus.PENDING, "bad": SampleStatus.INVALID, "gone": SampleStatus.MISSING,
                        "x0": SampleStatus.TRAIN, "x1": SampleStatus.TRAIN, "x2": SampleStatus.VAL, "x3": SampleStatus.PENDING}
    assert "bad.npz is missing" in model.data(model.find("s1", "bad"), Qt.ItemDataRole.ToolTipRole)
    assert "not on disk" in model.data(model.find("s1", "gone"), Qt.ItemDataRole.ToolTipRole)
    assert header(model, 0) == "▾ s1 (7) — v1: 2 train · 1 val · 2 pending · 1 invalid · 1 missing"
    assert header(model, 1) == "▾ s2 (2) — no split: 2 pending"
    assert model.rowCount() == 1 + 7 + 1 + 2
    assert model.data(model.index(8, 0), KeyRole) == ("s2", None)


def test_filters_keep_persistent_indexes_on_the_same_sample(model):
    kept = QPersistentModelIndex(model.find("s1", "x3"))
    model.set_filter("X", None)  # any case
    assert ids_under(model, 0) == ["x0", "x1", "x2", "x3"] and ids_under(model, 1) == []
    assert model.data(QModelIndex(kept), KeyRole) == ("s1", "x3")
    model.set_filter("", SampleStatus.PENDING)
    assert ids_under(model, 0) == ["Y4", "x3"] and ids_under(model, 1) == ["z0", "z1"]
    assert header(model, 0).startswith("▾ s1 (2/7) — v1")
    model.set_filter("1", SampleStatus.TRAIN)
    assert ids_under(model, 0) == ["x1"] and not QModelIndex(kept).isValid()


def test_mark_invalid_updates_the_row_and_the_counts(model):
    model.mark_invalid("s2", "z1", "z1.npz: not a zip file")
    assert model.data(model.find("s2", "z1"), StatusRole) is SampleStatus.INVALID
    assert "not a zip" in model.data(model.find("s2", "z1"), Qt.ItemDataRole.ToolTipRole)
    assert "1 invalid" in header(model, 1)


def test_step_crosses_signals_and_stops_at_the_ends(model):
    start = model.find("s1", "x3")
    assert model.data(step(model, start, 1), KeyRole) == ("s2", "z0")
    assert model.data(step(model, model.find("s2", "z0"), -1), KeyRole) == ("s1", "x3")
    assert not step(model, model.find("s2", "z1"), 1).isValid()
    assert model.data(step(model, QModelIndex(), 1), KeyRole) == ("s1", "Y4")
    assert model.data(step(model, model.row_index(1), 1), KeyRole) == ("s2", "z0")  # from a header
    assert model.data(step(model, model.row_index(1), -1), KeyRole) == ("s1", "x3")


def test_find_status_wraps_and_goes_backwards(model):
    x3 = model.find("s1", "x3")
    assert model.data(find_status(model, x3, SampleStatus.PENDING), KeyRole) == ("s2", "z0")
    z1 = model.find("s2", "z1")
    assert model.data(find_status(model, z1, SampleStatus.PENDING), KeyRole) == ("s1", "Y4")  # wrapped
    assert model.data(find_status(model, z1, SampleStatus.INVALID, forward=False), KeyRole) == ("s1", "bad")
    only = model.find("s1", "bad")
    assert model.data(find_status(model, only, SampleStatus.INVALID), KeyRole) == ("s1", "bad")  # the only one
    assert model.data(find_status(model, x3, SampleStatus.VAL), KeyRole) == ("s1", "x2")  # wrapped past s2
    model.set_filter("z", None)
    assert not find_status(model, model.find("s2", "z0"), SampleStatus.VAL).isValid()  # none in view


def test_a_folded_signal_hides_its_samples_from_the_list_and_from_navigation(model):
    kept = QPersistentModelIndex(model.find("s2", "z1"))
    model.set_collapsed("s1", True)
    assert model.rowCount() == 1 + 1 + 2 and header(model, 0).startswith("▸ s1")
    assert model.data(QModelIndex(kept), KeyRole) == ("s2", "z1")
    assert model.data(step(model, QModelIndex(), 1), KeyRole) == ("s2", "z0")
    assert model.data(find_status(model, model.find("s2", "z1"), SampleStatus.PENDING), KeyRole) == ("s2", "z0")
    assert not model.find("s1", "x0").isValid()
    model.set_collapsed("s1", False)
    assert model.find("s1", "x0").isValid()


def test_neighbours_are_the_visible_rows_around_a_sample(model):
    assert neighbour_ids(model, model.find("s1", "x1")) == ["x2", "x0"]
    model.set_filter("", SampleStatus.PENDING)
    assert neighbour_ids(model, model.find("s1", "Y4")) == ["x3"]


def test_filtering_100k_samples_is_quick(qtbot):
    import time

    ids = [f"{i:016x}" for i in range(100_000)]
    model = SampleTreeModel()
    model.set_snapshots([snapshot("big", ids)])
    started = time.perf_counter()
    model.set_filter("ff", None)
    elapsed = time.perf_counter() - started
    assert model.shown_count(0) == sum("ff" in i for i in ids)
    assert elapsed < 0.5  # ~20 ms on a laptop core; generous for a loaded CI machine
    assert np.all(np.diff(model.signal_rows(0).visible) > 0)
