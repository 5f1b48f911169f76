"""Qt-free core of specgui: sample index, split versions, dataset, sanity pass, audit.

Nothing under this package imports Qt; torch is imported only by the modules that
need it (``dataset``, ``sanity``), so scans and split operations stay light.
"""
