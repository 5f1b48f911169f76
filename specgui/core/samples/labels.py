"""Reading and checking a sample's ``.json``: boxes plus every metadata key, kept as-is."""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..errors import SampleError
from ..fs import check_inside, parse_json
from ..fs import read_json_bytes as fs_read_json_bytes

#: Sample JSON larger than this is refused unread (field files are a few KB).
MAX_JSON_BYTES = 16 * 1024 * 1024
BOX_KEYS = ("x_min", "y_min", "x_max", "y_max")


@dataclass(frozen=True)
class SampleLabels:
    """A sample's boxes (pixels, xyxy, float64 ``[N, 4]``), per-box labels and all metadata."""

    boxes: np.ndarray
    box_labels: tuple[str | None, ...]
    metadata: dict = field(repr=False)
    #: SHA-256 (hex) of the exact bytes parsed: a later save refuses if the file no longer has it
    sha256: str = field(default="", repr=False)

    @property
    def box_count(self) -> int:
        return int(self.boxes.shape[0])


def load_sample_labels(
    path: str | os.PathLike,
    image_shape: tuple[int, int] | None = None,
    *,
    root: str | os.PathLike | None = None,
) -> SampleLabels:
    """Parse and check a sample JSON; with ``image_shape`` (rows, cols) boxes must lie inside it.

    Raises :class:`SampleError` naming ``path`` for: missing/unreadable file, over
    :data:`MAX_JSON_BYTES`, not UTF-8, malformed or too deeply nested JSON, not an object,
    ``boxes`` missing or not a list, a box that is not an object, misses a key, has a
    non-numeric or non-finite coordinate, is inverted or of zero area, or leaves the image.
    """
    path = Path(path)
    check_inside(path, Path(root) if root is not None else None)
    metadata, digest = read_json_object(path)
    boxes, labels = parse_boxes(metadata, path)
    if image_shape is not None:
        check_boxes_inside(boxes, image_shape, path)
    return SampleLabels(boxes=boxes, box_labels=labels, metadata=metadata, sha256=digest)


def read_json_object(path: Path) -> tuple[dict, str]:
    """A JSON object file, parsed, and the SHA-256 of the bytes it was parsed from."""
    blob = read_json_bytes(path)
    return parse_json_object(blob, path), hashlib.sha256(blob).hexdigest()


def read_json_bytes(path: Path) -> bytes:
    """A sample JSON's bytes (a regular file, at most :data:`MAX_JSON_BYTES`)."""
    return fs_read_json_bytes(path, SampleError, MAX_JSON_BYTES)


def read_sample_metadata(path: str | os.PathLike, *, root: str | os.PathLike | None = None) -> dict:
    """A sample JSON's object, read with the same guards as :func:`load_sample_labels` (size,
    UTF-8, regular file, no symlink out of ``root``) but without checking its boxes: for
    readers of metadata alone, such as capture windows. Raises :class:`SampleError`."""
    check_inside(path, root)
    path = Path(path)
    return parse_json_object(read_json_bytes(path), path)


def parse_json_object(blob: bytes, path: Path) -> dict:
    """``blob`` decoded as one JSON object; :class:`SampleError` naming ``path`` otherwise."""
    data = parse_json(blob, path, SampleError)
    if not isinstance(data, dict):
        raise SampleError(path, f"expected a JSON object, found {type(data).__name__}")
    return data


def _coordinate(box: dict, key: str, index: int, path: Path) -> float:
    value = box[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SampleError(path, f"box {index}: '{key}' is {value!r}, not a number")
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        raise SampleError(path, f"box {index}: '{key}' is an integer too large to be a coordinate") from None
    if not math.isfinite(number):
        raise SampleError(path, f"box {index}: '{key}' is {value}, not a finite number")
    return number


def box_corners(box, index: int, path: Path, number: Callable[[dict, str, int, Path], Any]) -> tuple:
    """``(x_min, y_min, x_max, y_max)`` of box ``index``, each read by ``number`` (a coordinate
    here, a whole pixel for a save): :class:`SampleError` naming ``path`` for a box that is not
    an object, lacks a key, or has zero area or max < min."""
    if not isinstance(box, dict):
        raise SampleError(path, f"box {index} is {type(box).__name__}, expected an object")
    missing = [k for k in BOX_KEYS if k not in box]
    if missing:
        raise SampleError(path, f"box {index} lacks {', '.join(missing)}")
    x0, y0, x1, y1 = corners = tuple(number(box, k, index, path) for k in BOX_KEYS)
    if x1 <= x0 or y1 <= y0:
        what = "zero area" if (x1 == x0 or y1 == y0) else "inverted"
        x0, y0, x1, y1 = (format(v, "g") if isinstance(v, float) else v for v in corners)
        raise SampleError(path, f"box {index} is {what}: x {x0}..{x1}, y {y0}..{y1}")
    return corners


def parse_boxes(metadata: dict, path: Path) -> tuple[np.ndarray, tuple[str | None, ...]]:
    """Boxes ``[N, 4]`` float64 xyxy and one label per box (``label``, else ``class_names[i]``)."""
    if "boxes" not in metadata:
        raise SampleError(path, "no 'boxes' key")
    raw_boxes = metadata["boxes"]
    if not isinstance(raw_boxes, list):
        raise SampleError(path, f"'boxes' is {type(raw_boxes).__name__}, expected a list")
    class_names = metadata.get("class_names")
    if not (isinstance(class_names, list) and len(class_names) == len(raw_boxes)):
        class_names = None
    rows: list[tuple[float, float, float, float]] = []
    labels: list[str | None] = []
    for i, box in enumerate(raw_boxes):
        rows.append(box_corners(box, i, path, _coordinate))
        label = box.get("label")
        if label is None and class_names is not None:
            label = class_names[i]
        labels.append(None if label is None else str(label))
    boxes = np.array(rows, dtype=np.float64).reshape(len(rows), 4)
    return boxes, tuple(labels)


def check_boxes_inside(boxes: np.ndarray, image_shape: tuple[int, int], path: Path) -> None:
    """Every box within ``0..cols`` × ``0..rows`` (pixel edges, so ``max == cols`` is allowed)."""
    rows, cols = image_shape
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        if x0 < 0 or y0 < 0 or x1 > cols or y1 > rows:
            raise SampleError(
                path,
                f"box {i} ({x0:g}, {y0:g}, {x1:g}, {y1:g}) lies outside the {cols}x{rows} image",
            )
