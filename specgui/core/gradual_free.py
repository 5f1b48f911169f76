"""Freeing big containers a piece at a time, so a background thread never holds the GIL long.

Dropping the last reference to a dict of 100,000 tuples frees every entry inside one C call,
and no other thread runs until it is done: 45-65 ms for a 100,000-sample audit's
fingerprints on a 2-core machine, a visible freeze of the window, whose UI thread needs the
same lock. Emptying the container in a Python loop frees the same objects, a few at a time,
with the interpreter's usual thread switches between them (worst wait ~15 ms, for ~1.5x
the CPU time; ``benchmarks/results/gui_audit.md``).
"""

from __future__ import annotations


def free_gradually(*containers: dict | list) -> None:
    """Empty each dict or list item by item (the caller drops its own reference afterwards)."""
    for container in containers:
        pop = container.popitem if isinstance(container, dict) else container.pop
        while container:
            pop()
