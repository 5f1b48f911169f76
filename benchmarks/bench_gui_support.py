"""Shared by the window benchmarks: cached data folders, waits on signals, stall meter, RSS.

Importing it sets offscreen Qt and a throwaway settings file, so no benchmark touches the
user's settings.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SPECGUI_SETTINGS_FILE", os.path.join(tempfile.mkdtemp(prefix="bench-gui-"), "s.ini"))
REPO = Path(__file__).resolve().parents[1]
_IMPORT_FROM = os.environ.get("SPECGUI_BENCH_TREE") or str(REPO)  # an earlier checkout, for an A/B launch
if _IMPORT_FROM not in sys.path:
    sys.path.insert(0, _IMPORT_FROM)
DATA = Path(tempfile.gettempdir()) / "specgui-bench-gui"
SIZE = (1600, 1000)
FIELD_SIGNAL = "burst"  # write_demo's first signal


# -- data ------------------------------------------------------------------------------
def field_root(count: int = 40) -> Path:
    """One demo signal of field-typical compressed 1024x1024 samples (cached between runs)."""
    root = DATA / "field"
    if not (root / "signals").is_dir():
        from specgui.core.demo.writer import write_demo

        write_demo(root, signals=1, samples=count, seed=1)
    return root / "signals"


def bulk_root(bulk: int) -> Path:
    """``bulk`` tiny samples in one signal (v1 holds 80% of them) plus the field signal.

    Each sample has noise of its own (16x16): the extension guard holds back exact and near
    copies of val samples, so identical files would all be held back.
    """
    root = DATA / f"bulk{bulk}-distinct"
    samples = root / "bulk" / "samples"
    if not (root / "bulk" / "splits" / "v1.json").is_file():
        shutil.rmtree(root, ignore_errors=True)
        samples.mkdir(parents=True)
        rng = np.random.default_rng(0)
        ids = sorted({rng.bytes(8).hex() for _ in range(bulk)})
        meta = json.dumps({"boxes": [{"x_min": 1, "y_min": 1, "x_max": 8, "y_max": 8}]})
        for sample_id in ids:
            np.savez_compressed(samples / f"{sample_id}.npz", spectrogram=rng.integers(0, 255, (16, 16), dtype=np.uint8))
            (samples / f"{sample_id}.json").write_text(meta)
        from specgui.core.splits.manager import SplitManager

        (root / "splits_tmp").mkdir()
        for sample_id in ids[int(bulk * 0.8):]:  # the last 20% arrive after v1: pending
            os.rename(samples / f"{sample_id}.npz", root / "splits_tmp" / f"{sample_id}.npz")
        SplitManager(root).create_initial_split("bulk", 0.2, 0, check_samples=False)  # setup, not measured
        for name in os.listdir(root / "splits_tmp"):
            os.rename(root / "splits_tmp" / name, samples / name)
        (root / "splits_tmp").rmdir()
        shutil.copytree(field_root() / FIELD_SIGNAL, root / FIELD_SIGNAL)
    reset_to_v1(root, "bulk")
    return root


def reset_to_v1(root: Path, signal: str) -> None:
    """Undo an earlier run's extend: v1 active again, later versions gone (data is reused)."""
    from specgui.core.splits.manager import SplitManager

    manager = SplitManager(root)
    if manager.get_active_split_version(signal) != 1:
        manager.set_active_version(signal, 1)
    for path in (root / signal / "splits").glob("v*.json"):
        if path.name != "v1.json":
            path.unlink()


# -- waiting and measuring ---------------------------------------------------------------------------
def wait_signal(signal, check=lambda *a: True, timeout_ms: int = 30_000):
    from PySide6.QtCore import QEventLoop, QTimer

    loop, hit = QEventLoop(), []

    def on_signal(*args):
        if check(*args):
            hit.append(args)
            loop.quit()

    signal.connect(on_signal)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(on_signal)
    if not hit:
        raise TimeoutError(f"no {signal} within {timeout_ms} ms")
    return hit[0]


def wait_until(predicate, timeout_s: float = 300.0) -> None:  # a cold guard on 100k needs minutes on 2 cores
    from PySide6.QtTest import QTest

    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        QTest.qWait(2)


def pct(values, q) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q))


def rss_mb() -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


class Lateness:
    """A 10 ms QTimer on the UI thread; the largest gap beyond 10 ms is how long it was blocked."""

    def __init__(self):
        from PySide6.QtCore import Qt, QTimer

        self.ticks: list[float] = []
        self.timer = QTimer(interval=10, timerType=Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.on_tick)

    def on_tick(self):
        self.ticks.append(time.perf_counter())

    def __enter__(self):
        self.ticks.clear()
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.stop()

    def worst_ms(self) -> float:
        return max(0.0, float(np.max(np.diff(self.ticks)) * 1000 - 10)) if len(self.ticks) > 1 else float("nan")


