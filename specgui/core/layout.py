"""The on-disk layout, in one place: ``signals/{signal}/samples/{id}.npz|json`` and
``signals/{signal}/splits/vN.json|active.json`` (see the format contract).

:class:`SignalPaths` checks the signal name once, when it is made; everything else asks it
for folders instead of joining names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import DataRootError
from .samples.ids import sample_paths, unsafe_id_reason

SIGNALS_DIRNAME = "signals"
SAMPLES_DIRNAME = "samples"
SPLITS_DIRNAME = "splits"
ACTIVE_NAME = "active.json"


def signals_root_of(root: str | Path) -> Path:
    """The folder holding one subfolder per signal: ``root/signals`` if present, else ``root``."""
    root = Path(root)
    nested = root / SIGNALS_DIRNAME
    return nested if nested.is_dir() else root


def resolve_signals_root(root: str | Path) -> Path:
    """:func:`signals_root_of` an existing folder; :class:`DataRootError` if ``root`` is not one."""
    root = Path(root)
    if not root.exists():
        raise DataRootError(root, "folder not found")
    if not root.is_dir():
        raise DataRootError(root, "not a folder")
    return signals_root_of(root)


@dataclass(frozen=True)
class SignalPaths:
    """The folders and files of one signal; the name was checked when this was made."""

    signal_dir: Path

    @classmethod
    def of(cls, signals_root: str | Path, name: str) -> SignalPaths:
        """``signals_root/name``; :class:`DataRootError` for a name that could leave the folder."""
        reason = unsafe_id_reason(name)
        if reason is not None:
            raise DataRootError(Path(signals_root), f"bad signal name: {reason.replace('sample ID', 'name')}")
        return cls(Path(signals_root) / name)

    @classmethod
    def of_samples_dir(cls, samples_dir: str | Path) -> SignalPaths:
        return cls(Path(samples_dir).parent)

    @property
    def name(self) -> str:
        return self.signal_dir.name

    @property
    def signals_root(self) -> Path:
        return self.signal_dir.parent

    @property
    def samples_dir(self) -> Path:
        return self.signal_dir / SAMPLES_DIRNAME

    @property
    def splits_dir(self) -> Path:
        return self.signal_dir / SPLITS_DIRNAME

    @property
    def active_path(self) -> Path:
        return self.splits_dir / ACTIVE_NAME

    def sample_paths(self, sample_id: str) -> tuple[Path, Path]:
        """(``.npz``, ``.json``) of ``sample_id``; refuses an unsafe ID."""
        return sample_paths(self.samples_dir, sample_id)


def signal_of_folder(signals_root: Path, changed: Path) -> tuple[str, str] | None:
    """(signal, ``samples`` or ``splits``) when ``changed`` is one of those folders of a signal
    directly under ``signals_root``; else None."""
    if changed.parent.parent == signals_root and changed.name in (SAMPLES_DIRNAME, SPLITS_DIRNAME):
        return changed.parent.name, changed.name
    return None
