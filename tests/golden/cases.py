"""The inputs the golden files answer for: ID sets, split parameters, sample files, flip inputs.

Shared by ``regenerate.py`` (which runs the seed on them) and the golden tests (which run
specgui on them). Everything here is deterministic arithmetic, no RNG whose stream could
change with a numpy release, so the same files come out on every machine.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

SPLITS_FILE = Path(__file__).with_name("splits_v1.json")
DATASET_FILE = Path(__file__).with_name("dataset.json")
FULL_LIST_MAX = 60  # lists up to this long are stored whole; longer ones as a hash only


def hex16(n: int, salt: str = "hex") -> str:
    return hashlib.sha256(f"{salt}{n}".encode()).hexdigest()[:16]


ODD_IDS = ["x", "A0", "Sample_12", "a.b", "with space", "ünï", "0001a", "-7", "00", "ZZZ-9"]

ID_SETS = {
    "four_digit": [f"{i:04d}" for i in range(0, 10000, 37)],
    "hex16": [hex16(i) for i in range(120)],
    "mixed": [f"{i:04d}" for i in range(40)] + [hex16(i, "mix") for i in range(40)] + ODD_IDS,
    "one": ["0042"],
    "ten_thousand": [hex16(i, "10k") for i in range(10_000)],
}

SPLIT_PARAMS = [(42, 0.2), (0, 0.1), (7, 0.25), (4_294_967_295, 0.5), (1234, 0.3)]
LARGE_PARAMS = [(42, 0.2), (7, 0.25)]  # 10,000 samples: two cases are enough (and quicker)


def split_cases() -> list[tuple[str, int, float]]:
    """``(id_set, random_seed, val_ratio)`` for every recorded v1."""
    return [(name, seed, ratio) for name in ID_SETS
            for seed, ratio in (LARGE_PARAMS if name == "ten_thousand" else SPLIT_PARAMS)]


def case_key(name: str, seed: int, ratio: float) -> str:
    return f"{name}/seed={seed}/ratio={ratio}"


def list_hash(ids: list[str]) -> str:
    """sha256 of the ordered list as JSON: order and membership in one figure."""
    return hashlib.sha256(json.dumps(ids).encode()).hexdigest()


def touch_ids(signal_dir: Path, ids) -> None:
    """Empty ``.npz``/``.json`` pairs: split code lists files and never opens them."""
    samples = signal_dir / "samples"
    samples.mkdir(parents=True, exist_ok=True)
    for sample_id in ids:
        (samples / f"{sample_id}.npz").touch()
        (samples / f"{sample_id}.json").touch()


# -- the dataset's inputs ------------------------------------------------------------------------
DATASET_SIGNAL = "sig"
LOADER_SPLIT = (3, 0.4)  # (random_seed, val_ratio) of the v1 the loaders read
BATCH_SIZE = 2


def _pixels(rows: int, cols: int, k: int) -> np.ndarray:
    """A noise-like floor with a bright band: uint8, deterministic, every value 0..255 used."""
    r = np.arange(rows, dtype=np.int64)[:, None]
    c = np.arange(cols, dtype=np.int64)[None, :]
    floor = (r * 131 + c * 71 + (r * c) % 97 + k * 53) % 61
    band = ((r >= rows // 3) & (r < rows // 3 + max(1, rows // 8))) * (120 + (c * 7 + k) % 136)
    return np.clip(floor + band, 0, 255).astype(np.uint8)


def dataset_samples() -> list[dict]:
    """The sample files of the dataset cases: odd IDs, full-size and odd shapes, box variants."""
    wide = [{"x_min": 505, "y_min": 590, "x_max": 898, "y_max": 805},
            {"x_min": 27, "y_min": 858, "x_max": 306, "y_max": 1008}]
    return [
        {"id": "0000", "shape": (1024, 1024), "meta": {"boxes": wide, "boxes_tight": [
            {"x_min": 505, "y_min": 605, "x_max": 898, "y_max": 791},
            {"x_min": 27, "y_min": 866, "x_max": 306, "y_max": 1001}],
            "class_names": ["lfm-data", "4fsk"], "snr_db": [10.2, 27.6]}},
        {"id": "0001", "shape": (1024, 1024), "meta": {"boxes": []}},
        {"id": "00a7", "shape": (64, 96), "meta": {"boxes": [
            {"x_min": 1.5, "y_min": 2.25, "x_max": 10.75, "y_max": 12.0, "label": "burst", "confidence": 0.9}]}},
        {"id": "3fa85f6457174562", "shape": (40, 64), "meta": {"sample_id": "3fa85f6457174562", "boxes": [
            {"x_min": 0, "y_min": 39, "x_max": 64, "y_max": 40}]}},
        {"id": "Z-odd_id", "shape": (17, 33), "meta": {"boxes": [
            {"x_min": 0, "y_min": 0, "x_max": 33, "y_max": 17}, {"x_min": 3, "y_min": 4, "x_max": 5, "y_max": 6},
            {"x_min": 10, "y_min": 1, "x_max": 30, "y_max": 16}]}},
        {"id": "with space", "shape": (8, 8), "meta": {"boxes": [{"x_min": 1, "y_min": 1, "x_max": 7, "y_max": 7}]}},
    ]


def write_dataset_samples(signals_root: Path) -> Path:
    """Write the dataset cases' files under ``signals_root/sig/samples``; returns that folder."""
    samples = signals_root / DATASET_SIGNAL / "samples"
    samples.mkdir(parents=True, exist_ok=True)
    for k, sample in enumerate(dataset_samples()):
        np.savez_compressed(samples / f"{sample['id']}.npz", spectrogram=_pixels(*sample["shape"], k))
        (samples / f"{sample['id']}.json").write_text(json.dumps(sample["meta"]))
    return samples


def dataset_ids() -> list[str]:
    return [sample["id"] for sample in dataset_samples()]


def flip_inputs():
    """The image and target the flip chains are recorded on (torch imported lazily)."""
    import torch

    image = (torch.arange(3 * 40 * 64, dtype=torch.float32).reshape(3, 40, 64) % 251) / 251
    target = {"boxes": torch.tensor([[1.0, 2.0, 10.0, 12.0], [30.0, 0.0, 64.0, 40.0]]),
              "labels": torch.ones(2, dtype=torch.int64), "image_id": torch.tensor([0])}
    return image, target


FLIP_SEEDS = range(16)


# -- figures of torch outputs (shared by the regenerator and the tests) --------------------------
def tensor_figure(value) -> dict:
    """dtype, shape, contiguity and a sha256 of the bytes; small tensors also as a list."""
    figure = {"dtype": str(value.dtype), "shape": list(value.shape), "contiguous": value.is_contiguous(),
              "sha256": hashlib.sha256(value.detach().cpu().contiguous().numpy().tobytes()).hexdigest()}
    if value.numel() <= 64:
        figure["values"] = value.tolist()
    return figure


def item_figure(item) -> dict:
    image, target = item
    return {"image": tensor_figure(image), "target_keys": sorted(target),
            "target": {key: tensor_figure(value) for key, value in sorted(target.items())}}


def batch_figure(batch) -> dict:
    """What ``collate_fn`` gave: the container types and each item's figure."""
    images, targets = batch
    return {"types": [type(batch).__name__, type(images).__name__, type(targets).__name__],
            "items": [item_figure(pair) for pair in zip(images, targets)]}
