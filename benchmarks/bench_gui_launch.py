"""Launch, memory and UI-thread stalls, measured in a fresh interpreter per run.

    python benchmarks/bench_gui_launch.py ROOT SPAWN_TIME [--baseline]

prints one JSON line; :func:`spawn` runs it from the driver (``bench_gui.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench_gui_support import FIELD_SIGNAL, SIZE, Lateness, rss_mb, wait_signal, wait_until


def settle(ms: int = 300) -> None:
    """Keep the event loop (and the stall meter) running a little after the work ends."""
    from PySide6.QtTest import QTest

    QTest.qWait(ms)


def first_sample(root: Path) -> str:
    return min(n[:-4] for n in os.listdir(root / FIELD_SIGNAL / "samples") if n.endswith(".npz"))


def child(root: str, t_spawn: float, baseline: bool, first_paint_only: bool = False) -> None:
    """Runs in a fresh interpreter; prints one JSON line of timings measured from ``t_spawn``
    (``first_paint_only``: only the launch, with whichever ``specgui`` is first on the path)."""
    if baseline:
        return child_baseline(Path(root), t_spawn)
    import tempfile

    os.environ["SPECGUI_CACHE_DIR"] = tempfile.mkdtemp(prefix="specgui-bench-cache-")  # verdicts start cold
    from specgui.gui.app import create_window, ensure_application

    ensure_application()
    window = create_window(root, select=f"{FIELD_SIGNAL}/{first_sample(Path(root))}", poll_ms=0)
    window.resize(*SIZE)
    window.show()
    wait_signal(window.view.sample_painted, timeout_ms=60_000)
    first_paint = time.time() - t_spawn
    if first_paint_only:
        print(json.dumps({"first_paint": first_paint}), flush=True)
        os._exit(0)  # skip the teardown: only the launch is measured
    for _ in range(20):  # a little browsing before measuring memory
        window.next_sample()
        wait_signal(window.view.sample_painted)
    rss, peak = rss_mb()
    torch_loaded = "torch" in sys.modules
    state, stalls = window.state, {}
    with Lateness() as late:
        state.scans.refresh(long=True)
        wait_signal(state.pool.long_busy_changed, lambda busy: not busy)
        wait_until(state.idle)
        settle()
    stalls["rescan of the whole root"] = late.worst_ms()
    with Lateness() as late:  # the guard decodes every new sample and every val sample once
        started = time.perf_counter()
        state.request_extend_preview("bulk")
        (preview,) = wait_signal(state.splits.extend_previewed, timeout_ms=900_000)
        cold_preview = time.perf_counter() - started
        settle()
    judged = len(preview.added) + len(preview.held_back)
    stalls[f"guarded extend preview of {judged:,} new samples, verdicts not cached yet"] = late.worst_ms()
    with Lateness() as late:
        state.request_extend_preview("bulk")
        (preview,) = wait_signal(state.splits.extend_previewed)  # verdicts cached: what a click finds
        started = time.perf_counter()
        state.splits.extend(preview)  # the one click
        wait_signal(state.splits.split_changed)
        click_to_written = time.perf_counter() - started
        wait_signal(state.scans.signal_updated, lambda snap: snap.name == "bulk" and snap.active_version == preview.new_version)
        wait_until(state.idle)
        settle()
    stalls[f"extend +{len(preview.added):,} (cached preview, write, rescan, relayout)"] = late.worst_ms()
    with Lateness() as late:
        window.tree_panel.filter_edit.setText("ab")
        wait_until(lambda: len(window.tree_panel.model.signal_rows(0).visible) < len(window.tree_panel.model.signal_rows(0).ids))
        settle()
    stalls["filter the IDs (typing 'ab')"] = late.worst_ms()
    from specgui.app.check_jobs import SanityOptions

    with Lateness() as late:
        state.sanity.start(FIELD_SIGNAL, SanityOptions(device="cpu"))
        wait_signal(state.sanity.finished, timeout_ms=300_000)
        settle()
    stalls["sanity pass of the field signal (its own process loads torch)"] = late.worst_ms()
    torch_after = "torch" in sys.modules
    window.close()
    print(json.dumps({"first_paint": first_paint, "rss": rss, "peak": peak, "torch": torch_loaded,
                      "torch_after_pass": torch_after, "stalls": stalls, "cold_preview": cold_preview,
                      "click_to_written": click_to_written, "extended": len(preview.added)}))


def child_baseline(root: Path, t_spawn: float) -> None:
    """The naive window: a QStandardItemModel tree of every ID and a bare pyqtgraph image."""
    import pyqtgraph as pg
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QSplitter, QTreeView

    app = QApplication([])
    model = QStandardItemModel()
    for signal in sorted(os.listdir(root)):
        names = sorted(n[:-4] for n in os.listdir(root / signal / "samples") if n.endswith(".npz"))
        item = QStandardItem(signal)
        item.appendRows([QStandardItem(n) for n in names])
        model.appendRow(item)
    tree = QTreeView(uniformRowHeights=True)
    tree.setModel(model)
    tree.expandAll()
    first = root / FIELD_SIGNAL / "samples" / f"{first_sample(root)}.npz"
    image = pg.ImageItem(np.load(first)["spectrogram"], axisOrder="row-major")
    plot = pg.PlotWidget()
    plot.addItem(image)
    splitter = QSplitter()
    splitter.addWidget(tree)
    splitter.addWidget(plot)
    splitter.resize(*SIZE)
    splitter.show()
    app.processEvents()
    plot.repaint()
    print(json.dumps({"first_paint": time.time() - t_spawn, "rss": rss_mb()[0]}))


def spawn(root: Path, baseline: bool, tree: Path | None = None) -> dict:
    """One launch in a fresh interpreter, reading and writing compiled bytecode as an
    installed app does (some shells set PYTHONDONTWRITEBYTECODE: it is cleared here).
    ``tree``: the first paint only, of the ``specgui`` in that checkout (an earlier commit)."""
    args = [sys.executable, __file__, str(root), str(time.time())] + (["--baseline"] if baseline else [])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if tree is not None:
        args.append("--first-paint-only")
        env["SPECGUI_BENCH_TREE"] = str(tree)
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, env=env)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    child(sys.argv[1], float(sys.argv[2]), "--baseline" in sys.argv[3:], "--first-paint-only" in sys.argv[3:])
