"""The training Dataset at its public path: ``from specgui.core.dataset import SpectrogramDataset``.

It lives in :mod:`specgui.core.training.dataset`; training services import it from here.
"""

from .training.dataset import *  # noqa: F401,F403 - the public names, listed in its __all__
from .training.dataset import __all__  # noqa: F401
