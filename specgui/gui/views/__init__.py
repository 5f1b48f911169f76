"""Widgets that show one sample: the spectrogram view, its boxes, axes and metadata."""
