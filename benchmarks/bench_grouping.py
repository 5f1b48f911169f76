"""Capture-aware v1 at 100,000 samples against the floor for reading the metadata, same run.

The floor: one ``json.load`` of every sample JSON, in one thread, nothing else. specgui:
``SplitManager.create_initial_split(..., group_by="capture")`` end to end (scan, every JSON
read and checked, capture runs, the seeded assignment, v1 written under its lock), first
with the audit cache off (cold: every JSON read), then with a warm cache (a ``stat`` per
JSON). Goal: cold at most 2x the floor. Grouping by capture reads only the JSONs, so the
``.npz`` files are empty; the JSONs are field-style (metadata, a few boxes, ~1 KB), windows
from ~300 captures in runs with quiet gaps.

    python benchmarks/bench_grouping.py [--samples 100000] [--repeat 3] [--dir DIR]
                                        [--out benchmarks/results/grouping.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "benchmarks")]

from machine_info import host_line  # noqa: E402
from specgui.core.splits.manager import SplitManager  # noqa: E402


def write_tree(signal_dir: Path, samples: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    folder = signal_dir / "samples"
    folder.mkdir(parents=True)
    captures = max(1, samples // 330)
    starts = [rng.uniform(0, 30) for _ in range(captures)]
    for i in range(samples):
        c = rng.randrange(captures)
        if rng.random() < 0.2:
            starts[c] += rng.uniform(0.5, 4.0)  # a quiet stretch: a new run of windows
        start = round(starts[c], 6)
        starts[c] += 0.1
        sample_id = f"{rng.getrandbits(64):016x}"
        boxes = [{"x_min": 10 * k, "y_min": 20, "x_max": 10 * k + 40, "y_max": 90, "label": "burst", "confidence": None}
                 for k in range(rng.randint(1, 4))]
        meta = {"sample_id": sample_id, "source_capture": f"site4_2026-01-{1 + c % 28:02d}_cap{c}.rfcap",
                "time_offset_sec": start + 0.05, "duration_sec": 0.1, "window_start_sec": start,
                "window_duration_sec": 0.1, "center_freq_mhz": 915.0, "sample_rate_mhz": 20.0,
                "created_by": "bench", "coordinate_format": "real_units",
                "spectrogram_params": {"fft_size": 4096, "hop_length": 2048, "dynamic_range_db": 80,
                                       "output_size": [1024, 1024]}, "boxes": boxes}
        (folder / f"{sample_id}.npz").touch()
        (folder / f"{sample_id}.json").write_text(json.dumps(meta, indent=2))


def floor(signal_dir: Path) -> None:
    folder = os.fspath(signal_dir / "samples")
    for name in os.listdir(folder):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), "rb") as fh:
                json.load(fh)


def grouped(root: Path, cache: Path, use_cache: bool) -> dict:
    shutil.rmtree(root / "sig" / "splits", ignore_errors=True)
    manager = SplitManager(root)
    manager.create_initial_split("sig", 0.2, 42, group_by="capture", use_cache=use_cache, cache_dir=cache,
                                 check_samples=False)  # empty .npz placeholders: the JSONs are what is read
    return manager.read_version("sig", 1).raw


def timed(func, *args) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    func(*args)
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "grouping.md"))
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(dir=args.dir, prefix="bench-grouping-"))
    try:
        root, cache = base / "signals", base / "cache"
        write_tree(root / "sig", args.samples)
        runs: dict[str, list[tuple[float, float]]] = {"floor": [], "cold": [], "warm": []}
        raw = grouped(root, cache, True)  # fills the cache for the warm runs; also warms the page cache
        for _ in range(args.repeat):  # interleaved, so load on the shared machine hits all alike
            runs["floor"].append(timed(floor, root / "sig"))
            runs["cold"].append(timed(grouped, root, cache, False))
            runs["warm"].append(timed(grouped, root, cache, True))
        med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in runs.items()}
        text = report(args, raw, med, base)
        print(text)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


def report(args, raw: dict, med: dict, base: Path) -> str:
    f_wall, f_cpu = med["floor"]
    rows = [("floor: one `json.load` per sample JSON, one thread", *med["floor"])]
    rows += [("`split create --group-by capture`, audit cache off (every JSON read)", *med["cold"]),
             ("`split create --group-by capture`, warm audit cache (a `stat` per JSON)", *med["warm"])]
    lines = [
        "# Capture-aware split: grouping by capture vs reading the metadata",
        "",
        f"`python benchmarks/bench_grouping.py --samples {args.samples} --repeat {args.repeat}` on {date.today()}.",
        "",
        f"Machine: {host_line()}; Python {platform.python_version()}; load average at the end "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}. Files in {base}.",
        "",
        f"One signal, {args.samples:,} samples (field-style JSONs of ~1 KB, empty `.npz`: grouping by capture "
        f"never opens them), {raw['group_count']:,} capture groups; v1 val ratio {raw['val_ratio']:.4f} "
        f"(asked {raw['requested_val_ratio']}). Median of {args.repeat} interleaved runs, same process, same files. "
        "specgui's figure is the whole `create_initial_split`: the folder scan, every JSON read and checked "
        "(size limit, UTF-8, symlinks and non-regular files refused; boxes are not parsed, a window needs none), the capture runs, the seeded assignment, "
        "and v1 written atomically under its lock.",
        "",
        "| what | wall (s) | CPU (s) | / floor (wall) | / floor (CPU) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, wall, cpu in rows:
        lines.append(f"| {name} | {wall:.2f} | {cpu:.2f} | {wall / f_wall:.2f}x | {cpu / f_cpu:.2f}x |")
    cold = med["cold"][0] / f_wall
    lines += ["", f"Goal: grouping by capture at most 2x the floor: **{'met' if cold <= 2 else 'not met'}** "
              f"({cold:.2f}x cold; {med['warm'][0] / f_wall:.2f}x with the audit's cache warm).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
