"""Typed errors of the core. Each names the file it is about and what is wrong with it."""

from __future__ import annotations

import os


class SpecguiError(Exception):
    """A problem with one file or folder; ``str()`` reads ``<path>: <problem>``."""

    def __init__(self, path: str | os.PathLike | None, problem: str):
        self.path = os.fspath(path) if path is not None else None
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)


class SampleError(SpecguiError):
    """A sample's ``.npz`` or ``.json`` cannot be used (malformed, wrong dtype, bad boxes...)."""


class UnsafeSampleIdError(SampleError):
    """A sample ID that would point outside the samples folder (separator, ``..``, NUL...)."""


class SplitFileError(SpecguiError):
    """A split version file or ``active.json`` is malformed or inconsistent."""


class SplitNotFoundError(SplitFileError, FileNotFoundError):
    """The split version asked for does not exist (a ``FileNotFoundError``, as in the seed)."""


class SplitStateError(SpecguiError, ValueError):
    """The requested split operation does not fit the signal's current state (a ``ValueError``)."""


class NoSamplesError(SplitStateError):
    """A split needs samples and the signal has none.

    ``str()`` starts with the original backend's words, ``No samples found for {signal}``,
    which its callers match; the folder follows.
    """

    def __init__(self, path: str | os.PathLike, signal_name: str, detail: str = "no complete sample"):
        self.signal_name = signal_name
        self.detail = detail
        super().__init__(path, f"No samples found for {signal_name}")

    def __str__(self) -> str:
        return f"{self.problem} ({self.path}: {self.detail})"


class SplitVersionExistsError(SplitStateError):
    """A version file already exists; versions are never overwritten."""


class StaleSplitError(SplitStateError):
    """The active version changed since the caller previewed it: preview again."""

    def __init__(self, path, expected: int, actual: int):
        self.expected = expected
        self.actual = actual
        super().__init__(
            path,
            f"someone else changed the split: active is v{actual}, the preview was made "
            f"against v{expected}; preview again",
        )


class SplitLockError(SpecguiError):
    """The split lock could not be taken (timeout, read-only folder, locks unsupported)."""


class DataRootError(SpecguiError):
    """The folder given as data root is not a usable signals tree."""


class SampleConflictError(SampleError):
    """A sample JSON changed on disk since it was loaded for editing: the save was refused."""

    def __init__(self, path, expected: str, actual: str):
        self.expected = expected
        self.actual = actual
        super().__init__(
            path,
            f"changed on disk since it was loaded (SHA-256 {actual[:12]}…, expected {expected[:12]}…); "
            "nothing written: reload it, or overwrite it on purpose",
        )


class ReviewFileError(SpecguiError):
    """A signal's ``review.json`` is malformed, or a review change cannot be applied."""
