"""The box labels a signal's samples use, counted: what the label dialog offers first.

Read in the background when a signal is first shown, so a labeler who opens one sample is
offered the labels of the whole signal, not only of the samples visited this session. A big
signal is sampled: at most :data:`MAX_FILES_READ` JSON files spread evenly over its sorted IDs
(a label on 1% of the samples, placed at random, is then missed with odds below 1 in 10^8). Reading
every file of a 100,000-sample signal took minutes of a worker thread, competing with the
window for the GIL, each time such a signal was first shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import SampleError
from ..layout import SAMPLES_DIRNAME
from ..samples.ids import sample_paths
from ..samples.index import scan_signal
from ..samples.labels import parse_boxes, read_sample_metadata


MAX_FILES_READ = 2_000


def signal_label_counts(signal_dir: str | Path, max_files: int = MAX_FILES_READ) -> Iterator[None | Counter]:
    """A generator (so the worker can abort between files): yields ``None`` per file read,
    returns the labels of the complete samples' boxes with their counts (of at most
    ``max_files`` samples spread over the signal). A sample whose JSON cannot be read or whose
    boxes are invalid is skipped (the list marks it already)."""
    signal_dir = Path(signal_dir)
    samples_dir = signal_dir / SAMPLES_DIRNAME
    root = signal_dir.parent
    counts: Counter = Counter()
    ids = sorted(scan_signal(signal_dir).complete)
    if len(ids) > max_files:
        ids = [ids[i] for i in np.linspace(0, len(ids) - 1, max_files).round().astype(int)]
    for sample_id in ids:
        _npz, json_path = sample_paths(samples_dir, sample_id)
        try:
            _boxes, labels = parse_boxes(read_sample_metadata(json_path, root=root), json_path)
        except SampleError:
            labels = ()
        counts.update(label for label in labels if label)
        yield None
    return counts
