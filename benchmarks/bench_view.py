"""Sample-swap latency of the spectrogram view against the naive pyqtgraph way.

Times show_sample() -> the next finished paint of the view, for 1024x1024 uint8 images
with 20 boxes, offscreen, in a 1400x900 window; ``--swaps`` swaps (default 100) after a
warm-up. The baseline, measured in the same run, is a bare PlotWidget + ImageItem whose
20 boxes are RectROIs removed and re-created on every swap.

    python benchmarks/bench_view.py [--swaps N] [--out benchmarks/results/view.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
import PySide6  # noqa: E402
from PySide6 import QtCore, QtWidgets  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from specgui.core.samples.labels import SampleLabels  # noqa: E402
from specgui.core.samples.loading import LoadedSample, load_sample  # noqa: E402
from specgui.gui.widgets.sample.spectrogram_view import SpectrogramView  # noqa: E402
from machine_info import host_line  # noqa: E402

TORCHSIG = REPO.parent / "shared" / "data" / "torchsig-sample"
N_BOXES = 20


def make_samples(count: int = 8) -> list[LoadedSample]:
    """Real TorchSig spectrograms where present (else noise), each with 20 random boxes."""
    rng = np.random.default_rng(0)
    images = [load_sample(p.parent, p.stem).spectrogram for p in sorted(TORCHSIG.glob("*/samples/*.npz"))]
    while len(images) < count:
        images.append(rng.integers(0, 256, (1024, 1024), dtype=np.uint8))
    samples = []
    for i, pixels in enumerate(images[:count]):
        x0, y0 = rng.uniform(0, 900, N_BOXES), rng.uniform(0, 900, N_BOXES)
        boxes = np.stack([x0, y0, x0 + rng.uniform(10, 120, N_BOXES), y0 + rng.uniform(10, 120, N_BOXES)], 1)
        meta = {"boxes": [dict(zip(("x_min", "y_min", "x_max", "y_max"), b)) for b in boxes.tolist()],
                "window_start_sec": 1.0, "window_duration_sec": 0.1, "center_freq_mhz": 825.0, "sample_rate_mhz": 20.0}
        labels = SampleLabels(boxes, tuple(f"signal {j}" for j in range(N_BOXES)), meta)
        samples.append(LoadedSample(f"s{i:03d}", Path("x.npz"), Path("x.json"), pixels, labels))
    return samples


class _PaintedPlot(pg.PlotWidget):
    painted = QtCore.Signal()

    def paintEvent(self, event):
        super().paintEvent(event)
        self.painted.emit()


class NaiveView:
    """The baseline: ImageItem + one RectROI per box, all re-created on every swap."""

    def __init__(self):
        self.widget = _PaintedPlot()
        self.widget.getPlotItem().invertY(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.widget.addItem(self.image)
        self.rois: list[pg.RectROI] = []

    def show_sample(self, sample: LoadedSample) -> None:
        self.image.setImage(sample.spectrogram, autoLevels=False, levels=(0, 255))
        for roi in self.rois:
            self.widget.removeItem(roi)
        self.rois = []
        for x0, y0, x1, y1 in sample.labels.boxes.tolist():
            roi = pg.RectROI((x0, y0), (x1 - x0, y1 - y0), pen="c", movable=False)
            self.widget.addItem(roi)
            self.rois.append(roi)


def time_swaps(app, widget, painted_signal, show, samples, swaps: int) -> dict[str, list[float]]:
    """Per swap, in ms: inside show(), and show() to the end of the next paint (wall clock
    and the CPU time of this process, all threads: Qt may convert images on a thread pool),
    the CPU figure being the cost without the waits a busy machine adds)."""
    done: list[tuple[float, float]] = []
    painted_signal.connect(lambda *a: done.append((time.perf_counter(), time.process_time())))
    out: dict[str, list[float]] = {"call": [], "wall": [], "cpu": []}
    for i in range(swaps + 10):
        for _ in range(3):
            app.processEvents()
        done.clear()
        t0, c0 = time.perf_counter(), time.process_time()
        show(samples[i % len(samples)])
        t1 = time.perf_counter()
        while not done:
            app.processEvents()
        if i >= 10:  # warm-up: first layout, colormap loading, caches
            out["call"].append((t1 - t0) * 1e3)
            out["wall"].append((done[0][0] - t0) * 1e3)
            out["cpu"].append((done[0][1] - c0) * 1e3)
    return out


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def machine() -> str:
    return (f"{host_line()}; Python "
            f"{platform.python_version()}, PySide6 {PySide6.__version__}, pyqtgraph {pg.__version__}, "
            f"QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM')}; load average before the run "
            f"{os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--swaps", type=int, default=100)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "view.md")
    args = parser.parse_args()
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    samples = make_samples()

    view = SpectrogramView()
    view.resize(1400, 900)
    view.show()
    ours = time_swaps(app, view, view.sample_painted, view.show_sample, samples, args.swaps)
    view.hide()

    naive = NaiveView()
    naive.widget.resize(1400, 900)
    naive.widget.show()
    base = time_swaps(app, naive.widget, naive.widget.painted, naive.show_sample, samples, args.swaps)

    rows = []
    for name, t in (("SpectrogramView (BoxesItem)", ours), ("naive ImageItem + 20 RectROIs", base)):
        rows.append((name, pct(t["call"], 50), pct(t["wall"], 50), pct(t["wall"], 95), max(t["wall"]),
                     pct(t["cpu"], 50), pct(t["cpu"], 95)))
    ratio50, ratio95 = rows[1][2] / rows[0][2], rows[1][3] / rows[0][3]
    cpu50, cpu95 = rows[1][5] / rows[0][5], rows[1][6] / rows[0][6]
    table = "\n".join("| " + " | ".join([r[0]] + [f"{v:.2f}" for v in r[1:]]) + " |" for r in rows)
    met = "met" if rows[0][2] <= 8 and rows[0][3] <= 16 else "not met"
    met_cpu = "met" if rows[0][5] <= 8 and rows[0][6] <= 16 else "not met"
    report = f"""# Spectrogram view: sample-swap latency

`python benchmarks/bench_view.py --swaps {args.swaps}` on {time.strftime('%Y-%m-%d')}.

Machine: {machine()}.

A swap is `show_sample()` of a 1024x1024 uint8 spectrogram with {N_BOXES} boxes, timed to the
end of the next paint of the view (1400x900 window, offscreen raster), {args.swaps} swaps after
10 warm-up swaps. Loading files is not included (the draw part only).

| view | show() call p50 | to painted p50 | to painted p95 | to painted max | CPU p50 | CPU p95 |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
{table}

All in ms. "to painted" is wall-clock time; "CPU" is the process's CPU time (all threads)
over the same span: what the swap costs without the waits that other processes on this
shared machine add.

The naive way takes {ratio50:.1f}x as long at p50 and {ratio95:.1f}x at p95 (CPU: {cpu50:.1f}x, {cpu95:.1f}x).
Goal for the view, p50 <= 8 ms and p95 <= 16 ms: wall clock **{met}**, CPU time **{met_cpu}**.

What the view does per swap, and why it is cheap:

- one `setImage(autoLevels=False)`: levels stay as set, no min/max pass over the pixels;
- the coloured image goes to Qt as `Format_RGB32` (pyqtgraph would hand over `Indexed8`,
  which Qt draws scaled ~10x slower: ~3.3 ms vs ~0.3 ms here);
- boxes: one `QPainterPath` rebuilt in one item, opaque cosmetic pens (a translucent wide
  pen cost ~0.8 ms to stroke), tag texts laid out once and cached by text;
- histogram: `np.bincount` of a 1/16 subsample, log heights scaled to 0..1 (pyqtgraph's
  `np.histogram` took ~1 ms, and changing count ranges cost a second repaint);
- axes are re-ticked only when the pixel/real-unit mapping changes.

The baseline draws a grey image without a colour lookup table (pyqtgraph's fastest case),
so the comparison flatters it. The machine is shared with other work (2 cores), so single
swaps vary; p95 and max show that noise.
"""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
