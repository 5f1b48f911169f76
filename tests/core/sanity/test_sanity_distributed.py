"""The pass on two ranks (gloo, CPU) merges to the single-process report; sharding never double-counts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch.distributed as dist
import torch.multiprocessing as mp

from specgui.core.sanity.run import run_sanity_pass
from specgui.core.sanity.distributed import WorldInfo, env_world, shard_indices
from tests.core.sanity.test_sanity_samples import SIGNAL, build_mixed_signal

pytestmark = pytest.mark.skipif(not dist.is_available() or not dist.is_gloo_available(), reason="needs gloo")
REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("world_size", [1, 2, 3, 4])
@pytest.mark.parametrize("n", [0, 1, 2, 5, 7, 16])
def test_shards_cover_every_index_exactly_once(n, world_size):
    shards = [shard_indices(n, WorldInfo(rank, world_size, rank)) for rank in range(world_size)]
    flat = sorted(i for shard in shards for i in shard)
    assert flat == list(range(n))
    assert max(map(len, shards)) - min(map(len, shards)) <= 1


def test_env_world_reads_torchrun_variables(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    assert env_world() is None
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("RANK", "3")
    monkeypatch.setenv("LOCAL_RANK", "1")
    assert env_world() == WorldInfo(3, 4, 1)
    monkeypatch.setenv("WORLD_SIZE", "1")
    assert env_world() is None


def _rank_main(rank: int, world_size: int, root: str, init_file: str, out_dir: str) -> None:
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world_size)
    try:
        report = run_sanity_pass(root, SIGNAL, workers=0, batch_size=3, device="cpu")
        Path(out_dir, f"rank{rank}.json").write_text(json.dumps(report.to_dict()))
    finally:
        dist.destroy_process_group()


def _comparable(report: dict) -> dict:
    splits = {}
    for name, split in report["splits"].items():
        split = dict(split)
        mean, std = split.pop("pixel_mean"), split.pop("pixel_std")
        splits[name] = (split, round(mean, 12), round(std, 12))
    return {"samples_checked": report["samples_checked"], "problems": report["problems"], "splits": splits}


def test_two_gloo_ranks_merge_to_the_single_process_report(torchsig_root, tmp_path):
    build_mixed_signal(torchsig_root)
    single = run_sanity_pass(torchsig_root, SIGNAL, workers=0, device="cpu").to_dict()
    out = tmp_path / "out"
    out.mkdir()
    mp.spawn(_rank_main, args=(2, str(torchsig_root), str(tmp_path / "init"), str(out)), nprocs=2, join=True)
    reports = [json.loads((out / f"rank{r}.json").read_text()) for r in range(2)]
    assert reports[0]["world_size"] == 2
    assert _comparable(reports[0]) == _comparable(reports[1]) == _comparable(single)
    assert reports[0]["samples_checked"] == sum(s["samples_listed"] for s in single["splits"].values())


def test_the_cli_under_torchrun_prints_one_merged_report(torchsig_root):
    build_mixed_signal(torchsig_root)
    single = run_sanity_pass(torchsig_root, SIGNAL, workers=0, device="cpu").to_dict()
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO)}
    for key in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(key, None)
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
           "-m", "specgui.cli.main", "sanity", str(torchsig_root), SIGNAL, "--json", "--device", "cpu", "--workers", "0"]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=240)
    assert result.returncode == 1, result.stderr[-3000:]  # problems found, on every rank
    merged = json.loads(result.stdout)  # rank 0 alone prints, one object
    assert merged["world_size"] == 2
    assert _comparable(merged) == _comparable(single)
