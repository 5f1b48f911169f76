"""What a sanity pass found: per-split partial tallies (mergeable across ranks) and the report.

Torch-free on purpose: the GUI and the CLI read reports without importing torch, and the
distributed pass ships :class:`SplitTally` objects between ranks and merges them here.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field

import numpy as np

SPLITS = ("train", "val")


@dataclass(frozen=True)
class Problem:
    """One sample that would break or poison training; ``file`` is None when never opened."""

    sample_id: str
    split: str
    reason: str
    file: str | None = None
    kind: str = "error"  # unsafe_id, missing_file, duplicate, overlap, spectrogram, labels, image, error


@dataclass(frozen=True)
class SanityProgress:
    """A progress event: ``done`` of ``total`` samples so far, ``split`` being checked now."""

    done: int
    total: int
    split: str
    rate: float  # samples per second since the pass started
    problems: int = 0


@dataclass
class SplitTally:
    """Running counts for one split on one process; tallies of several ranks add up."""

    split: str
    checked: int = 0
    ok: int = 0
    problems: list[tuple[int, Problem]] = field(default_factory=list)  # (order, problem)
    box_hist: Counter = field(default_factory=Counter)
    widths: list[np.ndarray] = field(default_factory=list)
    heights: list[np.ndarray] = field(default_factory=list)
    pixels: int = 0
    pixel_sum: float = 0.0  # of the raw 0..255 values (exact integers in float64)
    pixel_sumsq: float = 0.0

    def add_problem(self, order: int, problem: Problem) -> None:
        self.problems.append((order, problem))

    def merge(self, other: "SplitTally") -> None:
        self.checked += other.checked
        self.ok += other.ok
        self.problems.extend(other.problems)
        self.box_hist.update(other.box_hist)
        self.widths.extend(other.widths)
        self.heights.extend(other.heights)
        self.pixels += other.pixels
        self.pixel_sum += other.pixel_sum
        self.pixel_sumsq += other.pixel_sumsq


@dataclass
class TimingTally:
    """Seconds and bytes of one process; merged by summing, except wall/startup/peak (max)."""

    wall: float = 0.0
    startup: float = 0.0
    decode: float = 0.0
    wait: float = 0.0
    device: float = 0.0
    loaded: int = 0
    pixel_bytes: int = 0
    file_bytes: int = 0
    peak_device_memory: int | None = None

    def merge(self, other: "TimingTally") -> None:
        self.wall = max(self.wall, other.wall)
        self.startup = max(self.startup, other.startup)
        self.decode += other.decode
        self.wait += other.wait
        self.device += other.device
        self.loaded += other.loaded
        self.pixel_bytes += other.pixel_bytes
        self.file_bytes += other.file_bytes
        if other.peak_device_memory is not None:
            self.peak_device_memory = max(self.peak_device_memory or 0, other.peak_device_memory)


@dataclass(frozen=True)
class Distribution:
    """Summary of box widths or heights, in pixels."""

    count: int
    min: float
    max: float
    mean: float
    std: float
    median: float

    @classmethod
    def of(cls, chunks: list[np.ndarray]) -> "Distribution | None":
        # sorted first: the same figures to the last bit whatever order ranks sent them in
        values = np.sort(np.concatenate(chunks).astype(np.float64)) if chunks else np.empty(0)
        if values.size == 0:
            return None
        return cls(int(values.size), float(values.min()), float(values.max()), float(values.mean()),
                   float(values.std()), float(np.median(values)))


@dataclass(frozen=True)
class SplitReport:
    """One split: how many samples were listed and checked, what failed, what the data looks like.

    ``pixel_mean``/``pixel_std`` are of the normalised pixels (0..1) the model sees, over every
    spectrogram that decoded; box figures cover the samples that passed.
    """

    split: str
    samples_listed: int
    samples_checked: int
    samples_ok: int
    empty_samples: int
    problems: tuple[Problem, ...]
    boxes_per_sample: dict[int, int]
    box_width: Distribution | None
    box_height: Distribution | None
    pixel_mean: float | None
    pixel_std: float | None


@dataclass(frozen=True)
class Timing:
    """How fast the data path ran. ``decode``/``wait``/``device`` seconds are summed over ranks."""

    wall_seconds: float
    startup_seconds: float  # until the first batch arrived (worker start-up included)
    decode_seconds: float  # CPU time inside the dataset, summed over workers
    wait_seconds: float  # main loop blocked on the loader (data-starved)
    device_seconds: float  # transfer, float conversion and reductions on the device
    samples_per_second: float
    mb_per_second: float  # decoded pixel MB delivered to the device per second
    file_mb_per_second: float  # on-disk .npz + .json MB read per second
    peak_device_memory_bytes: int | None


@dataclass(frozen=True)
class SanityReport:
    """The result of one pass over a split version's train and val samples."""

    signal: str
    signals_root: str
    split_version: int
    device: str
    device_name: str
    world_size: int
    workers: int
    batch_size: int
    prefetch_factor: int | None
    pin_memory: bool
    multiprocessing_context: str | None
    splits: dict[str, SplitReport]
    timing: Timing
    notes: tuple[str, ...] = ()

    @property
    def samples_checked(self) -> int:
        return sum(s.samples_checked for s in self.splits.values())

    @property
    def problems(self) -> list[Problem]:
        return [p for s in self.splits.values() for p in s.problems]

    @property
    def clean(self) -> bool:
        return not self.problems

    @property
    def samples_per_second(self) -> float:
        return self.timing.samples_per_second

    def to_dict(self) -> dict:
        """Plain JSON values; the headline fields first, then everything else."""
        body = asdict(self)
        body["splits"] = {name: {**asdict(s), "problems": [asdict(p) for p in s.problems],
                                 "boxes_per_sample": {str(k): v for k, v in sorted(s.boxes_per_sample.items())}}
                          for name, s in self.splits.items()}
        body["notes"] = list(self.notes)
        return {
            "ok": self.clean,
            "samples_checked": self.samples_checked,
            "device": self.device,
            "samples_per_second": self.samples_per_second,
            "problems": [asdict(p) for p in self.problems],
            **body,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "SanityReport":
        """The report :meth:`to_dict` described (after a JSON round trip: how a child process hands it over)."""
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k not in ("splits", "timing", "notes")}
        return cls(**fields, splits={name: _split_from_dict(s) for name, s in data["splits"].items()},
                   timing=Timing(**data["timing"]), notes=tuple(data.get("notes", ())))


def _split_from_dict(data: dict) -> SplitReport:
    def distribution(d: dict | None) -> Distribution | None:
        return Distribution(**d) if d is not None else None

    return SplitReport(**{
        **data,
        "problems": tuple(Problem(**p) for p in data["problems"]),
        "boxes_per_sample": {int(k): v for k, v in data["boxes_per_sample"].items()},
        "box_width": distribution(data["box_width"]),
        "box_height": distribution(data["box_height"]),
    })


def split_report(tally: SplitTally, listed: int) -> SplitReport:
    """Finish one split's tally: ordered problems, histogram, box and pixel statistics."""
    mean = std = None
    if tally.pixels:  # normalised as the model sees them: value / 255
        raw_mean = tally.pixel_sum / tally.pixels
        raw_var = max(tally.pixel_sumsq / tally.pixels - raw_mean * raw_mean, 0.0)
        mean, std = raw_mean / 255.0, math.sqrt(raw_var) / 255.0
    return SplitReport(
        split=tally.split,
        samples_listed=listed,
        samples_checked=tally.checked,
        samples_ok=tally.ok,
        empty_samples=tally.box_hist.get(0, 0),
        problems=tuple(p for _, p in sorted(tally.problems, key=lambda item: item[0])),
        boxes_per_sample={int(k): int(v) for k, v in sorted(tally.box_hist.items())},
        box_width=Distribution.of(tally.widths),
        box_height=Distribution.of(tally.heights),
        pixel_mean=mean,
        pixel_std=std,
    )


def timing_summary(t: TimingTally) -> Timing:
    wall = max(t.wall, 1e-9)
    return Timing(
        wall_seconds=t.wall,
        startup_seconds=t.startup,
        decode_seconds=t.decode,
        wait_seconds=t.wait,
        device_seconds=t.device,
        samples_per_second=t.loaded / wall,
        mb_per_second=t.pixel_bytes / 1e6 / wall,
        file_mb_per_second=t.file_bytes / 1e6 / wall,
        peak_device_memory_bytes=t.peak_device_memory,
    )


def merge_tallies(parts: list[tuple[dict[str, SplitTally], TimingTally]]) -> tuple[dict[str, SplitTally], TimingTally]:
    """Add up the tallies of every rank (rank 0's first)."""
    splits = {name: SplitTally(name) for name in SPLITS}
    timing = TimingTally()
    for tallies, part_timing in parts:
        for name, tally in tallies.items():
            splits.setdefault(name, SplitTally(name)).merge(tally)
        timing.merge(part_timing)
    return splits, timing
