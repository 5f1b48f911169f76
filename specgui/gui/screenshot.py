"""Headless screenshot: open the window, select one sample, wait for it to paint, save a PNG.

Waits on facts, not time: the tree scanned, then the view's ``sample_painted`` for that ID
and the split panel's version list; any failure (unknown signal or sample, a load error,
an unusable folder, the timeout) ends the run with a message naming the problem.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from .main_window import MainWindow

EXIT_OK, EXIT_FAILED = 0, 1
WINDOW_SIZE = (1600, 1000)


class ScreenshotDriver(QObject):
    """Drives ``window`` to ``select`` ("SIGNAL/SAMPLE_ID", None: the first sample) and saves ``out``."""

    def __init__(self, window: MainWindow, select: str | None, out: str | Path, timeout_s: float = 30.0):
        super().__init__(window)
        self.window, self.out = window, Path(out)
        self.select = select
        self.exit_code: int | None = None
        self.message = ""
        self._wanted: tuple[str, str] | None = None
        self._painted = self._listed = False
        state = window.state
        state.scans.signals_scanned.connect(self._on_signals_scanned)
        state.scans.root_failed.connect(self._on_root_failed)
        state.samples.sample_failed.connect(self._on_sample_failed)
        state.splits.versions_listed.connect(self._on_versions_listed)
        window.view.sample_painted.connect(self._on_sample_painted)
        self._timer = QTimer(self, singleShot=True, interval=int(timeout_s * 1000))
        self._timer.timeout.connect(self._on_timeout)
        self._timer.start()

    def _on_signals_scanned(self, snapshots) -> None:
        if self._wanted is not None:
            return
        names = [s.name for s in snapshots]
        if self.select is None:
            first = next((s for s in snapshots if s.ids), None)
            if first is None:
                return self._finish(EXIT_FAILED, "no samples to show in this folder")
            self._wanted = (first.name, first.ids[0])
        else:
            signal, _, sample_id = self.select.partition("/")
            if signal not in names:
                return self._finish(EXIT_FAILED, f"unknown signal {signal!r} (signals: {', '.join(names) or 'none'})")
            if not sample_id:
                return self._finish(EXIT_FAILED, f"--select needs SIGNAL/SAMPLE_ID, got {self.select!r}")
            self._wanted = (signal, sample_id)
        if not self.window.tree_panel.select(*self._wanted):
            self._finish(EXIT_FAILED, f"unknown sample {self._wanted[1]!r} in signal {self._wanted[0]!r}")

    def _on_sample_painted(self, sample_id: str) -> None:
        if self._wanted is not None and sample_id == self._wanted[1]:
            self._painted = True
            self._maybe_save()

    def _on_versions_listed(self, outcome) -> None:
        if self._wanted is not None and outcome.signal == self._wanted[0]:
            self._listed = True
            self._maybe_save()

    def _on_sample_failed(self, signal: str, sample_id: str, message: str, path: str) -> None:
        if (signal, sample_id) == self._wanted:
            self._finish(EXIT_FAILED, f"cannot show {signal}/{sample_id}: {message}")

    def _on_root_failed(self, message: str) -> None:
        self._finish(EXIT_FAILED, message)

    def _on_timeout(self) -> None:
        what = "/".join(self._wanted) if self._wanted else "the data folder"
        self._finish(EXIT_FAILED, f"timed out waiting for {what} to be shown")

    def _maybe_save(self) -> None:
        if not (self._painted and self._listed) or self.exit_code is not None:
            return
        QApplication.processEvents()  # let the last layout and paint settle
        pixmap = self.window.grab()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        if not pixmap.save(str(self.out), "PNG"):
            return self._finish(EXIT_FAILED, f"{self.out}: cannot write the PNG")
        self._finish(EXIT_OK, f"wrote {self.out} ({pixmap.width()}x{pixmap.height()})")

    def _finish(self, code: int, message: str) -> None:
        if self.exit_code is not None:
            return
        self.exit_code, self.message = code, message
        self._timer.stop()
        self.window.close()
        QApplication.instance().exit(code)


def take_screenshot(window: MainWindow, select: str | None, out: str | Path, timeout_s: float) -> tuple[int, str]:
    """Show ``window`` at 1600x1000, run until the PNG is saved or the run fails."""
    driver = ScreenshotDriver(window, select, out, timeout_s)
    window.resize(*WINDOW_SIZE)
    window.show()
    if driver.exit_code is None:
        QApplication.instance().exec()
    return driver.exit_code if driver.exit_code is not None else EXIT_FAILED, driver.message
