"""Benchmark of the leakage audit: cold (decode everything) and warm (fingerprint cache).

Generates compressed samples in a temp folder (10,000 of 256x256 by default, small so the
run stays quick, plus 500 of 1024x1024, the field size), each a noise floor with bright
bursts, grouped into captures of back-to-back windows, with a few planted leaks. Then, in
the same run and on the same files (all in the OS page cache):

- single-thread decode rate (``load_spectrogram`` only): the baseline;
- cold audit (empty fingerprint cache): inline, then on N threads, then on N processes;
- warm audit (cache filled): goal under 3 s for 10,000 samples.

Writes ``benchmarks/results/audit.md`` (``--out``). Usage::

    python benchmarks/bench_audit.py [--count 10000 --size 256 --big-count 500 --big-size 1024]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from specgui.core.audit import audit_split
from specgui.core.spectrogram_file import load_spectrogram
from specgui.core.splits import SplitManager

PLANTED = 10  # exact copies and capture overlaps planted across train/val, each


def _image(rng: np.random.Generator, size: int) -> np.ndarray:
    image = rng.normal(40, 6, size=(size, size)).astype(np.float32)
    for _ in range(4):
        h, w = int(rng.integers(size // 16, size // 4)), int(rng.integers(size // 8, size // 2))
        y, x = int(rng.integers(0, size - h)), int(rng.integers(0, size - w))
        image[y:y + h, x:x + w] += rng.uniform(60, 160)
    return np.clip(image, 0, 255).astype(np.uint8)


def _write_chunk(args) -> None:
    samples_dir, size, start, stop = args
    rng = np.random.default_rng(start)
    for i in range(start, stop):
        sample_id = f"{i:06d}"
        np.savez_compressed(Path(samples_dir) / f"{sample_id}.npz", spectrogram=_image(rng, size))
        meta = {"sample_id": sample_id, "source_capture": f"capture-{i // 50:04d}.rfcap",
                "window_start_sec": (i % 50) * 0.25, "window_duration_sec": 0.1,
                "boxes": [{"x_min": 1, "y_min": 2, "x_max": 30, "y_max": 40, "label": "burst"}]}
        (Path(samples_dir) / f"{sample_id}.json").write_text(json.dumps(meta))


def generate(signals_root: Path, signal: str, count: int, size: int) -> Path:
    """``count`` samples in ``signals_root/signal``, a v1 split, then leaks planted into train."""
    samples = signals_root / signal / "samples"
    samples.mkdir(parents=True)
    step = 250
    jobs = [(str(samples), size, s, min(s + step, count)) for s in range(0, count, step)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(_write_chunk, jobs))
    manager = SplitManager(signals_root)
    manager.create_initial_split(signal, val_ratio=0.2, random_seed=7)
    _, val = manager.get_split(signal)
    for k, val_id in enumerate(sorted(val)[:2 * PLANTED]):
        new_id = f"leak-{k:02d}"
        shutil.copy(samples / f"{val_id}.npz", samples / f"{new_id}.npz")
        meta = json.loads((samples / f"{val_id}.json").read_text())
        if k >= PLANTED:  # a new window starting inside the val one; distinct pixels
            meta["window_start_sec"] += 0.05
            np.savez_compressed(samples / f"{new_id}.npz", spectrogram=_image(np.random.default_rng(10**6 + k), size))
        meta["sample_id"] = new_id
        (samples / f"{new_id}.json").write_text(json.dumps(meta))
    manager.extend_split(signal)
    return samples


def _timed(func):
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def run_case(root: Path, signal: str, count: int, size: int, workers: int) -> dict:
    samples = generate(root, signal, count, size)
    npz = sorted(samples.glob("*.npz"))
    n = len(npz)
    decode_s, _ = _timed(lambda: [load_spectrogram(p) for p in npz])
    cache = Path(tempfile.mkdtemp(prefix="specgui-bench-cache-"))
    os.environ["SPECGUI_CACHE_DIR"] = str(cache / "one")
    cold1_s, _ = _timed(lambda: audit_split(root, signal, workers=1))
    os.environ["SPECGUI_CACHE_DIR"] = str(cache / "threads")
    thread_s, _ = _timed(lambda: audit_split(root, signal, workers=workers, pool="thread"))
    os.environ["SPECGUI_CACHE_DIR"] = str(cache / "processes")
    cold_s, cold = _timed(lambda: audit_split(root, signal, workers=workers, pool="process"))
    warm_s, warm = _timed(lambda: audit_split(root, signal, workers=workers))
    shutil.rmtree(cache, ignore_errors=True)
    assert warm.decoded == 0 and warm.leaks == cold.leaks
    return {"signal": signal, "count": n, "size": size, "workers": workers, "bytes": sum(p.stat().st_size for p in npz) / n,
            "decode_rate": n / decode_s, "cold1_rate": n / cold1_s, "thread_rate": n / thread_s,
            "cold_rate": n / cold_s, "cold_s": cold_s, "warm_s": warm_s, "leaks": cold.leak_counts()}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} logical CPU(s) visible, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, numpy {np.__version__}")


def report(rows: list[dict], load: str) -> str:
    lines = ["# Leakage audit benchmark", "", f"Machine: {machine()}.", f"Load average before the run: {load}.",
             "Written by `python benchmarks/bench_audit.py` (numbers from one run; other processes may share the CPU).",
             "", "Samples are synthetic, `np.savez_compressed` (noise floor + bursts). The small size (default",
             "256x256) keeps the 10,000-sample run quick; the 1024x1024 run is the field size.",
             "Decode = single-thread `load_spectrogram` only (the floor for one core). Cold = empty fingerprint",
             "cache: decode + SHA-256 + DCT hash of every sample, JSON windows, pair search. Warm = second",
             "audit, every fingerprint from the cache (stat + cache read + pair search).", "",
             "| samples | size | npz KB | decode, 1 thread /s | cold audit, inline /s | cold, N threads /s "
             "| cold, N processes /s | best cold / decode | warm audit s | cold / warm time | leaks (exact/near/capture) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        leaks = r["leaks"]
        lines.append(
            f"| {r['count']:,} | {r['size']}x{r['size']} | {r['bytes'] / 1024:.0f} | {r['decode_rate']:,.0f} "
            f"| {r['cold1_rate']:,.0f} | {r['thread_rate']:,.0f} (N={r['workers']}) | {r['cold_rate']:,.0f} (N={r['workers']}) "
            f"| {max(r['thread_rate'], r['cold_rate']) / r['decode_rate']:.2f}x | {r['warm_s']:.2f} "
            f"| {r['cold_s'] / r['warm_s']:.0f}x "
            f"| {leaks['exact']}/{leaks['near']}/{leaks['capture']} |")
    lines += ["", f"Planted per run: {PLANTED} exact copies of val samples (their JSON copied too, so each is",
              f"also a capture leak) and {PLANTED} new windows overlapping a val window: expected",
              f"{PLANTED}/0/{2 * PLANTED}; any near hit would be a false positive between distinct images.",
              "Warm-audit goal for 10,000 samples: under 3 s."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=256, help="small-sample side (default 256, for speed)")
    parser.add_argument("--big-count", type=int, default=500)
    parser.add_argument("--big-size", type=int, default=1024)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results" / "audit.md")
    args = parser.parse_args(argv)
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    work = Path(tempfile.mkdtemp(prefix="specgui-bench-audit-"))
    try:
        rows = [run_case(work / "signals", "small", args.count, args.size, args.workers)]
        if args.big_count:
            rows.append(run_case(work / "signals", "big", args.big_count, args.big_size, args.workers))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = report(rows, load)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
