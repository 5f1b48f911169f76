"""One sample, whole: its pixels and its checked labels, by ID."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..layout import SignalPaths
from .ids import sample_paths
from .labels import SampleLabels, check_boxes_inside, load_sample_labels
from .spectrogram_file import load_spectrogram


@dataclass(frozen=True)
class LoadedSample:
    """A sample ready to show or train on: uint8 ``[rows, cols]`` pixels and checked labels."""

    sample_id: str
    npz_path: Path
    json_path: Path
    spectrogram: np.ndarray
    labels: SampleLabels


def load_sample(samples_dir: str | Path, sample_id: str, *, root: str | Path | None = None) -> LoadedSample:
    """Load and check both files of ``sample_id``; raises :class:`~specgui.core.errors.SampleError`.

    ``root`` (default: the samples folder's grandparent, the signals root) bounds where a
    symlinked sample file may point.
    """
    npz_path, json_path = sample_paths(samples_dir, sample_id)
    bound = Path(root) if root is not None else SignalPaths.of_samples_dir(samples_dir).signals_root
    labels = load_sample_labels(json_path, root=bound)
    pixels = load_spectrogram(npz_path, root=bound)
    check_boxes_inside(labels.boxes, pixels.shape, json_path)
    return LoadedSample(sample_id, npz_path, json_path, pixels, labels)
