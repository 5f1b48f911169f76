"""The app's state and controllers: intents in (method calls), facts out (Qt signals).

Qt-free pieces (snapshots, jobs, the sample cache) sit beside the QObject controllers that
start workers running them, so the jobs can be tested and benchmarked without a display.
"""
