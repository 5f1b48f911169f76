"""Split health: what train and val of one version look like, and how far apart they are.

Read from the sample JSONs only (pixels are never decoded): samples, boxes per sample,
box width (time) and height (bandwidth) as fractions of the image, a box-centre heatmap,
class names, and a train-vs-val drift figure (Jensen-Shannon distance, 0 = same
distribution, 1 = disjoint). The image size comes from ``spectrogram_params.output_size``
when it is square (its axis order is not written down anywhere), else from the ``.npz``
header alone. Also states whether val is frozen (identical to v1's) and warns when val
files are missing, which the seed's loader skipped silently so val shrank unnoticed; and
whether v1 was made capture-aware, with the version's capture leak pairs either way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..audit.windows import Window, count_capture_overlaps, window_of
from ..errors import SampleError, SplitFileError
from ..samples.ids import sample_paths
from ..samples.labels import load_sample_labels
from ..samples.spectrogram_file import npz_image_shape
from .manager import SplitDiff, SplitManager, open_signal
from .resolve import read_split

FRACTION_BINS = 20  # width/height histograms over 0..1 of the image
HEATMAP_BINS = 16  # box centres on a 16x16 grid, row 0 = top of the image (highest frequency)
MAX_COUNT_BIN = 30  # boxes per sample: one bin per count, the last one holds 30 and more


@dataclass(frozen=True)
class Distribution:
    """A histogram (``edges`` has one more entry than ``counts``) and summary statistics."""

    edges: list[float]
    counts: list[int]
    stats: dict[str, float | int | None]


@dataclass(frozen=True)
class SideHealth:
    """One side (``train`` or ``val``) of a split version."""

    split: str
    listed: int
    readable: int
    boxes: int
    boxes_per_sample: Distribution
    box_width: Distribution
    box_height: Distribution
    width_px: dict[str, float | int | None]
    height_px: dict[str, float | int | None]
    centre_heatmap: list[list[float]]
    class_counts: dict[str, int]
    unlabelled_boxes: int
    image_sizes: dict[str, int]
    missing: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class CheckedDiff:
    """:class:`SplitDiff` plus whether ``b``'s val equals v1's and which val files are gone."""

    diff: SplitDiff
    val_frozen: bool | None
    val_missing: list[str]
    warnings: list[str]


@dataclass(frozen=True)
class SplitHealth:
    """Both sides of ``version``, the train-vs-val drift, and the val-integrity checks."""

    signal: str
    version: int
    train: SideHealth
    val: SideHealth
    drift: dict[str, float | None]
    val_frozen: bool | None
    warnings: list[str]
    parent_version: int | None = None
    diff_from_parent: CheckedDiff | None = None
    group_by: str | None = None  # v1's grouping (None: the seed's shuffle by ID, or v1 unreadable)
    capture_leaks: int = 0  # train/val pairs of one capture whose windows overlap or touch

    @property
    def drift_max(self) -> float | None:
        values = [v for v in self.drift.values() if v is not None]
        return max(values) if values else None


def image_shape(metadata: dict, npz_path: Path, bound: Path | None = None) -> tuple[int, int]:
    """(rows, cols): a square ``spectrogram_params.output_size`` if given, else the npz header."""
    params = metadata.get("spectrogram_params")
    size = params.get("output_size") if isinstance(params, dict) else None
    if (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in size)
            and size[0] == size[1] and size[0] > 0):
        return size[0], size[1]
    return npz_image_shape(npz_path, bound)


def summary(values) -> dict[str, float | int | None]:
    """count, mean, min, p10, median, p90, max of ``values`` (None entries when empty)."""
    a = np.asarray(values, dtype=np.float64)
    if a.size == 0:
        return {"count": 0, "mean": None, "min": None, "p10": None, "median": None, "p90": None, "max": None}
    p10, median, p90 = np.percentile(a, [10, 50, 90])
    return {"count": int(a.size), "mean": float(a.mean()), "min": float(a.min()), "p10": float(p10),
            "median": float(median), "p90": float(p90), "max": float(a.max())}


def _fraction_distribution(values) -> Distribution:
    edges = np.linspace(0.0, 1.0, FRACTION_BINS + 1)
    counts, _ = np.histogram(np.clip(values, 0.0, 1.0), bins=edges)
    return Distribution(edges.round(6).tolist(), counts.tolist(), summary(values))


def _count_distribution(values) -> Distribution:
    clipped = np.minimum(np.asarray(values, dtype=np.int64), MAX_COUNT_BIN)
    counts = np.bincount(clipped, minlength=MAX_COUNT_BIN + 1)
    return Distribution(list(range(MAX_COUNT_BIN + 2)), counts.tolist(), summary(values))


def _side(split: str, ids, samples_dir: Path, complete: frozenset[str], bound: Path,
          windows: dict[str, Window]) -> SideHealth:
    """One side's figures; also fills ``windows`` (capture windows, for the leak count)."""
    per_sample, widths, heights, width_px, height_px, cx, cy = [], [], [], [], [], [], []
    classes: dict[str, int] = {}
    sizes: dict[str, int] = {}
    missing, problems, unlabelled = [], [], 0
    for sample_id in ids:
        if sample_id not in complete:
            missing.append(sample_id)
            continue
        npz_path, json_path = sample_paths(samples_dir, sample_id)
        try:
            labels = load_sample_labels(json_path, root=bound)
            rows, cols = image_shape(labels.metadata, npz_path, bound)
        except SampleError as exc:
            problems.append((sample_id, exc.problem))
            continue
        windows[sample_id] = window_of(labels.metadata)
        sizes[f"{rows}x{cols}"] = sizes.get(f"{rows}x{cols}", 0) + 1
        boxes = labels.boxes
        per_sample.append(len(boxes))
        w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
        width_px.extend(w.tolist())
        height_px.extend(h.tolist())
        widths.extend((w / cols).tolist())
        heights.extend((h / rows).tolist())
        cx.extend(((boxes[:, 0] + boxes[:, 2]) / 2 / cols).tolist())
        cy.extend(((boxes[:, 1] + boxes[:, 3]) / 2 / rows).tolist())
        for name in labels.box_labels:
            if name is None:
                unlabelled += 1
            else:
                classes[name] = classes.get(name, 0) + 1
    heat, _, _ = np.histogram2d(np.clip(cy, 0, 1), np.clip(cx, 0, 1), bins=HEATMAP_BINS, range=[[0, 1], [0, 1]])
    heat_norm = heat / heat.sum() if heat.sum() else heat
    return SideHealth(
        split=split, listed=len(ids), readable=len(per_sample), boxes=int(sum(per_sample)),
        boxes_per_sample=_count_distribution(per_sample), box_width=_fraction_distribution(widths),
        box_height=_fraction_distribution(heights), width_px=summary(width_px), height_px=summary(height_px),
        centre_heatmap=heat_norm.round(6).tolist(), class_counts=dict(sorted(classes.items())),
        unlabelled_boxes=unlabelled, image_sizes=sizes, missing=missing, problems=problems,
    )


def js_distance(p, q) -> float | None:
    """Jensen-Shannon distance (base 2, in 0..1) of two histograms; None if either is empty."""
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    if p.sum() <= 0 or q.sum() <= 0:
        return None
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a):
        nz = a > 0
        return float(np.sum(a[nz] * np.log2(a[nz] / m[nz])))

    return float(np.sqrt(max(0.0, (kl(p) + kl(q)) / 2)))


def _drift(train: SideHealth, val: SideHealth) -> dict[str, float | None]:
    names = sorted(set(train.class_counts) | set(val.class_counts))
    return {
        "boxes_per_sample": js_distance(train.boxes_per_sample.counts, val.boxes_per_sample.counts),
        "box_width": js_distance(train.box_width.counts, val.box_width.counts),
        "box_height": js_distance(train.box_height.counts, val.box_height.counts),
        "box_centre": js_distance(np.ravel(train.centre_heatmap), np.ravel(val.centre_heatmap)),
        "classes": js_distance([train.class_counts.get(n, 0) for n in names],
                               [val.class_counts.get(n, 0) for n in names]) if names else None,
    }


def _val_frozen(manager: SplitManager, signal: str, val) -> bool | None:
    try:
        return set(val) == set(manager.read_version(signal, 1).val)
    except SplitFileError:
        return None


def _missing_warning(split: str, missing: list[str], listed: int) -> str:
    return (f"{split}: {len(missing)} of {listed} sample(s) listed in the split are not on disk "
            f"(e.g. {missing[0]!r}); training sees only {listed - len(missing)}"
            + ("; val shrank" if split == "val" else ""))


def _frozen_warning(version: int) -> str:
    return f"val of v{version} differs from v1's: the validation set is meant to stay frozen"


def _val_change_warning(diff: SplitDiff) -> str | None:
    if diff.val_unchanged:
        return None
    return f"val changed from v{diff.a} to v{diff.b}: {len(diff.val_added)} added, {len(diff.val_removed)} removed"


def split_health(root: str | os.PathLike, signal: str, version: int | None = None) -> SplitHealth:
    """Health of ``version`` (default: the active one) of ``signal``; reads JSON (and npz headers)."""
    manager, _ = open_signal(root, signal)
    split = read_split(manager.splits_dir(signal), signal, version, stacklevel=3)
    train_ids, val_ids, number = split.train, split.val, split.version
    scan = manager.scan(signal)
    complete = scan.complete_ids
    train_windows: dict[str, Window] = {}
    val_windows: dict[str, Window] = {}
    train = _side("train", train_ids, scan.samples_dir, complete, manager.base_dir, train_windows)
    val = _side("val", val_ids, scan.samples_dir, complete, manager.base_dir, val_windows)
    frozen = _val_frozen(manager, signal, val_ids)
    warnings = [_missing_warning(s.split, s.missing, s.listed) for s in (train, val) if s.missing]
    if frozen is False:
        warnings.append(_frozen_warning(number))
    for s in (train, val):
        if s.problems:
            warnings.append(f"{s.split}: {len(s.problems)} sample(s) could not be read (e.g. {s.problems[0][0]!r})")
    diff = None
    if split.parent_version:
        try:
            diff = checked_diff(manager, signal, split.parent_version, number)
        except SplitFileError as exc:
            warnings.append(f"parent v{split.parent_version} unreadable: {exc.problem}")
        else:
            warnings += [w for w in [_val_change_warning(diff.diff)] if w]
    return SplitHealth(signal, number, train, val, _drift(train, val), frozen, warnings,
                       split.parent_version, diff, _group_by(manager, signal),
                       count_capture_overlaps(train_windows, val_windows))


def _group_by(manager: SplitManager, signal: str) -> str | None:
    """How v1 was grouped (its ``group_by``); None for the seed's shuffle or an unreadable v1."""
    try:
        group_by = manager.read_version(signal, 1).raw.get("group_by")
    except SplitFileError:
        return None
    return group_by if isinstance(group_by, str) else None


def checked_diff(manager: SplitManager, signal: str, a: int, b: int) -> CheckedDiff:
    """:meth:`SplitManager.diff_versions` plus a 'val frozen' flag and missing-val-file warnings."""
    diff = manager.diff_versions(signal, a, b)
    val_b = manager.read_version(signal, b).val
    frozen = _val_frozen(manager, signal, val_b)
    complete = manager.scan(signal).complete_ids
    missing = [v for v in val_b if v not in complete]
    warnings = [w for w in [_val_change_warning(diff)] if w]
    if frozen is False:
        warnings.append(_frozen_warning(b))
    if missing:
        warnings.append(_missing_warning("val", missing, len(val_b)))
    return CheckedDiff(diff, frozen, missing, warnings)
