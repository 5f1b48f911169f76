"""Running a step generator to its end: the core's long operations are generators that yield
a step (``(done, total)`` or a progress event) and return their result, so callers can show
progress or cancel between steps; the ones that just want the result run them here."""

from __future__ import annotations

from typing import Any, Callable, Generator


def run_steps(steps: Generator[Any, Any, Any], on_step: Callable[[Any], None] | None = None) -> Any:
    """Drive ``steps`` to its end, handing each yielded step to ``on_step``; return its return value."""
    while True:
        try:
            step = next(steps)
        except StopIteration as stop:
            return stop.value
        if on_step is not None:
            on_step(step)


def done_total(progress: Callable[[int, int], None] | None) -> Callable[[Any], None] | None:
    """``progress(done, total)`` as an ``on_step`` for steps that are ``(done, total)`` pairs."""
    return None if progress is None else (lambda step: progress(*step))
