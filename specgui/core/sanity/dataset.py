"""What the sanity pass loads: the split's entries and a uint8 dataset that never raises.

The dataset sits on :func:`~specgui.core.samples.loading.load_sample` and hands back the raw
uint8 ``[H, W]`` spectrogram (``torch.from_numpy``, no float copy: conversion happens on the
device) or a failure record naming the file and the reason, so one bad sample never stops
the pass. IDs that are unsafe, listed twice or missing on disk are found here, before any
file is opened. torch is imported lazily so that importing this module stays light.
"""

from __future__ import annotations

import ctypes
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..errors import SampleError, SplitFileError, SplitNotFoundError
from ..samples.ids import unsafe_id_reason
from ..samples.index import FileState, SignalScan
from ..samples.loading import load_sample
from .report import SPLITS, Problem
from ..splits.resolve import version_or_active
from ..splits.version import decode_split_file, read_split_version, split_problems, version_file_name
from ..splits.manager import SplitManager

#: Split-file problems that are about single samples: reported per sample, not fatal.
_SAMPLE_LEVEL = {"unsafe_id", "duplicate", "overlap", "count_mismatch"}


@dataclass(frozen=True)
class SplitMembership:
    """The train and val IDs of one split version, as listed (unsafe IDs included)."""

    version: int
    train: tuple
    val: tuple
    notes: tuple[str, ...] = ()


def read_membership(manager: SplitManager, signal: str, version: int | None = None) -> SplitMembership:
    """Train/val of ``version`` (default: active), read leniently so bad IDs become problems.

    Raises :class:`SplitNotFoundError` when there is no such version (or no split at all) and
    :class:`SplitFileError` when the file is unreadable or malformed beyond single IDs.
    """
    splits_dir = manager.splits_dir(signal)
    version, note = version_or_active(splits_dir, signal, version)
    notes: list[str] = [note] if note else []
    path = splits_dir / version_file_name(version)
    if not path.is_file():
        raise SplitNotFoundError(path, f"split version v{version} does not exist")
    try:
        split = read_split_version(path, version)
        return SplitMembership(version, split.train, split.val, tuple(notes))
    except SplitFileError:
        data = decode_split_file(path)
        problems = split_problems(data, path, version)
        fatal = [message for kind, message, _ in problems if kind not in _SAMPLE_LEVEL]
        if fatal:
            raise SplitFileError(path, fatal[0]) from None
        notes.extend(f"{path.name}: {message}" for kind, message, _ in problems if kind == "count_mismatch")
        return SplitMembership(version, tuple(data["train_samples"]), tuple(data["val_samples"]), tuple(notes))


class Entry(NamedTuple):
    """One sample to load: its split, its place in split order (train first), its ID."""

    split: str
    order: int
    sample_id: str


def plan_entries(scan: SignalScan, membership: SplitMembership) -> tuple[list[Entry], list[tuple[int, Problem]]]:
    """The loadable entries, and the problems found without opening a file."""
    entries: list[Entry] = []
    problems: list[tuple[int, Problem]] = []
    in_train = {s for s in membership.train if isinstance(s, str)}
    order = 0
    for split, ids in zip(SPLITS, (membership.train, membership.val)):
        seen: set[str] = set()
        for sample_id in ids:
            problem = _pre_problem(scan, split, sample_id, seen, in_train)
            if problem is None:
                entries.append(Entry(split, order, sample_id))
            else:
                problems.append((order, problem))
            if isinstance(sample_id, str):
                seen.add(sample_id)
            order += 1
    return entries, problems


def _pre_problem(scan: SignalScan, split: str, sample_id, seen: set[str], in_train: set[str]) -> Problem | None:
    reason = unsafe_id_reason(sample_id)
    if reason is not None:
        return Problem(str(sample_id), split, f"unsafe {reason}; never opened", None, "unsafe_id")
    if sample_id in seen:
        return Problem(sample_id, split, f"listed more than once in {split}; checked once", None, "duplicate")
    if split == "val" and sample_id in in_train:
        return Problem(sample_id, split, "also listed in train: validation leaks into training", None, "overlap")
    npz = scan.samples_dir / f"{sample_id}.npz"
    json_path = scan.samples_dir / f"{sample_id}.json"
    state = scan.file_state(sample_id)
    if state is FileState.COMPLETE:
        return None
    if state is FileState.NPZ_MISSING:
        return Problem(sample_id, split, "the .npz file is missing", str(npz), "missing_file")
    if state is FileState.JSON_MISSING:
        return Problem(sample_id, split, "the .json file is missing", str(json_path), "missing_file")
    return Problem(sample_id, split, "neither the .npz nor the .json exists", str(npz), "missing_file")


class SampleRecord(NamedTuple):
    """What the dataset returns: pixels + target, or ``failure`` = (file, reason, kind)."""

    index: int
    split: str
    files: tuple[str, str]  # the .npz and .json paths
    pixels: object  # torch.Tensor uint8 [H, W], or None
    boxes: object  # torch.Tensor float32 [N, 4] xyxy pixels, or None
    labels: object  # torch.Tensor int64 [N] (all 1, as training uses), or None
    decode_seconds: float
    file_bytes: int
    failure: tuple[str | None, str, str] | None = None


class SanityDataset:
    """Map-style dataset over :class:`Entry` items; ``dataset[i]`` never raises."""

    def __init__(self, samples_dir: str | Path, entries: list[Entry], root: str | Path | None = None):
        self.samples_dir = Path(samples_dir)
        self.entries = list(entries)
        self.root = Path(root) if root is not None else None

    def __len__(self) -> int:
        return len(self.entries)

    def __getitem__(self, index: int) -> SampleRecord:
        import torch

        start = time.perf_counter()
        entry = self.entries[index]
        files = (str(self.samples_dir / f"{entry.sample_id}.npz"), str(self.samples_dir / f"{entry.sample_id}.json"))
        failure = None
        try:
            sample = load_sample(self.samples_dir, entry.sample_id, root=self.root)
            size = _size(sample.npz_path) + _size(sample.json_path)
            pixels = torch.from_numpy(sample.spectrogram)
            boxes = torch.from_numpy(sample.labels.boxes).to(torch.float32)
            labels = torch.ones(sample.labels.box_count, dtype=torch.int64)
        except SampleError as exc:
            kind = "labels" if (exc.path or "").endswith(".json") else "spectrogram"
            failure = (exc.path, exc.problem, kind)
        except Exception as exc:  # a sanity pass reports the unexpected too, and goes on
            failure = (files[0], f"{type(exc).__name__}: {exc}", "error")
        if failure is not None:
            return SampleRecord(index, entry.split, files, None, None, None, time.perf_counter() - start, 0, failure)
        return SampleRecord(index, entry.split, files, pixels, boxes, labels, time.perf_counter() - start, size)


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def keep_freed_memory(_worker_id: int = 0) -> None:
    """DataLoader ``worker_init_fn``: ask glibc to keep freed memory instead of unmapping it.

    Each sample allocates a few 1 MB buffers (file bytes, inflated data, pixels); by default
    glibc maps and unmaps each one and every page faults again on first touch, about a third
    of an uncompressed sample's load time. Workers only, best effort: elsewhere a no-op.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
        mallopt(-3, 32 * 1024 * 1024)  # M_MMAP_THRESHOLD: serve buffers up to 32 MB from the heap
        mallopt(-1, 128 * 1024 * 1024)  # M_TRIM_THRESHOLD: keep up to 128 MB of freed heap
    except Exception:  # not glibc (macOS, Windows, musl): nothing to tune
        pass
