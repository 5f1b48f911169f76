"""A small LRU cache of loaded samples, so stepping to a prefetched neighbour never waits.

Entries carry the files' modification times when read; a sample re-labelled in place on
disk (same ID, new files) is a miss, not a stale hit. Qt-free.
"""

from __future__ import annotations

from collections import OrderedDict

from specgui.core.samples.loading import LoadedSample

from .jobs import file_stamp

Key = tuple[str, str]  # (signal, sample_id)


class SampleCache:
    """Up to ``capacity`` samples, least recently used dropped first."""

    def __init__(self, capacity: int = 8):
        self.capacity = capacity
        self._entries: OrderedDict[Key, tuple[LoadedSample, tuple | None]] = OrderedDict()

    def __contains__(self, key: Key) -> bool:
        return key in self._entries

    def put(self, key: Key, sample: LoadedSample, stamp: tuple | None) -> None:
        self._entries[key] = (sample, stamp)
        self._entries.move_to_end(key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def get(self, key: Key) -> LoadedSample | None:
        """The cached sample if its files are unchanged since it was read, else None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        sample, stamp = entry
        if stamp is None or file_stamp(sample.npz_path, sample.json_path) != stamp:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return sample

    def clear(self) -> None:
        self._entries.clear()
