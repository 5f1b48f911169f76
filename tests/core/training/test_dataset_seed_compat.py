"""specgui's dataset and loaders against the seed's, on real TorchSig spectrograms and real splits.

Skips where ../shared is absent (tests/test_golden_dataset.py holds the seed's answers).
Every item must be element-wise identical (images compared with ``torch.equal`` plus dtype,
shape and layout), and split files written by either side must load in the other.
"""

from __future__ import annotations

import warnings

import pytest
import torch

from helpers import write_sample
from specgui.core.training import dataset as spec
from specgui.core.splits.manager import SplitManager

TORCHSIG_SIGNALS = ("chirp", "fsk", "ofdm", "psk", "wideband")


@pytest.fixture(autouse=True)
def _quiet_seed(capsys):
    """The seed prints and pins memory on CPU-only machines; neither matters here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*pin_memory.*")
        yield


def assert_same_item(seed_item, spec_item, where):
    seed_image, seed_target = seed_item
    spec_image, spec_target = spec_item
    assert spec_image.dtype == seed_image.dtype == torch.float32, where
    assert spec_image.shape == seed_image.shape, where
    assert spec_image.is_contiguous() and seed_image.is_contiguous(), where
    assert torch.equal(spec_image, seed_image), where
    assert set(spec_target) == set(seed_target) == {"boxes", "labels", "image_id"}, where
    for key, seed_value in seed_target.items():
        value = spec_target[key]
        assert value.dtype == seed_value.dtype, (where, key)
        assert value.shape == seed_value.shape, (where, key)
        assert torch.equal(value, seed_value), (where, key)


def sample_ids_of(signal_dir):
    return sorted(p.stem for p in (signal_dir / "samples").glob("*.npz"))


def by_image_id(loader):
    """Items of a loader keyed by ``image_id`` (order-free comparison of a shuffled loader)."""
    items = {}
    for images, targets in loader:
        for image, target in zip(images, targets):
            items[int(target["image_id"])] = (image, target)
    return items


def in_order(loader):
    return [item for images, targets in loader for item in zip(images, targets)]


@pytest.mark.parametrize("signal", TORCHSIG_SIGNALS)
def test_every_torchsig_sample_matches_the_seed_dataset(seed_dataset, torchsig_root, signal):
    samples_dir = torchsig_root / signal / "samples"
    ids = sample_ids_of(torchsig_root / signal)
    assert ids, "the TorchSig copy has samples"
    seed_set = seed_dataset.SpectrogramDataset(str(samples_dir), ids)
    spec_set = spec.SpectrogramDataset(str(samples_dir), ids)
    assert len(spec_set) == len(seed_set) == len(ids)
    for idx in range(len(ids)):
        assert_same_item(seed_set[idx], spec_set[idx], f"{signal}/{ids[idx]}")
    assert spec_set[0][1]["boxes"].shape[0] > 0, "TorchSig samples carry boxes"


def test_every_torchsig_sample_matches_the_seed_through_the_loaders(seed_dataset, torchsig_root):
    for signal in TORCHSIG_SIGNALS:
        SplitManager(torchsig_root).create_initial_split(signal)
        seed_train, seed_val = seed_dataset.create_data_loaders(signal, str(torchsig_root), batch_size=2)
        spec_train, spec_val = spec.create_data_loaders(signal, torchsig_root, batch_size=2)
        assert spec_train.dataset.sample_ids == seed_train.dataset.sample_ids
        assert spec_val.dataset.sample_ids == seed_val.dataset.sample_ids
        seed_items, spec_items = by_image_id(seed_train), by_image_id(spec_train)
        assert sorted(spec_items) == sorted(seed_items) == list(range(len(seed_train.dataset)))
        for image_id, seed_item in seed_items.items():
            assert_same_item(seed_item, spec_items[image_id], f"{signal} train #{image_id}")
        seed_val_items, spec_val_items = in_order(seed_val), in_order(spec_val)
        assert len(spec_val_items) == len(seed_val_items) >= 1
        for n, (seed_item, spec_item) in enumerate(zip(seed_val_items, spec_val_items)):
            assert_same_item(seed_item, spec_item, f"{signal} val #{n}")


def test_a_v1_written_by_the_seed_loads_in_specgui(seed_dataset, seed_splits, torchsig_root):
    seed_splits.SplitManager(str(torchsig_root)).create_initial_split("wideband", val_ratio=0.34, random_seed=7)
    seed_train_ids, seed_val_ids = seed_splits.SplitManager(str(torchsig_root)).get_split("wideband")
    train, val = spec.create_data_loaders("wideband", torchsig_root, batch_size=3)
    assert train.dataset.sample_ids == seed_train_ids
    assert val.dataset.sample_ids == seed_val_ids
    assert len(seed_val_ids) == 2 and not train.dataset.missing and not val.dataset.missing
    seed_loaders = seed_dataset.create_data_loaders("wideband", str(torchsig_root), batch_size=3)
    for n, (seed_item, spec_item) in enumerate(zip(in_order(seed_loaders[1]), in_order(val))):
        assert_same_item(seed_item, spec_item, f"val #{n}")


def test_splits_written_by_specgui_load_in_the_seed(seed_dataset, torchsig_root):
    manager = SplitManager(torchsig_root)
    assert manager.create_initial_split("fsk") == 1
    samples_dir = torchsig_root / "fsk" / "samples"
    for n, new_id in enumerate(("3fa85f6457174562", "a0b1c2d3e4f50617")):
        write_sample(samples_dir, new_id, shape=(1024, 1024), seed=n,
                     boxes=[{"x_min": 10 + n, "y_min": 20, "x_max": 300, "y_max": 1024}])
    assert manager.extend_split("fsk") == 2
    for version in (1, 2, None):
        seed_train, seed_val = seed_dataset.create_data_loaders("fsk", str(torchsig_root), split_version=version)
        spec_train, spec_val = spec.create_data_loaders("fsk", torchsig_root, split_version=version)
        expected_train, expected_val = manager.get_split("fsk", version)
        assert seed_train.dataset.sample_ids == spec_train.dataset.sample_ids == expected_train
        assert seed_val.dataset.sample_ids == spec_val.dataset.sample_ids == expected_val
        for idx in range(len(expected_train)):
            assert_same_item(seed_train.dataset[idx], spec_train.dataset[idx], f"v{version} train {idx}")
        for idx in range(len(expected_val)):
            assert_same_item(seed_val.dataset[idx], spec_val.dataset[idx], f"v{version} val {idx}")
    assert len(spec_train.dataset) == 3, "v2 holds the train sample of v1 plus the two new ones"


def test_a_missing_sample_gives_the_seed_items_but_is_reported(seed_dataset, torchsig_root):
    samples_dir = torchsig_root / "wideband" / "samples"
    (samples_dir / "0002.npz").unlink()
    ids = ["0000", "0001", "0002", "0003"]
    seed_set = seed_dataset.SpectrogramDataset(str(samples_dir), ids)
    with pytest.warns(spec.MissingSamplesWarning, match="'0002'"):
        spec_set = spec.SpectrogramDataset(samples_dir, ids)
    assert spec_set.missing == ("0002",)
    assert spec_set.sample_ids == seed_set.sample_ids == ["0000", "0001", "0003"]
    for idx in range(len(spec_set)):
        assert_same_item(seed_set[idx], spec_set[idx], f"item {idx}")


def test_flips_match_the_seed_transforms_draw_for_draw(seed_dataset):
    image = torch.rand(3, 40, 64)
    target = {"boxes": torch.tensor([[1.0, 2.0, 10.0, 12.0], [30.0, 0.0, 64.0, 40.0]]),
              "labels": torch.ones(2, dtype=torch.int64), "image_id": torch.tensor([0])}
    seed_chain = seed_dataset.Compose([seed_dataset.RandomHorizontalFlip(0.5), seed_dataset.RandomVerticalFlip(0.5)])
    spec_chain = spec.Compose([spec.RandomHorizontalFlip(0.5), spec.RandomVerticalFlip(0.5)])
    outcomes = set()
    with torch.random.fork_rng():
        for seed in range(16):
            torch.manual_seed(seed)
            seed_image, seed_target = seed_chain(image, dict(target))
            seed_next = torch.rand(1)
            torch.manual_seed(seed)
            spec_image, spec_target = spec_chain(image, target)
            assert torch.equal(torch.rand(1), seed_next), "same number of global RNG draws"
            assert torch.equal(spec_image, seed_image)
            assert torch.equal(spec_target["boxes"], seed_target["boxes"])
            outcomes.add(torch.equal(seed_image, image))
    assert outcomes == {True, False}, "both flipped and unflipped outcomes were exercised"
