"""Command-line front of specgui: argparse over the core (``specgui --help``)."""
