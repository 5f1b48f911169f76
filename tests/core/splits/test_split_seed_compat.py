"""Live cross-check: split files written by the seed open in specgui and the other way round;
v1 matches the seed. Skips where ../shared/seed is absent (tests/test_golden_splits.py holds its answers)."""

from __future__ import annotations

import contextlib
import io
import json
import random
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specgui.core.splits.manager import SplitManager
from specgui.core.splits.verify import verify_splits
from tests.cli.test_cli_split import touch_samples
from tests.conftest import seed_module

SEED_KEYS_V1 = {"version", "created_at", "total_samples", "train_samples", "val_samples", "train_count",
                "val_count", "val_ratio", "random_seed", "notes"}
SEED_KEYS_LATER = SEED_KEYS_V1 - {"random_seed"} | {"parent_version", "samples_added"}


def _seed(root: Path):
    return seed_module("seed_splits").SplitManager(str(root))


def _quiet(func, *args):
    with contextlib.redirect_stdout(io.StringIO()):
        return func(*args)


def _version(root: Path, n: int) -> dict:
    return json.loads((root / "sig" / "splits" / f"v{n}.json").read_text())


def test_seed_writes_v1_specgui_extends_seed_reads_and_extends_again(tmp_path):
    touch_samples(tmp_path / "sig", [f"{i:04d}" for i in range(25)])
    seed = _seed(tmp_path)
    assert _quiet(seed.create_initial_split, "sig") == 1
    ours = SplitManager(tmp_path)
    assert ours.get_active_split_version("sig") == 1
    assert ours.get_split("sig") == tuple(seed.get_split("sig"))
    assert verify_splits(tmp_path / "sig").ok

    touch_samples(tmp_path / "sig", ["0100", "0101"])
    assert ours.extend_split("sig") == 2
    assert set(_version(tmp_path, 2)) == SEED_KEYS_LATER
    assert seed.get_active_split_version("sig") == 2
    assert tuple(seed.get_split("sig")) == ours.get_split("sig") == ours.get_split("sig", 2)
    assert seed.get_pending_samples("sig") == ours.get_pending_samples("sig") == []

    touch_samples(tmp_path / "sig", ["0200"])
    assert _quiet(seed.extend_split, "sig") == 3
    assert ours.get_active_split_version("sig") == 3
    train, val = ours.get_split("sig")
    assert sorted(val) == sorted(_version(tmp_path, 1)["val_samples"]) and "0200" in train
    assert verify_splits(tmp_path / "sig").ok


def test_specgui_writes_v1_seed_extends_specgui_reads(tmp_path):
    touch_samples(tmp_path / "sig", [f"{i:016x}" for i in range(30)])
    ours = SplitManager(tmp_path)
    ours.create_initial_split("sig", 0.2, 42)
    assert set(_version(tmp_path, 1)) == SEED_KEYS_V1
    seed = _seed(tmp_path)
    assert seed.get_active_split_version("sig") == 1
    assert tuple(seed.get_split("sig")) == ours.get_split("sig")
    touch_samples(tmp_path / "sig", ["ffffffffffffff01"])
    assert seed.get_pending_samples("sig") == ours.get_pending_samples("sig") == ["ffffffffffffff01"]
    assert _quiet(seed.extend_split, "sig") == 2
    assert ours.get_active_split_version("sig") == 2
    assert ours.get_split("sig")[0][-1] == "ffffffffffffff01"
    assert verify_splits(tmp_path / "sig").ok


def test_specgui_reads_the_seeds_plain_copy_of_active(tmp_path, monkeypatch):
    """Where symlinks fail the seed copies vN.json to active.json; specgui reads that too."""
    touch_samples(tmp_path / "sig", [f"{i:04d}" for i in range(10)])

    def no_symlinks(self, *args, **kwargs):
        raise OSError("symlinks not supported here")

    monkeypatch.setattr(Path, "symlink_to", no_symlinks)
    _quiet(_seed(tmp_path).create_initial_split, "sig")
    assert not (tmp_path / "sig" / "splits" / "active.json").is_symlink()
    assert SplitManager(tmp_path).get_active_split_version("sig") == 1


four_digit = st.integers(0, 9999).map(lambda n: f"{n:04d}")
hex16 = st.text("0123456789abcdef", min_size=16, max_size=16)
id_sets = st.one_of(st.sets(four_digit, min_size=1, max_size=60), st.sets(hex16, min_size=1, max_size=60),
                    st.sets(st.one_of(four_digit, hex16), min_size=1, max_size=60))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ids=id_sets, seed=st.integers(0, 2**32), ratio=st.sampled_from([0.1, 0.2, 0.25, 0.3, 0.5]))
def test_v1_has_exactly_the_seeds_membership_and_order(seed_splits, ids, seed, ratio):
    state = random.getstate()
    with tempfile.TemporaryDirectory() as tmp:
        theirs, ours = Path(tmp) / "seed", Path(tmp) / "ours"
        touch_samples(theirs / "sig", ids)
        shutil.copytree(theirs, ours)
        _quiet(_seed(theirs).create_initial_split, "sig", ratio, seed)
        SplitManager(ours).create_initial_split("sig", ratio, seed)
        mine, reference = _version(ours, 1), _version(theirs, 1)
    random.setstate(state)  # the seed reseeds the global RNG; leave hypothesis' world as it was
    for key in ("train_samples", "val_samples", "train_count", "val_count", "total_samples", "val_ratio",
                "random_seed"):
        assert mine[key] == reference[key], key


def test_the_benchmark_runs_and_both_sides_agree(seed_splits, tmp_path):
    """benchmarks/bench_splits.py on a small tree: it asserts seed and specgui list, find
    pending and extend to the same membership; the report names the machine and the goals."""
    import importlib.util

    from tests.conftest import REPO

    spec = importlib.util.spec_from_file_location("bench_splits", REPO / "benchmarks" / "bench_splits.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "splits.md"
    assert bench.main(["--samples", "300", "--added", "40", "--repeat", "1", "--dir", str(tmp_path),
                       "--out", str(out)]) == 0
    text = out.read_text()
    assert "| extend by new samples |" in text and "cores" in text and "Goal:" in text
