"""Box save cost: ``save_boxes`` (edit lock, hash check, key-preserving encode, temp + fsync +
rename + folder fsync) against a bare ``json.dump`` + ``os.replace`` of the same file, in the
same run, rounds interleaved; writes ``benchmarks/results/box_editing.md``.

    python benchmarks/bench_save.py [--repeats 300] [--out benchmarks/results/box_editing.md]

Besides the two figures the goal compares, each round also times the parts a save is made
of, so the report can say where the time goes: the fsyncs are the disk's, not specgui's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from machine_info import host_line  # noqa: E402

from specgui.core.atomic_files import write_atomic  # noqa: E402
from specgui.core.review.box_save import encode_sample, file_sha256, save_boxes, validate_boxes  # noqa: E402
from specgui.core.review.edit_lock import edit_lock  # noqa: E402
from specgui.core.review.json_splice import splice_values  # noqa: E402
from specgui.core.samples.labels import parse_json_object, read_json_bytes  # noqa: E402
from specgui.core.splits.store import split_lock  # noqa: E402

TORCHSIG = REPO.parent / "shared" / "data" / "torchsig-sample" / "wideband" / "samples" / "0001.json"
GOAL = 2.0


def sample_bytes() -> tuple[bytes, str]:
    if TORCHSIG.is_file():
        return TORCHSIG.read_bytes(), "the TorchSig `wideband/samples/0001.json`"
    data = {"boxes": [{"x_min": 1, "y_min": 1, "x_max": 5, "y_max": 5, "label": "x"}] * 5, "pad": "x" * 3000}
    return (json.dumps(data, indent=1) + "\n").encode(), "a generated sample JSON (TorchSig copy absent)"


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def timed(fn) -> tuple[float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - w0) * 1e3, (time.process_time() - c0) * 1e3


def run(repeats: int, source: bytes) -> dict[str, dict[str, list[float]]]:
    out: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        samples = Path(tmp) / "sig" / "samples"
        samples.mkdir(parents=True)
        path = samples / "0001.json"
        path.write_bytes(source)
        data = json.loads(source)
        boxes = data["boxes"]
        sha = file_sha256(path)
        old_path = samples / "0002.json"
        old_path.write_bytes(source)
        sha_before = file_sha256(old_path)

        def bare():
            with open(samples / ".bare.tmp", "w") as fh:
                json.dump(data, fh, indent=1)
            os.replace(samples / ".bare.tmp", samples / "bare.json")

        def bare_fsync():  # the same, made durable: what any safe writer pays at least
            with open(samples / ".dur.tmp", "w") as fh:
                json.dump(data, fh, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(samples / ".dur.tmp", samples / "durable.json")
            fsync_dir(samples)

        def ours():
            nonlocal sha
            sha = save_boxes(path, boxes, sha, (1024, 1024), edited_by="bench")

        def before():  # the save as it was: filelock, whole parse, whole encode (same checks and writes)
            nonlocal sha_before
            with split_lock(samples.parent, timeout=10):
                blob = read_json_bytes(old_path)
                if hashlib.sha256(blob).hexdigest() != sha_before:
                    raise RuntimeError("conflict")
                metadata = dict(parse_json_object(blob, old_path))
                metadata.update({"boxes": validate_boxes(boxes, (1024, 1024), old_path),
                                 "edited_at": "2026-01-01T00:00:00Z", "edited_by": "bench"})
                data = encode_sample(metadata, 1)
                write_atomic(old_path, data)
                sha_before = hashlib.sha256(data).hexdigest()

        def read_hash_parse():
            blob = read_json_bytes(path)
            hashlib.sha256(blob).hexdigest()
            parse_json_object(blob, path)

        text = source.decode()
        changed = {"boxes": boxes, "edited_at": "2026-01-01T00:00:00Z", "edited_by": "bench"}

        def flock():
            with edit_lock(samples.parent, 10):
                pass

        def filelock_lock():
            with split_lock(samples.parent, timeout=10):
                pass

        parts = {"bare": bare, "bare_fsync": bare_fsync, "ours": ours, "before": before, "flock": flock,
                 "filelock": filelock_lock, "read_hash_parse": read_hash_parse,
                 "splice": lambda: splice_values(text, changed, 1),
                 "encode": lambda: encode_sample(data, 1)}
        for name in parts:
            out[name] = {"wall": [], "cpu": []}
        for i in range(repeats + 10):
            for name, fn in parts.items():  # interleaved: a busy spell hits every part alike
                wall, cpu = timed(fn)
                if i >= 10:  # warm-up
                    out[name]["wall"].append(wall)
                    out[name]["cpu"].append(cpu)
    return out


def med(values: list[float]) -> float:
    return statistics.median(values)


def report(args, source_name: str, size: int, t: dict) -> str:
    b, o, d = (med(t[k]["wall"]) for k in ("bare", "ours", "bare_fsync"))
    bc, oc = med(t["bare"]["cpu"]), med(t["ours"]["cpu"])
    ratio, ratio_cpu, ratio_durable = o / b, oc / bc, o / d
    fsync_share = d - b
    met = "met" if ratio <= GOAL else "not met"
    rows = [
        ("bare `json.dump(indent=1)` + `os.replace` (no fsync)", "bare"),
        ("the same + file fsync + folder fsync (the least a durable write costs)", "bare_fsync"),
        ("`save_boxes`: edit lock, SHA-256 check, key-preserving encode, temp + fsync + rename + folder fsync", "ours"),
        ("the save as it was before this change (`filelock`, whole parse, whole encode; same writes)", "before"),
    ]
    table = "\n".join(f"| {label} | {med(t[k]['wall']):.3f} | {med(t[k]['cpu']):.3f} | "
                      f"{med(t[k]['wall']) / b:.2f}x |" for label, k in rows)
    part_rows = [
        ("edit lock: bare `flock` (what `save_boxes` takes now)", "flock"),
        ("edit lock: `filelock` (what it took before)", "filelock"),
        ("read + SHA-256 + parse of the current file (one read)", "read_hash_parse"),
        ("splice: scan the text, encode only `boxes` + the edit keys (what a save does)", "splice"),
        ("encode the whole object (`json.dumps`, indent kept: what a save did before)", "encode"),
    ]
    parts = "\n".join(f"| {label} | {med(t[k]['wall']):.3f} | {med(t[k]['cpu']):.3f} |" for label, k in part_rows)
    return f"""# Box editing: saving

`python benchmarks/bench_save.py --repeats {args.repeats}` on {time.strftime('%Y-%m-%d')}.

Machine: {host_line()}; Python {platform.python_version()}; temp folder `{tempfile.gettempdir()}`;
load average before the run {args.load:.2f}.

{args.repeats} saves of {source_name} ({size:,} bytes) each way, rounds interleaved (each round
runs every variant once, so a busy spell on this shared machine hits all alike), 10 warm-up
rounds dropped; medians.

| what | wall (ms) | CPU (ms) | wall / bare |
| --- | ---: | ---: | ---: |
{table}

Goal, a save costing at most {GOAL:.0f}x the bare write: **{met}** ({ratio:.2f}x wall clock;
{ratio_cpu:.2f}x in CPU time). Against the same bare write made durable (file and folder
fsync) a save costs {ratio_durable:.2f}x: the two fsyncs alone add {fsync_share:.3f} ms,
{fsync_share / b:.2f}x the bare write, on this disk in this run. They are the issue's own
"temp, fsync, rename" (and the folder fsync that makes the rename itself survive a power
cut: without it the save can vanish after a crash while the edit journal is already
cleared), so whether the 2x goal holds is decided by the disk: it holds while the two
fsyncs cost less than about the bare write, and no safe save can meet it when they cost
more (the durable bare write alone is then over 2x). On this shared machine they range
from ~0.5 ms when it is quiet to several ms while other work writes.

Parts, timed alone in the same rounds:

| part | wall (ms) | CPU (ms) |
| --- | ---: | ---: |
{parts}

What was made cheaper: the save now costs {o / med(t["before"]["wall"]):.2f}x the wall time of the save as
it was ({oc / med(t["before"]["cpu"]):.2f}x its CPU time), measured in the same rounds:

- the edit lock is a bare `flock` on the signal's `.specgui.lock`
  (`specgui/core/review/edit_lock.py`) instead of `filelock`, whose bookkeeping cost the
  difference above per save; `flock` on that file is what `filelock` takes on POSIX too, so
  older specgui writers and the split code still exclude each other (tested both ways);
- only `boxes`, `edited_at` and `edited_by` are encoded; every other value keeps its bytes
  (`specgui/core/review/json_splice.py`; the scan still parses every value with the C
  scanner, and anything unusual falls back to the whole encode);
- the current file is read once and hashed from the same bytes; the OS user is looked up
  once per process.

Kept for safety: the hash check under the lock (no lost update between two writers), temp
file + fsync + rename, and the folder fsync.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "box_editing.md")
    args = parser.parse_args()
    args.load = os.getloadavg()[0]
    source, name = sample_bytes()
    text = report(args, name, len(source), run(args.repeats, source))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
