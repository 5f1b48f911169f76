"""Run the reliability suite and the stress harness, and write RELIABILITY.md from their output.

Nothing in the report is typed by hand except the file-system notes at the end: fault
classes, injection methods and case lists come from the test modules' docstrings and the
JUnit XML of the run; trial counts and outcomes from ``stress_splits``' JSON summary.

Usage: ``python benchmarks/reliability_report.py [--trials 200] [--race-seconds 5]
[--out RELIABILITY.md]``. Exits 1 if a test failed or a stress invariant broke.
"""

from __future__ import annotations

import argparse
import ast
import json
import platform
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SUITE = REPO / "tests" / "reliability"
sys.path.insert(0, str(REPO))

from benchmarks.stress_splits import run_crash_trials, run_race  # noqa: E402

FILE_SYSTEM_NOTES = """\
## File systems and locks

**Mechanism.** Every split write (create, extend, activate) holds `splits/.specgui.lock`
through `filelock` (`flock(2)` on POSIX, `LockFileEx` on Windows). Under the lock a new
`vN.json` is written to a hidden temp file, fsynced, then given its name with `link(2)`,
which fails if the name exists; `active.json` is swapped by `rename(2)`; the folder is
fsynced after each (the order is pinned by `test_write_order_survives_power_loss`). So
even where the lock silently excludes nothing, no version file can be overwritten (the
`none` race above) and readers only ever see whole files. One exception: on a file
system without hard links (`link(2)` fails with EPERM/ENOTSUP, e.g. some SMB, FUSE or
FAT-family mounts) the exclusive create falls back to check-then-rename, which is
exclusive only under a working lock.

Box saves take the signal's edit lock, `{signal}/.specgui.lock`, with a bare `flock(2)`
(`specgui/core/review/edit_lock.py`: filelock's bookkeeping cost more than half a bare
JSON write), which is what filelock takes on POSIX, so the two kinds of holder exclude
each other; the SHA-256 check and the rename both happen under it, so two writers cannot
both pass the check. Review states (`review.json`) are written under the split lock.

| File system | Lock across machines | Source |
|---|---|---|
| Local ext4 / xfs / btrfs / tmpfs | yes | tested here (kill, race and lock-failure suites) |
| NFSv3 (with lockd) / NFSv4 | yes: Linux emulates `flock` with whole-file byte-range locks since 2.6.12 | flock(2), "NFS details" |
| NFS mounted `nolock` or `local_lock=flock`/`all` | **no**: locks are local to each client | nfs(5); behaviour = the `none` race |
| SMB/CIFS, Linux client ≥ 5.5 | yes: `flock` emulated with SMB byte-range locks | flock(2), "CIFS details" |
| SMB/CIFS, Linux client ≤ 5.4, or mounted `nobrl` | **no**: not propagated to the server | flock(2), mount.cifs(8); = the `none` race |
| SMB from Windows clients | yes (`LockFileEx` on the server) | filelock; not tested here |
| FUSE (sshfs, cloud-drive mounts) | varies; often local-only or `ENOSYS` | not tested here |

**Where locks are not supported.** `flock` failing with `ENOSYS`, `ENOLCK` (NFS without
a lock daemon) or `EOPNOTSUPP` makes every split write stop at once with
`SplitLockError: …/.specgui.lock: this file system does not support file locks; refusing
to write splits`; reads (browsing, `get_split`, the training dataset) keep working.
filelock 4 would otherwise fall back silently to a marker-file lock, which does not
exclude clients that do have `flock`, and which mistook the empty lock file those clients
leave for a held lock: every write then waited 60 s and blamed "another writer". specgui
turns that fallback off.

**Where locks silently do nothing** (the `no` rows): two writers can both proceed. The
exclusive `link(2)` keeps every version whole and never overwritten, val never changes,
and no sample is lost (the next extend picks up whatever a loser did not write), but a
loser may get `SplitVersionExistsError` or, when one writer's cleanup removes the other's
temp file, a bare `FileNotFoundError`; the version chain may branch (parents not N-1).
Mount such shares with locking enabled.

**Read-only data.** Writes stop with `SplitLockError` saying "no write permission" or
"read-only"; reads work. Tested with permission bits (as the unprivileged `nobody`, since
root ignores them), a read-only bind mount, and injected `EROFS`.

**Stale locks.** A killed writer's `flock` is released by the kernel; the empty lock file
stays and is harmless. On NFSv4 a crashed *client's* lock lasts until its lease expires
(about 90 s by default), so a writer may wait up to the 60 s timeout and then get a
`SplitLockError` naming the lock file; retrying later succeeds.
"""


def run_suite(xml_path: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(SUITE), f"--junitxml={xml_path}"]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)


def module_docs() -> dict[str, tuple[str, str]]:
    """Test module -> (title, what it injects), from each module's docstring."""
    docs = {}
    for path in sorted(SUITE.glob("test_*.py")):
        text = ast.get_docstring(ast.parse(path.read_text())) or path.stem
        title, _, rest = text.partition("\n")
        docs[path.stem] = (title.strip(), " ".join(rest.split()).removeprefix("Injected:").strip())
    return docs


def test_results(xml_path: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Test module -> [(test name, outcome, message)] from the JUnit XML."""
    results: dict[str, list[tuple[str, str, str]]] = {}
    for case in ET.parse(xml_path).getroot().iter("testcase"):
        module = case.get("classname", "").split(".")[-1]
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome, message = "FAILED", (child.get("message") or "")[:200]
            elif child.tag == "skipped":
                xfail = (child.get("type") or "").endswith("xfail")
                outcome = "xfail (known bug)" if xfail else "skipped"
                message = (child.get("message") or "").removeprefix("xfail").strip(" -:")
        results.setdefault(module, []).append((case.get("name", ""), outcome, message))
    return results


def crash_section(crash: dict) -> list[str]:
    lines = ["## Crash consistency (stress run)", "",
             "Injection: `tests/reliability/stress_worker.py crash` creates, extends, previews and rolls back "
             "splits in a subprocess, adding samples between operations, and is SIGKILLed either at a seeded "
             "random moment (`timed`) or right before/after its K-th file-system call inside a split operation "
             "(`syscall`). Trials run in episodes of 10 on one folder (sizes 20, 200 or 2,000 samples); every "
             "third episode has no symlinks (`active.json` is a plain copy). After each kill the independent "
             "checker (`tests/reliability/split_checker.py`, plain json/os) checks every invariant, then one new "
             "sample arrives and the next extend must succeed, leave no temp file and cover every sample on disk.",
             "", "| Figure | Value |", "|---|---|"]
    rows = [("trials", crash["trials"]), ("seed", crash["seed"]), ("processes SIGKILLed", crash["killed"]),
            ("kill modes", ", ".join(f"{k} {v}" for k, v in sorted(crash["by_mode"].items()))),
            ("trials without symlinks (copy mode)", crash["copy_mode_trials"]),
            ("killed during", ", ".join(f"{k} {v}" for k, v in sorted(crash["killed_in"].items()))),
            ("kills that left a hidden temp file (all removed by the next extend)", crash["temps_left_by_kill"]),
            ("kills between writing v1 and linking active.json (recovered)", crash["active_missing_after_kill"]),
            ("trials with a broken invariant or a failed next extend", f"**{crash['failed_trials']}**"),
            ("wall time", f"{crash['seconds']} s")]
    lines += [f"| {k} | {v} |" for k, v in rows]
    calls = Counter({k: v for k, v in crash["killed_at_call"].items()})
    lines += ["", "Syscall kills by call: " + ", ".join(f"{k} ×{v}" for k, v in sorted(calls.items())) + "."]
    for failure in crash["failures"]:
        lines.append(f"- FAILED trial {failure['trial']}: {'; '.join(failure['problems'])[:300]}")
    return lines + [""]


def race_section(races: list[dict]) -> list[str]:
    lines = ["## Concurrency (stress run)", "",
             "Injection: N extender processes start at the same instant on one signal (half preview and pass "
             "`expected_parent`, half extend blindly), while a producer keeps writing new samples and a reader "
             "keeps reading the split through specgui's `get_split`, the seed's `get_split` (`active.json`, as "
             "the training service does) and raw `json.load` of every new `vN.json`. Each writer records what it "
             "wrote at the moment of writing. Checked afterwards: every version written by exactly one process "
             "and still holding that process's notes (none overwritten), versions contiguous, each extending its "
             "predecessor (with a lock), val unchanged, no sample lost or listed twice, every answer a success or "
             "a clear `StaleSplitError`, and no partial read. `unsupported` runs it with `flock` failing "
             "(ENOSYS) in every writer: each write must be refused at once with `SplitLockError`. `none` runs it "
             "with the lock removed, as on a share whose locks are local to each client: answers may be unclear "
             "there, but no invariant may break.", "",
             "| lock | writers | seconds | versions | answers | errors | samples produced | reader reads "
             "| partial reads | broken invariants |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in races:
        answers = ", ".join(f"{k} {v}" for k, v in sorted(r["outcomes"].items()))
        errors = ", ".join(f"{k} {v}" for k, v in sorted(r["errors"].items())) or "none"
        broken = [p for p in r["problems"] if r["lock"] == "flock" or not p.startswith("unclear")]
        lines.append(f"| {r['lock']} | {r['workers']} | {r['seconds']} | {r['versions']} | {answers} | {errors} "
                     f"| {r['produced']} | {r['reader_reads']} | {r['reader_failures']} | **{len(broken)}** |")
    for r in races:
        kinds = Counter(p.split(":")[0] + ":" + p.split(":")[1] if ":" in p else p for p in r["problems"])
        for kind, count in kinds.most_common(5):
            example = next(p for p in r["problems"] if p.startswith(kind))
            lines.append(f"- `{r['lock']}` race, {count}× {kind} — e.g. {example[len(kind):].lstrip(': ')[:200]}")
    return lines + [""]


def suite_section(results, docs, returncode: int) -> list[str]:
    total = Counter(outcome for cases in results.values() for _n, outcome, _m in cases)
    lines = ["## Fault classes tested in CI (`python -m pytest tests/reliability`)", "",
             "Totals: " + ", ".join(f"{v} {k}" for k, v in sorted(total.items())) + f" (pytest exit {returncode}).", ""]
    known, skipped = [], []
    for module, (title, injected) in docs.items():
        cases = results.get(module, [])
        counts = Counter(outcome for _n, outcome, _m in cases)
        lines += [f"### {title}", "", f"*Injected:* {injected}", "",
                  "*Outcome:* " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + f" — `{module}.py`", ""]
        per_test: dict[str, Counter] = {}
        for name, outcome, _m in cases:
            per_test.setdefault(name.split("[")[0], Counter())[outcome] += 1
        for name, tally in per_test.items():
            cases_note = ", ".join(f"{v} {k}" for k, v in sorted(tally.items()))
            lines.append(f"- `{name}`: {cases_note}")
        lines += [f"- FAILED `{n}`: {m}" for n, o, m in cases if o == "FAILED"]
        lines.append("")
        known += [(module, n, m) for n, o, m in cases if o.startswith("xfail")]
        skipped += [(module, n, m) for n, o, m in cases if o == "skipped"]
    lines += ["## Known bugs left open (strict xfail: the suite fails when they are fixed, to be un-marked)", ""]
    lines += [f"- `{m}::{n}` — {msg}" for m, n, msg in known] or ["- none"]
    lines += ["", "## Skipped here", ""]
    lines += [f"- `{m}::{n}` — {msg}" for m, n, msg in skipped] or ["- none: every test ran on this machine"]
    return lines + [""]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--race-workers", type=int, default=8)
    parser.add_argument("--race-seconds", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(REPO / "RELIABILITY.md"))
    args = parser.parse_args(argv)
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        xml_path = Path(tmp) / "suite.xml"
        suite = run_suite(xml_path)
        results = test_results(xml_path)
    crash = run_crash_trials(args.trials, args.seed)
    races = [run_race(args.race_workers, args.race_seconds, args.seed, lock)
             for lock in ("flock", "unsupported", "none")]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    fs = subprocess.run(["df", "-T", tempfile.gettempdir()], capture_output=True, text=True).stdout.split("\n")[-2:]
    header = ["# RELIABILITY", "",
              f"Generated by `benchmarks/reliability_report.py` (do not edit by hand) at commit `{commit}`, "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, in {time.time() - started:.0f} s. "
              f"Python {platform.python_version()} on {platform.system()} {platform.release()}, "
              f"{platform.machine()}; temp file system: `{' '.join(fs[0].split()[:2]) if fs[0] else 'unknown'}`.",
              "", "Question asked of every fault: is every split intact, and does nothing escape the data folder? "
              "Raw figures: `python benchmarks/stress_splits.py --json out.json`.", ""]
    body = header + crash_section(crash) + race_section(races) + suite_section(results, module_docs(), suite.returncode)
    Path(args.out).write_text("\n".join(body) + "\n" + FILE_SYSTEM_NOTES)
    print(json.dumps({"out": args.out, "pytest_exit": suite.returncode, "crash_failures": crash["failed_trials"],
                      "race_problems": {r["lock"]: len(r["problems"]) for r in races}}))
    broken = suite.returncode != 0 or crash["failed_trials"] or any(
        p for r in races for p in r["problems"] if r["lock"] == "flock" or not p.startswith("unclear"))
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
