"""An independent checker of a ``splits/`` folder, for the crash and race harnesses.

It reads the files itself with ``os`` and ``json`` only and imports nothing from
specgui, so a bug in the code under test cannot hide from it. It states the on-disk
contract of ``docs/format.md`` as invariants:

- every ``vN.json`` is a regular file that parses, has the seed's keys, says version N,
  has counts that match its lists, no duplicate IDs, no ID in both train and val;
- val of every version equals v1's val (same IDs, same order);
- a later version's train starts with its parent's train (new samples are appended,
  none lost), and ``samples_added`` says how many;
- ``active.json`` resolves to an existing version (a symlink named ``vN.json`` beside it,
  or a plain copy whose lists equal that version's);
- nothing visible in the folder is a temp file; hidden temps are reported by name;
- with ``seen_hashes``, no version file seen before has changed or vanished.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field

VERSION_RE = re.compile(r"^v([1-9][0-9]*)\.json$")
BASE_KEYS = ("version", "created_at", "total_samples", "train_samples", "val_samples",
             "train_count", "val_count", "val_ratio", "notes")
V1_KEYS = ("random_seed",)
LATER_KEYS = ("parent_version", "samples_added")
TEMP_MARKER = ".tmp-"
KNOWN_HIDDEN = (".specgui.lock",)


@dataclass
class FolderState:
    """What the checker found: ``problems`` is empty when every invariant holds."""

    versions: dict[int, dict] = field(default_factory=dict)
    hashes: dict[int, str] = field(default_factory=dict)
    active_version: int | None = None
    active_kind: str = "missing"  # "symlink", "copy" or "missing"
    temps: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def newest(self) -> int:
        return max(self.versions, default=0)


def _read_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _check_version(number: int, data: object, problems: list[str]) -> bool:
    name = f"v{number}.json"
    if not isinstance(data, dict):
        problems.append(f"{name}: not a JSON object")
        return False
    needed = BASE_KEYS + (V1_KEYS if number == 1 else LATER_KEYS)
    missing = [k for k in needed if k not in data]
    if missing:
        problems.append(f"{name}: missing keys {missing}")
        return False
    ok = True
    if data["version"] != number:
        problems.append(f"{name}: says version {data['version']!r}")
        ok = False
    train, val = data["train_samples"], data["val_samples"]
    if not (isinstance(train, list) and isinstance(val, list)
            and all(isinstance(i, str) for i in train + val)):
        problems.append(f"{name}: train/val are not lists of strings")
        return False
    if data["train_count"] != len(train) or data["val_count"] != len(val):
        problems.append(f"{name}: counts {data['train_count']}/{data['val_count']} vs lists {len(train)}/{len(val)}")
        ok = False
    if data["total_samples"] != len(train) + len(val):
        problems.append(f"{name}: total_samples {data['total_samples']} != {len(train) + len(val)}")
        ok = False
    if len(set(train)) != len(train) or len(set(val)) != len(val):
        problems.append(f"{name}: an ID is listed twice")
        ok = False
    if set(train) & set(val):
        problems.append(f"{name}: {len(set(train) & set(val))} ID(s) in both train and val")
        ok = False
    if not val:
        problems.append(f"{name}: empty validation set")
        ok = False
    return ok


def _check_lineage(state: FolderState) -> None:
    versions = state.versions
    if versions and 1 not in versions:
        state.problems.append("versions exist but v1.json does not")
        return
    v1_val = versions[1]["val_samples"] if 1 in versions else None
    for number, data in sorted(versions.items()):
        if data["val_samples"] != v1_val:
            state.problems.append(f"v{number}.json: val differs from v1's")
        if number == 1:
            continue
        parent = data["parent_version"]
        if not (isinstance(parent, int) and 1 <= parent < number):
            state.problems.append(f"v{number}.json: parent_version {parent!r} is not an earlier version")
            continue
        if parent not in versions:
            continue  # an unreadable parent was already reported
        before = versions[parent]["train_samples"]
        if data["train_samples"][: len(before)] != before:
            state.problems.append(f"v{number}.json: train does not start with v{parent}'s train (a sample was lost or moved)")
        if data["samples_added"] != len(data["train_samples"]) - len(before):
            state.problems.append(f"v{number}.json: samples_added {data['samples_added']} disagrees with the lists")


def _check_active(splits_dir: str, state: FolderState, allow_missing_active: bool) -> None:
    path = os.path.join(splits_dir, "active.json")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        # Only legal when a kill fell between writing v1 and linking it (or before v1).
        if not (allow_missing_active and set(state.versions) <= {1}):
            state.problems.append(f"active.json missing while versions {sorted(state.versions)} exist")
        return
    if stat.S_ISLNK(info.st_mode):
        target = os.readlink(path)
        match = VERSION_RE.match(target)
        if not match or int(match.group(1)) not in state.versions:
            state.problems.append(f"active.json -> {target!r}, not a valid version beside it")
            return
        state.active_version, state.active_kind = int(match.group(1)), "symlink"
        return
    if not stat.S_ISREG(info.st_mode):
        state.problems.append("active.json is neither a symlink nor a regular file")
        return
    blob = _read_bytes(path)
    try:
        data = json.loads(blob) if blob is not None else None
    except ValueError:
        data = None
    number = data.get("version") if isinstance(data, dict) else None
    if number not in state.versions:
        state.problems.append("active.json is a copy that does not parse or names no existing version")
        return
    ref = state.versions[number]
    if data.get("train_samples") != ref["train_samples"] or data.get("val_samples") != ref["val_samples"]:
        state.problems.append(f"active.json copy of v{number} differs from v{number}.json")
        return
    state.active_version, state.active_kind = number, "copy"


def check_splits_folder(splits_dir: str | os.PathLike, *, seen_hashes: dict[int, str] | None = None,
                        allow_missing_active: bool = False, allow_temps: bool = True,
                        require_contiguous: bool = True) -> FolderState:
    """Check every invariant above; ``seen_hashes`` (version -> sha256) is updated in place."""
    splits_dir = os.fspath(splits_dir)
    state = FolderState()
    try:
        names = sorted(os.listdir(splits_dir))
    except FileNotFoundError:
        names = []
    for name in names:
        match = VERSION_RE.match(name)
        full = os.path.join(splits_dir, name)
        if match:
            number = int(match.group(1))
            if not stat.S_ISREG(os.lstat(full).st_mode):
                state.problems.append(f"{name}: not a regular file")
                continue
            blob = _read_bytes(full)
            try:
                data = json.loads(blob)
            except (TypeError, ValueError) as exc:
                state.problems.append(f"{name}: does not parse ({exc.__class__.__name__}: {exc})")
                continue
            state.hashes[number] = hashlib.sha256(blob).hexdigest()
            if _check_version(number, data, state.problems):
                state.versions[number] = data
        elif name == "active.json" or name in KNOWN_HIDDEN:
            continue
        elif name.startswith(".") and TEMP_MARKER in name:
            state.temps.append(name)
        else:
            state.problems.append(f"{name}: unexpected visible file in splits/")
    if state.temps and not allow_temps:
        state.problems.append(f"temp files left behind: {state.temps}")
    if require_contiguous and state.hashes and sorted(state.hashes) != list(range(1, max(state.hashes) + 1)):
        state.problems.append(f"version numbers are not contiguous: {sorted(state.hashes)}")
    _check_lineage(state)
    _check_active(splits_dir, state, allow_missing_active)
    if seen_hashes is not None:
        for number, digest in sorted(seen_hashes.items()):
            now = state.hashes.get(number)
            if now != digest:
                state.problems.append(f"v{number}.json was {'removed' if now is None else 'overwritten'}")
        seen_hashes.update(state.hashes)
    return state


def complete_sample_ids(samples_dir: str | os.PathLike) -> set[str]:
    """Stems that have both an ``.npz`` and a ``.json`` (read with ``os.listdir``)."""
    try:
        names = os.listdir(samples_dir)
    except FileNotFoundError:
        return set()
    npz = {n[:-4] for n in names if n.endswith(".npz")}
    return {n[:-5] for n in names if n.endswith(".json") and n[:-5] in npz}


def coverage_problems(state: FolderState, samples_dir: str | os.PathLike) -> list[str]:
    """After an extend that took everything: the active version holds exactly the samples on disk."""
    if state.active_version is None:
        return ["no active version to compare with the samples on disk"]
    data = state.versions[state.active_version]
    listed = set(data["train_samples"]) | set(data["val_samples"])
    on_disk = complete_sample_ids(samples_dir)
    problems = []
    if on_disk - listed:
        problems.append(f"{len(on_disk - listed)} sample(s) on disk are in no split, e.g. {sorted(on_disk - listed)[:3]}")
    if listed - on_disk:
        problems.append(f"{len(listed - on_disk)} listed sample(s) are not on disk, e.g. {sorted(listed - on_disk)[:3]}")
    return problems
