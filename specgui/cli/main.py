"""``specgui`` entry point: one subcommand module each, registered here.

Exit codes: 0 ok, 1 problems found, 2 bad usage or bad input.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .output import EXIT_USAGE, fail

# Each module defines ``register(subparsers)``, which adds its parser(s) and sets
# ``func(args) -> int`` as the handler.
COMMAND_MODULES = (
    "specgui.cli.cmd_demo",
    "specgui.cli.cmd_split",
    "specgui.cli.cmd_gui",
    "specgui.cli.cmd_sanity",
    "specgui.cli.cmd_audit",
)


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line message (and JSON under ``--json``)."""

    def error(self, message):  # noqa: D401 - argparse hook
        as_json = "--json" in sys.argv
        fail(f"{self.prog}: {message}", as_json)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="specgui", description="Labelled RF spectrograms: browse, split, sanity-check.")
    from specgui import __version__

    parser.add_argument("--version", action="version", version=f"specgui {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # command not built yet
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices) if parser._subparsers else set()
    # ``specgui`` and ``specgui ROOT`` open the window, like ``specgui gui [ROOT]``.
    if "gui" in commands and (not argv or (argv[0] not in commands and not argv[0].startswith("-"))):
        argv = ["gui", *argv]
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
