"""Paired image + target augmentations: random flips and their composition.

Same semantics as the seed's transforms, so a training run configured the same way draws the
same random numbers: each flip consumes exactly one ``torch.rand(1)`` from torch's global RNG
per call and flips when it is ``< p``; boxes flip as ``new_min = size - old_max`` and
``new_max = size - old_min`` (pixel-edge coordinates, so ``0..size`` maps onto itself).

Two things differ on purpose:

- Both image layouts the dataset yields are handled: ``[C, H, W]`` float and ``[H, W]`` uint8.
  Width is always the last dimension and height the one before it, so horizontal flips act
  on dim ``-1`` and vertical flips on dim ``-2``.
- The caller's target is never modified: a flipped sample gets a new dict holding new box
  tensors (the seed assigned into the caller's dict). Unflipped samples pass through as-is.
"""

from __future__ import annotations

from typing import Callable, Iterable

import torch

#: ``(image, target) -> (image, target)``, the shape of every transform here.
PairTransform = Callable[[torch.Tensor, dict], "tuple[torch.Tensor, dict]"]

_WIDTH_DIM = -1
_HEIGHT_DIM = -2


def _check_image(image: torch.Tensor, transform_name: str) -> None:
    if image.dim() not in (2, 3):
        raise ValueError(
            f"{transform_name} expects an image of shape [H, W] or [C, H, W], got {tuple(image.shape)}"
        )


def _mirrored_boxes(boxes: torch.Tensor, size: int, min_col: int, max_col: int) -> torch.Tensor:
    """New ``[N, 4]`` boxes with columns ``min_col``/``max_col`` mirrored within ``0..size``."""
    columns = list(boxes.unbind(dim=1))
    old_min, old_max = columns[min_col], columns[max_col]
    columns[min_col] = size - old_max
    columns[max_col] = size - old_min
    return torch.stack(columns, dim=1)


class _RandomFlip:
    """With probability ``p``, mirror the image along one axis and the boxes' matching coordinates."""

    _dim: int
    _box_columns: tuple[int, int]

    def __init__(self, p: float = 0.5):
        self.p = p

    def __call__(self, image: torch.Tensor, target: dict) -> tuple[torch.Tensor, dict]:
        _check_image(image, type(self).__name__)
        if not torch.rand(1) < self.p:
            return image, target
        flipped = torch.flip(image, dims=[self._dim])
        new_target = dict(target)
        if len(target["boxes"]) > 0:
            new_target["boxes"] = _mirrored_boxes(target["boxes"], image.shape[self._dim], *self._box_columns)
        return flipped, new_target

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p={self.p})"


class RandomHorizontalFlip(_RandomFlip):
    """With probability ``p``, mirror the image along time (width) and its boxes' x coordinates."""

    _dim = _WIDTH_DIM
    _box_columns = (0, 2)


class RandomVerticalFlip(_RandomFlip):
    """With probability ``p``, mirror the image along frequency (height) and its boxes' y coordinates."""

    _dim = _HEIGHT_DIM
    _box_columns = (1, 3)


class Compose:
    """Apply paired transforms in order, each to the previous one's output."""

    def __init__(self, transforms: Iterable[PairTransform]):
        self.transforms = list(transforms)

    def __call__(self, image: torch.Tensor, target: dict) -> tuple[torch.Tensor, dict]:
        for transform in self.transforms:
            image, target = transform(image, target)
        return image, target

    def __repr__(self) -> str:
        inner = ", ".join(repr(t) for t in self.transforms)
        return f"{type(self).__name__}([{inner}])"
