"""The sanity pass in a child process that speaks JSON lines: how the window runs it.

Why a process: importing torch holds the GIL for ~0.35 s, which froze the window once per
session when the pass ran on a thread; and a crash in a CUDA driver or a loader worker now
ends only the child. The window's process never imports torch.

The child (``python -m specgui.core.sanity.child OPTIONS_JSON``) writes one JSON object per
line on stdout: ``{"event": "devices", "cuda": [[spec, name], ...]}`` once torch is loaded,
``{"event": "progress", ...}`` (a :class:`SanityProgress`) at most ten times a second, then
``{"event": "report", "report": {...}}`` or ``{"event": "error", "message": ...}``. SIGTERM
cancels it: the loader's workers are stopped before it exits. Other lines are ignored.

:func:`run_in_child` is the parent's side: a generator of those events as objects, which
stops the child when it is closed. Torch-free, Qt-free.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # imported where used: the child lowers its priority before numpy loads
    from .report import SanityProgress, SanityReport

#: Fewest seconds between two progress lines.
MIN_PROGRESS_S = 0.1
#: How long the parent waits for a line before yielding None (a cancel point for its caller).
POLL_S = 0.1
#: After SIGTERM, how long the child gets to stop its loader workers before SIGKILL.
STOP_GRACE_S = 10.0


@dataclass(frozen=True)
class DevicesProbed:
    """The CUDA devices the child's torch sees, as (spec, name) pairs; empty without a GPU."""

    cuda: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ChildFailed:
    """The pass could not run (no split, a bad folder, CUDA asked for but absent) or the child died."""

    message: str


def run_in_child(signals_root: str | os.PathLike, signal_name: str, version: int | None = None,
                 device: str = "auto", workers: int | None = None, batch_size: int | None = None,
                 ) -> Iterator[DevicesProbed | SanityProgress | SanityReport | ChildFailed | None]:
    """Run the pass in a child process; yield its events, and None while nothing arrived.

    Ends after a :class:`SanityReport` or a :class:`ChildFailed`. Closing the generator
    (a cancel) stops the child and, through it, every loader worker.
    """
    from .report import SanityProgress, SanityReport

    options = {"root": str(signals_root), "signal": signal_name, "version": version, "device": device,
               "workers": workers, "batch_size": batch_size}
    errors = tempfile.TemporaryFile()  # a file, not a pipe: a chatty child can never block on it
    child = subprocess.Popen([sys.executable, "-m", __name__, json.dumps(options)], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=errors)
    lines: queue.Queue[bytes | None] = queue.Queue()
    finished = False
    threading.Thread(target=_read_lines, args=(child.stdout, lines), name="sanity-child-reader", daemon=True).start()
    try:
        while True:
            try:
                line = lines.get(timeout=POLL_S)
            except queue.Empty:
                yield None  # nothing yet (torch loads for a second or two): a cancel point
                continue
            if line is None:
                yield ChildFailed(_death_notice(child, errors))
                return
            message = _decode(line)
            if message is None:
                continue
            if message["event"] == "devices":
                yield DevicesProbed(tuple((spec, name) for spec, name in message["cuda"]))
            elif message["event"] == "progress":
                yield SanityProgress(**message["progress"])
            elif message["event"] in ("report", "error"):
                finished = True  # the child is exiting on its own: no SIGTERM into its shutdown
                yield SanityReport.from_dict(message["report"]) if message["event"] == "report" \
                    else ChildFailed(message["message"])
                return
    finally:
        _stop(child, finished)
        errors.close()


def _read_lines(stream, lines: queue.Queue) -> None:
    """The child's stdout, line by line, into ``lines``; None once it closes."""
    with stream:
        for line in stream:
            lines.put(line)
    lines.put(None)


def _decode(line: bytes) -> dict | None:
    try:
        message = json.loads(line)
    except ValueError:
        return None  # not ours: something in the child printed to stdout
    return message if isinstance(message, dict) and "event" in message else None


def _death_notice(child: subprocess.Popen, errors) -> str:
    code = child.wait()
    errors.seek(0)
    tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-3:]
    how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
    return f"the sanity pass process {how} before reporting" + (f": {' / '.join(tail)}" if tail else "")


def _stop(child: subprocess.Popen, finished: bool = False) -> None:
    """Let a finished child exit on its own; else SIGTERM it (it stops its loader workers
    first), and SIGKILL it if it does not exit in time."""
    if finished and _exits(child, STOP_GRACE_S):
        return
    if child.poll() is None:
        child.terminate()
        if not _exits(child, STOP_GRACE_S):
            child.kill()
            child.wait()


def _exits(child: subprocess.Popen, timeout_s: float) -> bool:
    try:
        child.wait(timeout_s)
        return True
    except subprocess.TimeoutExpired:
        return False


# -- the child's side ---------------------------------------------------------------------

class _Cancelled(BaseException):
    """SIGTERM from the parent: unwinds the pass through its ``finally`` blocks."""


def _emit(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _on_sigterm(signum, frame) -> None:
    raise _Cancelled


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _on_sigterm)
    if hasattr(os, "nice"):
        os.nice(5)  # batch work: the window the user is clicking in comes first (workers inherit it)
    options = json.loads((argv if argv is not None else sys.argv[1:])[0])
    try:
        return _run(options)
    except _Cancelled:
        return 130


def _run(options: dict) -> int:
    import torch

    from ..errors import SpecguiError
    from .run import iter_sanity_pass, plan_sanity_pass
    from .distributed import SanityConfigError

    cuda = [[f"cuda:{i}", torch.cuda.get_device_name(i)] for i in range(torch.cuda.device_count())] \
        if torch.cuda.is_available() else []
    _emit({"event": "devices", "cuda": cuda})
    try:
        plan = plan_sanity_pass(Path(options["root"]), options["signal"], version=options["version"],
                                device=options["device"], workers=options["workers"],
                                batch_size=options["batch_size"], distributed=False)
    except (SpecguiError, SanityConfigError) as exc:
        _emit({"event": "error", "message": str(exc)})
        return 2
    events, last = iter_sanity_pass(plan), 0.0
    try:
        while True:
            try:
                progress = next(events)
            except StopIteration as stop:
                report = stop.value
                break
            now = time.monotonic()
            if now - last >= MIN_PROGRESS_S or progress.done >= progress.total:
                last = now
                _emit({"event": "progress", "progress": asdict(progress)})
    finally:
        events.close()  # on a cancel: the loader's worker processes stop here
    _emit({"event": "report", "report": report.to_dict()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
