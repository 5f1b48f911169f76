"""Versioned train/val splits.

``specgui.core.splits`` was one module before the core was grouped by feature; training
scripts import ``SplitManager`` (and friends) from it, so the package re-exports them.
"""

from .manager import SplitManager, initial_membership, open_signal, utc_timestamp
from .resolve import RecoveredActiveWarning
from .results import ActiveResolution, ExtendPreview, SplitDiff, VersionSummary
from .version import SplitVersion

__all__ = ["ActiveResolution", "ExtendPreview", "RecoveredActiveWarning", "SplitDiff", "SplitManager",
           "SplitVersion", "VersionSummary", "initial_membership", "open_signal", "utc_timestamp"]
