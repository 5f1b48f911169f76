"""Hostile and broken sample ``.json``: each refused with the file and the problem, nothing written.

Injected: every corpus case (malformed, not UTF-8, not an object, 100,000-deep nesting,
``boxes`` missing or of the wrong type, non-numeric/NaN/inf/huge coordinates, inverted,
zero-area and out-of-image boxes, unknown keys that must be kept), a 16 MB+ file, a FIFO,
a symlink to a file outside the data folder, and a folder pass over all of them.
"""

from __future__ import annotations

import os
import threading

import pytest

from specgui.core.errors import SampleError
from specgui.core.samples.index import scan_signal
from specgui.core.samples.labels import MAX_JSON_BYTES, load_sample_labels
from specgui.core.samples.loading import load_sample

from .faults import make_corpus, snapshot


def _signal(tmp_path, files: dict[str, bytes]):
    samples = tmp_path / "signals" / "sig" / "samples"
    samples.mkdir(parents=True)
    for name, blob in files.items():
        (samples / name).write_bytes(blob)
    return tmp_path / "signals", samples


@pytest.mark.parametrize("case", sorted(make_corpus.json_cases()))
def test_each_corpus_json_is_loaded_or_refused_by_name(tmp_path, corpus, case):
    blob, expected = corpus["sample_json"][case]
    root, samples = _signal(tmp_path, {case: blob})
    before = snapshot(tmp_path)
    if expected == "ok":
        labels = load_sample_labels(samples / case, make_corpus.GOOD_SHAPE, root=root)
        assert labels.boxes.shape == (labels.box_count, 4)
    else:
        with pytest.raises(SampleError) as err:
            load_sample_labels(samples / case, make_corpus.GOOD_SHAPE, root=root)
        assert str(samples / case) in str(err.value) and expected in err.value.problem
    assert snapshot(tmp_path) == before


def test_unknown_keys_are_kept_verbatim(tmp_path, corpus):
    root, samples = _signal(tmp_path, {"u.json": corpus["sample_json"]["unknown_keys.json"][0]})
    labels = load_sample_labels(samples / "u.json", root=root)
    assert labels.metadata["snr_db"] == 12 and labels.metadata["signals"] == [{"a": 1}]
    assert labels.metadata["vendor"] == {"k": [1, 2]} and labels.metadata["boxes"][0]["snr_db"] == 3.5


def test_a_huge_json_is_refused_unread(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as fh:  # sparse: costs no disk
        fh.truncate(MAX_JSON_BYTES + 10)
    with pytest.raises(SampleError, match="refused unread"):
        load_sample_labels(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_like_a_sample_json_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "x.json"
    os.mkfifo(fifo)
    result = {}

    def target():
        try:
            load_sample_labels(fifo)
        except Exception as exc:  # handed to the test
            result["error"] = exc
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(10)
    if thread.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("load_sample_labels blocked on a FIFO")
    assert isinstance(result.get("error"), SampleError) and "not a regular file" in str(result["error"])


def test_a_json_symlink_out_of_the_data_folder_is_refused_and_not_shown(tmp_path, corpus):
    secret = tmp_path / "credentials.json"
    secret.write_text('{"boxes": [], "password": "hunter2"}')
    root, samples = _signal(tmp_path, {"x.npz": corpus["npz"]["valid_compressed.npz"][0]})
    (samples / "x.json").symlink_to(secret)
    with pytest.raises(SampleError, match="outside the data folder") as err:
        load_sample(samples, "x")
    assert "hunter2" not in str(err.value)


def test_a_pass_over_a_folder_of_nasty_json_keeps_going(tmp_path, corpus):
    npz = corpus["npz"]["valid_compressed.npz"][0]
    files = {}
    for case, (blob, _expected) in corpus["sample_json"].items():
        files[case] = blob
        files[case[:-5] + ".npz"] = npz
    root, samples = _signal(tmp_path, files)
    before = snapshot(tmp_path)
    loaded, refused = [], {}
    for sample_id in scan_signal(root / "sig").complete:
        try:
            loaded.append(load_sample(samples, sample_id).sample_id)
        except SampleError as exc:
            refused[sample_id] = str(exc)
    assert set(loaded) == {c[:-5] for c, (_b, e) in corpus["sample_json"].items() if e == "ok"}
    assert len(loaded) + len(refused) == len(corpus["sample_json"])
    assert all(f"{sid}.json" in msg for sid, msg in refused.items())
    assert snapshot(tmp_path) == before
