"""Jobs of box editing and review states (Qt-free; run by the one worker style)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from specgui.core.review.journal import JournalEntry, drop_entry, read_entries, write_entry
from specgui.core.errors import SampleConflictError, SpecguiError
from specgui.core.review.states import read_review_states, set_review_states
from specgui.core.review.box_save import boxes_payload, save_boxes
from specgui.core.samples.labels import read_sample_metadata
from specgui.core.review.signal_labels import signal_label_counts


@dataclass(frozen=True)
class SaveOutcome:
    """A save: ``sha256`` of the new file, or ``conflict`` (the file changed: ``actual_sha256``), or ``error``."""

    request: object  # the view's SaveRequest
    sha256: str | None = None
    conflict: bool = False
    actual_sha256: str | None = None
    error: str | None = None
    theirs: tuple | None = None  # on a conflict: the boxes now on disk (None: unreadable, see theirs_problem)
    theirs_problem: str | None = None


@dataclass(frozen=True)
class ReviewOutcome:
    signal: str
    entries: dict | None = None
    error: str | None = None
    changed_ids: tuple[str, ...] = ()
    state: str | None = None


def save_boxes_job(request) -> SaveOutcome:
    try:
        sha = save_boxes(request.json_path, request.boxes, request.expected_sha256, request.image_shape)
    except SampleConflictError as exc:
        theirs, problem = _boxes_on_disk(request.json_path)
        return SaveOutcome(request, conflict=True, actual_sha256=exc.actual, error=str(exc),
                           theirs=theirs, theirs_problem=problem)
    except SpecguiError as exc:
        return SaveOutcome(request, error=str(exc))
    except OSError as exc:  # a read-only folder, a full disk: the edits stay in the view
        return SaveOutcome(request, error=f"{request.json_path}: not saved: {exc.strerror or exc}")
    drop_entry(str(request.json_path))
    return SaveOutcome(request, sha256=sha)


def _boxes_on_disk(json_path) -> tuple[tuple | None, str | None]:
    """The boxes the file holds now (for the conflict dialog), or why they cannot be shown."""
    try:
        return tuple(boxes_payload(read_sample_metadata(json_path))), None
    except SpecguiError as exc:
        return None, exc.problem


def journal_job(entries: tuple[JournalEntry, ...], dropped: tuple[str, ...]) -> None:
    for entry in entries:
        try:
            write_entry(entry)
        except OSError:
            pass  # the cache is best effort: the edits are still in the window
    for path in dropped:
        drop_entry(path)


def read_journal_job() -> list[JournalEntry]:
    return read_entries()


def read_review_job(signals_root: Path, signal: str) -> ReviewOutcome:
    try:
        return ReviewOutcome(signal, read_review_states(signals_root / signal))
    except SpecguiError as exc:
        return ReviewOutcome(signal, error=str(exc))


def set_review_job(signals_root: Path, signal: str, ids: tuple[str, ...], state: str | None, note: str | None):
    try:
        entries = set_review_states(signals_root / signal, ids, state, note)
    except (SpecguiError, OSError) as exc:
        return ReviewOutcome(signal, error=str(exc))
    return ReviewOutcome(signal, entries, changed_ids=ids, state=state)


@dataclass(frozen=True)
class LabelsOutcome:
    """The labels of one signal's boxes with their counts (``signal_dir`` as the editor keys it)."""

    signal_dir: str
    counts: dict


def signal_labels_job(signal_dir: str):
    counts = yield from signal_label_counts(signal_dir)
    return LabelsOutcome(signal_dir, dict(counts))
