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

from specgui.core.audit.audit import audit_split
from specgui.core.audit.work import choose_pool
from specgui.core.splits.health import split_health
from specgui.core.samples.spectrogram_file import load_spectrogram
from specgui.core.splits.manager import SplitManager
from machine_info import host_line  # noqa: E402

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
    manager.extend_split(signal, check_samples=False)  # the planted leaks must reach train: they are what is audited
    return samples


def _timed(func):
    """(wall seconds, CPU seconds of this process and its finished children, result)."""
    cpu0, start = os.times(), time.perf_counter()
    result = func()
    wall, cpu1 = time.perf_counter() - start, os.times()
    cpu = sum(cpu1[:4]) - sum(cpu0[:4])  # user + system, self + children
    return wall, cpu, result


MEASUREMENTS = ("decode", "inline", "thread", "process", "warm")


def run_case(root: Path, signal: str, count: int, size: int, workers: int, repeats: int) -> dict:
    """Best (shortest) of ``repeats`` interleaved runs of each measurement: the CPU is shared
    with whatever else runs, and the minimum is the least disturbed figure (as ``timeit``)."""
    samples = generate(root, signal, count, size)
    npz = sorted(samples.glob("*.npz"))
    best: dict[str, tuple[float, float]] = {}
    cache = Path(tempfile.mkdtemp(prefix="specgui-bench-cache-"))
    audits = {"inline": dict(workers=1), "thread": dict(workers=workers, pool="thread"),
              "process": dict(workers=workers, pool="process"), "warm": dict(workers=workers, pool="thread")}
    for rep in range(repeats):
        for name in MEASUREMENTS:
            if name == "decode":
                wall, cpu, _ = _timed(lambda: [load_spectrogram(p) for p in npz])
            else:
                folder = "warm" if name == "warm" else f"{name}-{rep}"  # warm reuses a filled cache
                os.environ["SPECGUI_CACHE_DIR"] = str(cache / folder)
                wall, cpu, report = _timed(lambda: audit_split(root, signal, **audits[name]))
                assert name != "warm" or rep == 0 or report.decoded == 0
                leaks = report.leak_counts()
            if name not in best or wall < best[name][0]:
                best[name] = (wall, cpu)
    best["health"] = _timed(lambda: split_health(root, signal))[:2]
    if repeats == 1:  # the only warm run was cold: run it once more, really warm
        best["warm"] = _timed(lambda: audit_split(root, signal, **audits["warm"]))[:2]
    shutil.rmtree(cache, ignore_errors=True)
    mean_bytes = sum(p.stat().st_size for p in npz) / len(npz)
    return {"count": len(npz), "size": size, "workers": workers, "repeats": repeats, "leaks": leaks,
            "kb": mean_bytes / 1024, "best": best, "auto": choose_pool("auto", len(npz), mean_bytes)}


def machine() -> str:
    return (f"{host_line()}, "
            f"Python {platform.python_version()}, numpy {np.__version__}")


LABELS = {"decode": "decode only, 1 thread (baseline)", "inline": "cold audit, inline (1 worker)",
          "thread": "cold audit, {n} threads", "process": "cold audit, {n} processes",
          "warm": "warm audit (fingerprint cache)"}


def report(rows: list[dict], load: str) -> str:
    lines = ["# Leakage audit benchmark", "", f"Machine: {machine()}.", f"Load average before the run: {load}.",
             "Written by `python benchmarks/bench_audit.py`. Each figure is the best of several interleaved runs:",
             "other processes may share the CPU, and the best run is the least disturbed one.",
             "", "Samples are synthetic `np.savez_compressed` files (noise floor + bursts). The small size (default",
             "256x256) keeps the 10,000-sample run quick; 1024x1024 is the field size. Decode = `load_spectrogram`",
             "alone, one thread. Cold = empty fingerprint cache: decode + SHA-256 + DCT hash of every sample,",
             "JSON windows, pair search. Warm = every fingerprint from the cache: stat, cache read, pair search.",
             "CPU ms/sample counts this process and its worker processes; cores used = CPU time / wall time,",
             "which stays near 1 when another job holds the other core.", ""]
    for r in rows:
        decode_wall = r["best"]["decode"][0]
        lines += [f"## {r['count']:,} samples of {r['size']}x{r['size']} ({r['kb']:.0f} KB each), best of {r['repeats']}", "",
                  "| measurement | wall s | samples/s | vs decode | CPU ms/sample | cores used |",
                  "|---|---|---|---|---|---|"]
        for name in MEASUREMENTS:
            wall, cpu = r["best"][name]
            lines.append(f"| {LABELS[name].format(n=r['workers'])} | {wall:.2f} | {r['count'] / wall:,.0f} "
                         f"| {decode_wall / wall:.2f}x | {1000 * cpu / r['count']:.2f} | {cpu / wall:.2f} |")
        leaks = r["leaks"]
        health_wall = r["best"]["health"][0]
        lines += ["", f"`split health` of the same version (JSON + npz headers, no cache): {health_wall:.2f} s."]
        lines += ["", f"Leaks found (exact/near/capture): {leaks['exact']}/{leaks['near']}/{leaks['capture']}. "
                  f"The default `pool=\"auto\"` takes the {r['auto']} pool here.", ""]
    lines += [f"Planted per run: {PLANTED} exact copies of val samples (their JSON copied too, so each is",
              f"also a capture leak) and {PLANTED} new windows overlapping a val window: expected",
              f"{PLANTED}/0/{2 * PLANTED}; a near hit would be a false positive between distinct images.",
              "Warm-audit goal for 10,000 samples: under 3 s."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=256, help="small-sample side (default 256, for speed)")
    parser.add_argument("--big-count", type=int, default=500)
    parser.add_argument("--big-size", type=int, default=1024)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs of each measurement")
    parser.add_argument("--big-repeats", type=int, default=5, help="the same for the (quicker) big-sample set")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results" / "audit.md")
    args = parser.parse_args(argv)
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    work = Path(tempfile.mkdtemp(prefix="specgui-bench-audit-"))
    try:
        rows = [run_case(work / "signals", "small", args.count, args.size, args.workers, args.repeats)]
        if args.big_count:
            rows.append(run_case(work / "signals", "big", args.big_count, args.big_size, args.workers, args.big_repeats))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = report(rows, load)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
