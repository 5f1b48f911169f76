"""Verify one signal's splits: every problem found, none fixed, nothing written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..atomic_files import stale_temps
from ..errors import SpecguiError, SplitFileError
from ..review.states import excluded_samples
from ..samples.index import scan_signal
from ..layout import ACTIVE_NAME
from .store import read_active_pointer, version_numbers
from .version import decode_split_file, split_problems, version_file_name
from .grouping import capture_leak_pairs


@dataclass(frozen=True)
class SplitProblem:
    """One finding: ``kind`` is a stable keyword, ``message`` says it for a person."""

    kind: str
    path: Path
    message: str
    sample_ids: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class SplitVerifyReport:
    signal: str
    versions: tuple[int, ...]
    active_version: int | None
    problems: tuple[SplitProblem, ...] = field(default_factory=tuple)
    #: findings that need a person but are no fault of the files (``exclude`` samples in a version)
    warnings: tuple[SplitProblem, ...] = field(default_factory=tuple)
    group_by: str | None = None  # v1's grouping: None when v1 was the seed's shuffle by ID (or unreadable)
    capture_leaks: int | None = None  # capture leak pairs of the active version; None if it is unreadable

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_splits(signal_dir: str | Path) -> SplitVerifyReport:
    """Check ``signal_dir/splits`` against itself and the samples on disk.

    Finds: unreadable or malformed version files, version number not matching the file
    name, unsafe or duplicate IDs, train∩val overlap, count fields that disagree, val that
    drifted from v1's, IDs whose files are missing, gaps in the version numbers, a
    missing/dangling/escaping ``active.json`` or a copy that disagrees with its version,
    and temp files left by a killed writer. Also says whether v1 was made capture-aware
    (its ``group_by``) and counts the active version's capture leak pairs (information, not
    a problem: the audit judges leaks); that reads the sample JSONs, through the audit's cache.
    """
    signal_dir = Path(signal_dir)
    splits_dir = signal_dir / "splits"
    problems: list[SplitProblem] = []
    numbers = version_numbers(splits_dir)
    scan = scan_signal(signal_dir)
    on_disk = scan.complete_ids
    decoded: dict[int, dict] = {}
    for number in numbers:
        path = splits_dir / version_file_name(number)
        try:
            data = decode_split_file(path)
        except SplitFileError as exc:
            problems.append(SplitProblem("malformed", path, exc.problem))
            continue
        found = split_problems(data, path, number)
        problems.extend(SplitProblem(kind, path, msg, ids) for kind, msg, ids in found)
        if isinstance(data, dict) and not any(k == "malformed" for k, _, _ in found):
            decoded[number] = data
            problems.extend(_missing_files(path, data, on_disk, scan.samples_dir))
    problems.extend(_val_drift(splits_dir, decoded))
    problems.extend(_gaps(splits_dir, numbers))
    pointer = read_active_pointer(splits_dir)
    if pointer.problem and (numbers or pointer.kind != "missing"):
        kind = "active_missing" if pointer.kind == "missing" else "active_broken"
        problems.append(SplitProblem(kind, splits_dir / ACTIVE_NAME, pointer.problem.split(": ", 1)[-1]))
    elif pointer.kind == "copy" and pointer.version in decoded:
        problems.extend(_copy_mismatch(splits_dir, decoded[pointer.version]))
    for temp in stale_temps(splits_dir):
        problems.append(SplitProblem("stale_temp", temp, "temp file left by an interrupted write (removed by the next split operation)"))
    if scan.error and numbers:
        problems.append(SplitProblem("samples_unreadable", scan.samples_dir, scan.error.split(": ", 1)[-1]))
    active = pointer.version if pointer.problem is None else None
    group_by = decoded[1].get("group_by") if 1 in decoded else None
    leaks = None
    if active in decoded:
        train, val = ([i for i in decoded[active].get(k, []) if i in on_disk] for k in ("train_samples", "val_samples"))
        leaks = capture_leak_pairs(signal_dir, train, val, bound=signal_dir.parent)
    warnings = excluded_in_versions(signal_dir, splits_dir, decoded)
    return SplitVerifyReport(signal_dir.name, tuple(numbers), active, tuple(problems), tuple(warnings),
                             group_by if isinstance(group_by, str) else None, leaks)


def excluded_in_versions(signal_dir: Path, splits_dir: Path, decoded: dict[int, dict]) -> list[SplitProblem]:
    """Versions already holding samples reviewed as ``exclude``: warned, never rewritten
    (val is frozen; a later version can only add to train)."""
    try:
        excluded = excluded_samples(signal_dir)
    except SpecguiError as exc:
        return [SplitProblem("review_unreadable", Path(exc.path or signal_dir), exc.problem)]
    found = []
    for number, data in sorted(decoded.items()):
        for key, side in (("val_samples", "val"), ("train_samples", "train")):
            ids = sorted(set(i for i in data.get(key, []) if isinstance(i, str)) & excluded.keys())
            if ids:
                found.append(SplitProblem(
                    "excluded_in_split", splits_dir / version_file_name(number),
                    f"{len(ids)} {side} sample(s) are marked exclude in review, e.g. {ids[0]!r}"
                    + (" (val is frozen: retrain without them by hand if needed)" if side == "val" else ""),
                    tuple(ids)))
    return found


def _missing_files(path: Path, data: dict, on_disk: frozenset[str], samples_dir: Path) -> list[SplitProblem]:
    found = []
    for key, side in (("val_samples", "val"), ("train_samples", "train")):
        ids = data.get(key)
        if not isinstance(ids, list):
            continue
        missing = sorted({i for i in ids if isinstance(i, str) and i not in on_disk})
        if missing:
            found.append(SplitProblem(
                "missing_file", path,
                f"{len(missing)} {side} sample(s) lack an .npz or .json in {samples_dir}, e.g. {missing[0]!r}",
                tuple(missing),
            ))
    return found


def _val_drift(splits_dir: Path, decoded: dict[int, dict]) -> list[SplitProblem]:
    if 1 not in decoded:
        return []
    reference = set(decoded[1].get("val_samples", []))
    found = []
    for number, data in sorted(decoded.items()):
        val = set(data.get("val_samples", []))
        if number != 1 and val != reference:
            gone, new = sorted(reference - val), sorted(val - reference)
            found.append(SplitProblem(
                "val_drift", splits_dir / version_file_name(number),
                f"validation set differs from v1's ({len(gone)} removed, {len(new)} added)",
                tuple(gone + new),
            ))
    return found


def _gaps(splits_dir: Path, numbers: list[int]) -> list[SplitProblem]:
    if not numbers:
        return []
    absent = sorted(set(range(1, numbers[-1] + 1)) - set(numbers))
    return [SplitProblem("gap", splits_dir / version_file_name(n), "version file missing (versions are not contiguous)")
            for n in absent]


def _copy_mismatch(splits_dir: Path, version_data: dict) -> list[SplitProblem]:
    active = splits_dir / ACTIVE_NAME
    try:
        copy = decode_split_file(active)
    except SplitFileError as exc:
        return [SplitProblem("active_broken", active, exc.problem)]
    same = (isinstance(copy, dict)
            and copy.get("train_samples") == version_data.get("train_samples")
            and copy.get("val_samples") == version_data.get("val_samples"))
    if same:
        return []
    return [SplitProblem("active_broken", active, f"plain copy of v{version_data.get('version')} whose lists differ from that file")]
