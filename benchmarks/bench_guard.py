"""The extension guard on field-size samples, against loading them the original code's way.

1,000 new samples (compressed 1024x1024 uint8, distinct, each its own capture) on top of a
v1 of 200. Baseline, same run: loading the new samples as the original code (and training)
does, ``np.load`` + ``json.load``, one thread: what it costs before a bad sample is found.
specgui: ``specgui split extend ROOT SIGNAL --dry-run --json`` as a whole process (startup,
scan, load + check + fingerprint of the 1,000 new and the 200 val samples, the leak checks),
first with an empty per-user cache, then with the verdicts cached. Goals: <= 0.7x and <= 0.2x.

    python benchmarks/bench_guard.py [--new 1000] [--v1 200] [--repeat 2] [--out benchmarks/results/guard.md]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from machine_info import host_line  # noqa: E402
from specgui.core.splits.manager import SplitManager  # noqa: E402

SIZE = 1024
CLI = ("import sys; from specgui.cli.main import main; code = main(sys.argv[1:]); "
       "assert 'torch' not in sys.modules, 'the guarded extend imported torch'; sys.exit(code)")


def field_pixels(rng: np.random.Generator) -> np.ndarray:
    """A noise floor with a few bursts: compresses like field spectrograms (not like pure noise)."""
    floor = np.kron(rng.integers(20, 90, (16, 16)), np.ones((SIZE // 16, SIZE // 16)))  # per-sample band shape
    pixels = np.clip(floor + rng.normal(0, 6, (SIZE, SIZE)), 0, 255).astype(np.uint8)
    pixels &= 0xFC  # the floor's low bits are quantised away, as a dB scale to uint8 does
    for _ in range(int(rng.integers(2, 6))):
        r, c = int(rng.integers(0, SIZE - 64)), int(rng.integers(0, SIZE - 200))
        pixels[r:r + int(rng.integers(8, 64)), c:c + int(rng.integers(50, 200))] = int(rng.integers(120, 250))
    return pixels


def write_sample(samples: Path, sample_id: str, rng: np.random.Generator) -> None:
    np.savez_compressed(samples / f"{sample_id}.npz", spectrogram=field_pixels(rng))
    meta = {"sample_id": sample_id, "source_capture": f"cap_{sample_id}.sigmf", "window_start_sec": 0.0,
            "window_duration_sec": 0.05, "boxes": [{"x_min": 10, "y_min": 20, "x_max": 200, "y_max": 60,
                                                     "label": "burst"}]}
    (samples / f"{sample_id}.json").write_text(json.dumps(meta))


def build(root: Path, v1: int, new: int) -> Path:
    samples = root / "signals" / "burst" / "samples"
    samples.mkdir(parents=True)
    rng = np.random.default_rng(11)
    for i in range(v1):
        write_sample(samples, f"a{i:05d}", rng)
    SplitManager(root / "signals").create_initial_split("burst", check_samples=False)
    for i in range(new):
        write_sample(samples, f"n{i:05d}", rng)
    return root / "signals"


def baseline(signals: Path, ids: list[str]) -> float:
    samples = signals / "burst" / "samples"
    start = time.perf_counter()
    for sample_id in ids:
        with np.load(samples / f"{sample_id}.npz") as npz:
            npz["spectrogram"]
        with open(samples / f"{sample_id}.json") as fh:
            json.load(fh)
    return time.perf_counter() - start


def guarded(signals: Path, cache: Path, expect: int) -> float:
    env = {**os.environ, "SPECGUI_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CLI, "split", "extend", str(signals), "burst", "--dry-run", "--json"],
                          env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    data = json.loads(done.stdout)
    assert done.returncode == 0 and data["added_count"] == expect and not data["held_back"], done.stderr[-2000:]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--new", type=int, default=1000)
    parser.add_argument("--v1", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "guard.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="specgui-bench-guard-"))
    try:
        signals = build(work, args.v1, args.new)
        ids = SplitManager(signals).get_pending_samples("burst")
        base, cold, warm = [], [], []
        for i in range(args.repeat):
            base.append(baseline(signals, ids))
            cache = work / f"cache{i}"
            cold.append(guarded(signals, cache, len(ids)))
            warm.append(guarded(signals, cache, len(ids)))
        report(args, base, cold, warm)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(args, base, cold, warm) -> None:
    b = min(base)
    rows = [("empty cache", min(cold), 0.7), ("verdicts cached", min(warm), 0.2)]
    lines = [
        "# Guarded extension (`specgui split extend --dry-run`)", "",
        f"{host_line()}; {date.today().isoformat()}; {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f} at the end. "
        f"{args.new:,} new compressed {SIZE}x{SIZE} uint8 samples (distinct, own captures) on a v1 of {args.v1}; "
        f"best of {args.repeat}.", "",
        "Baseline (same run): loading the new samples the original code's way, `np.load` + `json.load`, "
        f"one thread: **{b:.2f} s**. specgui: the whole guarded `split extend --dry-run --json` process "
        "(startup, scan, every new and val sample loaded, checked and fingerprinted, leak checks; torch never "
        "imported).", "",
        "| run | seconds | ratio to baseline | goal | met |", "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, seconds, goal in rows:
        ratio = seconds / b
        lines.append(f"| {name} | {seconds:.2f} | {ratio:.2f}x | <= {goal}x | {'yes' if ratio <= goal else 'no'} |")
    lines += ["", "The cold run decodes the 200 val samples too (their hashes are what the new ones are compared "
              "with), so it does 1.2x the baseline's decoding, spread over the worker threads; on a "
              "machine with more cores the ratio drops. Reproduce: `python benchmarks/bench_guard.py`.", ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
