"""The audit on two ranks (gloo, CPU): each fingerprints its shard, rank 0 reports what one process does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch.distributed as dist
import torch.multiprocessing as mp

from specgui.cli.cmd_audit import payload
from specgui.core.audit.audit import audit_split
from tests.core.audit.test_audit_helpers import shift_columns, spectro_image, window, write_pixels, write_split

pytestmark = pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(), reason="needs gloo")
REPO = Path(__file__).resolve().parents[1]


def build(root: Path) -> Path:
    """A signal leaking every way: a 7-copy exact group, a near pair, a capture, a train-only copy, a bad file."""
    samples = root / "signals" / "sig" / "samples"
    for k in range(7):
        write_pixels(samples, f"copy-{k}", spectro_image(1, shape=(64, 64)))
    write_pixels(samples, "near-t", shift_columns(spectro_image(2)))
    write_pixels(samples, "near-v", spectro_image(2))
    write_pixels(samples, "cap-t", spectro_image(3, shape=(64, 64)), **window("rec", 0.0, 1.0))
    write_pixels(samples, "cap-v", spectro_image(4, shape=(64, 64)), **window("rec", 0.9, 1.0))
    for k in range(2):
        write_pixels(samples, f"solo-{k}", spectro_image(5, shape=(64, 64)))
    for k in range(9):
        write_pixels(samples, f"plain-{k}", spectro_image(10 + k, shape=(64, 64)))
    shutil.copy(samples / "plain-0.json", samples / "broken.json")
    (samples / "broken.npz").write_bytes(b"not a zip")
    train = [f"copy-{k}" for k in range(5)] + ["near-t", "cap-t", "solo-0", "solo-1", "broken"] + \
        [f"plain-{k}" for k in range(6)]
    val = ["copy-5", "copy-6", "near-v", "cap-v", "gone"] + [f"plain-{k}" for k in range(6, 9)]
    write_split(samples.parent, train, val)
    return root / "signals"


def comparable(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("cache", "notes")}


def _rank_main(rank: int, world_size: int, root: str, init_file: str, out_dir: str, cache: str) -> None:
    os.environ["SPECGUI_CACHE_DIR"] = cache
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world_size)
    try:
        from specgui.core.audit.distributed import audit_distributed

        report, leaks = audit_distributed(root, "sig", workers=1)
        Path(out_dir, f"rank{rank}.json").write_text(json.dumps(
            {"leaks": leaks, "report": payload(report) if report is not None else None}))
    finally:
        dist.destroy_process_group()


def test_two_gloo_ranks_give_the_single_process_report(tmp_path, monkeypatch):
    root = build(tmp_path / "data")
    monkeypatch.setenv("SPECGUI_CACHE_DIR", str(tmp_path / "single-cache"))
    single = payload(audit_split(root, "sig", workers=1))
    assert single["leak_group_counts"] == {"exact": 1, "near": 1, "capture": 1} and single["problem_count"] == 2
    out = tmp_path / "out"
    out.mkdir()
    cache = tmp_path / "dist-cache"
    mp.spawn(_rank_main, args=(2, str(root), str(tmp_path / "init"), str(out), str(cache)), nprocs=2, join=True)
    ranks = [json.loads((out / f"rank{r}.json").read_text()) for r in range(2)]
    assert ranks[0]["leaks"] is ranks[1]["leaks"] is True and ranks[1]["report"] is None
    assert comparable(ranks[0]["report"]) == comparable(single)
    assert ranks[0]["report"]["cache"]["decoded"] == single["cache"]["decoded"] == 22  # each readable sample decoded once
    monkeypatch.setenv("SPECGUI_CACHE_DIR", str(cache))  # rank 0 saved every rank's fingerprints
    again = audit_split(root, "sig", workers=1)
    assert again.decoded == 0 and again.cache_hits == 22


def test_the_cli_under_torchrun_prints_one_report(tmp_path):
    root = build(tmp_path / "data")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO), "SPECGUI_CACHE_DIR": str(tmp_path / "c1")}
    for key in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(key, None)
    base = [sys.executable, "-m", "specgui.cli.main", "audit", str(root), "sig", "--json", "--workers", "1"]
    single = subprocess.run(base, capture_output=True, text=True, env=env, timeout=120)
    assert single.returncode == 1, single.stderr[-3000:]
    env["SPECGUI_CACHE_DIR"] = str(tmp_path / "c2")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", *base[1:]]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=240)
    assert result.returncode == 1, result.stderr[-3000:]  # leaks found, on every rank
    merged = json.loads(result.stdout)  # rank 0 alone prints, one object
    assert comparable(merged) == comparable(json.loads(single.stdout))
    assert "fingerprinted on 2 ranks, searched on rank 0" in merged["notes"]
