"""Where the sanity pass runs: which device, and which share of the samples under ``torchrun``.

Every rank plans the same entries (the plan is deterministic), checks its shard and shares
its tallies; every rank merges the same report, so all agree on the verdict (rank 0
prints). DistributedSampler pads the last round with repeats so each rank gets the same
count; those repeats are dropped here, so no sample is counted twice. Objects travel over
a gloo group even when the pass uses NCCL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch.utils.data.distributed import DistributedSampler


@dataclass(frozen=True)
class WorldInfo:
    """This process's place in the job."""

    rank: int
    world_size: int
    local_rank: int


class SanityConfigError(ValueError):
    """The pass cannot run as asked (CUDA requested but absent, bad worker count...)."""


def resolve_device(spec: str | None = "auto", world: WorldInfo | None = None) -> torch.device:
    """``auto`` (CUDA when present, else CPU), ``cpu``, ``cuda`` or ``cuda:N``."""
    spec = (spec or "auto").strip().lower()
    if spec == "auto":
        spec = "cuda" if torch.cuda.is_available() else "cpu"
    if spec == "cpu":
        return torch.device("cpu")
    if not spec.startswith("cuda"):
        raise SanityConfigError(f"unknown device {spec!r}: use auto, cpu, cuda or cuda:N")
    try:
        device = torch.device(spec)
    except RuntimeError:
        raise SanityConfigError(f"unknown device {spec!r}: use auto, cpu, cuda or cuda:N") from None
    if not torch.cuda.is_available():
        raise SanityConfigError(f"{spec} was asked for, but CUDA is not available here")
    index = device.index if device.index is not None else (world.local_rank if world else torch.cuda.current_device())
    if index >= torch.cuda.device_count():
        raise SanityConfigError(f"{spec}: only {torch.cuda.device_count()} CUDA device(s) here")
    return torch.device("cuda", index)


def usable_cpus() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def device_name(device: torch.device) -> str:
    """The GPU's name, or the CPU model and core count."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    model = ""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    return f"{model or 'CPU'} ({usable_cpus()} cores usable)"


def env_world() -> WorldInfo | None:
    """The job described by ``torchrun``'s variables, or None for a single process."""
    try:
        world = int(os.environ.get("WORLD_SIZE", "1"))
        rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", str(rank)))
    except ValueError:
        return None
    return WorldInfo(rank, world, local) if world > 1 else None


def current_world() -> WorldInfo | None:
    """The initialised process group, or None when there is none (or only one rank)."""
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() < 2:
        return None
    local = int(os.environ.get("LOCAL_RANK", str(dist.get_rank())))
    return WorldInfo(dist.get_rank(), dist.get_world_size(), local)


def wants_cuda(spec: str | None) -> bool:
    """Whether the device ``spec`` ("auto", "cpu", "cuda", "cuda:N") means a CUDA device here."""
    spec = (spec or "auto").lower()
    return spec.startswith("cuda") or (spec == "auto" and torch.cuda.is_available())


def leave_process_group(joined: bool) -> None:
    """Leave the process group :func:`init_from_env` joined (nothing when it joined none)."""
    if joined and dist.is_initialized():
        dist.destroy_process_group()


def init_from_env(use_cuda: bool) -> WorldInfo | None:
    """Join the ``torchrun`` job (NCCL for CUDA, else gloo); None when not under torchrun."""
    info = env_world()
    if info is None:
        return None
    if not dist.is_initialized():
        if use_cuda:
            torch.cuda.set_device(info.local_rank)
        dist.init_process_group(backend="nccl" if use_cuda else "gloo")
    return info


def shard_indices(n: int, world: WorldInfo) -> list[int]:
    """This rank's indices of ``range(n)``, in order, without DistributedSampler's padding."""
    sampler = DistributedSampler(range(n), num_replicas=world.world_size, rank=world.rank,
                                 shuffle=False, drop_last=False)
    real = len(range(world.rank, n, world.world_size))  # positions < n that fall to this rank
    return list(sampler)[:real]


def object_group():
    """A group for object collectives: the world group under gloo, a gloo twin under NCCL.

    Every rank must call this at the same point (creating a group is a collective).
    """
    return dist.group.WORLD if dist.get_backend() == "gloo" else dist.new_group(backend="gloo")


def all_gather(obj, group) -> list:
    """Every rank's ``obj`` on every rank, in rank order (so all ranks agree on the verdict)."""
    out = [None] * dist.get_world_size()
    dist.all_gather_object(out, obj, group=group)
    return out
