"""Crash and concurrency stress harness for split versions: kill it, race it, check it.

``run_crash_trials`` starts ``tests/reliability/stress_worker.py crash`` in a subprocess
that creates, extends, previews and rolls back splits, and SIGKILLs it: at a random
(seeded) moment, or exactly before/after its K-th file-system call inside a split
operation. After every kill an independent checker (``tests/reliability/split_checker.py``,
plain ``json``/``os``) checks the folder; then one more sample arrives and the next extend
must succeed, leave no temp file, and cover every complete sample on disk.

``run_race`` starts N extenders (half with ``expected_parent``), a producer of new
samples and a reader, all at once, for a few seconds; then checks that every version is
claimed by exactly one writer, none was overwritten, the chain is linear (with a working
lock), val never changed, no sample is lost or listed twice, every writer got a success
or a clear answer, and the reader never saw a partial file.

Usage: ``python benchmarks/stress_splits.py [--trials 200] [--race-workers 8]
[--race-seconds 5] [--seed 1] [--json out.json]``; prints a JSON summary.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
WORKER = REPO / "tests" / "reliability" / "stress_worker.py"
SEED_DIR = REPO.parent / "shared" / "seed"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from specgui.core.splits.manager import SplitManager  # noqa: E402
from tests.reliability.split_checker import check_splits_folder, coverage_problems  # noqa: E402

SIGNAL = "sig"


def npz_blob(folder: Path) -> Path:
    buf = io.BytesIO()
    np.savez_compressed(buf, spectrogram=np.zeros((8, 8), np.uint8))
    path = folder / "blob.npz"
    path.write_bytes(buf.getvalue())
    return path


def make_bulk_signal(root: Path, count: int, blob: Path, prefix: str = "s") -> Path:
    samples = root / SIGNAL / "samples"
    samples.mkdir(parents=True)
    data = blob.read_bytes()
    for i in range(count):
        (samples / f"{prefix}{i:05d}.npz").write_bytes(data)
        (samples / f"{prefix}{i:05d}.json").write_text(json.dumps({"boxes": []}))
    return samples


def _spawn(mode: str, args: dict) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SEED_DIR), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, str(WORKER), mode, json.dumps(args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _lines(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            pass
    return out


class _SymlinksOff:
    """In-process copy mode for the recovery step of a copy-mode episode."""

    def __init__(self, active: bool):
        self.active, self.saved = active, os.symlink

    def __enter__(self):
        if self.active:
            def refuse(*_a, **_k):
                raise OSError(1, "symlinks not supported here")
            os.symlink = refuse

    def __exit__(self, *exc):
        os.symlink = self.saved


def _one_trial(trial: int, rng: random.Random, root: Path, blob: Path, copy_mode: bool, hashes: dict) -> dict:
    syscall = rng.random() < 0.5
    args = {"root": str(root), "signal": SIGNAL, "seed": rng.randrange(2**31), "npz_blob": str(blob),
            "prefix": f"t{trial:04d}_", "copy_mode": copy_mode, "kill_at": 0, "ops": 100000}
    record = {"trial": trial, "mode": "syscall" if syscall else "timed", "copy_mode": copy_mode, "problems": []}
    if syscall:
        args.update(kill_at=rng.randint(1, 96), after=rng.random() < 0.5, ops=8)
        record["kill_at"] = args["kill_at"]
    proc = _spawn("crash", args)
    if syscall:
        out, err = proc.communicate(timeout=60)
    else:
        proc.stdout.readline()  # "ready": imports done, operations start now
        delay = rng.uniform(0.0, 0.25)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
        record["delay_s"] = round(delay, 4)
    events = _lines(out)
    record["killed"] = proc.returncode == -signal.SIGKILL
    begun = [e for e in events if e.get("event") == "begin"]
    done = [e for e in events if e.get("event") == "done"]
    record["ops_done"] = len(done)
    record["killed_in"] = begun[-1]["op"] if begun and len(begun) > len(done) else "between ops"
    kill_event = next((e for e in events if e.get("event") == "kill"), None)
    if kill_event:
        record["killed_at_call"] = f"{kill_event['when']} {kill_event['call']}"
    if proc.returncode not in (0, -signal.SIGKILL):
        record["problems"].append(f"worker failed (rc {proc.returncode}): {err.strip()[-400:]}")
    after_kill = check_splits_folder(root / SIGNAL / "splits", seen_hashes=hashes, allow_missing_active=True)
    record["temps_after_kill"] = len(after_kill.temps)
    record["active_missing_after_kill"] = after_kill.active_kind == "missing" and bool(after_kill.versions)
    record["problems"] += [f"after kill: {p}" for p in after_kill.problems]
    # Another labeller arrives: one new sample, then the next extend must succeed.
    (root / SIGNAL / "samples" / f"r{trial:04d}.npz").write_bytes(blob.read_bytes())
    (root / SIGNAL / "samples" / f"r{trial:04d}.json").write_text(json.dumps({"boxes": []}))
    try:
        with _SymlinksOff(copy_mode):
            version = SplitManager(root).extend_split(SIGNAL, check_samples=False)  # one blob for all: concurrency, not the guard
    except Exception as exc:  # the harness reports it; it must never happen
        record["problems"].append(f"next extend failed: {type(exc).__name__}: {exc}")
        return record
    after = check_splits_folder(root / SIGNAL / "splits", seen_hashes=hashes, allow_temps=False)
    if version != after.newest or after.active_version != version:
        record["problems"].append(f"next extend returned v{version}; newest v{after.newest}, active v{after.active_version}")
    record["problems"] += [f"after next extend: {p}" for p in after.problems]
    record["problems"] += [f"after next extend: {p}" for p in coverage_problems(after, root / SIGNAL / "samples")]
    return record


def run_crash_trials(trials: int, seed: int = 1, workdir: str | os.PathLike | None = None,
                     episode_len: int = 10) -> dict:
    """``trials`` kill trials in episodes of ``episode_len`` sharing one folder; a summary dict."""
    rng = random.Random(seed)
    records: list[dict] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        blob = npz_blob(Path(tmp))
        for episode in range((trials + episode_len - 1) // episode_len):
            root = Path(tmp) / f"episode{episode:03d}"
            make_bulk_signal(root, rng.choice((20, 200, 2000)), blob)
            copy_mode = episode % 3 == 2
            hashes: dict[int, str] = {}
            for trial in range(episode * episode_len, min(trials, (episode + 1) * episode_len)):
                records.append(_one_trial(trial, rng, root, blob, copy_mode, hashes))
    failed = [r for r in records if r["problems"]]
    return {
        "trials": len(records), "seed": seed, "seconds": round(time.perf_counter() - started, 1),
        "killed": sum(r["killed"] for r in records),
        "by_mode": dict(Counter(r["mode"] for r in records)),
        "copy_mode_trials": sum(r["copy_mode"] for r in records),
        "killed_in": dict(Counter(r["killed_in"] for r in records if r["killed"])),
        "killed_at_call": dict(Counter(r.get("killed_at_call") for r in records if r.get("killed_at_call"))),
        "temps_left_by_kill": sum(r.get("temps_after_kill", 0) > 0 for r in records),
        "active_missing_after_kill": sum(r.get("active_missing_after_kill", False) for r in records),
        "failed_trials": len(failed), "failures": failed[:10],
    }


def _race_checks(root: Path, summaries: list[dict], lock: str) -> list[str]:
    problems = []
    final_notes = "harness: final extend"
    final = SplitManager(root).extend_split(SIGNAL, notes=final_notes, check_samples=False)  # samples made after the last writer
    state = check_splits_folder(root / SIGNAL / "splits", allow_temps=False)
    problems += state.problems + coverage_problems(state, root / SIGNAL / "samples")
    if state.active_version != final:
        problems.append(f"final extend returned v{final}, active is v{state.active_version}")
    creators: dict[int, list[str]] = {}
    for s in summaries:
        for made in s.get("created", []):
            creators.setdefault(made["version"], []).append(made["notes"])
        for o in s.get("outcomes", []):
            if o["kind"] == "other_error" or (o["kind"] == "clear_error" and lock == "flock"):
                problems.append(f"unclear or unexpected answer: {o['type']}: {o['message']}")
            if lock == "unsupported" and not (o["kind"] == "clear_error" and o["type"] == "SplitLockError"):
                problems.append(f"answered without a working lock: {o}")
            if o["kind"] == "returned" and o["version"] not in state.versions:
                problems.append(f"a writer was told v{o['version']}, which is not a valid version on disk")
    for number in range(2, state.newest + 1):
        notes = state.versions.get(number, {}).get("notes")
        if notes == final_notes and number == final:
            continue
        if creators.get(number) != [notes]:
            problems.append(f"v{number}.json (notes {notes!r}) was written by {creators.get(number, [])}")
    if lock != "none":
        bad = [n for n, d in state.versions.items() if n > 1 and d["parent_version"] != n - 1]
        if bad:
            problems.append(f"versions not extending their predecessor: {bad}")
    return problems


def run_race(workers: int = 8, seconds: float = 3.0, seed: int = 1, lock: str = "flock",
             workdir: str | os.PathLike | None = None, initial: int = 100) -> dict:
    """``workers`` extenders, one producer and one reader on one signal for ``seconds``."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        root = Path(tmp) / "signals"
        blob = npz_blob(Path(tmp))
        make_bulk_signal(root, initial, blob)
        SplitManager(root).create_initial_split(SIGNAL, random_seed=seed)
        start = time.time() + 1.5 + 0.1 * workers  # every process imported before the gun
        common = {"root": str(root), "signal": SIGNAL, "start_at": start, "stop_at": start + seconds}
        procs = [_spawn("race", {**common, "worker": i, "expected": i % 2 == 0, "lock": lock}) for i in range(workers)]
        procs.append(_spawn("producer", {**common, "npz_blob": str(blob)}))
        procs.append(_spawn("reader", common))
        results = [p.communicate(timeout=seconds + 120) for p in procs]
        summaries, problems = [], []
        for proc, (out, err) in zip(procs, results):
            lines = [e for e in _lines(out) if e.get("event") == "summary"]
            if proc.returncode != 0 or not lines:
                problems.append(f"process failed (rc {proc.returncode}): {err.strip()[-400:]}")
            summaries.append(lines[-1] if lines else {})
        problems += _race_checks(root, summaries[:workers], lock)
        outcomes = Counter(o["kind"] for s in summaries[:workers] for o in s.get("outcomes", []))
        errors = Counter(o["type"] for s in summaries[:workers] for o in s.get("outcomes", []) if "type" in o)
        versions = len(check_splits_folder(root / SIGNAL / "splits").versions)
        reader = summaries[-1]
        return {
            "lock": lock, "workers": workers, "seconds": seconds, "versions": versions,
            "outcomes": dict(outcomes), "errors": dict(errors),
            "produced": summaries[workers].get("produced"),
            "reader_reads": reader.get("reads"), "reader_failures": reader.get("failure_count"),
            "reader_failure_examples": reader.get("failures", [])[:3],
            "problems": problems,
        }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--race-workers", type=int, default=8)
    parser.add_argument("--race-seconds", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the summary here")
    args = parser.parse_args(argv)
    summary = {"crash": run_crash_trials(args.trials, args.seed),
               "race": [run_race(args.race_workers, args.race_seconds, args.seed, lock)
                        for lock in ("flock", "unsupported", "none")]}
    text = json.dumps(summary, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text)
    failed = summary["crash"]["failed_trials"] or any(
        p for r in summary["race"] for p in r["problems"] if r["lock"] == "flock" or not p.startswith("unclear"))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
