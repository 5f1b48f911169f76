"""The checks on what the dataset delivers, the pixel reductions, and the collate that runs both.

Checks run inside the collate, so in the loader's workers, in parallel: images (dtype,
rank, size, blank) and targets (float32 boxes finite, ordered, non-degenerate, inside the
image; int64 labels). Pixels are then reduced where the device is: on CUDA the collate
stacks them by shape into shared memory and the main process copies them (pinned,
non-blocking) to the GPU and reduces there; on CPU the worker already holds them on the
device, so it reduces them itself and sends three numbers instead of a megabyte.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch

#: Rows of 256 pixels: a row's sum of squared uint8 values (< 256 * 255**2 < 2**24) is an
#: integer that float32 holds exactly, so per-row sums are exact whatever the device's order.
_ROW = 256


def image_problem(pixels: torch.Tensor) -> str | None:
    """Why an image is not a well-formed uint8 ``[H, W]`` spectrogram (dtype, rank, size)."""
    if pixels.dtype != torch.uint8:
        return f"spectrogram reached the loader as {pixels.dtype}, expected torch.uint8"
    if pixels.dim() != 2:
        return f"spectrogram has shape {tuple(pixels.shape)} after loading, expected 2-D"
    if pixels.shape[0] == 0 or pixels.shape[1] == 0:
        return f"spectrogram is empty ({pixels.shape[0]}x{pixels.shape[1]})"
    if int(pixels.amin()) == int(pixels.amax()):  # uint8 min/max: microseconds, no float copy
        return f"spectrogram is blank: every pixel is {int(pixels.amin())}"
    return None


def target_problem(boxes: torch.Tensor, labels: torch.Tensor, size: tuple[int, int]) -> str | None:
    """Why a target would break training: boxes float32 ``[N, 4]`` xyxy pixels, finite, with
    max > min, inside the ``(rows, cols)`` image; labels int64 ``[N]``, positive."""
    if boxes.dtype != torch.float32 or boxes.dim() != 2 or boxes.shape[1] != 4:
        return f"boxes are {boxes.dtype} {tuple(boxes.shape)}, expected float32 [N, 4]"
    if labels.dtype != torch.int64 or labels.dim() != 1 or labels.shape[0] != boxes.shape[0]:
        return f"labels are {labels.dtype} {tuple(labels.shape)}, expected int64 [{boxes.shape[0]}]"
    if boxes.shape[0] == 0:
        return None
    rows, cols = size
    x0, y0, x1, y1 = boxes.unbind(1)
    checks = (
        (~torch.isfinite(boxes).all(1), "has a non-finite coordinate"),
        ((x1 < x0) | (y1 < y0), "is inverted (max < min)"),
        ((x1 == x0) | (y1 == y0), "has zero area"),
        ((x0 < 0) | (y0 < 0) | (x1 > cols) | (y1 > rows), f"lies outside the {cols}x{rows} image"),
        (labels < 1, "has a label below 1"),
    )
    for bad, what in checks:
        hits = torch.nonzero(bad).flatten()
        if hits.numel():
            box = int(hits[0])
            return f"box {box} {what}: {boxes[box].tolist()}"
    return None


class PixelReducer:
    """Sums of pixel values and of their squares, exact, on ``device``.

    The uint8 pixels are converted to float on the device into one reused buffer (a fresh
    4-byte-per-pixel tensor each batch costs page faults on CPU); rows of 256 are summed in
    float32 (exact, see ``_ROW``) and the row sums added in float64. Per split, totals stay
    on the device until :meth:`totals`, so nothing waits for the device mid-pass.
    """

    def __init__(self, device: torch.device | str = "cpu"):
        self.device = torch.device(device)
        self.cuda = self.device.type == "cuda"
        self._buffer: torch.Tensor | None = None
        self._sums: dict[str, torch.Tensor] = {}
        self._pixels: dict[str, int] = {}
        self._events: list = []
        self.host_seconds = 0.0

    def sums(self, pixels: torch.Tensor) -> torch.Tensor:
        """float64 ``[sum, sum of squares]`` of ``pixels`` (uint8, any shape), on the device."""
        x = pixels.to(self.device, non_blocking=True).reshape(-1)
        n = x.numel()
        padded = -(-n // _ROW) * _ROW
        if self._buffer is None or self._buffer.numel() < padded:
            self._buffer = torch.empty(padded, dtype=torch.float32, device=self.device)
        flat = self._buffer[:padded]
        flat[:n].copy_(x)  # the float conversion
        flat[n:].zero_()
        rows = flat.view(-1, _ROW)
        total = rows.sum(1).to(torch.float64).sum()
        squares = rows.square_().sum(1).to(torch.float64).sum()
        return torch.stack((total, squares))

    def reduce(self, split: str, pixels: torch.Tensor) -> None:
        """Copy ``pixels`` to the device (non-blocking from pinned memory) and add them to ``split``."""
        start = time.perf_counter()
        events = None
        if self.cuda:
            stream = torch.cuda.current_stream(self.device)  # the stream the copies and kernels run on
            events = (torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True))
            events[0].record(stream)
        part = self.sums(pixels)
        if split in self._sums:
            self._sums[split] += part
        else:
            self._sums[split] = part
        self._pixels[split] = self._pixels.get(split, 0) + pixels.numel()
        if events is not None:
            events[1].record(stream)
            self._events.append(events)
        else:
            self.host_seconds += time.perf_counter() - start

    def totals(self) -> dict[str, tuple[int, float, float]]:
        """Split -> (pixel count, sum, sum of squares) of the 0..255 values (syncs)."""
        return {split: (self._pixels[split], *acc.cpu().tolist()) for split, acc in self._sums.items()}

    def device_seconds(self) -> float:
        """Time spent on transfer and reductions: CUDA event time, or host time on CPU."""
        if not self.cuda:
            return self.host_seconds
        torch.cuda.synchronize(self.device)
        return sum(a.elapsed_time(b) for a, b in self._events) / 1000.0

    def release(self) -> None:
        """Drop every device tensor held, so the caching allocator can give the memory back."""
        self._buffer = None
        self._sums.clear()
        self._events.clear()


@dataclass
class SanityBatch:
    """One collated batch (one split): verdicts, box sizes, and pixels or their sums."""

    split: str
    indices: list[int]
    problems: list[tuple[int, str | None, str, str]] = field(default_factory=list)  # index, file, reason, kind
    ok: list[tuple[int, int]] = field(default_factory=list)  # index, box count
    widths: np.ndarray = field(default_factory=lambda: np.empty(0))
    heights: np.ndarray = field(default_factory=lambda: np.empty(0))
    groups: list[torch.Tensor] = field(default_factory=list)  # uint8 [k, H, W], for the device
    host_sums: tuple[int, float, float] | None = None  # pixels, sum, sum of squares (CPU device)
    decode_seconds: float = 0.0
    reduce_seconds: float = 0.0
    file_bytes: int = 0
    pixel_bytes: int = 0

    def pin_memory(self) -> "SanityBatch":
        """Page-lock the pixels only (the DataLoader's pin thread calls this when CUDA is used)."""
        self.groups = [g.pin_memory() for g in self.groups]
        return self


class SanityCollate:
    """``collate_fn`` of the pass: check every sample, then reduce (CPU) or stack (CUDA) pixels."""

    def __init__(self, reduce_on_host: bool):
        self.reduce_on_host = reduce_on_host
        self._reducer: PixelReducer | None = None  # one per worker process (each gets a copy)

    def __call__(self, records) -> SanityBatch:
        batch = SanityBatch(records[0].split, [r.index for r in records])
        good, widths, heights = [], [], []
        for r in records:
            batch.decode_seconds += r.decode_seconds
            batch.file_bytes += r.file_bytes
            if r.failure is not None:
                batch.problems.append((r.index, *r.failure))
                continue
            reason = image_problem(r.pixels)
            if reason is not None:
                batch.problems.append((r.index, r.files[0], reason, "image"))
                if r.pixels.dtype != torch.uint8 or r.pixels.dim() != 2 or r.pixels.numel() == 0:
                    continue  # malformed: keep it out of the pixel statistics
            good.append(r)
            if reason is None:
                reason = target_problem(r.boxes, r.labels, tuple(r.pixels.shape))
                if reason is not None:
                    batch.problems.append((r.index, r.files[1], reason, "labels"))
                    continue
                batch.ok.append((r.index, int(r.boxes.shape[0])))
                widths.append(r.boxes[:, 2] - r.boxes[:, 0])
                heights.append(r.boxes[:, 3] - r.boxes[:, 1])
        if widths:
            batch.widths, batch.heights = torch.cat(widths).double().numpy(), torch.cat(heights).double().numpy()
        batch.pixel_bytes = sum(r.pixels.numel() for r in good)
        if self.reduce_on_host:
            self._reduce(batch, good)
        else:
            batch.groups = _stack_by_shape([r.pixels for r in good])
        return batch

    def _reduce(self, batch: SanityBatch, good) -> None:
        start = time.perf_counter()
        if self._reducer is None:
            self._reducer = PixelReducer("cpu")
        total = squares = 0.0
        for r in good:
            s, q = self._reducer.sums(r.pixels).tolist()
            total, squares = total + s, squares + q
        batch.host_sums = (batch.pixel_bytes, total, squares)
        batch.reduce_seconds = time.perf_counter() - start

    def __getstate__(self):
        return {"reduce_on_host": self.reduce_on_host, "_reducer": None}


def _stack_by_shape(images: list[torch.Tensor]) -> list[torch.Tensor]:
    """One ``[k, H, W]`` tensor per image size (so one device copy each), in shared memory
    when inside a worker: the main process then maps it instead of copying it."""
    by_shape: dict[tuple[int, ...], list[torch.Tensor]] = {}
    for image in images:
        by_shape.setdefault(tuple(image.shape), []).append(image)
    in_worker = torch.utils.data.get_worker_info() is not None
    groups = []
    for shape, same in by_shape.items():
        out = None
        if in_worker:
            storage = torch.UntypedStorage._new_shared(len(same) * same[0].numel())
            out = torch.empty(0, dtype=torch.uint8).set_(storage).view(len(same), *shape)
        groups.append(torch.stack(same, 0, out=out))
    return groups
