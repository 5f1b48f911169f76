"""One split version file (``vN.json``): parsed, checked, and read strictly."""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import SplitFileError
from ..fs import check_inside, read_json
from ..samples.ids import all_ids_safe, unsafe_id_reason

VERSION_FILE_RE = re.compile(r"^v([1-9][0-9]{0,8})\.json$")
REQUIRED_KEYS = ("version", "train_samples", "val_samples")


def version_file_name(version: int) -> str:
    return f"v{version}.json"


def utc_timestamp() -> str:
    """Now, timezone-aware UTC, ISO 8601 with a ``Z`` as the seed wrote it."""
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


def initial_membership(sample_ids, val_ratio: float, random_seed: int) -> tuple[list[str], list[str]]:
    """v1's (train, val): the seed's seeded shuffle of the sorted IDs, with a private RNG."""
    shuffled = sorted(sample_ids)
    random.Random(random_seed).shuffle(shuffled)
    val_count = max(1, int(len(shuffled) * val_ratio))
    return shuffled[val_count:], shuffled[:val_count]


@dataclass(frozen=True)
class SplitVersion:
    """A checked split version: train and val IDs in file order, plus every key of the file."""

    version: int
    train: tuple[str, ...]
    val: tuple[str, ...]
    path: Path
    raw: dict = field(repr=False, compare=False)

    @property
    def created_at(self) -> str | None:
        return self.raw.get("created_at")

    @property
    def notes(self) -> str | None:
        return self.raw.get("notes")

    @property
    def parent_version(self) -> int | None:
        return self.raw.get("parent_version")

    @property
    def samples_added(self) -> int | None:
        return self.raw.get("samples_added")

    @property
    def random_seed(self) -> int | None:
        return self.raw.get("random_seed")

    def known(self) -> set[str]:
        return set(self.train) | set(self.val)


def split_problems(data: object, path: Path, expected_version: int | None = None) -> list[tuple[str, str, tuple[str, ...]]]:
    """Every problem in a decoded split file, as ``(kind, message, sample_ids)``; empty if sound."""
    if not isinstance(data, dict):
        return [("malformed", f"expected a JSON object, found {type(data).__name__}", ())]
    problems: list[tuple[str, str, tuple[str, ...]]] = []
    missing = [k for k in REQUIRED_KEYS if k not in data]
    if missing:
        problems.append(("malformed", f"missing key(s): {', '.join(missing)}", ()))
    version = data.get("version")
    if "version" in data and (isinstance(version, bool) or not isinstance(version, int) or version < 1):
        problems.append(("malformed", f"'version' is {version!r}, expected a positive integer", ()))
    elif expected_version is not None and isinstance(version, int) and version != expected_version:
        problems.append(("version_mismatch", f"says version {version} but the file is v{expected_version}.json", ()))
    id_sets: dict[str, set[str]] = {}
    for key in ("train_samples", "val_samples"):
        if key not in data:
            continue
        ids = data[key]
        if not isinstance(ids, list):
            problems.append(("malformed", f"'{key}' is {type(ids).__name__}, expected a list", ()))
            continue
        if all_ids_safe(ids):
            good = ids
        else:
            unsafe = [(i, unsafe_id_reason(i)) for i in ids]
            bad = [(i, r) for i, r in unsafe if r is not None]
            if bad:
                problems.append(("unsafe_id", f"'{key}': {bad[0][1]}" + (f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""),
                                 tuple(str(i) for i, _ in bad)))
            good = [i for i, r in unsafe if r is None]
        id_sets[key] = set(good)
        dupes = _duplicates(good) if len(id_sets[key]) != len(good) else []
        if dupes:
            problems.append(("duplicate", f"'{key}' lists {len(dupes)} ID(s) twice, e.g. {dupes[0]!r}", tuple(dupes)))
        count_key = key.replace("_samples", "_count")
        if count_key in data and data[count_key] != len(ids):
            problems.append(("count_mismatch", f"'{count_key}' is {data[count_key]!r} but '{key}' has {len(ids)} IDs", ()))
    if "train_samples" in id_sets and "val_samples" in id_sets:
        overlap = sorted(id_sets["train_samples"] & id_sets["val_samples"])
        if overlap:
            problems.append(("overlap", f"{len(overlap)} ID(s) in both train and val, e.g. {overlap[0]!r}", tuple(overlap)))
    return problems


def _duplicates(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    dupes: list[str] = []
    for i in ids:
        if i in seen:
            dupes.append(i)
        seen.add(i)
    return sorted(set(dupes))


def decode_split_file(path: Path) -> object:
    """The decoded JSON of a split file; :class:`SplitFileError` if unreadable or malformed.
    A version file that is a symlink must stay in its folder: one elsewhere is never read."""
    path = Path(path)
    check_inside(path, path.parent, SplitFileError, "the splits folder")
    return read_json(path, SplitFileError)


def read_split_version(path: str | os.PathLike, expected_version: int | None = None) -> SplitVersion:
    """Read ``vN.json`` and refuse it, naming the file and the problem, unless it is sound."""
    path = Path(path)
    if expected_version is None:
        match = VERSION_FILE_RE.match(path.name)
        expected_version = int(match.group(1)) if match else None
    data = decode_split_file(path)
    problems = split_problems(data, path, expected_version)
    if problems:
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise SplitFileError(path, problems[0][1] + more)
    assert isinstance(data, dict)
    return SplitVersion(
        version=data["version"],
        train=tuple(data["train_samples"]),
        val=tuple(data["val_samples"]),
        path=path,
        raw=data,
    )
