"""``specgui split health``: text and JSON, exit 1 on warnings, 2 on bad input."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from specgui.cli import cmd_health
from specgui.cli.main import build_parser
from specgui.core.splits.manager import SplitManager
from tests.core.audit.test_audit_helpers import write_pixels, write_split


def _health(capsys, *argv) -> tuple[int, str, str]:
    """Run ``split health`` through a parser holding only what cmd_health registers."""
    parser = argparse.ArgumentParser(prog="specgui split")
    cmd_health.register_under_split(parser.add_subparsers(dest="action"))
    try:
        args = parser.parse_args(["health", *map(str, argv)])
        code = args.func(args)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def signal(tmp_path: Path) -> Path:
    samples = tmp_path / "signals" / "sig" / "samples"
    pixels = np.zeros((64, 64), dtype=np.uint8)
    for i, sample_id in enumerate("abcd"):
        write_pixels(samples, sample_id, pixels, boxes=[{"x_min": i, "y_min": 1, "x_max": 30, "y_max": 20, "label": "burst"}])
    write_split(samples.parent, ["a", "b"], ["c", "d"])
    return samples.parent


def test_json_shape(capsys, signal):
    code, out, _ = _health(capsys, signal.parent.parent, "sig", "--json")  # ROOT as the parent of signals/
    data = json.loads(out)
    assert code == 0 and data["ok"] is True and data["val_frozen"] is True and data["warnings"] == []
    assert data["version"] == 1 and data["diff_from_parent"] is None
    for side in ("train", "val"):
        part = data[side]
        assert part["listed"] == 2 and part["class_counts"] == {"burst": 2}
        assert {"edges", "counts", "stats"} <= set(part["box_width"]) and len(part["centre_heatmap"]) == 16
    assert set(data["drift"]) == {"boxes_per_sample", "box_width", "box_height", "box_centre", "classes"}


def test_text_output_and_version_option(capsys, signal):
    write_pixels(signal / "samples", "e", np.zeros((64, 64), dtype=np.uint8))
    SplitManager(signal.parent).extend_split("sig", check_samples=False)  # a blank image: health, not the guard
    code, out, _ = _health(capsys, signal.parent, "sig")
    assert code == 0 and "sig v2: val frozen (identical to v1's)" in out and "from v1: train +1" in out
    assert "Jensen-Shannon" in out and "classes: burst 2" in out
    code, out, _ = _health(capsys, signal.parent, "sig", "--version", "1", "--json")
    assert code == 0 and json.loads(out)["version"] == 1


def test_missing_val_file_warns_and_exits_1(capsys, signal):
    (signal / "samples" / "c.json").unlink()
    code, out, _ = _health(capsys, signal.parent, "sig", "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["val"]["missing"] == ["c"]
    assert any("val shrank" in w for w in data["warnings"])


def test_drifted_val_warns(capsys, signal):
    write_split(signal, ["a", "b", "c"], ["d"], version=2, parent=1)
    code, out, _ = _health(capsys, signal.parent, "sig")
    assert code == 1 and "VAL DIFFERS FROM v1" in out and "warning: val changed from v1 to v2" in out


@pytest.mark.parametrize("argv, needle", [(["nowhere", "sig"], "folder not found"),
                                          (["{root}", "other"], "no signal folder"),
                                          (["{root}", "sig", "--version", "5"], "v5")])
def test_bad_input_exits_2(capsys, signal, tmp_path, argv, needle):
    argv = [str(signal.parent) if a == "{root}" else (str(tmp_path / a) if a == "nowhere" else a) for a in argv]
    code, out, _ = _health(capsys, *argv, "--json")
    assert code == 2 and needle in json.loads(out)["error"]


def test_registered_under_specgui_split(capsys, signal, monkeypatch):
    parser = build_parser()
    try:
        args = parser.parse_args(["split", "health", str(signal.parent), "sig", "--json"])
    except SystemExit:
        pytest.skip("this checkout's `specgui split` does not register `health`")
    monkeypatch.setattr(sys, "argv", ["specgui", "split", "health"])
    assert args.func(args) == 0 and json.loads(capsys.readouterr().out)["signal"] == "sig"
