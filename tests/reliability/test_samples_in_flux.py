"""Samples that change under the reader: removed, rewritten in place, or unlinked mid-read.

Injected: a sample deleted between the folder scan and its load (and in the middle of a
training dataset's life), the whole ``samples/`` folder removed mid-pass, a labelling
tool rewriting a sample in place (plain truncate-and-write, as other tools do) while it is
loaded in a loop, and a file unlinked right after it was opened. Every load must give a
whole, valid sample or a ``SampleError`` naming the file; nothing else.
"""

from __future__ import annotations

import json
import shutil
import threading
import time

import numpy as np
import pytest

import specgui.core.samples.spectrogram_file as spectrogram_file
from specgui.core.errors import SampleError
from specgui.core.samples.index import scan_signal
from specgui.core.samples.loading import load_sample
from tests.helpers import make_signal, write_sample

IDS = [f"{i:04d}" for i in range(6)]


def test_a_sample_removed_after_the_scan_is_named_and_the_pass_goes_on(tmp_path):
    signal = make_signal(tmp_path, "sig", IDS)
    listed = scan_signal(signal).complete
    (signal / "samples" / "0002.npz").unlink()
    (signal / "samples" / "0004.json").unlink()
    loaded, refused = [], {}
    for sample_id in listed:
        try:
            loaded.append(load_sample(signal / "samples", sample_id).sample_id)
        except SampleError as exc:
            refused[sample_id] = str(exc)
    assert loaded == ["0000", "0001", "0003", "0005"]
    assert "0002.npz: file not found" in refused["0002"] and "0004.json: file not found" in refused["0004"]


def test_the_whole_samples_folder_removed_mid_pass(tmp_path):
    signal = make_signal(tmp_path, "sig", IDS)
    listed = scan_signal(signal).complete
    load_sample(signal / "samples", listed[0])
    shutil.rmtree(signal / "samples")
    for sample_id in listed[1:]:
        with pytest.raises(SampleError, match="file not found"):
            load_sample(signal / "samples", sample_id)
    assert scan_signal(signal).error.endswith("no samples/ folder")


def test_a_dataset_item_whose_files_vanished_names_the_file(tmp_path):
    torch_dataset = pytest.importorskip("specgui.core.training.dataset")
    signal = make_signal(tmp_path, "sig", IDS)
    dataset = torch_dataset.SpectrogramDataset(signal / "samples", IDS)
    assert dataset[0][0].shape[0] == 3
    (signal / "samples" / "0003.npz").unlink()
    with pytest.raises(SampleError, match="0003.npz: file not found"):
        dataset[3]
    assert dataset[4][1]["boxes"].shape == (1, 4)  # the epoch can go on


def test_rewritten_in_place_while_loading_gives_whole_samples_or_named_errors(tmp_path):
    """A tool re-labels the same window: truncate-and-write both files, over and over."""
    samples = tmp_path / "sig" / "samples"
    write_sample(samples, "hot", shape=(256, 256))
    stop = threading.Event()
    rng = np.random.default_rng(0)
    variants = []
    for k in range(2):
        pixels = rng.integers(0, 256, (256, 256), dtype=np.uint8)
        np.savez_compressed(tmp_path / f"variant{k}.npz", spectrogram=pixels)
        boxes = [{"x_min": k + 1, "y_min": 2, "x_max": 100, "y_max": 120}]
        variants.append(((tmp_path / f"variant{k}.npz").read_bytes(), json.dumps({"boxes": boxes}).encode()))

    def writer():
        k = 0
        while not stop.is_set():
            npz, js = variants[k % 2]
            with open(samples / "hot.npz", "wb") as fh:  # truncate, then write in pieces
                for i in range(0, len(npz), 4096):
                    fh.write(npz[i:i + 4096])
            with open(samples / "hot.json", "wb") as fh:
                fh.write(js[: len(js) // 2])
                fh.flush()
                fh.write(js[len(js) // 2:])
            k += 1
            time.sleep(0.001)  # let some loads see a whole file
    thread = threading.Thread(target=writer)
    thread.start()
    outcomes = {"ok": 0, "refused": 0}
    try:
        for _ in range(300):
            try:
                sample = load_sample(samples, "hot")
            except SampleError as exc:
                assert "hot.npz" in str(exc) or "hot.json" in str(exc)
                outcomes["refused"] += 1
                continue
            assert sample.spectrogram.shape == (256, 256) and sample.labels.box_count == 1
            outcomes["ok"] += 1
    finally:
        stop.set()
        thread.join()
    assert outcomes["ok"] > 0, outcomes


def test_a_file_unlinked_right_after_it_was_opened_still_loads_whole(tmp_path, monkeypatch):
    """POSIX keeps an open file's data: the reader gets the version it opened, not a torn one."""
    signal = make_signal(tmp_path, "sig", IDS)
    real_open = spectrogram_file.open_regular

    def open_then_unlink(path):
        handle = real_open(path)
        path.unlink()
        return handle
    monkeypatch.setattr(spectrogram_file, "open_regular", open_then_unlink)
    sample = load_sample(signal / "samples", "0001")
    assert sample.spectrogram.shape == (32, 48) and not (signal / "samples" / "0001.npz").exists()
