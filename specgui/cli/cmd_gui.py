"""``specgui gui [ROOT]`` (also plain ``specgui [ROOT]``): open the window.

``--screenshot OUT.png`` opens it headless at 1600x1000, selects ``--select SIGNAL/ID``
(default: the first sample), waits until the image and boxes are painted, saves the PNG
and exits 0; non-zero with a message naming the problem when the sample cannot be shown.
Qt is imported only when this command runs, so the other commands start fast.
"""

from __future__ import annotations

import os
import tempfile

from specgui.core.errors import DataRootError
from specgui.core.layout import resolve_signals_root

from .output import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, fail, say

DEFAULT_TIMEOUT_S = 60.0


def register(subparsers) -> None:
    parser = subparsers.add_parser("gui", help="open the window (default command)",
                                   description="Browse samples and manage split versions in a window.")
    parser.add_argument("root", nargs="?", help="training_data/ or training_data/signals/ (default: the last one opened)")
    parser.add_argument("--select", metavar="SIGNAL/SAMPLE_ID", help="sample to select on start")
    parser.add_argument("--screenshot", metavar="PNG", help="save a 1600x1000 screenshot and exit (headless)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="S",
                        help=f"give up a --screenshot after S seconds (default {DEFAULT_TIMEOUT_S:g})")
    parser.set_defaults(func=run)


def run(args) -> int:
    if args.root is not None:
        try:
            resolve_signals_root(args.root)
        except DataRootError as exc:
            return fail(str(exc), False, EXIT_USAGE)
    if args.screenshot:
        return _screenshot(args)
    from specgui.gui.app import run_gui

    return run_gui(args.root, args.select)


def _screenshot(args) -> int:
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.root is None:
        return fail("--screenshot needs a ROOT folder", False, EXIT_USAGE)
    # a throwaway settings file: a screenshot neither reads nor changes the user's layout
    settings_dir = tempfile.TemporaryDirectory(prefix="specgui-screenshot-")
    os.environ.setdefault("SPECGUI_SETTINGS_FILE", os.path.join(settings_dir.name, "settings.ini"))
    from specgui.gui.app import create_window, ensure_application
    from specgui.gui.screenshot import take_screenshot

    ensure_application()
    window = create_window(args.root, poll_ms=0)
    code, message = take_screenshot(window, args.select, args.screenshot, args.timeout)
    settings_dir.cleanup()
    if code != EXIT_OK:
        return fail(message, False, EXIT_PROBLEMS)
    say(message)
    return EXIT_OK
