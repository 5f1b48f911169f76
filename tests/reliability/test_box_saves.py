"""Box saves and review-state writes under SIGKILL and concurrent writers: files stay whole."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from specgui.core.review.states import read_review_states
from specgui.core.samples.index import scan_signal

from ..helpers import make_signal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
REPO = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent('''
    import sys, itertools
    from specgui.core.review.box_save import save_boxes, file_sha256
    from specgui.core.review.states import set_review_states
    from specgui.core.errors import SampleConflictError
    path, signal_dir, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    print("ready", flush=True)
    for i in itertools.count():
        if mode == "boxes":
            box = [{"x_min": i % 40, "y_min": 1, "x_max": i % 40 + 3, "y_max": 5, "label": "w" + str(i)}]
            try:
                save_boxes(path, box, file_sha256(path), (32, 48))
            except SampleConflictError:
                pass  # the other writer won this round
        else:
            set_review_states(signal_dir, ["0000", "0001"], ("reviewed", "relabel", "exclude")[i % 3], "n" * (i % 50))
''')


def start(path, signal_dir, mode):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(signal_dir), mode],
                            stdout=subprocess.PIPE, env=env)
    assert proc.stdout.readline().strip() == b"ready"
    return proc


def stop(proc) -> None:
    """SIGKILL, reap, and close our end of its stdout pipe."""
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()


@pytest.mark.parametrize("mode", ["boxes", "review"])
def test_sigkill_during_saves_leaves_every_file_whole(tmp_path, mode):
    signal_dir = make_signal(tmp_path / "signals", "sig", ["0000", "0001"], extra={"original_boxes": [{"t": 1}]})
    path = signal_dir / "samples" / "0000.json"
    rng = random.Random(7)
    for _ in range(12):
        proc = start(path, signal_dir, mode)
        time.sleep(rng.uniform(0.01, 0.25))
        stop(proc)
        data = json.loads(path.read_text())  # whole: old or new, never half
        assert data["original_boxes"] == [{"t": 1}] and isinstance(data["boxes"], list)
        if mode == "review":
            assert set(read_review_states(signal_dir)) <= {"0000", "0001"}
        assert scan_signal(signal_dir).complete == ("0000", "0001")  # a left temp file is no sample


def test_two_concurrent_box_writers_never_lose_a_file_and_conflicts_are_clear(tmp_path):
    signal_dir = make_signal(tmp_path / "signals", "sig", ["0000"], extra={"original_boxes": [{"t": 1}]})
    path = signal_dir / "samples" / "0000.json"
    writers = [start(path, signal_dir, "boxes") for _ in range(2)]
    readers_ok = 0
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        data = json.loads(path.read_text())
        assert data["original_boxes"] == [{"t": 1}] and len(data["boxes"]) == 1
        readers_ok += 1
    for proc in writers:
        assert proc.poll() is None, "a writer died: an unexpected error"
        stop(proc)
    assert readers_ok > 10
    leftovers = [p.name for p in path.parent.iterdir() if ".tmp-" in p.name]
    assert scan_signal(signal_dir).complete == ("0000",), leftovers
