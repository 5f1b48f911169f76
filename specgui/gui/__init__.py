"""The desktop window: every PySide6 / pyqtgraph import of specgui lives under here.

Layout: ``workers`` (the one worker style), ``state/`` and ``app_state`` (controllers that
run core jobs on workers and emit facts), ``models/`` (lazy Qt models over the state's
arrays), ``widgets/`` (panels that emit ``*_requested`` intents), ``views/`` (the
spectrogram and metadata views), ``main_window`` (layout and wiring only), ``app``.
"""
