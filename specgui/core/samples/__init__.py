"""Samples on disk: ids, the folder index, labels, spectrogram files, loading, status."""
