"""The spectrogram view: one sample's pixels, its boxes, colour scale, axes and hover readout.

Time runs left to right and row 0 (the highest frequency) is at the top, as in the file.
Image and boxes stay in pixel coordinates; real units (ms, MHz) only relabel the axes and
the readout. Colormap, levels and zoom are kept from sample to sample so samples compare;
the levels come from the session's first sample (robust percentiles) unless set by hand.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from specgui.core.samples.loading import LoadedSample

from .box_editor import BoxEditor
from .boxes_item import BoxesItem, describe_box
from .colormaps import DEFAULT_COLORMAP, available_colormaps, get_colormap
from specgui.core.samples.axes import AxesMapping, format_value, mapping_from_metadata, missing_real_unit_fields
from .spectrogram_canvas import SpectrogramCanvas
from .view_settings import DEFAULT_LEVELS, auto_levels, clean_view_settings, session_levels

class SpectrogramView(QtWidgets.QWidget):
    """Shows one :class:`LoadedSample`; zoom/pan with the mouse, settings kept across samples."""

    # A sample's image and boxes reached the screen (the first paint after show_sample; only
    # the latest of quick swaps is reported, and nothing while the view is hidden).
    sample_painted = QtCore.Signal(str)
    view_settings_changed = QtCore.Signal()  # the user changed colormap, levels, axes or labels

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._sample_id: str | None = None
        self._pending_paint: str | None = None
        self._mapping: AxesMapping | None = None
        self._missing: list[str] = []
        self._colormap = DEFAULT_COLORMAP
        self._levels = DEFAULT_LEVELS
        self._levels_set_by_hand = False  # hand-set (or restored hand-set) levels are never refitted
        self._session_fit_pending = True  # the first sample shown fits the levels the session keeps
        self._auto_levels = False
        self._axes_mode = "pixels"
        self._canvas = SpectrogramCanvas()
        self._canvas.painted.connect(self._on_canvas_painted)
        self._canvas.levels_edited.connect(self._on_levels_edited)
        self._canvas.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._image, self._boxes = self._canvas.image_item, self._canvas.boxes_item
        self.box_editor = BoxEditor(self._boxes, self._canvas.editor_item, self)
        self._canvas.installEventFilter(self)
        self._build_controls()
        self._build_edit_actions()
        self._set_colormap(self._colormap)
        self._canvas.set_levels(self._levels)
        self._update_axes()

    def _build_controls(self) -> None:
        self._colormap_combo = QtWidgets.QComboBox()
        self._colormap_combo.addItems(available_colormaps())
        self._colormap_combo.setToolTip("Colormap of the image")
        self._auto_levels_check = QtWidgets.QCheckBox("Auto levels")
        self._auto_levels_check.setToolTip("Fit levels to each new image (off: the levels fitted to the first sample, or set by hand, "
                                            "stay fixed so samples compare)")
        self._axes_check = QtWidgets.QCheckBox("ms / MHz axes")
        self._labels_check = QtWidgets.QCheckBox("Box labels")
        self._labels_check.setChecked(True)
        self.reset_view_action = QtGui.QAction("Reset view", self)
        self.reset_view_action.setToolTip("Fit the whole image (Home)")
        self.reset_view_action.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key.Key_Home))
        self.reset_view_action.setShortcutContext(QtCore.Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.reset_view_action)
        reset_button = QtWidgets.QToolButton()
        reset_button.setDefaultAction(self.reset_view_action)
        self._readout = QtWidgets.QLabel(" ")
        self._readout.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self._error_label = QtWidgets.QLabel()
        self._error_label.setWordWrap(True)
        self._error_label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self._error_label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self._error_label.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Ignored)
        self._error_label.setStyleSheet("QLabel { background: black; color: #eeeeee; padding: 24px; }")
        self._stack = QtWidgets.QStackedWidget()
        self._stack.addWidget(self._canvas)
        self._stack.addWidget(self._error_label)
        bar = QtWidgets.QHBoxLayout()
        for widget in (QtWidgets.QLabel("Colormap"), self._colormap_combo, self._auto_levels_check,
                       self._axes_check, self._labels_check, reset_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self._stack, 1)
        layout.addWidget(self._readout)
        self._colormap_combo.currentTextChanged.connect(self._on_colormap_chosen)
        self._auto_levels_check.toggled.connect(self._on_auto_levels_toggled)
        self._axes_check.toggled.connect(self._on_axes_toggled)
        self._labels_check.toggled.connect(self._on_labels_toggled)
        self.reset_view_action.triggered.connect(self.reset_view)

    def _build_edit_actions(self) -> None:
        """Box editing keys; window-wide so they work from the sample list too (a focused
        text field keeps its own Del and Ctrl+Z)."""
        editor = self.box_editor
        specs = (
            ("add_box_action", "Add a box (then drag)", ("W",), editor.start_add),
            ("delete_box_action", "Delete the selected box", ("Del", "Backspace"), editor.delete_selected),
            ("duplicate_box_action", "Duplicate the selected box", ("Ctrl+D",), editor.duplicate_selected),
            ("label_box_action", "Change the selected box's label", ("L",), editor.change_label),
            ("undo_action", "Undo the last box edit", ("Ctrl+Z",), editor.undo),
            ("redo_action", "Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), editor.redo),
            ("save_boxes_action", "Save this sample's boxes", ("Ctrl+S",), editor.save),
        )
        for name, text, keys, slot in specs:
            action = QtGui.QAction(text, self)
            action.setShortcuts([QtGui.QKeySequence(k) for k in keys])
            action.setShortcutContext(QtCore.Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            setattr(self, name, action)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        """Canvas keys: Tab cycles boxes, arrows nudge, Esc cancels (before window shortcuts)."""
        # getattr: Qt may still deliver events while the window closes and this wrapper is torn down
        if watched is getattr(self, "_canvas", None) and getattr(self, "box_editor", None) is not None:
            kind = event.type()
            if kind == QtCore.QEvent.Type.ShortcutOverride and self.box_editor.wants_key(event):
                event.accept()
                return True
            if kind == QtCore.QEvent.Type.KeyPress and self.box_editor.handle_key(event):
                return True
        return super().eventFilter(watched, event)

    # -- public API -----------------------------------------------------------------------

    @property
    def current_sample_id(self) -> str | None:
        return self._sample_id

    @property
    def painted_sample_id(self) -> str | None:
        """The sample whose image is on screen (None while none is, or before its first paint)."""
        return self._sample_id if self._pending_paint is None else None

    @property
    def image_item(self) -> pg.ImageItem:
        return self._image

    @property
    def boxes_item(self) -> BoxesItem:
        return self._boxes

    @property
    def canvas(self) -> SpectrogramCanvas:
        """The graphics widget (plot, image, boxes, histogram)."""
        return self._canvas

    @property
    def axes_mapping(self) -> AxesMapping | None:
        """The current sample's pixel <-> ms/MHz mapping, None when its JSON lacks one."""
        return self._mapping

    def show_sample(self, sample: LoadedSample) -> None:
        """Show ``sample``'s pixels and boxes, keeping colormap, levels and (same size) zoom."""
        pixels = sample.spectrogram
        if pixels.ndim != 2 or 0 in pixels.shape:
            self.show_error(f"Spectrogram has shape {pixels.shape}; expected a 2-D image", str(sample.npz_path))
            return
        self._stack.setCurrentWidget(self._canvas)
        metadata = sample.labels.metadata
        if self._auto_levels:
            self._levels = auto_levels(pixels)
        elif self._session_fit_pending and not self._levels_set_by_hand:
            self._levels = session_levels(pixels)
        self._session_fit_pending = False
        self._canvas.set_image(pixels, self._levels)
        self._mapping = mapping_from_metadata(metadata, pixels.shape)
        self._missing = missing_real_unit_fields(metadata) if self._mapping is None else []
        boxes, mapping = sample.labels.boxes, self._mapping
        self._boxes.set_boxes(boxes, sample.labels.box_labels,
                              lambda i: describe_box(i, boxes[i], metadata, mapping))
        # kept edits of this sample (if any) replace the file's boxes just drawn
        self.box_editor.show_sample(sample, lambda i, rect, meta: describe_box(i, rect, meta, mapping))
        self._sample_id = sample.sample_id
        self._update_axes()
        self._readout.setText(" ")
        self._pending_paint = sample.sample_id

    def show_error(self, message: str, path: str | None = None) -> None:
        """Replace the image with a readable message (and the file it is about)."""
        self.clear()
        text = f"<p style='font-size:16px'><b>Cannot show this sample</b></p><p>{html.escape(str(message))}</p>"
        if path:
            text += f"<p style='color:#aaaaaa'>{html.escape(str(path))}</p>"
        self._error_label.setText(text)
        self._stack.setCurrentWidget(self._error_label)

    def clear(self) -> None:
        """Show nothing: no image, no boxes, no sample."""
        self.box_editor.show_sample(None)
        self._canvas.clear_image()
        self._sample_id = self._pending_paint = self._mapping = None
        self._missing = []
        self._readout.setText(" ")
        self._stack.setCurrentWidget(self._canvas)
        self._update_axes()

    @property
    def error_text(self) -> str:
        """The message shown instead of the image (plain text), '' when none is shown."""
        if self._stack.currentWidget() is not self._error_label:
            return ""
        return QtGui.QTextDocumentFragment.fromHtml(self._error_label.text()).toPlainText()

    def reset_view(self) -> None:
        """Fit the whole image in the view."""
        self._canvas.reset_view()

    def highlight_box(self, index: int | None) -> None:
        """Draw box ``index`` highlighted; None or -1 (MetadataPanel's "no box") for none."""
        self._boxes.set_highlight(None if index is None or index < 0 else index)

    def view_settings(self) -> dict:
        """Colormap, levels, auto levels, axes mode and labels: plain JSON-able values."""
        return {
            "colormap": self._colormap,
            "levels": [float(self._levels[0]), float(self._levels[1])],
            "levels_set_by_hand": self._levels_set_by_hand,
            "auto_levels": self._auto_levels,
            "axes_mode": self._axes_mode,
            "labels_shown": self._boxes.labels_shown,
        }

    def apply_view_settings(self, settings: Mapping) -> None:
        """Apply saved settings; junk values are ignored one by one. Emits nothing."""
        clean = clean_view_settings(settings, available_colormaps())
        if "colormap" in clean:
            self._set_colormap(clean["colormap"])
        if "levels" in clean:
            self._levels = clean["levels"]
            self._canvas.set_levels(self._levels)
        if "levels_set_by_hand" in clean:  # else the session's first sample still fits them
            self._levels_set_by_hand = clean["levels_set_by_hand"]
        if "auto_levels" in clean:
            self._auto_levels = clean["auto_levels"]
            self._set_checked(self._auto_levels_check, self._auto_levels)
        if "axes_mode" in clean:
            self._axes_mode = clean["axes_mode"]
            self._update_axes()
        if "labels_shown" in clean:
            self._boxes.set_labels_shown(clean["labels_shown"])
            self._set_checked(self._labels_check, clean["labels_shown"])

    # -- internals ------------------------------------------------------------------------

    @staticmethod
    def _set_checked(box: QtWidgets.QAbstractButton, checked: bool) -> None:
        blocker = QtCore.QSignalBlocker(box)
        box.setChecked(checked)
        del blocker

    def _set_colormap(self, name: str) -> None:
        cmap = get_colormap(name)
        if cmap is None:
            return
        self._colormap = name
        self._canvas.set_colormap(cmap)
        blocker = QtCore.QSignalBlocker(self._colormap_combo)
        self._colormap_combo.setCurrentText(name)
        del blocker

    def _update_axes(self) -> None:
        mapping = self._mapping
        self._axes_check.setEnabled(mapping is not None)
        self._set_checked(self._axes_check, self._axes_mode == "real")
        why = "" if mapping is not None or self._sample_id is None else (
            "\nNot available: this sample's JSON lacks " + ", ".join(self._missing))
        self._axes_check.setToolTip("Axes in ms since the window start and MHz instead of pixels" + why)
        self._canvas.set_mapping(mapping if self._axes_mode == "real" else None)

    def readout_at(self, x: float, y: float) -> str:
        """The hover text for pixel-coordinate point ``(x, y)``; '' outside the image."""
        image = self._image.image
        if image is None or self._stack.currentWidget() is not self._canvas:
            return ""
        row, col = math.floor(y), math.floor(x)
        if not (0 <= row < image.shape[0] and 0 <= col < image.shape[1]):
            return ""
        text = f"row {row}, col {col}   value {int(image[row, col])}"
        if self._mapping is not None:
            m = self._mapping
            text += (f"   t {format_value(m.x_to_ms(x), m.ms_per_col)} ms"
                     f"   f {format_value(m.y_to_mhz(y), m.mhz_per_row)} MHz")
        box = self._boxes.box_at(x, y)
        return text if box is None else f"{text}   box {box}"

    # -- handlers -------------------------------------------------------------------------

    def _on_canvas_painted(self) -> None:
        if self._pending_paint is not None:
            sample_id, self._pending_paint = self._pending_paint, None
            self.sample_painted.emit(sample_id)

    def _on_mouse_moved(self, scene_pos: QtCore.QPointF) -> None:
        point = self._canvas.pixel_at(scene_pos)
        self._readout.setText((self.readout_at(*point) if point else "") or " ")

    def _on_levels_edited(self, low: float, high: float) -> None:
        self._levels = (low, high)
        self._levels_set_by_hand = True
        self._session_fit_pending = False
        if self._auto_levels:  # a hand-set level would be overwritten by the next image
            self._auto_levels = False
            self._set_checked(self._auto_levels_check, False)
        self.view_settings_changed.emit()

    def _on_colormap_chosen(self, name: str) -> None:
        self._set_colormap(name)
        self.view_settings_changed.emit()

    def _on_auto_levels_toggled(self, checked: bool) -> None:
        self._auto_levels = checked
        if checked and self._image.image is not None:
            self._levels = auto_levels(self._image.image)
            self._canvas.set_levels(self._levels)
        self.view_settings_changed.emit()

    def _on_axes_toggled(self, checked: bool) -> None:
        self._axes_mode = "real" if checked else "pixels"
        self._update_axes()
        self.view_settings_changed.emit()

    def _on_labels_toggled(self, checked: bool) -> None:
        self._boxes.set_labels_shown(checked)
        self.view_settings_changed.emit()
