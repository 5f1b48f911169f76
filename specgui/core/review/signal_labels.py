"""The box labels a signal's samples use, counted: what the label dialog offers first.

Read in the background when a signal is first shown, so a labeler who opens one sample is
offered the labels of the whole signal, not only of the samples visited this session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from ..errors import SampleError
from ..layout import SAMPLES_DIRNAME
from ..samples.ids import sample_paths
from ..samples.index import scan_signal
from ..samples.labels import parse_boxes, read_sample_metadata


def signal_label_counts(signal_dir: str | Path) -> Iterator[None | Counter]:
    """A generator (so the worker can abort between files): yields ``None`` per file read,
    returns the labels of every complete sample's boxes with their counts. A sample whose
    JSON cannot be read or whose boxes are invalid is skipped (the list marks it already)."""
    signal_dir = Path(signal_dir)
    samples_dir = signal_dir / SAMPLES_DIRNAME
    root = signal_dir.parent
    counts: Counter = Counter()
    for sample_id in sorted(scan_signal(signal_dir).complete):
        _npz, json_path = sample_paths(samples_dir, sample_id)
        try:
            _boxes, labels = parse_boxes(read_sample_metadata(json_path, root=root), json_path)
        except SampleError:
            labels = ()
        counts.update(label for label in labels if label)
        yield None
    return counts
