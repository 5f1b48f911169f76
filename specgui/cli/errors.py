"""Core errors and recovery notes, reported the same way by every command.

``@reports_core_errors`` turns a core :class:`SpecguiError` (and an ``OSError`` such as a
read-only folder) into one clear line naming the file and the problem, exit 2; under
``--json`` that is one object ``{"ok": false, "error", "path", "problem", "error_type"}``.
``collect_notes()`` gathers :class:`RecoveredActiveWarning` messages so a command can put
them in its JSON ``notes`` and echo them on stderr, never on stdout.
"""

from __future__ import annotations

import contextlib
import functools
import os
import warnings
from typing import Callable, Iterator

from specgui.core.errors import SpecguiError
from specgui.core.splits.resolve import RecoveredActiveWarning

from .output import EXIT_USAGE, fail, warn


def describe(exc: BaseException) -> tuple[str, str | None, str]:
    """``(message, path, problem)`` for a core error or an ``OSError``."""
    if isinstance(exc, SpecguiError):
        return str(exc), exc.path, exc.problem
    if isinstance(exc, OSError):
        path = os.fspath(exc.filename) if exc.filename is not None else None
        problem = exc.strerror or str(exc)
        return (f"{path}: {problem}" if path else problem), path, problem
    return str(exc), None, str(exc)


def reports_core_errors(func: Callable) -> Callable:
    """Wrap a ``func(args) -> int`` handler: core and OS errors become ``fail(...)``, exit 2."""

    @functools.wraps(func)
    def handler(args) -> int:
        try:
            return func(args)
        except BrokenPipeError:  # stdout closed by the reader (``| head``): not a data problem
            raise
        except (SpecguiError, OSError) as exc:
            message, path, problem = describe(exc)
            return fail(message, bool(getattr(args, "json", False)), EXIT_USAGE,
                        path=path, problem=problem, error_type=type(exc).__name__)

    return handler


class Notes(list):
    """Notes for the user (recovered ``active.json`` and the like), without duplicates."""

    def add(self, text: str | None) -> None:
        if text and text not in self:
            self.append(text)


@contextlib.contextmanager
def collect_notes() -> Iterator[Notes]:
    """Turn :class:`RecoveredActiveWarning` raised inside into notes (live, so a command can put
    them in its JSON), and echo every note on stderr on the way out."""
    notes = Notes()
    with warnings.catch_warnings():
        warnings.simplefilter("always", RecoveredActiveWarning)
        shown = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, RecoveredActiveWarning):
                notes.add(str(message))
            else:  # any other warning keeps its usual path
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        try:
            yield notes
        finally:
            for text in notes:
                warn(f"note: {text}")
