"""Whether each sample can be trained on, from one decode of its files, cached per file state.

:func:`judge_files` loads a sample the way the dataset does (the ``.npz`` safely: a zip,
key ``spectrogram``, uint8, 2-D; the JSON an object with valid boxes inside the image) and,
from that same decode, takes the audit's fingerprint (exact and perceptual hash) and the
capture window. :func:`sample_verdicts` runs it on a worker pool for what the per-user
cache lacks: a verdict is reused only while both files keep their (size, ``mtime_ns``,
inode), so a rewritten (fixed) file is judged again. Nothing here raises for a bad file.
"""

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path
from typing import NamedTuple

from ..errors import SampleError
from ..samples.ids import sample_path_strings
from ..samples.labels import check_boxes_inside, load_sample_labels
from ..samples.spectrogram_file import load_spectrogram
from .cache import AuditCache, VerdictKey
from .hashes import exact_hash, perceptual_hash
from .windows import window_of
from .work import choose_pool, run_checks

UNREADABLE, BAD_LABELS = "unreadable", "bad_labels"


class Verdict(NamedTuple):
    """One sample: ``kind`` None when it loads (then ``fingerprint`` is (exact, phash, shape) and
    ``window`` its capture window), else ``unreadable`` or ``bad_labels`` with a ``reason``
    naming the file and the problem.

    A tuple, not a dataclass: a guarded preview holds one per sample (100,000 on a big
    signal), and Python's collector stops tracking a tuple of plain values after one look,
    where it would walk 200,000 dataclass objects and their ``__dict__``s again and again.
    """

    sample_id: str
    kind: str | None = None
    reason: str | None = None
    fingerprint: tuple | None = None
    window: tuple | None = None

    @property
    def ok(self) -> bool:
        return self.kind is None

    @property
    def shape(self) -> tuple[int, int] | None:
        return tuple(self.fingerprint[2]) if self.fingerprint else None


def _problem(exc: Exception, path: Path) -> str:
    problem = exc.problem if isinstance(exc, SampleError) else f"cannot read: {exc}"
    return f"{path.name}: {problem}"


def judge_files(npz_path: str | Path, json_path: str | Path, bound: Path | None) -> tuple:
    """``(None, fingerprint, window)`` when both files load and agree, else ``(kind, reason)``."""
    npz_path, json_path = Path(npz_path), Path(json_path)
    try:
        pixels = load_spectrogram(npz_path, root=bound)
    except (SampleError, OSError, ValueError, MemoryError) as exc:  # one file never ends the check
        return UNREADABLE, _problem(exc, npz_path)
    try:
        labels = load_sample_labels(json_path, root=bound)
        check_boxes_inside(labels.boxes, pixels.shape, json_path)
    except (SampleError, OSError, ValueError, RecursionError) as exc:
        return BAD_LABELS, _problem(exc, json_path)
    shape = (int(pixels.shape[0]), int(pixels.shape[1]))
    return None, (exact_hash(pixels), perceptual_hash(pixels), shape), window_of(labels.metadata)


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def verdict_key(npz_path: Path, json_path: Path) -> VerdictKey | None:
    """(size, mtime_ns, inode) of both files; None when either cannot be stat'ed."""
    npz, js = _identity(npz_path), _identity(json_path)
    return None if npz is None or js is None else (*npz, *js)


def _cached(cache: AuditCache, sample_id: str, key: VerdictKey | None) -> Verdict | None:
    found = cache.get_verdict(sample_id, key)
    if found is None:
        return None
    if found[0] is not None:
        return Verdict(sample_id, found[0], found[1])
    pixels = cache.get_pixels(sample_id, key[:2])
    window = cache.get_window(sample_id, key[3:5])
    if pixels is None or window is None:
        return None
    return Verdict(sample_id, fingerprint=pixels, window=tuple(window))


def sample_verdicts(samples_dir: Path, ids, cache: AuditCache, *, bound: Path | None,
                    workers: int | None = None, pool: str = "auto", progress=None) -> dict[str, Verdict]:
    """A :class:`Verdict` per ID of ``ids``, from the ``cache`` where its files are unchanged,
    else decoded on a pool (``progress(done, total)`` follows). The cache is updated, not saved."""
    found: dict[str, Verdict] = {}
    tasks = []
    ids = list(ids)
    for sample_id, (npz_path, json_path) in zip(ids, sample_path_strings(samples_dir, ids)):  # str: few objects
        key = verdict_key(npz_path, json_path)
        hit = _cached(cache, sample_id, key) if key is not None else None
        if hit is not None:
            found[sample_id] = hit
        else:
            tasks.append((sample_id, npz_path, json_path, key))
    total = len(found) + len(tasks)
    if progress is not None:
        progress(len(found), total)
    sizes = [t[3][0] for t in tasks if t[3] is not None]
    chosen = choose_pool(pool, len(sizes), sum(sizes) / max(1, len(sizes)))
    with closing(run_checks(tasks, bound, workers, chosen, check=judge_files)) as results:
        for (sample_id, npz_path, json_path, key), result in results:
            if result[0] is not None:
                found[sample_id] = Verdict(sample_id, result[0], result[1])
            else:
                _, fingerprint, window = result
                found[sample_id] = Verdict(sample_id, fingerprint=fingerprint, window=tuple(window))
                if key is not None:
                    cache.put_pixels(sample_id, key[:2], *fingerprint)
                    cache.put_window(sample_id, key[3:5], *window)
            if key is not None and key == verdict_key(npz_path, json_path):  # not rewritten meanwhile
                cache.put_verdict(sample_id, key, result[0], result[1] if result[0] else None)
            if progress is not None:
                progress(len(found), total)
    return found
