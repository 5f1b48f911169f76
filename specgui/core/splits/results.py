"""Plain results of split operations: what is active, a preview, a version row, a diff."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .version import SplitVersion


@dataclass(frozen=True)
class ActiveResolution:
    """Which version is active, and whether that had to be recovered (``note`` says why)."""

    version: SplitVersion | None
    recovered: bool = False
    note: str | None = None


@dataclass(frozen=True)
class ExtendPreview:
    """What ``extend_split`` would write now: nothing is written to make one."""

    signal: str
    parent_version: int
    new_version: int
    added: tuple[str, ...]
    train_count: int
    val_count: int
    note: str | None = None

    @property
    def is_noop(self) -> bool:
        return not self.added


@dataclass(frozen=True)
class HeldBack:
    """A new sample an extension leaves out (it stays pending), and why: ``kind`` is a stable
    keyword (``unreadable``, ``excluded``...), ``reason`` a sentence naming the problem."""

    sample_id: str
    kind: str
    reason: str


@dataclass(frozen=True)
class VersionSummary:
    """One row of the version list (``problem`` set when the file cannot be read)."""

    version: int
    path: Path
    is_active: bool
    created_at: str | None = None
    train_count: int | None = None
    val_count: int | None = None
    samples_added: int | None = None
    parent_version: int | None = None
    notes: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class SplitDiff:
    """Membership changes from version ``a`` to version ``b`` (each tuple sorted)."""

    a: int
    b: int
    train_added: tuple[str, ...]
    train_removed: tuple[str, ...]
    val_added: tuple[str, ...]
    val_removed: tuple[str, ...]

    @property
    def val_unchanged(self) -> bool:
        return not (self.val_added or self.val_removed)
