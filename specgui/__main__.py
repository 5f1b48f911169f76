"""``python -m specgui`` runs the CLI."""

import sys

from specgui.cli.main import main

sys.exit(main())
