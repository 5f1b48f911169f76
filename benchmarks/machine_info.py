"""What every benchmark report says about the machine it ran on (shared by the bench scripts)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def host_line() -> str:
    """``CPU, N cores, OS release`` — the common start of each report's machine line."""
    return f"{cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
