"""The sanity pass on CPU over real files: TorchSig samples plus one bad sample of each kind."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from specgui.core.errors import DataRootError, SplitFileError, SplitNotFoundError
from specgui.core.samples.loading import load_sample
from specgui.core.sanity.run import iter_sanity_pass, plan_sanity_pass, run_sanity_pass
from specgui.core.sanity.distributed import SanityConfigError
from specgui.core.sanity.report import SanityProgress, SanityReport
from tests.helpers import make_signal
from tests.core.sanity.test_sanity_samples import BAD, SIGNAL, build_mixed_signal, write_split


@pytest.fixture
def mixed(torchsig_root):
    signal_dir, good_train, good_val = build_mixed_signal(torchsig_root)
    return torchsig_root, signal_dir, good_train, good_val


def _reference(samples: Path, ids: list[str]) -> dict:
    """What the report should say about good samples, computed independently with numpy."""
    loaded = [load_sample(samples, s) for s in ids]
    pixels = np.concatenate([s.spectrogram.ravel() for s in loaded]).astype(np.float64) / 255
    boxes = np.concatenate([s.labels.boxes for s in loaded]) if loaded else np.empty((0, 4))
    hist: dict[int, int] = {}
    for s in loaded:
        hist[s.labels.box_count] = hist.get(s.labels.box_count, 0) + 1
    return {"pixels": pixels, "widths": boxes[:, 2] - boxes[:, 0], "heights": boxes[:, 3] - boxes[:, 1], "hist": hist}


@pytest.mark.parametrize("workers", [0, 2])
def test_every_bad_sample_is_named_with_its_reason_and_the_rest_is_checked(mixed, workers):
    root, signal_dir, good_train, good_val = mixed
    report = run_sanity_pass(root, SIGNAL, workers=workers, batch_size=3, device="cpu", multiprocessing_context=None)
    assert isinstance(report, SanityReport)
    assert report.device == "cpu" and report.workers == workers
    by_id = {p.sample_id: p for p in report.problems}
    assert set(by_id) == set(BAD)
    for sample_id, (split, kind, words, suffix) in BAD.items():
        problem = by_id[sample_id]
        assert (problem.split, problem.kind) == (split, kind), problem
        assert words in problem.reason, problem
        if suffix is None:
            assert problem.file is None
        else:
            assert problem.file == str(signal_dir / "samples" / f"{sample_id}{suffix}"), problem
    train, val = report.splits["train"], report.splits["val"]
    n_bad_train = sum(1 for v in BAD.values() if v[0] == "train")
    assert train.samples_listed == train.samples_checked == len(good_train) + n_bad_train
    assert val.samples_listed == val.samples_checked == len(good_val) + len(BAD) - n_bad_train
    assert (train.samples_ok, val.samples_ok) == (len(good_train), len(good_val))
    assert report.samples_checked == len(good_train) + len(good_val) + len(BAD)
    assert not report.clean
    # problems come in split order, train first, as listed in the split file
    listed = json.loads((signal_dir / "splits" / "v1.json").read_text())
    order = listed["train_samples"] + listed["val_samples"]
    assert [p.sample_id for p in report.problems] == [s for s in order if s in BAD]


def test_statistics_match_an_independent_computation(mixed):
    root, signal_dir, good_train, good_val = mixed
    report = run_sanity_pass(root, SIGNAL, workers=0, device="cpu")
    samples = signal_dir / "samples"
    for split, good in (("train", good_train), ("val", good_val)):
        ref = _reference(samples, good)
        blank = [np.zeros(64 * 80)] if split == "train" else []  # bad_blank decodes: its pixels count
        pixels = np.concatenate([ref["pixels"], *blank])
        got = report.splits[split]
        assert got.pixel_mean == pytest.approx(pixels.mean(), rel=1e-12)
        assert got.pixel_std == pytest.approx(pixels.std(), rel=1e-9)
        assert got.boxes_per_sample == dict(sorted(ref["hist"].items()))
        assert got.empty_samples == ref["hist"].get(0, 0)
        assert got.box_width.count == len(ref["widths"])
        assert got.box_width.mean == pytest.approx(ref["widths"].mean())
        assert got.box_height.median == pytest.approx(np.median(ref["heights"]))
        assert (got.box_width.min, got.box_width.max) == (ref["widths"].min(), ref["widths"].max())
    assert report.splits["val"].empty_samples == 1  # odd_size has no boxes


def test_worker_and_in_process_passes_agree(mixed):
    root = mixed[0]
    a = run_sanity_pass(root, SIGNAL, workers=0, batch_size=4, device="cpu").to_dict()
    b = run_sanity_pass(root, SIGNAL, workers=2, batch_size=5, device="cpu", multiprocessing_context=None).to_dict()
    for key in ("samples_checked", "problems", "splits"):
        assert a[key] == b[key]


def test_timing_and_device_are_reported(mixed):
    root = mixed[0]
    report = run_sanity_pass(root, SIGNAL, workers=0, device="cpu")
    t = report.timing
    assert t.samples_per_second > 0 and t.mb_per_second > 0 and t.file_mb_per_second > 0
    assert t.wall_seconds >= t.startup_seconds > 0
    assert t.decode_seconds > 0 and t.device_seconds > 0
    assert t.peak_device_memory_bytes is None  # CPU
    assert report.pin_memory is False
    as_json = json.loads(json.dumps(report.to_dict()))
    assert as_json == report.to_dict()  # plain JSON values throughout
    for key in ("samples_checked", "device", "samples_per_second", "problems"):
        assert key in as_json
    assert {"sample_id", "split", "reason", "file", "kind"} <= set(as_json["problems"][0])


def test_progress_events_count_up_to_the_total_and_the_report_is_returned(mixed):
    root = mixed[0]
    plan = plan_sanity_pass(root, SIGNAL, workers=0, batch_size=4, device="cpu")
    events = []
    gen = iter_sanity_pass(plan)
    with pytest.raises(StopIteration) as stop:
        while True:
            events.append(next(gen))
    report = stop.value.value
    assert all(isinstance(e, SanityProgress) for e in events)
    assert [e.done for e in events] == sorted(e.done for e in events)
    assert events[-1].done == events[-1].total == plan.total == report.samples_checked
    assert {e.split for e in events} == {"train", "val"}
    assert events[-1].problems == len(BAD)
    assert events[-1].rate > 0


def test_clean_signal_and_other_version(tmp_path):
    signals = tmp_path / "training_data" / "signals"
    make_signal(signals, "clean", [f"{i:04d}" for i in range(10)], shape=(40, 60))
    write_split(signals / "clean", [f"{i:04d}" for i in range(8)], ["0008", "0009"], version=1)
    write_split(signals / "clean", ["0000", "../x"], ["0008"], version=2)  # active: v2
    report = run_sanity_pass(tmp_path / "training_data", "clean", version=1, device="cpu")  # parent of signals/
    assert report.clean and report.split_version == 1 and report.samples_checked == 10
    active = run_sanity_pass(signals, "clean", device="cpu")
    assert active.split_version == 2 and [p.sample_id for p in active.problems] == ["../x"]


def test_duplicates_and_train_val_overlap_are_problems_checked_once(tmp_path):
    make_signal(tmp_path, "dup", ["a", "b", "c"], shape=(16, 16))
    write_split(tmp_path / "dup", ["a", "b", "a"], ["c", "b"])
    report = run_sanity_pass(tmp_path, "dup", device="cpu")
    kinds = {(p.sample_id, p.split): p.kind for p in report.problems}
    assert kinds == {("a", "train"): "duplicate", ("b", "val"): "overlap"}
    assert report.splits["train"].samples_ok == 2 and report.splits["val"].samples_ok == 1


def test_non_string_ids_in_the_split_are_problems(tmp_path):
    make_signal(tmp_path, "s", ["a", "b"], shape=(16, 16))
    write_split(tmp_path / "s", ["a", 7], ["b"])
    report = run_sanity_pass(tmp_path, "s", device="cpu")
    assert [(p.sample_id, p.kind) for p in report.problems] == [("7", "unsafe_id")]


def test_bad_usage_raises_before_any_file_is_opened(mixed, tmp_path):
    root = mixed[0]
    with pytest.raises(DataRootError):
        plan_sanity_pass(tmp_path / "nowhere", SIGNAL)
    with pytest.raises(DataRootError, match="no signal folder named"):
        plan_sanity_pass(root, "nosuch")
    with pytest.raises(SplitNotFoundError):
        plan_sanity_pass(root, "psk")  # no split yet
    with pytest.raises(SplitNotFoundError):
        plan_sanity_pass(root, SIGNAL, version=9)
    with pytest.raises(SanityConfigError):
        plan_sanity_pass(root, SIGNAL, device="tpu")
    with pytest.raises(SanityConfigError):
        plan_sanity_pass(root, SIGNAL, batch_size=0)
    (root / SIGNAL / "splits" / "v1.json").write_text('{"version": 1, "train_samples": 3}')
    with pytest.raises(SplitFileError):
        plan_sanity_pass(root, SIGNAL)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cuda_asked_for_but_absent_is_refused(mixed):
    with pytest.raises(SanityConfigError, match="not available"):
        plan_sanity_pass(mixed[0], SIGNAL, device="cuda")
    with pytest.raises(SanityConfigError):
        plan_sanity_pass(mixed[0], SIGNAL, device="cuda:1")


def test_empty_split_lists_give_an_empty_clean_report(tmp_path):
    make_signal(tmp_path, "e", ["a"], shape=(16, 16))
    write_split(tmp_path / "e", [], [])
    report = run_sanity_pass(tmp_path, "e", device="cpu")
    assert report.clean and report.samples_checked == 0 and report.splits["train"].pixel_mean is None
