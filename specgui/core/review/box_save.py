"""Editing a sample's boxes on disk: check, then rewrite ``{id}.json`` without clobbering.

A save keeps every other key and its value exactly (``original_boxes`` included), adds
``edited_at`` (UTC) and ``edited_by`` (keys the labeling backend ignores), and refuses with
:class:`SampleConflictError` when the file's SHA-256 is no longer the one the editor loaded
(the backend rewrites samples in place). Only the changed values are re-encoded: the others
keep their bytes (:mod:`.json_splice`). Writes are atomic (temp, fsync, rename) and taken
under the signal's edit lock, so two specgui writers cannot both pass the hash check.
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import json
import math
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..atomic_files import write_atomic
from ..errors import SampleConflictError, SampleError, SplitLockError
from ..samples.ids import sample_paths
from ..samples.labels import box_corners, parse_json_object, read_json_bytes, read_json_object
from ..samples.spectrogram_file import check_inside, load_spectrogram
from .edit_lock import edit_lock
from .json_splice import splice_values

#: The edit lock lives in the signal folder (``samples/`` belongs to the labeling backend).
EDIT_LOCK_TIMEOUT_S = 10.0
EDITED_BY_ENV = "SPECGUI_USER"


@dataclass(frozen=True)
class EditableSample:
    """A sample JSON as loaded for editing: its object, the hash of its bytes, the image size."""

    sample_id: str
    json_path: Path
    metadata: dict
    sha256: str
    image_shape: tuple[int, int]  # (rows, cols)

    @property
    def boxes(self) -> list:
        return self.metadata.get("boxes", [])


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 (hex) of a file's bytes; raises :class:`SampleError` naming it when unreadable."""
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except FileNotFoundError:
        raise SampleError(path, "file not found (deleted since it was loaded?)") from None
    except OSError as exc:
        raise SampleError(path, f"cannot read: {exc.strerror or exc}") from None


def default_editor() -> str:
    """Who edits: ``SPECGUI_USER`` when set, else the OS user, else ``"unknown"``."""
    name = os.environ.get(EDITED_BY_ENV, "").strip()
    if name:
        return name
    return _os_user()


@functools.lru_cache(maxsize=1)
def _os_user() -> str:  # a passwd lookup per save is wasted: the process's user does not change
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry, no LOGNAME: still save, just unnamed
        return "unknown"


def load_for_edit(samples_dir: str | Path, sample_id: str) -> EditableSample:
    """Read ``sample_id``'s JSON (and its image size from the ``.npz``) for editing."""
    npz_path, json_path = sample_paths(samples_dir, sample_id)
    root = Path(samples_dir).parent.parent
    check_inside(json_path, root)
    metadata, digest = read_json_object(json_path)
    shape = load_spectrogram(npz_path, root=root).shape
    return EditableSample(sample_id, json_path, metadata, digest, (int(shape[0]), int(shape[1])))


def _integer(box: dict, key: str, index: int, path: Path) -> int:
    value = box[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SampleError(path, f"box {index}: '{key}' is {value!r}, not a number")
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        raise SampleError(path, f"box {index}: '{key}' is {value!r}, not a whole pixel")
    return int(value)


def validate_boxes(raw, image_shape: tuple[int, int], path: str | os.PathLike) -> list[dict]:
    """Boxes to write, checked: a list of objects with whole-pixel ``x_min..y_max`` inside the
    image (pixel edges: ``0..cols`` × ``0..rows``), max > min, ``label`` a string or null.

    Returns copies with integer coordinates and every other per-box key kept; raises
    :class:`SampleError` naming ``path`` and the first bad box. Nothing is clamped silently.
    """
    path = Path(path)
    if not isinstance(raw, list):
        raise SampleError(path, f"boxes must be a JSON list, found {type(raw).__name__}")
    rows, cols = image_shape
    checked = []
    for i, box in enumerate(raw):
        x0, y0, x1, y1 = box_corners(box, i, path, _integer)
        if x0 < 0 or y0 < 0 or x1 > cols or y1 > rows:
            raise SampleError(path, f"box {i} ({x0}, {y0}, {x1}, {y1}) lies outside the {cols}x{rows} image")
        label = box.get("label")
        if label is not None and not isinstance(label, str):
            raise SampleError(path, f"box {i}: 'label' is {label!r}, expected a string or null")
        checked.append({**box, "x_min": x0, "y_min": y0, "x_max": x1, "y_max": y1})
    return checked


def _indent_of(blob: bytes) -> int | None:
    """The indent the file was written with (None: one line), so a save keeps its look."""
    first_end = blob.find(b"\n")
    if first_end < 0 or first_end == len(blob) - 1:
        return None
    second_end = blob.find(b"\n", first_end + 1)
    second = blob[first_end + 1:second_end if second_end >= 0 else len(blob)]
    width = len(second) - len(second.lstrip(b" "))
    return width or 1


def encode_sample(metadata: dict, indent: int | None) -> bytes:
    """The JSON bytes written for ``metadata`` (UTF-8, key order kept, trailing newline)."""
    text = json.dumps(metadata, indent=indent, ensure_ascii=False, allow_nan=True)
    return (text + "\n").encode("utf-8")


def save_boxes(
    json_path: str | os.PathLike,
    boxes,
    expected_sha256: str | None,
    image_shape: tuple[int, int],
    *,
    edited_by: str | None = None,
    now: datetime | None = None,
) -> str:
    """Replace the ``boxes`` of ``json_path`` atomically; returns the new file's SHA-256.

    Refused (nothing written) with :class:`SampleConflictError` when ``expected_sha256`` is
    given and the file's current bytes hash to something else, and with
    :class:`SampleError` for invalid boxes or an unreadable file.
    """
    json_path = Path(json_path)
    checked = validate_boxes(boxes, image_shape, json_path)
    signal_dir = json_path.parent.parent
    try:
        with edit_lock(signal_dir, timeout=EDIT_LOCK_TIMEOUT_S):
            return _save_locked(json_path, checked, expected_sha256, edited_by, now)
    except SplitLockError as exc:
        raise SampleError(json_path, f"not saved: cannot take the edit lock ({exc.problem})") from None


def _save_locked(json_path: Path, boxes: list[dict], expected: str | None, edited_by, now) -> str:
    if os.path.islink(json_path):  # a rename would replace the link, not the file it names
        raise SampleError(json_path, "is a symlink; edit the file it points to (nothing written)")
    blob = read_json_bytes(json_path)
    current = hashlib.sha256(blob).hexdigest()
    if expected is not None and current != expected:
        raise SampleConflictError(json_path, expected, current)
    stamp = (now or datetime.now(timezone.utc)).isoformat().replace("+00:00", "Z")
    changed = {"boxes": boxes, "edited_at": stamp, "edited_by": edited_by or default_editor()}
    data = _spliced(blob, changed)
    if data is None:  # parsed whole (the very bytes hashed: no second read), encoded whole
        metadata = dict(parse_json_object(blob, json_path))
        metadata.update(changed)
        data = encode_sample(metadata, _indent_of(blob))
    write_atomic(json_path, data)
    return hashlib.sha256(data).hexdigest()


def _spliced(blob: bytes, changed: dict) -> bytes | None:
    """The file with only ``changed`` re-encoded (other values byte for byte), or ``None``."""
    try:
        text = blob.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None  # the whole-file path names the problem
    spliced = splice_values(text, changed, _indent_of(blob))
    if spliced is None:
        return None
    return (spliced if spliced.endswith("\n") else spliced + "\n").encode("utf-8")  # as encode_sample ends


def boxes_payload(metadata: dict) -> list:
    """The ``boxes`` list as stored (an empty list when absent or not a list)."""
    raw = metadata.get("boxes")
    return list(raw) if isinstance(raw, list) else []
