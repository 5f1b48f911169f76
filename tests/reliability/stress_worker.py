"""Subprocess side of the crash and race harnesses (``benchmarks/stress_splits.py``).

Run as a script: ``python stress_worker.py MODE JSON_ARGS``. Each mode drives the real
``SplitManager`` in its own process so the parent can SIGKILL it or race it:

- ``crash``: add samples and create/extend/preview/roll back splits in a seeded random
  order. With ``kill_at=K`` it SIGKILLs itself right before (or after) the K-th
  file-system call made inside a split operation, which places kills exactly between
  the steps of an atomic write; with ``kill_at=0`` the parent kills it at a random time.
- ``race``: extend the same signal in a loop until ``stop_at``, half the workers passing
  ``expected_parent`` from a fresh preview. ``lock`` may be ``unsupported`` (flock fails
  with ENOSYS, as on a file system without locks) or ``none`` (no lock at all, as on a
  share whose locks are local to each client).
- ``producer``: keep writing new complete samples until ``stop_at``.
- ``reader``: read the split the way consumers do (specgui ``get_split``, the seed's
  ``get_split`` on ``active.json``, raw ``json.load`` of each ``vN.json``) and record
  anything that is not a whole file.

Each mode prints JSON lines; the last one is its summary.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import signal
import sys
import time
from pathlib import Path

COUNTED_CALLS = ("open", "write", "fsync", "close", "link", "replace", "symlink", "unlink", "mkdir", "rename")


def emit(**fields) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def write_sample(samples_dir: Path, sample_id: str, blob: bytes) -> None:
    """An external tool writing a sample: plain writes, npz first, then the json."""
    (samples_dir / f"{sample_id}.npz").write_bytes(blob)
    (samples_dir / f"{sample_id}.json").write_text(json.dumps({"sample_id": sample_id, "boxes": []}))


def disable_symlinks() -> None:
    """Make ``os.symlink`` fail as on a share without symlinks: ``active.json`` becomes a copy."""
    def refuse(*_args, **_kwargs):
        raise OSError(errno.EPERM, "symlinks not supported here")
    os.symlink = refuse


class SyscallKiller:
    """Counts file-system calls while ``armed`` and SIGKILLs the process at call ``kill_at``."""

    def __init__(self, kill_at: int, after: bool):
        self.kill_at, self.after, self.count, self.armed = kill_at, after, 0, False
        for name in COUNTED_CALLS:
            setattr(os, name, self._wrap(name, getattr(os, name)))

    def _wrap(self, name, real):
        def wrapper(*args, **kwargs):
            if not self.armed:
                return real(*args, **kwargs)
            self.count += 1
            if self.count == self.kill_at and not self.after:
                self._die(name, "before")
            try:
                return real(*args, **kwargs)
            finally:  # "after" holds for a call that raised, too
                if self.count == self.kill_at and self.after:
                    self._die(name, "after")
        return wrapper

    def _die(self, name: str, when: str) -> None:
        emit(event="kill", call=f"os.{name}", when=when, call_index=self.count)
        os.kill(os.getpid(), signal.SIGKILL)

    @contextlib.contextmanager
    def arm(self):
        self.armed = True
        try:
            yield
        finally:
            self.armed = False


def run_crash(args: dict) -> None:
    from specgui.core.splits.manager import SplitManager

    if args.get("copy_mode"):
        disable_symlinks()
    rng = random.Random(args["seed"])
    root, sig = Path(args["root"]), args["signal"]
    samples = root / sig / "samples"
    blob = Path(args["npz_blob"]).read_bytes()
    killer = SyscallKiller(args["kill_at"], args.get("after", False)) if args["kill_at"] else None
    arm = killer.arm if killer else contextlib.nullcontext
    manager = SplitManager(root)
    emit(event="ready")
    for n in range(args["ops"]):
        for k in range(rng.choice((0, 1, 1, 2, 3))):
            write_sample(samples, f"{args['prefix']}{n:04d}_{k}", blob)
        has_split = (root / sig / "splits" / "v1.json").exists()
        op = rng.choices(("extend", "extend_expected", "rollback", "preview"), (55, 20, 15, 10))[0] if has_split else "create"
        emit(event="begin", op=op, n=n)
        with arm():
            if op == "create":
                result = manager.extend_split(sig, check_samples=False)  # one blob for all: locking, not the guard
            elif op == "extend":
                result = manager.extend_split(sig, check_samples=False)  # one blob for all: locking, not the guard
            elif op == "extend_expected":
                preview = manager.preview_extend(sig)
                result = manager.extend_split(sig, expected_parent=preview.parent_version, check_samples=False)
            elif op == "rollback":
                usable = [row.version for row in manager.list_versions(sig) if row.problem is None]
                result = rng.choice(usable)
                manager.set_active_version(sig, result)
            else:
                result = manager.preview_extend(sig).new_version
        emit(event="done", op=op, n=n, result=result)
    emit(event="finished", calls=killer.count if killer else None)


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


def _install_lock_mode(mode: str) -> None:
    if mode == "unsupported":
        import fcntl

        def no_flock(_fd, _op):
            raise OSError(errno.ENOSYS, "flock not supported")
        fcntl.flock = no_flock
    elif mode == "none":
        import specgui.core.splits.manager as splits_module

        splits_module.split_lock = lambda *_a, **_k: contextlib.nullcontext()


def run_race(args: dict) -> None:
    import warnings

    from specgui.core.errors import SpecguiError, StaleSplitError
    from specgui.core.splits.manager import SplitManager

    import specgui.core.splits.manager as splits_module

    warnings.simplefilter("ignore")
    _install_lock_mode(args.get("lock", "flock"))
    manager, sig, me = SplitManager(args["root"]), args["signal"], args["worker"]
    outcomes: list[dict] = []
    created: list[dict] = []  # what this process really wrote, recorded at the write itself
    real_write = splits_module.write_new_version

    def recording_write(splits_dir, data):
        path = real_write(splits_dir, data)
        created.append({"version": data["version"], "notes": data["notes"]})
        return path
    splits_module.write_new_version = recording_write
    _sleep_until(args["start_at"])
    attempt = 0
    while time.time() < args["stop_at"]:
        attempt += 1
        notes = f"worker {me} attempt {attempt}"
        expected = None
        try:
            if args["expected"]:
                expected = manager.preview_extend(sig).parent_version
            version = manager.extend_split(sig, expected_parent=expected, notes=notes, check_samples=False)
            outcomes.append({"kind": "returned", "version": version, "notes": notes, "expected": expected})
        except StaleSplitError as exc:
            outcomes.append({"kind": "stale", "expected": exc.expected, "actual": exc.actual})
        except SpecguiError as exc:
            outcomes.append({"kind": "clear_error", "type": type(exc).__name__, "message": str(exc)})
        except Exception as exc:  # anything else is an unclear answer: the harness fails on it
            outcomes.append({"kind": "other_error", "type": type(exc).__name__, "message": str(exc)})
    emit(event="summary", worker=me, outcomes=outcomes, created=created)


def run_producer(args: dict) -> None:
    samples = Path(args["root"]) / args["signal"] / "samples"
    blob = Path(args["npz_blob"]).read_bytes()
    _sleep_until(args["start_at"])
    made = 0
    while time.time() < args["stop_at"]:
        write_sample(samples, f"p{made:06d}", blob)
        made += 1
        time.sleep(args.get("interval", 0.004))
    emit(event="summary", produced=made)


def _whole(data: object) -> bool:
    return (isinstance(data, dict) and isinstance(data.get("train_samples"), list)
            and data.get("train_count") == len(data["train_samples"])
            and data.get("val_count") == len(data.get("val_samples") or []))


class _PlainJsonReader:
    """Where ../shared/seed is absent: the field's consumer read by hand (open active.json, json.load)."""

    def __init__(self, root: Path):
        self.root = root

    def get_split(self, signal: str) -> tuple[list, list]:
        with open(self.root / signal / "splits" / "active.json") as fh:
            data = json.load(fh)
        return data["train_samples"], data["val_samples"]


def _seed_reader(root: Path):
    """The seed's SplitManager (the field's consumer) where ../shared/seed is present."""
    try:
        from seed_splits import SplitManager as SeedSplitManager
    except ImportError:
        return _PlainJsonReader(root)
    return SeedSplitManager(str(root))


def run_reader(args: dict) -> None:
    import warnings

    from specgui.core.splits.manager import SplitManager

    warnings.simplefilter("ignore")
    root, sig = Path(args["root"]), args["signal"]
    splits = root / sig / "splits"
    ours, seed = SplitManager(root), _seed_reader(root)
    reads, failures, parsed = 0, [], set()
    _sleep_until(args["start_at"])
    while time.time() < args["stop_at"]:
        try:
            train, val = ours.get_split(sig)
            assert val and not set(train) & set(val), "specgui get_split: empty val or overlap"
            train, val = seed.get_split(sig)
            assert val, "seed get_split: empty val"
            for name in os.listdir(splits):
                if name.startswith("v") and name.endswith(".json") and name not in parsed:
                    with open(splits / name, "rb") as fh:
                        assert _whole(json.load(fh)), f"{name} is not whole"
                    parsed.add(name)
            reads += 3
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {exc}")
    emit(event="summary", reads=reads, versions_parsed=len(parsed), failures=failures[:20], failure_count=len(failures))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "shared" / "seed"))
    mode, raw = sys.argv[1], json.loads(sys.argv[2])
    {"crash": run_crash, "race": run_race, "producer": run_producer, "reader": run_reader}[mode](raw)
