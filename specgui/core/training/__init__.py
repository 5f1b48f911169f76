"""The training-facing torch Dataset and its transforms (``specgui.core.training.dataset`` re-exports)."""
