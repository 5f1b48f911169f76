"""``specgui sanity``: exit codes, the JSON object, the text report."""

from __future__ import annotations

import json

import pytest
import torch

from specgui.cli.main import main
from tests.helpers import make_signal
from tests.core.sanity.test_sanity_samples import BAD, SIGNAL, build_mixed_signal, write_split


@pytest.fixture
def clean_root(tmp_path):
    signals = tmp_path / "training_data" / "signals"
    ids = [f"{i:016x}" for i in range(12)]
    make_signal(signals, "clean", ids, shape=(48, 64))
    write_split(signals / "clean", ids[:9], ids[9:])
    return tmp_path / "training_data"


def test_clean_signal_exits_0_with_the_json_fields(clean_root, capsys):
    assert main(["sanity", str(clean_root), "clean", "--json", "--device", "cpu"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is True and out["problems"] == []
    assert out["samples_checked"] == 12 and out["device"] == "cpu" and out["samples_per_second"] > 0
    assert out["splits"]["val"]["samples_ok"] == 3


def test_clean_signal_text_report(clean_root, capsys):
    assert main(["sanity", str(clean_root / "signals"), "clean", "--workers", "2", "--batch-size", "2"]) == 0
    text = capsys.readouterr().out
    assert "clean: all 12 samples" in text and "2 workers, batch 2" in text and "samples/s" in text


def test_problems_exit_1_and_each_is_listed(torchsig_root, capsys):
    build_mixed_signal(torchsig_root)
    assert main(["sanity", str(torchsig_root), SIGNAL, "--json", "--workers", "0"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False
    assert {p["sample_id"] for p in out["problems"]} == set(BAD)
    assert all({"sample_id", "split", "reason"} <= set(p) for p in out["problems"])
    assert main(["sanity", str(torchsig_root), SIGNAL, "--workers", "0"]) == 1
    text = capsys.readouterr().out
    assert f"{len(BAD)} problem(s):" in text
    assert "bad_truncated.npz: truncated" in text and "'sub/dir' contains a path separator" in text


def test_version_option_picks_the_split(clean_root, capsys):
    write_split(clean_root / "signals" / "clean", ["0000000000000000", "missing"], [], version=2)
    assert main(["sanity", str(clean_root), "clean", "--json"]) == 1  # active: v2
    assert json.loads(capsys.readouterr().out)["split_version"] == 2
    assert main(["sanity", str(clean_root), "clean", "--json", "--version", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["split_version"] == 1


@pytest.mark.parametrize("args, words", [
    (["ROOT", "nosuch"], "no signal folder named"),
    (["ROOT/nowhere", "clean"], "folder not found"),
    (["ROOT", "empty"], "no split yet"),
    (["ROOT", "clean", "--version", "7"], "v7 does not exist"),
    (["ROOT", "clean", "--device", "tpu"], "unknown device"),
    (["ROOT", "clean", "--workers", "-1"], "workers"),
])
def test_bad_usage_exits_2(clean_root, capsys, args, words):
    make_signal(clean_root / "signals", "empty", ["a"], shape=(8, 8))
    argv = ["sanity", *[a.replace("ROOT", str(clean_root)) for a in args], "--json"]
    assert main(argv) == 2
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False and words in out["error"]


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cuda_asked_for_but_absent_exits_2(clean_root, capsys):
    assert main(["sanity", str(clean_root), "clean", "--device", "cuda"]) == 2
    assert "CUDA is not available" in capsys.readouterr().err


def test_unknown_option_exits_2(clean_root):
    with pytest.raises(SystemExit) as exc:
        main(["sanity", str(clean_root), "clean", "--frobnicate"])
    assert exc.value.code == 2
