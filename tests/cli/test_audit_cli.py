"""``specgui audit``: exit codes (0 clean, 1 leaks, 2 bad input) and the JSON shape."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from specgui.cli.main import main
from specgui.core.splits.manager import SplitManager
from tests.core.audit.test_audit_helpers import (  # noqa: F401 - cache_dir is a fixture
    cache_dir,
    shift_columns,
    spectro_image,
    window,
    write_pixels,
    write_split,
)


def _run(capsys, *argv) -> tuple[int, str, str]:
    argv = [str(a) for a in argv]
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sys, "argv", ["specgui", *argv])  # argparse errors look for --json there
            code = main(argv)
    except SystemExit as exc:  # argparse errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def leaky(tmp_path: Path, cache_dir) -> Path:
    """A data folder (parent of ``signals/``) whose v1 leaks once of each kind."""
    samples = tmp_path / "data" / "signals" / "sig" / "samples"
    write_pixels(samples, "v-exact", spectro_image(1))
    write_pixels(samples, "t-exact", spectro_image(1), compressed=False)
    write_pixels(samples, "v-near", spectro_image(2))
    write_pixels(samples, "t-near", shift_columns(spectro_image(2)))
    write_pixels(samples, "v-cap", spectro_image(3), **window("rec.rfcap", 1.0))
    write_pixels(samples, "t-cap", spectro_image(4), **window("rec.rfcap", 1.1))
    write_split(samples.parent, ["t-exact", "t-near", "t-cap"], ["v-exact", "v-near", "v-cap"])
    return tmp_path / "data"


def test_leaks_exit_1_with_each_kind_and_its_evidence(capsys, leaky):
    code, out, _ = _run(capsys, "audit", leaky, "sig", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["ok"] is False and data["leak_counts"] == {"exact": 1, "near": 1, "capture": 1}
    by_kind = {leak["kind"]: leak for leak in data["leaks"]}
    assert set(by_kind["exact"]) == {"kind", "train", "val", "evidence"}
    assert (by_kind["exact"]["train"], by_kind["exact"]["val"]) == ("t-exact", "v-exact")
    assert len(by_kind["exact"]["evidence"]["hash"]) == 32
    assert 0 < by_kind["near"]["evidence"]["distance"] <= data["near_threshold"]
    cap = by_kind["capture"]["evidence"]
    assert cap["capture"] == "rec.rfcap" and cap["train_window"] == pytest.approx([1.1, 1.2])
    assert cap["val_window"] == pytest.approx([1.0, 1.1]) and cap["touching"] is True
    assert data["problems"] == [] and data["cache"]["decoded"] == 6


def test_plain_text_names_the_pairs(capsys, leaky):
    code, out, _ = _run(capsys, "audit", leaky / "signals", "sig")
    assert code == 1
    assert "train t-exact ~ val v-exact" in out and "[capture] train t-cap ~ val v-cap" in out and "(touch)" in out


def test_clean_split_exits_0(capsys, torchsig_root, cache_dir):
    SplitManager(torchsig_root).create_initial_split("wideband")
    code, out, _ = _run(capsys, "audit", torchsig_root, "wideband", "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] is True and data["leaks"] == [] and data["leak_count"] == 0
    assert (data["train_count"], data["val_count"], data["version"]) == (5, 1, 1)
    code, out, _ = _run(capsys, "audit", torchsig_root, "wideband")
    assert code == 0 and "No leakage found." in out and "6 from cache" in out


def test_threshold_and_version_options(capsys, leaky):
    code, out, _ = _run(capsys, "audit", leaky, "sig", "--near-threshold", "0", "--version", "v1", "--no-cache",
                        "--pool", "process", "--workers", "2", "--json")
    data = json.loads(out)
    assert code == 1 and data["leak_counts"]["near"] == 0 and data["cache"]["path"] is None


def test_unreadable_samples_are_listed_and_do_not_fail_the_run(capsys, tmp_path, cache_dir):
    samples = tmp_path / "signals" / "sig" / "samples"
    write_pixels(samples, "a", spectro_image(0))
    write_pixels(samples, "b", spectro_image(1))
    (samples / "b.npz").write_bytes(b"garbage")
    write_split(samples.parent, ["a"], ["b", "gone"])
    code, out, _ = _run(capsys, "audit", tmp_path / "signals", "sig", "--json")
    data = json.loads(out)
    assert code == 0 and data["problem_count"] == 2
    assert {(p["sample_id"], p["split"]) for p in data["problems"]} == {("b", "val"), ("gone", "val")}


@pytest.mark.parametrize("args, needle", [
    (["nowhere", "sig"], "folder not found"),
    (["{root}", "other"], "no signal folder named 'other'"),
    (["{root}", "sig", "--version", "7"], "v7"),
    (["{root}", "sig", "--near-threshold", "300"], "0..256"),
    (["{root}", "sig", "--near-threshold", "x"], "not an integer"),
    (["{root}", "sig", "--version", "0"], "versions start at 1"),
    (["{root}", "sig", "--workers", "0"], "at least 1"),
])
def test_bad_input_exits_2(capsys, leaky, tmp_path, args, needle):
    argv = [a.replace("{root}", str(leaky)) if a == "{root}" else (str(tmp_path / a) if a == "nowhere" else a) for a in args]
    code, out, err = _run(capsys, "audit", *argv, "--json")
    assert code == 2
    data = json.loads(out)
    assert data["ok"] is False and needle in data["error"]


def test_no_split_yet_exits_2(capsys, tmp_path, cache_dir):
    write_pixels(tmp_path / "signals" / "sig" / "samples", "a", spectro_image(0))
    code, _, err = _run(capsys, "audit", tmp_path / "signals", "sig")
    assert code == 2 and "no split yet" in err
