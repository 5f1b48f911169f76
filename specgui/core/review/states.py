"""Review states of a signal's samples: ``reviewed``, ``relabel``, ``exclude`` (or none) + a note.

Stored in ONE file per signal, ``{signal}/review.json``, beside ``splits/`` (never in
``samples/`` nor inside a sample JSON, which the labeling backend rewrites; the seed ignores
it). Written atomically under the split lock, so a review change and a split extension never
interleave. ``exclude`` samples are held back when a split is extended.

File: ``{"format": "specgui-review", "version": 1, "samples": {ID: {"state", "note",
"updated_at", "updated_by"}}}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from ..atomic_files import remove_stale_temps, stale_temps, write_atomic
from ..errors import ReviewFileError, SampleError
from .box_save import default_editor
from ..samples.ids import unsafe_id_reason
from ..samples.index import scan_signal
from ..samples.labels import parse_json_object, read_json_bytes
from ..splits.results import HeldBack
from ..splits.store import split_lock

REVIEW_NAME = "review.json"
REVIEW_FORMAT = "specgui-review"
STATES = ("reviewed", "relabel", "exclude")
MAX_NOTE_CHARS = 2000


@dataclass(frozen=True)
class ReviewEntry:
    state: str
    note: str | None = None
    updated_at: str | None = None
    updated_by: str | None = None


def review_path(signal_dir: str | Path) -> Path:
    return Path(signal_dir) / REVIEW_NAME


def read_review_states(signal_dir: str | Path) -> dict[str, ReviewEntry]:
    """Every sample's review entry (an absent file: none). Raises :class:`ReviewFileError`
    naming the file when it is malformed; entries for unsafe IDs are refused the same way."""
    path = review_path(signal_dir)
    try:
        data = parse_json_object(read_json_bytes(path), path)
    except SampleError as exc:
        if exc.problem == "file not found":
            return {}
        raise ReviewFileError(path, exc.problem) from None
    if data.get("format") != REVIEW_FORMAT:
        raise ReviewFileError(path, f"not a review file ('format' is {data.get('format')!r}, expected {REVIEW_FORMAT!r})")
    samples = data.get("samples")
    if not isinstance(samples, dict):
        raise ReviewFileError(path, f"'samples' is {type(samples).__name__}, expected an object")
    entries = {}
    for sample_id, raw in samples.items():
        reason = unsafe_id_reason(sample_id)
        if reason:
            raise ReviewFileError(path, f"entry {sample_id!r}: {reason}")
        entries[sample_id] = _entry(raw, sample_id, path)
    return entries


def _entry(raw, sample_id: str, path: Path) -> ReviewEntry:
    if not isinstance(raw, dict):
        raise ReviewFileError(path, f"entry {sample_id!r} is {type(raw).__name__}, expected an object")
    state = raw.get("state")
    if state not in STATES:
        raise ReviewFileError(path, f"entry {sample_id!r}: state {state!r} is not one of {', '.join(STATES)}")
    values = [raw.get(k) for k in ("note", "updated_at", "updated_by")]
    for key, value in zip(("note", "updated_at", "updated_by"), values):
        if value is not None and not isinstance(value, str):
            raise ReviewFileError(path, f"entry {sample_id!r}: '{key}' is {value!r}, expected a string")
    return ReviewEntry(state, *values)


def _check_state(state: str | None, note: str | None) -> None:
    if state is not None and state not in STATES:
        raise ReviewFileError(None, f"unknown review state {state!r}; use one of {', '.join(STATES)} or clear")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE_CHARS):
        raise ReviewFileError(None, f"a note must be text of at most {MAX_NOTE_CHARS} characters")


def set_review_states(
    signal_dir: str | Path,
    sample_ids: Iterable[str],
    state: str | None,
    note: str | None = None,
    *,
    updated_by: str | None = None,
    require_known: bool = True,
) -> dict[str, ReviewEntry]:
    """Give ``sample_ids`` the ``state`` (None clears) and ``note``; returns every entry after.

    Refused, nothing written, with :class:`ReviewFileError` for an unknown state, an unsafe
    ID, an ID with no sample on disk (``require_known``, the default) naming it, or a
    malformed existing file (it is never overwritten blindly).
    """
    signal_dir = Path(signal_dir)
    ids = list(dict.fromkeys(sample_ids))
    _check_state(state, note)
    for sample_id in ids:
        reason = unsafe_id_reason(sample_id)
        if reason:
            raise ReviewFileError(review_path(signal_dir), reason)
    if require_known:
        known = scan_signal(signal_dir).complete_ids
        unknown = [s for s in ids if s not in known]
        if unknown:
            raise ReviewFileError(signal_dir / "samples",
                                  f"no such sample: {', '.join(repr(s) for s in unknown[:5])}"
                                  + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""))
    splits_dir = signal_dir / "splits"
    splits_dir.mkdir(exist_ok=True)
    with split_lock(splits_dir):
        for temp in stale_temps(signal_dir):
            if temp.name.startswith("." + REVIEW_NAME):
                temp.unlink(missing_ok=True)
        remove_stale_temps(splits_dir)
        entries = read_review_states(signal_dir)
        stamp = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
        who = updated_by or default_editor()
        for sample_id in ids:
            if state is None:
                entries.pop(sample_id, None)
            else:
                entries[sample_id] = ReviewEntry(state, note or None, stamp, who)
        write_atomic(review_path(signal_dir), encode_review(entries))
    return entries


def encode_review(entries: dict[str, ReviewEntry]) -> bytes:
    samples = {sid: {k: v for k, v in vars(e).items() if v is not None} for sid, e in sorted(entries.items())}
    return (json.dumps({"format": REVIEW_FORMAT, "version": 1, "samples": samples}, indent=1) + "\n").encode("utf-8")


def excluded_samples(signal_dir: str | Path) -> dict[str, str]:
    """``exclude`` samples and their notes ('' when none)."""
    return {sid: e.note or "" for sid, e in read_review_states(signal_dir).items() if e.state == "exclude"}


def held_back_by_review(signal_dir: str | Path, candidates: Iterable[str] | None = None) -> list[HeldBack]:
    """What an extension must leave out: each ``exclude`` sample (kind ``excluded``, reason the
    note), limited to ``candidates`` when given."""
    excluded = excluded_samples(signal_dir)
    wanted = excluded if candidates is None else [s for s in candidates if s in excluded]
    return [HeldBack(sid, "excluded", excluded[sid] or "marked exclude in review") for sid in sorted(wanted)]


def review_progress(entries: dict[str, ReviewEntry], sample_ids: Iterable[str]) -> tuple[int, int]:
    """(reviewed, total) over ``sample_ids``: any state counts as reviewed except ``relabel``."""
    ids = list(sample_ids)
    done = sum(1 for s in ids if s in entries and entries[s].state != "relabel")
    return done, len(ids)
