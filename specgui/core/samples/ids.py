"""Sample IDs: what a safe one looks like, and the paths it maps to."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import UnsafeSampleIdError

NPZ_SUFFIX = ".npz"
JSON_SUFFIX = ".json"


def unsafe_id_reason(sample_id: object) -> str | None:
    """Why ``sample_id`` may not be joined to a folder path, or None when it is safe.

    IDs of any width or alphabet are fine (``0001``, ``3fa85f6457174562``); what is refused
    is anything that could name a file outside the samples folder.
    """
    if not isinstance(sample_id, str):
        return f"sample ID {sample_id!r} is not a string"
    if not sample_id:
        return "empty sample ID"
    if "\x00" in sample_id:
        return f"sample ID {sample_id!r} contains a NUL byte"
    if "/" in sample_id or "\\" in sample_id:
        return f"sample ID {sample_id!r} contains a path separator"
    if ".." in sample_id:
        return f"sample ID {sample_id!r} contains '..'"
    if sample_id[0] == "~" or (len(sample_id) > 1 and sample_id[1] == ":"):
        return f"sample ID {sample_id!r} looks like an absolute path"
    if any(ord(c) < 32 for c in sample_id):
        return f"sample ID {sample_id!r} contains a control character"
    return None


def all_ids_safe(ids: list) -> bool:
    """True when every ID is safe; a C-speed test over the joined IDs, for 100,000-ID lists.

    False means "look closer": callers then ask :func:`unsafe_id_reason` ID by ID.
    """
    if not ids:
        return True
    if len(ids) == 1:  # a lone ID joins to itself: the tests below cannot see an empty one
        return unsafe_id_reason(ids[0]) is None
    try:
        joined = "/".join(ids)  # '/' never occurs in a safe ID, so it cannot hide or fake one
    except TypeError:  # not all strings
        return False
    return (
        joined.count("/") == len(ids) - 1
        and "//" not in joined
        and not joined.startswith("/")
        and not joined.endswith("/")
        and ".." not in joined
        and "\\" not in joined
        and ":" not in joined
        and "~" not in joined
        and _printable(joined)
    )


def _printable(text: str) -> bool:
    """``str.isprintable`` at memchr speed for the usual all-ASCII IDs (3x faster on 100k IDs)."""
    if text.isascii():
        return not text.encode("ascii").translate(None, delete=bytes(range(32, 127)))
    return text.isprintable()


def check_sample_id(sample_id: object, where: str | Path | None = None) -> str:
    """Return ``sample_id`` when safe, else raise :class:`UnsafeSampleIdError`."""
    reason = unsafe_id_reason(sample_id)
    if reason is not None:
        raise UnsafeSampleIdError(where, reason)
    return sample_id  # type: ignore[return-value]


def sample_paths(samples_dir: str | Path, sample_id: str) -> tuple[Path, Path]:
    """The ``.npz`` and ``.json`` paths of a (checked) sample ID."""
    check_sample_id(sample_id, samples_dir)
    base = Path(samples_dir)
    return base / f"{sample_id}{NPZ_SUFFIX}", base / f"{sample_id}{JSON_SUFFIX}"


def sample_path_strings(samples_dir: str | Path, sample_ids: list[str]) -> Iterator[tuple[str, str]]:
    """The ``.npz`` and ``.json`` paths of many IDs, as pairs of strings: all the IDs are checked
    here, at once (one C-speed check), the strings are joined as the pairs are read.
    :func:`sample_paths` makes two ``Path`` objects per ID (a third of a warm audit of 100,000
    samples), and two 100,000-string lists made the window's collector walk them."""
    if not all_ids_safe(sample_ids):
        for sample_id in sample_ids:
            check_sample_id(sample_id, samples_dir)
    base = os.path.join(os.fspath(samples_dir), "")
    return ((f"{base}{s}{NPZ_SUFFIX}", f"{base}{s}{JSON_SUFFIX}") for s in sample_ids)
