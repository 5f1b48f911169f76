"""How every CLI command reports: plain text for people, one JSON object with ``--json``."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, is_dataclass
from enum import Enum
from pathlib import Path

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def to_jsonable(value):
    """Dataclasses, paths, enums, tuples and sets turned into plain JSON values."""
    if is_dataclass(value) and not isinstance(value, type):
        return {k: to_jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def emit_json(payload: dict) -> None:
    """Write one JSON object on stdout (the whole of stdout under ``--json``)."""
    json.dump(to_jsonable(payload), sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")
    sys.stdout.flush()


def say(text: str = "") -> None:
    print(text, flush=True)


def warn(text: str) -> None:
    print(f"specgui: {text}", file=sys.stderr, flush=True)


def fail(message: str, as_json: bool, code: int = EXIT_USAGE, **extra) -> int:
    """Report an error (stderr, or a JSON object with ``ok: false``) and return ``code``."""
    if as_json:
        emit_json({"ok": False, "error": message, **extra})
    else:
        warn(message)
    return code
