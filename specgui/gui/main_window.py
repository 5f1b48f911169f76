"""The main window: layout, menus, shortcuts and remembered settings; nothing else.

Tree on the left; spectrogram over the split-version panel in the middle; a tab column on
the right holding the metadata panel and, added with :meth:`MainWindow.add_panel`, the
sanity-pass, leak-audit and split-health panels. Facts and intents are connected in :mod:`.window_wiring`.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QSplitter, QTabWidget, QWidget

from specgui import __version__
from specgui.core.samples.status import SampleStatus

from .app_state import AppState, split_select
from .settings import AppSettings
from .shortcuts import SHORTCUTS, ShortcutsDialog
from .widgets.sample.metadata_panel import MetadataPanel
from .widgets.sample.spectrogram_view import SpectrogramView
from .widgets.checks.audit_panel import AuditPanel
from .widgets.checks.health_panel import HealthPanel
from .widgets.job_progress import JobProgress
from .widgets.sample.sample_tree_panel import SampleTreePanel
from .widgets.checks.sanity_panel import SanityPanel
from .widgets.splits.split_panel import SplitPanel
from .edit_wiring import EditWiring
from .window_wiring import WindowParts, WindowWiring

WINDOW_TITLE = "specgui"
SPLITTERS = ("main", "center", "right")
FIRST_RUN_SCREEN_FRACTION = 0.9  # no saved geometry yet: use most of the screen, centred


class MainWindow(QMainWindow):
    """Owns the panels; ``state`` does the work, :class:`WindowWiring` routes facts."""

    def __init__(self, state: AppState, settings: AppSettings | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.settings = settings if settings is not None else AppSettings()
        self.setWindowTitle(WINDOW_TITLE)
        self.tree_panel = SampleTreePanel()
        self.view = SpectrogramView()
        self.metadata = MetadataPanel()
        self.split_panel = SplitPanel()
        self.job_progress = JobProgress()
        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(self.metadata, "Metadata")
        self.splitters = {name: QSplitter() for name in SPLITTERS}
        self.splitters["center"].setOrientation(Qt.Orientation.Vertical)
        self.splitters["right"].setOrientation(Qt.Orientation.Vertical)
        self.splitters["center"].addWidget(self.view)
        self.splitters["center"].addWidget(self.split_panel)
        self.splitters["right"].addWidget(self.side_tabs)
        for widget in (self.tree_panel, self.splitters["center"], self.splitters["right"]):
            self.splitters["main"].addWidget(widget)
        self.splitters["main"].setSizes([340, 840, 420])
        self.splitters["center"].setSizes([780, 220])
        for splitter in self.splitters.values():
            splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitters["main"])
        self.access_label = QLabel(visible=False, styleSheet="color: #e5484d")
        self.statusBar().addPermanentWidget(self.access_label)
        self.statusBar().addPermanentWidget(self.job_progress)
        self._build_menus()
        self.sanity_panel = SanityPanel()
        self.audit_panel = AuditPanel()
        self.add_panel("Sanity pass", self.sanity_panel)
        self.add_panel("Leak audit", self.audit_panel)
        self.health_panel = HealthPanel()
        self.add_panel("Split health", self.health_panel)
        self.wiring = WindowWiring(WindowParts(
            self.tree_panel, self.view, self.metadata, self.split_panel, self.job_progress, self.sanity_panel,
            self.audit_panel, self.health_panel, self.access_label, self.statusBar(), self.settings,
            self.setWindowTitle), state, parent=self)
        self.edit_wiring = EditWiring(self.view, self.tree_panel, self.statusBar(), state, parent=self)
        self._restore_settings()

    # -- extension point -----------------------------------------------------------------
    def add_panel(self, title: str, widget: QWidget) -> int:
        """Add a tab beside Metadata (the sanity and audit panels plug in here)."""
        index = self.side_tabs.addTab(widget, title)
        self.panels_menu.addAction(title, partial(self.side_tabs.setCurrentWidget, widget))
        return index

    # -- menus ---------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        go_menu = bar.addMenu("&Go")
        view_menu = bar.addMenu("&View")
        self.panels_menu = view_menu.addMenu("Panels")
        help_menu = bar.addMenu("&Help")
        menus = {"open_folder": file_menu, "refresh": file_menu, "close": file_menu,
                 "reset_view": view_menu, "focus_filter": view_menu, "cancel_jobs": file_menu}
        self.shortcut_actions: dict[str, QAction] = {}
        for shortcut in SHORTCUTS:
            action = QAction(shortcut.text, self)
            action.setShortcuts([QKeySequence(k) for k in shortcut.keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(getattr(self, shortcut.action))
            menus.get(shortcut.action, go_menu).addAction(action)
            self.shortcut_actions[shortcut.action] = action
        file_menu.addSeparator()
        self.autosave_action = QAction("Autosave box edits", self, checkable=True)
        self.autosave_action.setToolTip("Save a sample's box edits shortly after each change "
                                        "(they are always saved on leaving the sample)")
        self.autosave_action.toggled.connect(self.set_autosave)
        file_menu.addAction(self.autosave_action)
        help_menu.addAction("Keyboard shortcuts…", self.show_shortcuts)
        help_menu.addAction("About specgui…", self.show_about)

    def set_autosave(self, on: bool) -> None:
        """Autosave on or off (remembered); saving on leaving a sample stays either way."""
        self.view.box_editor.autosave = bool(on)
        self.settings.set_autosave(on)
        if self.autosave_action.isChecked() != bool(on):
            self.autosave_action.setChecked(bool(on))

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self).exec()

    def show_about(self) -> None:
        QMessageBox.about(self, "About specgui", (
            f"<b>specgui {__version__}</b><p>Browse labelled RF spectrograms and their boxes, and "
            "manage versioned train/validation splits.</p><p>Validation is frozen at v1; new samples "
            "only ever go to train. Split files stay compatible with the labeling backend.</p>"))

    # -- actions (the shortcut table names these) -----------------------------------------
    def next_sample(self) -> None:
        self.tree_panel.step(+1)

    def previous_sample(self) -> None:
        self.tree_panel.step(-1)

    def next_pending(self) -> None:
        self._jump(SampleStatus.PENDING, True)

    def previous_pending(self) -> None:
        self._jump(SampleStatus.PENDING, False)

    def next_invalid(self) -> None:
        self._jump(SampleStatus.INVALID, True)

    def previous_invalid(self) -> None:
        self._jump(SampleStatus.INVALID, False)

    def _jump(self, status: SampleStatus, forward: bool) -> None:
        if not self.tree_panel.jump(status, forward):
            self.statusBar().showMessage(f"No {status.value} sample in view", 4000)

    def reset_view(self) -> None:
        self.view.reset_view()

    def mark_reviewed_and_next(self) -> None:
        self.edit_wiring.mark("reviewed", step=True)

    def mark_relabel(self) -> None:
        self.edit_wiring.mark("relabel")

    def mark_exclude(self) -> None:
        self.edit_wiring.mark("exclude")

    def clear_review(self) -> None:
        self.edit_wiring.mark(None)

    def next_unreviewed(self) -> None:
        if not self.tree_panel.jump_review(None):
            self.statusBar().showMessage("Every shown sample has a review state", 4000)

    def next_relabel(self) -> None:
        if not self.tree_panel.jump_review("relabel"):
            self.statusBar().showMessage("No sample marked relabel in view", 4000)

    def focus_filter(self) -> None:
        self.tree_panel.filter_edit.setFocus()
        self.tree_panel.filter_edit.selectAll()

    def refresh(self) -> None:
        self.state.scans.refresh(long=True)

    def cancel_jobs(self) -> None:
        if self.job_progress.isVisible():
            self.state.cancel_long_jobs()

    def open_folder(self) -> None:
        start = self.settings.last_root() or ""
        folder = QFileDialog.getExistingDirectory(self, "Open a data folder (training_data or its signals/)", start)
        if folder:
            self.open_root(folder)

    def select_on_open(self, spec: str) -> None:
        """Select ``SIGNAL/SAMPLE_ID`` once the folder has been scanned."""
        self.wiring.select_when_scanned(*split_select(spec))

    def open_root(self, root: str) -> None:
        self.view.clear()
        self.metadata.clear()
        self.state.open_root(root)

    # -- settings ------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.blob("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self._fill_most_of_the_screen()
        for name, splitter in self.splitters.items():
            state = self.settings.blob(f"window/splitter_{name}")
            if state is not None:
                splitter.restoreState(state)
        self.view.apply_view_settings(self.settings.view_settings())
        self.view.box_editor.autosave = self.settings.autosave()
        self.autosave_action.setChecked(self.view.box_editor.autosave)

    def _fill_most_of_the_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        available = screen.availableGeometry()
        width = int(available.width() * FIRST_RUN_SCREEN_FRACTION)
        height = int(available.height() * FIRST_RUN_SCREEN_FRACTION)
        self.resize(width, height)
        self.move(available.x() + (available.width() - width) // 2, available.y() + (available.height() - height) // 2)

    def save_settings(self) -> None:
        self.settings.set_blob("window/geometry", QByteArray(self.saveGeometry()))
        current, root = self.tree_panel.current_key(), self.state.scans.root
        if current is not None and current[1] is not None and root is not None:
            self.settings.set_last_sample(str(root), *current)
        for name, splitter in self.splitters.items():
            self.settings.set_blob(f"window/splitter_{name}", QByteArray(splitter.saveState()))
        self.settings.set_view_settings(self.view.view_settings())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Remember the layout, then cancel and wait for every worker before closing."""
        self.save_settings()
        self.statusBar().showMessage("Waiting for background work to stop…")
        self.state.shutdown()
        super().closeEvent(event)
