"""The per-sample checks, the exact pixel reductions and the collate, without the loader around them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from specgui.core.sanity import run as sanity
from specgui.core.sanity.run import run_sanity_pass
from specgui.core.sanity.checks import PixelReducer, SanityCollate, image_problem, target_problem
from specgui.core.sanity.dataset import SampleRecord
from tests.core.sanity.test_sanity_samples import SIGNAL, build_mixed_signal


def _boxes(*rows):
    return torch.tensor(rows, dtype=torch.float32).reshape(-1, 4)


@pytest.mark.parametrize("boxes, labels, words", [
    (_boxes([1, 2, 10, 12]).double(), torch.ones(1, dtype=torch.int64), "expected float32"),
    (_boxes([1, 2, 10, 12]), torch.ones(1, dtype=torch.int32), "expected int64"),
    (_boxes([1, 2, 10, 12]), torch.ones(2, dtype=torch.int64), "expected int64 [1]"),
    (_boxes([1, 2, 10, 12], [float("nan"), 2, 10, 12]), torch.ones(2, dtype=torch.int64), "box 1 has a non-finite"),
    (_boxes([1, 2, float("inf"), 12]), torch.ones(1, dtype=torch.int64), "non-finite"),
    (_boxes([10, 2, 1, 12]), torch.ones(1, dtype=torch.int64), "inverted"),
    (_boxes([1, 2, 1, 12]), torch.ones(1, dtype=torch.int64), "zero area"),
    (_boxes([1, 2, 49, 12]), torch.ones(1, dtype=torch.int64), "outside the 48x32 image"),
    (_boxes([-1, 2, 10, 12]), torch.ones(1, dtype=torch.int64), "outside"),
    (_boxes([1, 2, 10, 33]), torch.ones(1, dtype=torch.int64), "outside"),
    (_boxes([1, 2, 10, 12]), torch.zeros(1, dtype=torch.int64), "label below 1"),
])
def test_target_problems_are_named(boxes, labels, words):
    reason = target_problem(boxes, labels, (32, 48))
    assert reason is not None and words in reason


def test_sound_targets_pass_including_edges_and_no_boxes():
    assert target_problem(_boxes([0, 0, 48, 32]), torch.ones(1, dtype=torch.int64), (32, 48)) is None
    assert target_problem(torch.zeros((0, 4)), torch.zeros(0, dtype=torch.int64), (32, 48)) is None


@pytest.mark.parametrize("pixels, words", [
    (torch.zeros((4, 4), dtype=torch.float32), "torch.float32"),
    (torch.ones((2, 4, 4), dtype=torch.uint8), "expected 2-D"),
    (torch.ones((0, 4), dtype=torch.uint8), "empty"),
    (torch.full((4, 4), 255, dtype=torch.uint8), "blank: every pixel is 255"),
])
def test_image_problems_are_named(pixels, words):
    assert words in image_problem(pixels)


@pytest.mark.parametrize("shapes", [[(7, 13)], [(1024, 1024)], [(3, 5), (300, 301), (1, 1)]])
def test_pixel_sums_are_exact_for_any_size(shapes):
    rng = np.random.default_rng(0)
    reducer = PixelReducer("cpu")
    total = squares = 0
    for shape in shapes:
        image = rng.integers(0, 256, size=shape, dtype=np.uint8)
        reducer.reduce("train", torch.from_numpy(image).unsqueeze(0))
        total += int(image.astype(np.int64).sum())
        squares += int((image.astype(np.int64) ** 2).sum())
    pixels, got_total, got_squares = reducer.totals()["train"]
    assert (pixels, got_total, got_squares) == (sum(a * b for a, b in shapes), total, squares)
    assert reducer.device_seconds() > 0
    reducer.release()
    assert reducer.totals() == {}


def _record(index, pixels, boxes=None):
    boxes = _boxes([1, 1, 2, 2]) if boxes is None else boxes
    return SampleRecord(index, "train", (f"{index}.npz", f"{index}.json"), pixels, boxes,
                        torch.ones(boxes.shape[0], dtype=torch.int64), 0.001, 10)


def test_collate_checks_stacks_by_shape_or_reduces_on_host():
    good = [_record(0, torch.arange(12, dtype=torch.uint8).view(3, 4)),
            _record(1, torch.arange(20, dtype=torch.uint8).view(4, 5), _boxes()),
            _record(2, torch.arange(12, dtype=torch.uint8).view(3, 4) + 1)]
    bad = [_record(3, torch.zeros((3, 4), dtype=torch.float32)), _record(4, torch.zeros((3, 4), dtype=torch.uint8)),
           _record(5, torch.arange(12, dtype=torch.uint8).view(3, 4), _boxes([9, 1, 2, 2]))]
    stacked = SanityCollate(reduce_on_host=False)(good + bad)
    assert [p[0] for p in stacked.problems] == [3, 4, 5]
    assert [p[3] for p in stacked.problems] == ["image", "image", "labels"]
    assert stacked.ok == [(0, 1), (1, 0), (2, 1)]
    # the blank image and the bad-box image still decode: their pixels are counted
    assert sorted(tuple(g.shape) for g in stacked.groups) == [(1, 4, 5), (4, 3, 4)]
    assert stacked.host_sums is None and stacked.pixel_bytes == 12 * 4 + 20
    reduced = SanityCollate(reduce_on_host=True)(good + bad)
    assert reduced.groups == [] and reduced.host_sums[0] == 12 * 4 + 20
    flat = torch.cat([g.reshape(-1) for g in stacked.groups]).double()
    assert reduced.host_sums[1:] == (flat.sum().item(), (flat ** 2).sum().item())
    assert list(reduced.widths) == [1.0, 1.0]


def test_the_device_path_on_cpu_gives_the_same_report(torchsig_root, monkeypatch):
    """What CUDA does (pixels stacked in shared memory, reduced in the main process), on CPU."""
    build_mixed_signal(torchsig_root)
    host = run_sanity_pass(torchsig_root, SIGNAL, workers=2, device="cpu", multiprocessing_context=None).to_dict()
    monkeypatch.setattr(sanity, "SanityCollate", lambda reduce_on_host: SanityCollate(False))
    main = run_sanity_pass(torchsig_root, SIGNAL, workers=2, device="cpu", multiprocessing_context=None).to_dict()
    assert main["splits"] == host["splits"] and main["problems"] == host["problems"]
    assert main["timing"]["device_seconds"] > 0
