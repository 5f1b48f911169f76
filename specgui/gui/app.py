"""Starting the window: the QApplication, the state, the main window, the first folder."""

from __future__ import annotations

import os
import sys
from importlib import resources
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QApplication

from .app_state import AppState, split_select
from .settings import APPLICATION, ORGANIZATION, AppSettings

if TYPE_CHECKING:
    from .main_window import MainWindow

ICON = "icons/specgui.png"  # package data of specgui.gui: an installed wheel carries it too


def app_icon() -> QIcon:
    """The application icon, read from the package (a null QIcon if it cannot be read)."""
    pixmap = QPixmap()
    try:
        pixmap.loadFromData(resources.files(__package__).joinpath(ICON).read_bytes())
    except OSError:
        return QIcon()
    return QIcon(pixmap)


def ensure_application(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, created (Fusion style, app icon) if there is none."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else [sys.argv[0]])
        app.setStyle("Fusion")
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    icon = app_icon()
    if not icon.isNull():
        app.setWindowIcon(icon)
    return app


def create_window(root: str | os.PathLike | None = None, *, select: str | None = None,
                  settings: AppSettings | None = None, poll_ms: int | None = None) -> MainWindow:
    """A main window over a new :class:`AppState`, opening ``root`` (else the last one) and
    selecting ``SIGNAL/SAMPLE_ID`` once it is scanned.

    The scan (and the load of the selected sample) start before the window's heavier modules
    (pyqtgraph, the views) are imported and built, so they overlap; results arrive through
    the event loop, after the window has connected to them.
    """
    settings = settings if settings is not None else AppSettings()
    state = AppState(**({} if poll_ms is None else {"poll_ms": poll_ms}))
    start = root if root is not None else settings.last_root()
    if start is not None:
        state.open_root(str(start))
    if select and start is not None:
        state.preload_sample(*split_select(select))
    from .main_window import MainWindow

    window = MainWindow(state, settings)
    state.setParent(window)
    if select:
        window.select_on_open(select)
    if start is None:
        window.view.show_error("No data folder open. Use File → Open folder… (Ctrl+O).")
    return window


def run_gui(root: str | None = None, select: str | None = None) -> int:
    """Open the window (selecting ``SIGNAL/SAMPLE_ID`` once scanned) and run until it closes."""
    app = ensure_application()
    window = create_window(root, select=select)
    window.show()
    return app.exec()
