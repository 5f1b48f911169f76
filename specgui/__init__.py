"""specgui: browse labelled RF spectrograms, manage versioned splits, sanity-check the DataLoader."""

__version__ = "0.1.0"
