"""Hostile and broken ``.npz`` files: each refused with the file and the problem, nothing written.

Injected: every case of the generated corpus (truncated, not a zip, zero bytes, missing or
extra keys, a pickle that would run code, wrong dtype or rank, zip bombs including one
whose central directory lies, crafted shapes that overflow), FIFOs and devices that would
hang a naive ``open``, symlinks out of the data folder, and a whole folder of such files
read in one pass that must keep going.
"""

from __future__ import annotations

import os
import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from specgui.core.errors import SampleError
from specgui.core.samples.index import scan_signal
from specgui.core.samples.loading import load_sample
from specgui.core.samples.spectrogram_file import load_spectrogram

from .faults import make_corpus, snapshot

GOOD_JSON = b'{"sample_id": "x", "boxes": [{"x_min": 1, "y_min": 1, "x_max": 5, "y_max": 5}]}'


def _data_folder(tmp_path: Path, files: dict[str, bytes]) -> tuple[Path, Path]:
    samples = tmp_path / "signals" / "sig" / "samples"
    samples.mkdir(parents=True)
    for name, blob in files.items():
        (samples / name).write_bytes(blob)
    return tmp_path / "signals", samples


def _case_names():
    return sorted(make_corpus.npz_cases("unused"))


@pytest.mark.parametrize("case", _case_names())
def test_each_corpus_npz_is_loaded_or_refused_by_name(tmp_path, corpus, case):
    blob, expected = corpus["npz"][case]
    root, samples = _data_folder(tmp_path, {case: blob})
    before = snapshot(tmp_path)
    tracemalloc.start()
    try:
        if expected == "ok":
            pixels = load_spectrogram(samples / case, root=root)
            assert pixels.dtype == np.uint8 and pixels.shape == make_corpus.GOOD_SHAPE and pixels.flags.writeable
        else:
            with pytest.raises(SampleError) as err:
                load_spectrogram(samples / case, root=root)
            assert str(samples / case) in str(err.value) and expected in err.value.problem
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024, f"{case}: {peak:,} bytes allocated; bombs must be refused, not inflated"
    assert snapshot(tmp_path) == before
    assert not os.path.exists(corpus["marker"]), "the pickle payload ran"


def test_the_pickle_case_really_is_an_exploit(tmp_path):
    """Self-check of the corpus: numpy with allow_pickle would run the payload; specgui does not."""
    marker = tmp_path / "pickle-ran"
    blob, _ = make_corpus.npz_cases(str(marker))["pickled_object.npz"]
    path = tmp_path / "evil.npz"
    path.write_bytes(blob)
    with pytest.raises(SampleError, match="pickled data is refused"):
        load_spectrogram(path)
    assert not marker.exists()
    np.load(path, allow_pickle=True)["spectrogram"]
    assert marker.is_dir()


def test_a_large_file_is_refused_from_its_header_before_its_pixels_are_read(tmp_path):
    path = tmp_path / "big.npz"
    np.savez(path, spectrogram=np.zeros((4096, 4096), np.uint8))  # 16 MB stored, limit 1 MB
    tracemalloc.start()
    try:
        with pytest.raises(SampleError, match="over the limit"):
            load_spectrogram(path, max_bytes=1024 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024, f"read {peak:,} bytes of a file its header already disqualified"


def test_a_pass_over_a_folder_of_nasty_samples_keeps_going(tmp_path, corpus):
    """The dataset/app view: every file is tried, good ones load, each bad one names itself."""
    files = {}
    for case, (blob, _expected) in corpus["npz"].items():
        stem = case[:-4]
        files[f"{stem}.npz"], files[f"{stem}.json"] = blob, GOOD_JSON
    root, samples = _data_folder(tmp_path, files)
    before = snapshot(tmp_path)
    loaded, refused = [], {}
    for sample_id in scan_signal(root / "sig").complete:
        try:
            loaded.append(load_sample(samples, sample_id).sample_id)
        except SampleError as exc:
            refused[sample_id] = str(exc)
    expected_ok = {c[:-4] for c, (_b, e) in corpus["npz"].items() if e == "ok"}
    assert set(loaded) == expected_ok
    assert len(loaded) + len(refused) == len(corpus["npz"])
    assert all(f"{sid}.npz" in msg for sid, msg in refused.items())
    assert snapshot(tmp_path) == before


def _load_in_thread(path: Path, **kwargs):
    result = {}

    def target():
        try:
            result["value"] = load_spectrogram(path, **kwargs)
        except Exception as exc:  # handed to the test
            result["error"] = exc
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(10)
    return thread, result


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_like_a_sample_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "x.npz"
    os.mkfifo(fifo)
    thread, result = _load_in_thread(fifo)
    if thread.is_alive():  # unblock the reader so the test run can end, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("load_spectrogram blocked on a FIFO")
    assert isinstance(result.get("error"), SampleError) and "not a regular file" in str(result["error"])


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_is_refused_not_read_forever(tmp_path):
    thread, result = _load_in_thread(Path("/dev/zero"))
    assert not thread.is_alive(), "load_spectrogram is reading /dev/zero forever"
    assert isinstance(result.get("error"), SampleError)
    link = tmp_path / "signals" / "sig" / "samples" / "z.npz"
    link.parent.mkdir(parents=True)
    link.symlink_to("/dev/zero")
    with pytest.raises(SampleError, match="outside the data folder"):
        load_spectrogram(link, root=tmp_path / "signals")


@pytest.mark.parametrize("target", ["absolute", "relative", "chain"])
def test_symlinks_out_of_the_data_folder_are_refused(tmp_path, corpus, target):
    secret = tmp_path / "secret.npz"
    secret.write_bytes(corpus["npz"]["valid_compressed.npz"][0])
    root, samples = _data_folder(tmp_path, {"ok.json": GOOD_JSON, "ok.npz": secret.read_bytes()})
    link = samples / "x.npz"
    if target == "absolute":
        link.symlink_to(secret)
    elif target == "relative":
        link.symlink_to(os.path.join("..", "..", "..", "secret.npz"))
    else:  # inside link -> inside link -> outside file
        (samples / "hop.npz").symlink_to(secret)
        link.symlink_to("hop.npz")
    (samples / "x.json").write_bytes(GOOD_JSON)
    before = snapshot(tmp_path)
    with pytest.raises(SampleError, match="outside the data folder") as err:
        load_sample(samples, "x")
    assert str(link) in str(err.value)
    assert load_sample(samples, "ok").spectrogram.shape == make_corpus.GOOD_SHAPE  # the pass goes on
    assert snapshot(tmp_path) == before
