"""Qt-free core of specgui, grouped by feature: ``samples``, ``splits``, ``audit``, ``sanity``,
``training`` and ``demo``, over ``errors`` and ``atomic_files``.

Nothing under this package imports Qt; torch is imported only under ``sanity`` (the pass
itself) and ``training``, so scans and split operations stay light. ``specgui.core.splits``
and ``specgui.core.dataset`` keep the public names training scripts import.
"""
