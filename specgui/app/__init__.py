"""Qt-free application logic of the window: the background jobs over the core and their
outcome values, the per-signal snapshots the tree shows, the loaded-sample cache.

Controllers in :mod:`specgui.gui.state` run these jobs on workers; nothing here imports Qt,
so the same logic can be tested, benchmarked or reused without a display.
"""
