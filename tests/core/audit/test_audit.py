"""Leakage audit on real files: exact and near duplicates, shared capture windows, problems."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specgui.core.audit.audit import audit_split, iter_audit
from specgui.core.audit.hashes import (
    DEFAULT_NEAR_THRESHOLD,
    exact_hash,
    hashes_to_words,
    near_pairs,
    perceptual_hash,
)
from specgui.core.audit.windows import capture_overlaps
from specgui.core.errors import DataRootError, SplitNotFoundError, SplitStateError
from specgui.core.samples.spectrogram_file import load_spectrogram
from specgui.core.splits.manager import SplitManager
from tests.core.audit.test_audit_helpers import (  # noqa: F401 - cache_dir is a fixture
    add_noise,
    cache_dir,
    shift_columns,
    spectro_image,
    window,
    write_pixels,
    write_split,
)


@pytest.fixture
def signal(tmp_path: Path, cache_dir) -> Path:
    """``signals/sig`` holding four distinct samples: t1, t2 (train), v1, v2 (val) so far."""
    signal_dir = tmp_path / "signals" / "sig"
    for i, sample_id in enumerate(["t1", "t2", "v1", "v2"]):
        write_pixels(signal_dir / "samples", sample_id, spectro_image(i))
    return signal_dir


def _audit(signal_dir: Path, train, val, **kwargs):
    write_split(signal_dir, train, val)
    return audit_split(signal_dir.parent, signal_dir.name, **kwargs)


def _pairs(report, kind):
    return {(leak.train, leak.val) for leak in report.leaks if leak.kind == kind}


def test_distinct_samples_have_no_leak(signal):
    report = _audit(signal, ["t1", "t2"], ["v1", "v2"])
    assert report.leaks == () and report.problems == ()
    assert (report.train_count, report.val_count, report.version) == (2, 2, 1)


def test_exact_duplicate_found_across_compressed_and_plain_files(signal):
    pixels = spectro_image(2)  # v1's pixels, saved again without compression
    write_pixels(signal / "samples", "copy", pixels, compressed=False)
    assert (signal / "samples" / "copy.npz").read_bytes() != (signal / "samples" / "v1.npz").read_bytes()
    report = _audit(signal, ["t1", "t2", "copy"], ["v1", "v2"])
    assert _pairs(report, "exact") == {("copy", "v1")}
    assert _pairs(report, "near") == set()  # an exact pair is not repeated as a near one
    leak = report.leaks[0]
    assert leak.evidence == {"hash": exact_hash(pixels), "shape": [256, 256]}


def test_exact_hash_covers_the_shape_not_the_file():
    pixels = spectro_image(5, shape=(64, 256))
    assert exact_hash(pixels) == exact_hash(pixels.copy(order="F"))
    assert exact_hash(pixels) != exact_hash(pixels.reshape(128, 128))  # same bytes, other image
    assert exact_hash(pixels) != exact_hash(pixels.T)


@pytest.mark.parametrize("variant", ["noise", "shift", "noise+shift"])
def test_near_copy_found_with_its_distance(signal, variant):
    pixels = spectro_image(3)  # v2's pixels
    if "shift" in variant:
        pixels = shift_columns(pixels, 3)
    if "noise" in variant:
        pixels = add_noise(pixels, sigma=6)
    write_pixels(signal / "samples", "near", pixels)
    report = _audit(signal, ["t1", "t2", "near"], ["v1", "v2"])
    assert _pairs(report, "near") == {("near", "v2")} and _pairs(report, "exact") == set()
    evidence = report.leaks[0].evidence
    assert 0 < evidence["distance"] <= DEFAULT_NEAR_THRESHOLD == evidence["threshold"]
    assert evidence["bits"] == 256 and len(evidence["val_phash"]) == 64


def test_near_threshold_zero_reports_only_exact(signal):
    write_pixels(signal / "samples", "near", add_noise(spectro_image(3)))
    report = _audit(signal, ["t1", "t2", "near"], ["v1", "v2"], near_threshold=0)
    assert report.leaks == ()


def test_bad_threshold_is_refused(signal):
    write_split(signal, ["t1"], ["v1"])
    with pytest.raises(SplitStateError):
        audit_split(signal.parent, "sig", near_threshold=257)


def test_no_false_near_hits_between_distinct_torchsig_spectrograms(torchsig_root, cache_dir):
    pooled = torchsig_root / "pooled" / "samples"
    pooled.mkdir(parents=True)
    for npz in sorted(torchsig_root.glob("*/samples/*.npz")):
        for suffix in (".npz", ".json"):
            shutil.copy(npz.with_suffix(suffix), pooled / f"{npz.parent.parent.name}-{npz.stem}{suffix}")
    hashes = [perceptual_hash(load_spectrogram(p)) for p in sorted(pooled.glob("*.npz"))]
    assert len(hashes) == 14
    words = hashes_to_words(hashes)
    distances = [d for i, j, d in near_pairs(words, words, 256) if i < j]
    assert len(distances) == 91 and min(distances) > DEFAULT_NEAR_THRESHOLD + 16
    SplitManager(torchsig_root).create_initial_split("pooled", val_ratio=0.5)
    report = audit_split(torchsig_root.parent, "pooled")  # ROOT given as the signals folder's parent
    assert report.leaks == () and report.problems == () and report.decoded == 14


def test_capture_windows_that_overlap_or_touch_leak(signal):
    meta = {"t1": window("cap-a", 10.05), "t2": window("cap-a", 12.45 + 0.1), "v1": window("cap-a", 10.0),
            "v2": window("cap-a", 12.45)}
    for i, (sample_id, extra) in enumerate(meta.items()):
        write_pixels(signal / "samples", sample_id, spectro_image(i), **extra)
    report = _audit(signal, ["t1", "t2"], ["v1", "v2"])
    assert _pairs(report, "capture") == {("t1", "v1"), ("t2", "v2")}
    overlap, touch = (leak.evidence for leak in report.leaks)
    assert overlap["capture"] == "cap-a" and overlap["train_window"] == [10.05, 10.15]
    assert overlap["overlap_sec"] == pytest.approx(0.05) and not overlap["touching"]
    assert touch["touching"] and touch["overlap_sec"] == pytest.approx(0.0, abs=1e-6)


def test_capture_non_leaks(signal):
    meta = {"t1": window("cap-a", 10.0), "t2": window("cap-a", 10.05),  # overlap, but both train
            "v1": window("cap-b", 10.0),  # same times, other capture
            "v2": window("cap-a", 10.2)}  # same capture, a gap after t1/t2
    for i, (sample_id, extra) in enumerate(meta.items()):
        write_pixels(signal / "samples", sample_id, spectro_image(i), **extra)
    report = _audit(signal, ["t1", "t2"], ["v1", "v2"])
    assert report.leaks == ()


def test_capture_without_window_is_counted_not_guessed(signal):
    write_pixels(signal / "samples", "t1", spectro_image(0), source_capture="cap-a")
    write_pixels(signal / "samples", "v1", spectro_image(2), **window("cap-a", 0.0))
    report = _audit(signal, ["t1", "t2"], ["v1", "v2"])
    assert report.leaks == () and report.without_window == 1


intervals = st.lists(st.tuples(st.sampled_from("ab"), st.integers(0, 40), st.integers(0, 6), st.booleans()),
                     max_size=30)


@settings(max_examples=150, deadline=None)
@given(intervals)
def test_sweep_matches_all_pairs(items):
    left, right = {}, {}
    for i, (capture, start, length, is_left) in enumerate(items):
        (left if is_left else right)[f"s{i}"] = (capture, start / 10, length / 10)
    expected = {(a, b) for (a, (ca, sa, da)), (b, (cb, sb, db)) in itertools.product(left.items(), right.items())
                if ca == cb and sa <= sb + db + 1e-6 and sb <= sa + da + 1e-6}
    assert {(a, b) for a, b, _ in capture_overlaps(left, right)} == expected


def test_near_pairs_matches_brute_force():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 2**63, size=(37, 4), dtype=np.uint64)
    b = np.concatenate([a[:5] ^ np.uint64(0b1011), rng.integers(0, 2**63, size=(20, 4), dtype=np.uint64)])
    expected = {(i, j, sum(bin(int(x) ^ int(y)).count("1") for x, y in zip(a[i], b[j])))
                for i in range(len(a)) for j in range(len(b))}
    expected = {t for t in expected if t[2] <= 100}
    assert set(near_pairs(a, b, 100, chunk_cells=64)) == expected


def test_unreadable_and_missing_samples_are_problems_and_the_audit_goes_on(signal):
    write_pixels(signal / "samples", "copy", spectro_image(2))
    (signal / "samples" / "t2.npz").write_bytes(b"not a zip")
    (signal / "samples" / "v2.json").write_text("{broken")
    report = _audit(signal, ["t1", "t2", "copy"], ["v1", "v2", "gone"])
    problems = {(p.sample_id, p.split) for p in report.problems}
    assert problems == {("t2", "train"), ("v2", "val"), ("gone", "val")}
    assert "not on disk" in next(p.problem for p in report.problems if p.sample_id == "gone")
    assert _pairs(report, "exact") == {("copy", "v1")}


def test_generator_reports_progress_and_can_be_cancelled(signal):
    write_split(signal, ["t1", "t2"], ["v1", "v2"])
    steps = iter_audit(signal.parent, "sig", workers=2, use_cache=False)
    seen = []
    try:
        while True:
            seen.append(next(steps))
    except StopIteration as stop:
        report = stop.value
    assert seen[-1] == (4, 4) and all(t == 4 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert report.decoded == 4
    cancelled = iter_audit(signal.parent, "sig", workers=2, use_cache=False)
    next(cancelled)
    cancelled.close()  # stops cleanly at a yield; no thread left running the audit


def test_bad_input_raises_before_any_work(tmp_path, signal):
    with pytest.raises(DataRootError, match="signals here: sig"):
        next(iter_audit(signal.parent, "other"))
    with pytest.raises(SplitNotFoundError):
        next(iter_audit(signal.parent, "sig"))  # no split yet
    write_split(signal, ["t1"], ["v1"])
    with pytest.raises(SplitNotFoundError):
        next(iter_audit(signal.parent, "sig", version=4))
    with pytest.raises(DataRootError):
        next(iter_audit(tmp_path / "nowhere", "sig"))


@pytest.mark.parametrize("pool", ["thread", "process"])
def test_cancel_stops_the_workers(tmp_path, cache_dir, pool):
    import multiprocessing
    import threading

    signal_dir = tmp_path / "signals" / "many"
    for i in range(100):
        write_pixels(signal_dir / "samples", f"s{i:03d}", spectro_image(i, shape=(64, 64)))
    write_split(signal_dir, [f"s{i:03d}" for i in range(80)], [f"s{i:03d}" for i in range(80, 100)])
    steps = iter_audit(signal_dir.parent, "many", workers=2, pool=pool)
    progress = [next(steps) for _ in range(3)]
    assert progress[-1][1] == 100 and progress[-1][0] < 100
    steps.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("specgui-audit")]
    assert not multiprocessing.active_children()
    full = audit_split(signal_dir.parent, "many", workers=2, pool=pool)  # what the cancelled run finished was cached
    assert full.leaks == () and (full.cache_hits, full.decoded) == (progress[-1][0], 100 - progress[-1][0])
