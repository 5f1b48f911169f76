"""MetadataPanel: every JSON key (unknown ones too), nested values, files, box selection."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from specgui.core.samples.labels import SampleLabels
from specgui.core.samples.loading import LoadedSample, load_sample
from specgui.gui.widgets.sample.metadata_panel import MAX_CHILDREN, MetadataPanel, box_summary, scalar_text
from specgui.gui.widgets.sample.spectrogram_view import SpectrogramView
from tests.conftest import TORCHSIG_ABSENT, TORCHSIG_DIR

pytestmark = pytest.mark.gui

META = {
    "sample_id": "3fa85f6457174562",
    "window_start_sec": 12.45,
    "boxes": [{"x_min": 10, "y_min": 200, "x_max": 300, "y_max": 260, "label": "signal", "confidence": None},
              {"x_min": 5, "y_min": 6, "x_max": 7, "y_max": 8}],
    "class_names": ["lte", "wifi"],
    "spectrogram_params": {"fft_size": 4096, "output_size": [1024, 1024]},
    "made_up_by_someone": {"deep": {"deeper": [1, {"deepest": True}]}},
    "empty_list": [],
}
PATHS = {"npz": Path("/data/s/3fa8.npz"), "json": Path("/data/s/3fa8.json")}


@pytest.fixture
def panel(qtbot) -> MetadataPanel:
    widget = MetadataPanel()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def top_level(panel: MetadataPanel) -> dict[str, object]:
    tree = panel.tree
    return {tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())}


def children(item) -> dict[str, str]:
    return {item.child(i).text(0): item.child(i).text(1) for i in range(item.childCount())}


def test_every_key_is_shown_in_file_order_after_sample_and_files(panel):
    panel.show_metadata("3fa85f6457174562", META, PATHS)
    assert list(top_level(panel)) == ["sample", "files", *META]
    rows = top_level(panel)
    assert rows["sample"].text(1) == "3fa85f6457174562"
    assert children(rows["files"]) == {"npz": "/data/s/3fa8.npz", "json": "/data/s/3fa8.json"}
    assert rows["window_start_sec"].text(1) == "12.45"
    assert rows["empty_list"].text(1) == "[0 items]"


def test_nested_values_expand_to_the_leaves(panel):
    panel.show_metadata("s", META, PATHS)
    rows = top_level(panel)
    assert children(rows["spectrogram_params"]) == {"fft_size": "4096", "output_size": "[2 items]"}
    deep = rows["made_up_by_someone"].child(0).child(0)
    assert (deep.text(0), deep.text(1)) == ("deeper", "[2 items]")
    assert (deep.child(1).child(0).text(0), deep.child(1).child(0).text(1)) == ("deepest", "true")


def test_boxes_are_listed_by_index_with_their_fields(panel):
    panel.show_metadata("s", META, PATHS)
    boxes = top_level(panel)["boxes"]
    assert boxes.isExpanded()
    assert children(boxes) == {"box 0": "x 10-300, y 200-260  signal", "box 1": "x 5-7, y 6-8  wifi"}
    assert children(boxes.child(0))["confidence"] == "null"


def test_a_real_torchsig_json_shows_every_key(panel):
    if not TORCHSIG_DIR.is_dir():
        pytest.skip(TORCHSIG_ABSENT)
    sample = load_sample(TORCHSIG_DIR / "wideband" / "samples", "0000")
    panel.show_metadata(sample.sample_id, sample.labels.metadata, [sample.npz_path, sample.json_path])
    rows = top_level(panel)
    assert set(json.loads(sample.json_path.read_text())) <= set(rows)
    assert children(rows["files"]) == {"0": str(sample.npz_path), "1": str(sample.json_path)}
    assert children(rows["boxes"])["box 2"] == "x 75-477, y 229-305  4fsk"
    assert children(rows["image"])["rows"].startswith("frequency, descending")


def test_selecting_a_box_row_reports_its_index_once(qtbot, panel):
    panel.show_metadata("s", META, PATHS)
    boxes = top_level(panel)["boxes"]
    seen = []
    panel.box_selected.connect(seen.append)
    panel.tree.setCurrentItem(boxes.child(1))
    panel.tree.setCurrentItem(boxes.child(1).child(0))  # a field of the same box
    panel.tree.setCurrentItem(top_level(panel)["class_names"])
    panel.select_box(0)
    panel.select_box(None)
    assert seen == [1, -1, 0, -1]


def test_selection_drives_the_view_highlight(qtbot, panel):
    view = SpectrogramView()
    qtbot.addWidget(view)
    panel.box_selected.connect(view.highlight_box)
    boxes = np.array([[10, 200, 300, 260], [5, 6, 7, 8]], dtype=float)
    view.show_sample(LoadedSample("s", Path("a"), Path("b"), np.zeros((512, 512), np.uint8),
                                  SampleLabels(boxes, ("signal", "wifi"), META)))
    panel.show_metadata("s", META, PATHS)
    panel.select_box(1)
    assert view.boxes_item.highlighted == 1
    panel.clear()
    assert view.boxes_item.highlighted is None


def test_clear_and_reshow(panel):
    panel.show_metadata("s", META, PATHS)
    panel.clear()
    assert panel.tree.topLevelItemCount() == 0
    panel.show_metadata("t", {"boxes": []}, ())
    assert list(top_level(panel)) == ["sample", "files", "boxes"]


def test_huge_lists_are_cut_with_a_note(panel):
    panel.show_metadata("s", {"boxes": [], "samples": list(range(MAX_CHILDREN + 7))}, ())
    row = top_level(panel)["samples"]
    assert row.childCount() == MAX_CHILDREN + 1
    assert row.child(MAX_CHILDREN).text(1) == "7 more not shown"


def test_text_helpers():
    assert scalar_text("plain") == "plain"
    assert scalar_text(None) == "null" and scalar_text(False) == "false" and scalar_text(1.5) == "1.5"
    assert scalar_text(float("nan")) == "NaN"
    assert box_summary(0, {"x_min": 1}, None) == "x 1-null, y null-null"
    assert box_summary(0, "odd", None) == "odd"


def test_a_torchsig_style_json_shows_every_key_boxes_tight_too(panel, tmp_path):
    """Generated stand-in for the TorchSig sample: ``boxes_tight`` beside ``boxes`` is a row too."""
    from tests.torchsig_like import write_torchsig_like

    root = write_torchsig_like(tmp_path / "signals")
    sample = load_sample(root / "wideband" / "samples", "0000")
    panel.show_metadata(sample.sample_id, sample.labels.metadata, [sample.npz_path, sample.json_path])
    rows = top_level(panel)
    meta = json.loads(sample.json_path.read_text())
    assert set(meta) <= set(rows) and "boxes_tight" in rows
    assert children(rows["boxes"])["box 2"].endswith("wideband")
    assert children(rows["boxes_tight"]) == {"0": "{4 keys}", "1": "{4 keys}", "2": "{4 keys}"}
    tight = meta["boxes_tight"][2]
    assert children(rows["boxes_tight"].child(2)) == {key: str(value) for key, value in tight.items()}
