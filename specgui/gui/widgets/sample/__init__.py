"""Widgets that show one sample: the sample list, the spectrogram view with its boxes and their editor, axes and metadata."""
