"""The training dataset and loaders: the seed's API, read through the safe core loaders.

Drop-in for the seed's ``SpectrogramDataset`` / ``collate_fn`` / ``create_data_loaders``: in
the default ``output="float"`` mode every item is element-wise identical to the seed's
(image ``[3, H, W]`` float32 = uint8 / 255 computed in float32, ``boxes`` ``[N, 4]`` float32
xyxy, ``labels`` int64 ones, ``image_id`` ``torch.tensor([idx])``). What differs on purpose:

- Files are read with :func:`~specgui.core.samples.loading.load_sample`: no pickles, checked
  dtype/rank/boxes, and a :class:`~specgui.core.errors.SampleError` naming the bad file.
  Sample IDs are checked so that nothing outside the samples folder is ever opened.
- **Missing samples are never dropped silently.** The seed printed a line and shrank the
  set (a validation set could lose samples unnoticed). Here the IDs whose ``.npz`` or
  ``.json`` is absent are kept in ``dataset.missing`` and announced with a
  :class:`MissingSamplesWarning` naming them and the folder; they are left out of the items
  (so ``image_id`` numbering matches the seed). With ``strict=True`` the dataset refuses
  to build and raises :class:`MissingSamplesError` instead.
- ``output="uint8"`` yields the raw ``[H, W]`` uint8 spectrogram as
  ``torch.from_numpy(loaded_array)`` (no float copy on the CPU), for GPU-side conversion.
- Loaders take ``pin_memory`` defaulting to ``torch.cuda.is_available()`` (the seed always
  pinned, which warns on CPU-only machines), and the split is read through
  :class:`~specgui.core.splits.SplitManager` (broken ``active.json`` recovered with a warning).
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

from ..errors import SampleError
from ..samples.ids import JSON_SUFFIX, NPZ_SUFFIX, check_sample_id
from ..samples.loading import load_sample
from ..splits.manager import SplitManager
from .transforms import Compose, RandomHorizontalFlip, RandomVerticalFlip

__all__ = [
    "SpectrogramDataset", "collate_fn", "create_data_loaders",
    "RandomHorizontalFlip", "RandomVerticalFlip", "Compose",
    "MissingSamplesWarning", "MissingSamplesError", "OUTPUT_FLOAT", "OUTPUT_UINT8",
]

logger = logging.getLogger(__name__)

#: Default item layout: ``[3, H, W]`` float32 in 0..1, exactly as the seed built it.
OUTPUT_FLOAT = "float"
#: Raw item layout: ``[H, W]`` uint8 sharing memory with the loaded array.
OUTPUT_UINT8 = "uint8"
IMAGE_OUTPUTS = (OUTPUT_FLOAT, OUTPUT_UINT8)

#: The seed's normaliser, ``uint8 -> float32 / 255`` with the division done in float32.
PIXEL_SCALE = np.float32(255)

#: How many missing IDs a warning or error message spells out before "and N more".
_IDS_SHOWN = 20


class MissingSamplesWarning(UserWarning):
    """Requested samples lack their ``.npz`` and/or ``.json``; they were left out of the dataset."""


class MissingSamplesError(SampleError, FileNotFoundError):
    """Raised instead of :class:`MissingSamplesWarning` when the dataset is ``strict``."""

    def __init__(self, samples_dir: str | os.PathLike, missing: Sequence[str], requested: int, note: str = ""):
        self.missing = tuple(missing)
        super().__init__(samples_dir, describe_missing(self.missing, requested) + note)


def describe_missing(missing: Sequence[str], requested: int) -> str:
    """``"2 of 10 requested samples lack an .npz and/or .json: '0003', '0007'"`` (capped)."""
    shown = ", ".join(repr(s) for s in missing[:_IDS_SHOWN])
    more = f" and {len(missing) - _IDS_SHOWN} more" if len(missing) > _IDS_SHOWN else ""
    return f"{len(missing)} of {requested} requested samples lack an .npz and/or .json: {shown}{more}"


def present_file_names(samples_dir: Path) -> set[str] | None:
    """Names of the readable files in ``samples_dir`` (one directory pass); None if no folder.

    ``DirEntry.is_file`` follows symlinks, so a dangling link counts as absent, as the seed's
    ``Path.exists`` check did.
    """
    try:
        with os.scandir(samples_dir) as entries:
            return {e.name for e in entries if e.is_file()}
    except (FileNotFoundError, NotADirectoryError):
        return None


class SpectrogramDataset(Dataset):
    """Items ``(image, target)`` for detection training, one per present sample ID.

    ``image`` is ``[3, H, W]`` float32 in 0..1 (``output="float"``) or the raw ``[H, W]``
    uint8 spectrogram (``output="uint8"``); ``target`` holds ``boxes`` (float32 ``[N, 4]``
    xyxy pixels), ``labels`` (int64 ones ``[N]``) and ``image_id`` (``torch.tensor([idx])``).
    ``transform(image, target)`` is applied last, as in the seed.

    Attributes: ``samples_dir``, ``sample_ids`` (the IDs served, in request order),
    ``requested_ids`` (all IDs asked for), ``missing`` (requested IDs lacking a file),
    ``transform``, ``output``, ``strict``.
    """

    def __init__(
        self,
        samples_dir: str | os.PathLike,
        sample_ids: Iterable[str],
        transform: Callable | None = None,
        *,
        output: str = OUTPUT_FLOAT,
        strict: bool = False,
    ):
        if output not in IMAGE_OUTPUTS:
            raise ValueError(f"output must be one of {IMAGE_OUTPUTS}, got {output!r}")
        if isinstance(sample_ids, (str, bytes)):
            raise TypeError("sample_ids must be a list of IDs, not one string")
        self.samples_dir = Path(samples_dir)
        self.transform = transform
        self.output = output
        self.strict = strict
        self.requested_ids = tuple(check_sample_id(s, self.samples_dir) for s in sample_ids)
        present = present_file_names(self.samples_dir)
        folder_note = "" if present is not None else " (the folder does not exist)"
        present = present or set()
        self.missing = tuple(
            s for s in self.requested_ids
            if f"{s}{NPZ_SUFFIX}" not in present or f"{s}{JSON_SUFFIX}" not in present
        )
        if self.missing:
            self._report_missing(folder_note)
        missing = set(self.missing)
        self.sample_ids = [s for s in self.requested_ids if s not in missing]
        logger.info("SpectrogramDataset: %d samples from %s", len(self.sample_ids), self.samples_dir)

    def _report_missing(self, folder_note: str) -> None:
        if self.strict:
            raise MissingSamplesError(self.samples_dir, self.missing, len(self.requested_ids), folder_note)
        message = describe_missing(self.missing, len(self.requested_ids)) + folder_note
        warnings.warn(
            f"{self.samples_dir}: {message}; they are left out of this dataset "
            "(pass strict=True to refuse instead)",
            MissingSamplesWarning,
            stacklevel=3,
        )

    def __len__(self) -> int:
        return len(self.sample_ids)

    def __getitem__(self, idx: int) -> tuple[torch.Tensor, dict]:
        """Load sample ``idx``; raises :class:`SampleError` naming the file if it is unusable."""
        loaded = load_sample(self.samples_dir, self.sample_ids[idx])
        pixels = loaded.spectrogram
        if self.output == OUTPUT_UINT8:
            image = torch.from_numpy(pixels)
        else:
            image = unit_float_image(pixels)
        boxes = loaded.labels.boxes
        target = {
            "boxes": torch.from_numpy(boxes.astype(np.float32)),
            "labels": torch.ones(boxes.shape[0], dtype=torch.int64),
            "image_id": torch.tensor([idx]),
        }
        if self.transform:
            image, target = self.transform(image, target)
        return image, target

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({str(self.samples_dir)!r}, {len(self.sample_ids)} samples, "
                f"{len(self.missing)} missing, output={self.output!r})")


def unit_float_image(pixels: np.ndarray) -> torch.Tensor:
    """``[3, H, W]`` contiguous float32 = ``pixels / 255`` on 3 channels, bit-equal to the seed's.

    The division is numpy's float32 one, as in the seed; the 3 channels are one contiguous
    copy (not a stride-0 view) so downstream in-place ops and pinning behave as before.
    """
    unit = np.divide(pixels, PIXEL_SCALE, dtype=np.float32)
    return torch.from_numpy(unit).expand(3, *unit.shape).contiguous()


def collate_fn(batch):
    """``[(image, target), ...]`` -> ``(images, targets)`` lists: boxes vary in count per image."""
    images = [image for image, _ in batch]
    targets = [target for _, target in batch]
    return images, targets


def create_data_loaders(
    signal_name: str,
    training_data_dir: str | os.PathLike,
    split_version: int | None = None,
    batch_size: int = 4,
    num_workers: int = 0,
    *,
    output: str = OUTPUT_FLOAT,
    strict: bool = False,
    train_transform: Callable | None = None,
    pin_memory: bool | None = None,
    multiprocessing_context=None,
    persistent_workers: bool = False,
    generator: torch.Generator | None = None,
) -> tuple[DataLoader, DataLoader]:
    """``(train_loader, val_loader)`` for ``signal_name``'s split, like the seed's.

    ``training_data_dir`` is the signals root, or the folder holding ``signals/``.
    ``split_version`` None means the active version (a missing or broken ``active.json`` is
    recovered from the highest valid version with a ``RecoveredActiveWarning``); no split at
    all raises ``SplitNotFoundError`` (a ``FileNotFoundError``, as in the seed).

    Train shuffles (with ``generator`` when given, else torch's global RNG as the seed did),
    val does not. ``output``/``strict``: see :class:`SpectrogramDataset`; the datasets'
    ``missing`` attributes are reachable as ``loader.dataset.missing``. ``train_transform``
    applies to train only. ``pin_memory`` defaults to ``torch.cuda.is_available()``.
    ``multiprocessing_context`` and ``persistent_workers`` only apply when
    ``num_workers > 0`` (torch refuses them otherwise) and are ignored when it is 0.
    """
    manager = SplitManager(training_data_dir)
    train_ids, val_ids = manager.get_split(signal_name, split_version)
    samples_dir = manager.paths(signal_name).samples_dir
    logger.info("Loading split of %s: %d train, %d val", signal_name, len(train_ids), len(val_ids))
    train_set = SpectrogramDataset(samples_dir, train_ids, train_transform, output=output, strict=strict)
    val_set = SpectrogramDataset(samples_dir, val_ids, output=output, strict=strict)
    loader_options = {
        "batch_size": batch_size,
        "num_workers": num_workers,
        "collate_fn": collate_fn,
        "pin_memory": torch.cuda.is_available() if pin_memory is None else pin_memory,
    }
    if num_workers > 0:
        loader_options["multiprocessing_context"] = multiprocessing_context
        loader_options["persistent_workers"] = persistent_workers
    train_loader = DataLoader(train_set, shuffle=True, generator=generator, **loader_options)
    val_loader = DataLoader(val_set, shuffle=False, **loader_options)
    return train_loader, val_loader
