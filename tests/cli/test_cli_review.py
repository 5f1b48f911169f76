"""``specgui review`` and ``specgui boxes``: one JSON object each, exit 2 on bad input, nothing written."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from specgui.cli.main import main
from specgui.core.splits.manager import SplitManager

from helpers import make_signal

IDS = [f"{i:04d}" for i in range(6)]


@pytest.fixture
def tree(tmp_path) -> Path:
    make_signal(tmp_path / "signals", "sig", IDS, extra={"original_boxes": [{"t": 1.5}], "k": "v"})
    return tmp_path


def cli(capsys, *args) -> tuple[int, dict]:
    code = main([str(a) for a in args] + ["--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def snapshot(root: Path) -> dict:
    return {str(p): p.read_bytes() for p in root.rglob("*") if p.is_file() and not p.name.endswith(".lock")}


def test_review_set_list_and_filter(tree, capsys):
    code, data = cli(capsys, "review", "set", tree, "sig", "0001", "0002", "--state", "reviewed")
    assert code == 0 and [r["sample_id"] for r in data["samples"]] == ["0001", "0002"]
    code, _ = cli(capsys, "review", "set", tree, "sig", "0003", "--state", "exclude", "--note", "interference")
    code, data = cli(capsys, "review", "list", tree, "sig")
    assert code == 0 and data["reviewed"] == 3 and data["total"] == 6
    assert {r["sample_id"]: (r["state"], r["note"]) for r in data["samples"]} == {
        "0001": ("reviewed", None), "0002": ("reviewed", None), "0003": ("exclude", "interference")}
    _, data = cli(capsys, "review", "list", tree, "sig", "--state", "exclude")
    assert [r["sample_id"] for r in data["samples"]] == ["0003"]
    _, data = cli(capsys, "review", "list", tree, "sig", "--state", "none")
    assert [r["sample_id"] for r in data["samples"]] == ["0000", "0004", "0005"]
    cli(capsys, "review", "set", tree, "sig", "0001", "--state", "clear")
    _, data = cli(capsys, "review", "list", tree, "sig", "--state", "reviewed")
    assert [r["sample_id"] for r in data["samples"]] == ["0002"]


def test_review_unknown_id_or_state_is_exit_2_and_writes_nothing(tree, capsys):
    before = snapshot(tree)
    code, data = cli(capsys, "review", "set", tree, "sig", "0001", "ghost", "--state", "reviewed")
    assert code == 2 and data["ok"] is False and "'ghost'" in data["error"]
    with pytest.raises(SystemExit) as info:
        main(["review", "set", str(tree), "sig", "0001", "--state", "maybe", "--json"])
    assert info.value.code == 2 and json.loads(capsys.readouterr().out)["ok"] is False
    code, data = cli(capsys, "review", "set", tree, "nosig", "0001", "--state", "reviewed")
    assert code == 2 and "nosig" in data["error"]
    assert snapshot(tree) == before


def test_split_extend_holds_back_excluded_samples(tree, capsys):
    SplitManager(tree / "signals").create_initial_split("sig", 0.2, 42)
    make_signal(tree / "signals", "sig", ["0100", "0101"])
    cli(capsys, "review", "set", tree, "sig", "0101", "--state", "exclude", "--note", "not a signal")
    code, data = cli(capsys, "split", "extend", tree, "sig")
    assert code == 1 and data["added_ids"] == ["0100"]  # 1: something was held back (v2 still written)
    assert data["held_back"] == [{"sample_id": "0101", "kind": "excluded", "reason": "not a signal"}]
    train, _ = SplitManager(tree / "signals").get_split("sig")
    assert "0101" not in train
    cli(capsys, "review", "set", tree, "sig", "0100", "--state", "exclude")  # already in train: a warning
    code, data = cli(capsys, "split", "verify", tree, "sig")
    assert code == 0 and [w["kind"] for w in data["warnings"]] == ["excluded_in_split"]
    assert data["warnings"][0]["sample_ids"] == ["0100"]


def test_boxes_print_set_and_expect_sha(tree, capsys, tmp_path):
    path = tree / "signals" / "sig" / "samples" / "0001.json"
    code, data = cli(capsys, "boxes", tree, "sig", "0001")
    assert code == 0 and set(data) >= {"sample_id", "boxes", "sha256"}
    assert data["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert data["boxes"] == json.loads(path.read_text())["boxes"]
    new = tmp_path / "new.json"
    new.write_text(json.dumps([{"x_min": 0, "y_min": 0, "x_max": 5, "y_max": 6, "label": "x"}]))
    code, out = cli(capsys, "boxes", tree, "sig", "0001", "--set", new, "--expect-sha256", data["sha256"])
    after = json.loads(path.read_text())
    assert code == 0 and out["boxes"] == after["boxes"] == [{"x_min": 0, "y_min": 0, "x_max": 5, "y_max": 6, "label": "x"}]
    assert after["original_boxes"] == [{"t": 1.5}] and after["k"] == "v" and "edited_at" in after
    assert out["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    before = snapshot(tree)
    code, err = cli(capsys, "boxes", tree, "sig", "0001", "--set", new, "--expect-sha256", data["sha256"])
    assert code == 2 and "changed on disk" in err["error"] and err["error_type"] == "SampleConflictError"
    assert snapshot(tree) == before


@pytest.mark.parametrize("content", [
    '{"x_min": 1}', '[{"x_min": 5, "y_min": 0, "x_max": 1, "y_max": 6}]',
    '[{"x_min": 0, "y_min": 0, "x_max": 4800, "y_max": 6}]', '[{"x_min": "a", "y_min": 0, "x_max": 1, "y_max": 6}]',
    'not json', '[[1, 2, 3, 4]]',
])
def test_boxes_set_refuses_invalid_boxes_with_exit_2(tree, capsys, tmp_path, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    before = snapshot(tree)
    code, err = cli(capsys, "boxes", tree, "sig", "0001", "--set", bad)
    assert code == 2 and err["ok"] is False and err["error"]
    assert snapshot(tree) == before


@pytest.mark.parametrize("args, words", [
    (["ghost"], "ghost"), (["../x"], ""), (["0001", "--expect-sha256", "zz"], "64-digit"),
    (["0001", "--expect-sha256", "0" * 64], "not the expected"), (["0001", "--set", "/nonexistent/f"], "cannot read"),
])
def test_boxes_bad_requests(tree, capsys, args, words):
    before = snapshot(tree)
    code, err = cli(capsys, "boxes", tree, "sig", *args)
    assert code == 2 and words in err["error"]
    assert snapshot(tree) == before


def test_boxes_set_from_stdin_in_a_real_subprocess(tree):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[1]), env.get("PYTHONPATH", "")])
    boxes = json.dumps([{"x_min": 1, "y_min": 1, "x_max": 3, "y_max": 3}])
    done = subprocess.run([sys.executable, "-m", "specgui", "boxes", str(tree), "sig", "0002", "--set", "-", "--json"],
                          input=boxes, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["boxes"] == json.loads(boxes)
    done = subprocess.run([sys.executable, "-m", "specgui", "boxes", str(tree), "sig", "0002", "--set", "-", "--json"],
                          input="[{}]", capture_output=True, text=True, env=env)
    assert done.returncode == 2 and json.loads(done.stdout)["ok"] is False
