"""specgui's dataset, ``collate_fn``, loaders and flips give the original backend's outputs.

``tests/golden/dataset.json`` records what ``../shared/seed`` gave on the generated samples of
``tests/golden/cases.py`` (odd IDs, 1024x1024 and odd shapes, no/float/extra-key boxes,
``boxes_tight`` beside ``boxes``): image dtype, shape, layout and checksum, every target
tensor, ``image_id``. Runs everywhere, with or without ``../shared``.
"""

from __future__ import annotations

import json

import pytest
import torch
from torch.utils.data import DataLoader

from specgui.core.training import dataset as spec
from specgui.core.splits.manager import SplitManager
from tests.golden import cases

GOLDEN = json.loads(cases.DATASET_FILE.read_text())


@pytest.fixture
def signals_root(tmp_path):
    cases.write_dataset_samples(tmp_path)
    return tmp_path


def test_each_item_matches_the_seeds(signals_root):
    ids = cases.dataset_ids()
    assert ids == GOLDEN["sample_ids"]
    dataset = spec.SpectrogramDataset(signals_root / cases.DATASET_SIGNAL / "samples", ids)
    assert len(dataset) == len(GOLDEN["items"]) == len(ids)
    for idx, expected in enumerate(GOLDEN["items"]):
        assert cases.item_figure(dataset[idx]) == expected, ids[idx]


def test_a_missing_sample_is_left_out_as_the_seed_does_and_reported(signals_root):
    requested = GOLDEN["with_missing"]["requested"]
    with pytest.warns(spec.MissingSamplesWarning, match="'gone'"):
        dataset = spec.SpectrogramDataset(signals_root / cases.DATASET_SIGNAL / "samples", requested)
    assert dataset.sample_ids == GOLDEN["with_missing"]["sample_ids"]
    assert dataset.missing == ("gone",)


def test_collate_fn_batches_as_the_seeds(signals_root):
    dataset = spec.SpectrogramDataset(signals_root / cases.DATASET_SIGNAL / "samples", cases.dataset_ids())
    loader = DataLoader(dataset, batch_size=cases.BATCH_SIZE, collate_fn=spec.collate_fn)
    assert [cases.batch_figure(batch) for batch in loader] == GOLDEN["collate"]


def test_the_loaders_over_a_v1_give_the_seeds_members_and_items(signals_root):
    random_seed, ratio = cases.LOADER_SPLIT
    SplitManager(signals_root).create_initial_split(cases.DATASET_SIGNAL, ratio, random_seed, check_samples=False)  # the seed's members
    train, val = spec.create_data_loaders(cases.DATASET_SIGNAL, signals_root, batch_size=cases.BATCH_SIZE)
    expected = GOLDEN["loaders"]
    assert train.dataset.sample_ids == expected["train_ids"]
    assert val.dataset.sample_ids == expected["val_ids"]
    assert [cases.batch_figure(batch) for batch in val] == expected["val_batches"]
    by_id = {int(target["image_id"]): cases.item_figure((image, target))
             for images, targets in train for image, target in zip(images, targets)}
    assert [by_id[k] for k in sorted(by_id)] == expected["train_items_by_image_id"]


def test_flips_move_image_and_boxes_as_the_seeds_draw_for_draw():
    image, target = cases.flip_inputs()
    chain = spec.Compose([spec.RandomHorizontalFlip(0.5), spec.RandomVerticalFlip(0.5)])
    outcomes = set()
    with torch.random.fork_rng():
        for expected in GOLDEN["flips"]:
            torch.manual_seed(expected["torch_seed"])
            out_image, out_target = chain(image, dict(target))
            assert torch.rand(1).item() == expected["next_draw"], "same number of global RNG draws"
            assert cases.tensor_figure(out_image) == expected["image"]
            assert out_target["boxes"].tolist() == expected["boxes"]
            outcomes.add(torch.equal(out_image, image))
    assert outcomes == {True, False}, "flipped and unflipped outcomes both recorded"


def test_the_figures_tell_images_apart():
    """A checksum figure can fail: one changed pixel gives another."""
    image, _ = cases.flip_inputs()
    changed = image.clone()
    changed[0, 0, 0] += 1
    assert cases.tensor_figure(image)["sha256"] != cases.tensor_figure(changed)["sha256"]


def test_the_golden_answers_are_still_the_seeds(seed_dataset, seed_splits):
    """Live, where ../shared/seed is present: the seed gives today what the file records."""
    from tests.golden.regenerate import dataset_answers

    assert dataset_answers(seed_dataset, seed_splits) == {k: v for k, v in GOLDEN.items() if k != "note"}
