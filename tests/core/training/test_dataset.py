"""specgui.core.training.dataset on its own: uint8 mode, missing and bad samples, transforms, loaders."""

from __future__ import annotations

import json
import pickle
import warnings

import numpy as np
import pytest
import torch

from helpers import make_signal, write_sample
from specgui.core.training import dataset as ds
from specgui.core.errors import SampleError, SplitNotFoundError, UnsafeSampleIdError
from specgui.core.splits.manager import RecoveredActiveWarning, SplitManager


def boxes_target(boxes):
    boxes = torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4)
    return {"boxes": boxes, "labels": torch.ones(len(boxes), dtype=torch.int64), "image_id": torch.tensor([0])}


# -- items ---------------------------------------------------------------------------------
def test_uint8_mode_is_the_loaded_array_itself(torchsig_root, monkeypatch):
    samples_dir = torchsig_root / "psk" / "samples"
    loaded = []
    real_load = ds.load_sample
    monkeypatch.setattr(ds, "load_sample", lambda *a, **k: loaded.append(real_load(*a, **k)) or loaded[-1])
    dataset = ds.SpectrogramDataset(samples_dir, ["0000", "0001"], output="uint8")
    for idx, sample_id in enumerate(["0000", "0001"]):
        image, target = dataset[idx]
        with np.load(samples_dir / f"{sample_id}.npz") as data:
            expected = data["spectrogram"]
        assert image.dtype == torch.uint8 and image.shape == expected.shape == (1024, 1024)
        assert np.array_equal(image.numpy(), expected)
        assert image.data_ptr() == loaded[-1].spectrogram.ctypes.data, "from_numpy, not a copy"
        float_target = ds.SpectrogramDataset(samples_dir, [sample_id])[0][1]
        assert torch.equal(target["boxes"], float_target["boxes"])
        assert torch.equal(target["labels"], float_target["labels"])
        assert torch.equal(target["image_id"], torch.tensor([idx]))


def test_float_mode_is_three_equal_channels_over_255(tmp_path):
    write_sample(tmp_path, "a", shape=(7, 11), seed=3, boxes=[{"x_min": 1, "y_min": 2, "x_max": 10.5, "y_max": 7}])
    image, target = ds.SpectrogramDataset(tmp_path, ["a"])[0]
    with np.load(tmp_path / "a.npz") as data:
        pixels = data["spectrogram"]
    assert image.shape == (3, 7, 11) and image.dtype == torch.float32 and image.is_contiguous()
    for channel in image:
        assert torch.equal(channel, torch.from_numpy(pixels).float() / 255)
    assert torch.equal(target["boxes"], torch.tensor([[1.0, 2.0, 10.5, 7.0]]))
    assert target["labels"].dtype == torch.int64 and target["labels"].tolist() == [1]


def test_a_sample_without_boxes_gives_empty_tensors_like_the_seed(tmp_path):
    write_sample(tmp_path, "empty", boxes=[])
    _, target = ds.SpectrogramDataset(tmp_path, ["empty"])[0]
    assert target["boxes"].shape == (0, 4) and target["boxes"].dtype == torch.float32
    assert target["labels"].shape == (0,) and target["labels"].dtype == torch.int64


def test_bad_output_mode_and_single_string_ids_are_refused(tmp_path):
    with pytest.raises(ValueError, match="output"):
        ds.SpectrogramDataset(tmp_path, [], output="float16")
    with pytest.raises(TypeError):
        ds.SpectrogramDataset(tmp_path, "0001")


@pytest.mark.parametrize("bad_id", ["../escape", "a/b", "", "x\x00y", 7])
def test_unsafe_ids_are_refused_before_anything_is_opened(tmp_path, bad_id):
    write_sample(tmp_path / "samples", "ok")
    write_sample(tmp_path, "escape")  # a real file one level up that "../escape" would reach
    with pytest.raises(UnsafeSampleIdError):
        ds.SpectrogramDataset(tmp_path / "samples", ["ok", bad_id])


# -- missing samples -----------------------------------------------------------------------
def test_a_missing_sample_is_warned_about_and_recorded(tmp_path):
    for sample_id in ("s1", "s2", "s3", "s4"):
        write_sample(tmp_path, sample_id)
    (tmp_path / "s2.npz").unlink()
    (tmp_path / "s4.json").unlink()
    with pytest.warns(ds.MissingSamplesWarning) as caught:
        dataset = ds.SpectrogramDataset(tmp_path, ["s1", "s2", "s3", "s4", "never"])
    message = str(caught[0].message)
    assert str(tmp_path) in message and all(repr(s) in message for s in ("s2", "s4", "never"))
    assert "3 of 5" in message
    assert dataset.missing == ("s2", "s4", "never")
    assert dataset.sample_ids == ["s1", "s3"] and len(dataset) == 2
    assert dataset.requested_ids == ("s1", "s2", "s3", "s4", "never")


def test_no_warning_when_nothing_is_missing(tmp_path):
    write_sample(tmp_path, "s1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dataset = ds.SpectrogramDataset(tmp_path, ["s1"])
    assert dataset.missing == ()


def test_strict_mode_raises_naming_the_samples_and_folder(tmp_path):
    write_sample(tmp_path, "s1")
    with pytest.raises(ds.MissingSamplesError) as caught:
        ds.SpectrogramDataset(tmp_path, ["s1", "gone"], strict=True)
    assert caught.value.missing == ("gone",)
    assert caught.value.path == str(tmp_path) and "'gone'" in str(caught.value)
    assert isinstance(caught.value, SampleError) and isinstance(caught.value, FileNotFoundError)


def test_a_missing_samples_folder_reports_every_id(tmp_path):
    with pytest.warns(ds.MissingSamplesWarning, match="does not exist"):
        dataset = ds.SpectrogramDataset(tmp_path / "nowhere", ["a", "b"])
    assert dataset.missing == ("a", "b") and len(dataset) == 0


def test_the_message_caps_a_long_list_of_missing_ids(tmp_path):
    ids = [f"m{n:03d}" for n in range(50)]
    with pytest.raises(ds.MissingSamplesError, match="and 30 more") as caught:
        ds.SpectrogramDataset(tmp_path, ids, strict=True)
    assert caught.value.missing == tuple(ids)


# -- bad files -----------------------------------------------------------------------------
def _break_not_a_zip(npz, js):
    npz.write_bytes(b"this is not a zip")
    return npz


def _break_wrong_dtype(npz, js):
    np.savez_compressed(npz, spectrogram=np.zeros((32, 48), dtype=np.float32))
    return npz


def _break_malformed_json(npz, js):
    js.write_text('{"boxes": [')
    return js


def _break_box_outside(npz, js):
    js.write_text(json.dumps({"boxes": [{"x_min": 0, "y_min": 0, "x_max": 49, "y_max": 5}]}))
    return js


@pytest.mark.parametrize("breaker", [_break_not_a_zip, _break_wrong_dtype, _break_malformed_json, _break_box_outside])
def test_bad_sample_files_raise_sample_error_naming_the_file(tmp_path, breaker):
    write_sample(tmp_path, "good")
    npz, js = write_sample(tmp_path, "bad")
    bad_file = breaker(npz, js)
    dataset = ds.SpectrogramDataset(tmp_path, ["good", "bad"])
    assert dataset[0][0].shape == (3, 32, 48)
    with pytest.raises(SampleError) as caught:
        dataset[1]
    assert caught.value.path == str(bad_file) and str(bad_file) in str(caught.value)


# -- transforms ----------------------------------------------------------------------------
def test_horizontal_flip_on_a_float_image():
    image = torch.arange(2 * 4 * 6, dtype=torch.float32).reshape(2, 4, 6)
    target = boxes_target([[1, 0, 3, 2], [0, 1, 6, 4]])
    flipped, new_target = ds.RandomHorizontalFlip(p=1.0)(image, target)
    assert torch.equal(flipped, image[:, :, torch.arange(5, -1, -1)])
    assert new_target["boxes"].tolist() == [[3, 0, 5, 2], [0, 1, 6, 4]]
    assert new_target["boxes"].dtype == torch.float32 and new_target["labels"] is target["labels"]


def test_vertical_flip_on_a_float_image():
    image = torch.arange(2 * 4 * 6, dtype=torch.float32).reshape(2, 4, 6)
    flipped, new_target = ds.RandomVerticalFlip(p=1.0)(image, boxes_target([[1, 0, 3, 1]]))
    assert torch.equal(flipped, image[:, torch.arange(3, -1, -1), :])
    assert new_target["boxes"].tolist() == [[1, 3, 3, 4]]


def test_flips_on_a_2d_uint8_image_use_its_own_width_and_height():
    image = torch.arange(4 * 6, dtype=torch.uint8).reshape(4, 6)
    target = boxes_target([[1, 0, 2, 3]])
    h_image, h_target = ds.RandomHorizontalFlip(p=1.0)(image, target)
    v_image, v_target = ds.RandomVerticalFlip(p=1.0)(image, target)
    assert h_image.dtype == v_image.dtype == torch.uint8
    assert torch.equal(h_image, torch.from_numpy(np.ascontiguousarray(image.numpy()[:, ::-1])))
    assert torch.equal(v_image, torch.from_numpy(np.ascontiguousarray(image.numpy()[::-1, :])))
    assert h_target["boxes"].tolist() == [[4, 0, 5, 3]]
    assert v_target["boxes"].tolist() == [[1, 1, 2, 4]]


def test_p0_is_a_noop_and_p1_always_flips():
    image = torch.rand(3, 5, 8)
    target = boxes_target([[1, 1, 4, 3]])
    for _ in range(20):
        for flip in (ds.RandomHorizontalFlip(p=0.0), ds.RandomVerticalFlip(p=0.0)):
            same_image, same_target = flip(image, target)
            assert same_image is image and same_target is target
        assert not torch.equal(ds.RandomHorizontalFlip(p=1.0)(image, target)[0], image)
        assert not torch.equal(ds.RandomVerticalFlip(p=1.0)(image, target)[0], image)


def test_flips_leave_the_callers_target_alone():
    target = boxes_target([[1, 1, 4, 3]])
    original_boxes, original_dict = target["boxes"].clone(), dict(target)
    chain = ds.Compose([ds.RandomHorizontalFlip(p=1.0), ds.RandomVerticalFlip(p=1.0)])
    _, new_target = chain(torch.rand(3, 5, 8), target)
    assert torch.equal(target["boxes"], original_boxes)
    assert target.keys() == original_dict.keys() and all(target[k] is original_dict[k] for k in target)
    assert new_target["boxes"].tolist() == [[4, 2, 7, 4]]


def test_flip_handles_empty_boxes_and_the_dataset_applies_transforms(tmp_path):
    write_sample(tmp_path, "e", boxes=[], shape=(4, 6))
    write_sample(tmp_path, "b", shape=(20, 30))
    dataset = ds.SpectrogramDataset(tmp_path, ["e", "b"], ds.RandomHorizontalFlip(p=1.0), output="uint8")
    empty_image, empty_target = dataset[0]
    assert empty_target["boxes"].shape == (0, 4) and empty_image.shape == (4, 6)
    image, target = dataset[1]
    raw = ds.SpectrogramDataset(tmp_path, ["b"], output="uint8")[0][0]
    assert torch.equal(image, raw.flip(-1))
    assert target["boxes"].tolist() == [[20, 2, 29, 12]]


# -- loaders -------------------------------------------------------------------------------
def test_loaders_accept_the_parent_folder_and_default_pin_memory(tmp_path):
    make_signal(tmp_path / "signals", "sig", [f"{n:02d}" for n in range(10)])
    SplitManager(tmp_path).create_initial_split("sig")
    train, val = ds.create_data_loaders("sig", tmp_path, batch_size=3)
    assert len(train.dataset) == 8 and len(val.dataset) == 2
    assert train.pin_memory is val.pin_memory is torch.cuda.is_available()
    images, targets = next(iter(val))
    assert len(images) == len(targets) == 2 and images[0].shape == (3, 32, 48)


def test_the_generator_controls_train_order_and_leaves_global_rng_alone(tmp_path):
    make_signal(tmp_path, "sig", [f"{n:02d}" for n in range(12)])
    SplitManager(tmp_path).create_initial_split("sig", val_ratio=0.25)

    def train_order(seed):
        train, _ = ds.create_data_loaders("sig", tmp_path, batch_size=2, generator=torch.Generator().manual_seed(seed))
        return [int(t["image_id"]) for _, targets in train for t in targets]

    rng_before = torch.get_rng_state()
    first, again, other = train_order(1), train_order(1), train_order(2)
    assert torch.equal(torch.get_rng_state(), rng_before)
    assert first == again and sorted(first) == list(range(9)) and first != other


def test_loaders_report_missing_samples_and_strict_refuses(tmp_path):
    make_signal(tmp_path, "sig", ["a", "b", "c", "d", "e"])
    SplitManager(tmp_path).create_initial_split("sig")
    _, val_ids = SplitManager(tmp_path).get_split("sig")
    (tmp_path / "sig" / "samples" / f"{val_ids[0]}.json").unlink()
    with pytest.warns(ds.MissingSamplesWarning, match=repr(val_ids[0])):
        _, val = ds.create_data_loaders("sig", tmp_path)
    assert val.dataset.missing == (val_ids[0],) and len(val.dataset) == 0
    with pytest.raises(ds.MissingSamplesError):
        ds.create_data_loaders("sig", tmp_path, strict=True)


def test_split_versions_recovery_and_absence(tmp_path):
    make_signal(tmp_path, "sig", ["a", "b", "c", "d", "e"])
    with pytest.raises(FileNotFoundError):
        ds.create_data_loaders("sig", tmp_path)
    manager = SplitManager(tmp_path)
    manager.create_initial_split("sig")
    write_sample(tmp_path / "sig" / "samples", "f")
    manager.extend_split("sig")
    assert len(ds.create_data_loaders("sig", tmp_path, split_version=1)[0].dataset) == 4
    assert len(ds.create_data_loaders("sig", tmp_path, split_version=2)[0].dataset) == 5
    with pytest.raises(SplitNotFoundError):
        ds.create_data_loaders("sig", tmp_path, split_version=3)
    (tmp_path / "sig" / "splits" / "active.json").unlink()
    with pytest.warns(RecoveredActiveWarning):
        train, _ = ds.create_data_loaders("sig", tmp_path)
    assert "f" in train.dataset.sample_ids


def test_the_dataset_pickles_and_spawned_workers_load_it(torchsig_root):
    SplitManager(torchsig_root).create_initial_split("wideband", val_ratio=0.34)
    dataset = ds.create_data_loaders("wideband", torchsig_root)[0].dataset
    clone = pickle.loads(pickle.dumps(dataset))
    assert clone.sample_ids == dataset.sample_ids and torch.equal(clone[0][0], dataset[0][0])
    serial_train, serial_val = ds.create_data_loaders("wideband", torchsig_root, batch_size=2, output="uint8")
    train, val = ds.create_data_loaders(
        "wideband", torchsig_root, batch_size=2, num_workers=2, output="uint8",
        multiprocessing_context="spawn", persistent_workers=True,
    )
    assert train.num_workers == 2 and train.persistent_workers
    serial = [img for images, _ in serial_val for img in images]
    spawned = [img for images, _ in val for img in images]
    assert len(spawned) == len(serial) == 2
    assert all(torch.equal(a, b) for a, b in zip(serial, spawned))
    ids = sorted(int(t["image_id"]) for _, targets in train for t in targets)
    assert ids == list(range(len(serial_train.dataset))) == [0, 1, 2, 3]
