"""``specgui`` entry point: one subcommand module each, registered here.

Exit codes: 0 ok, 1 problems found, 2 bad usage or bad input.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import sys

from .output import EXIT_USAGE, fail

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader left

# Each module defines ``register(subparsers)``, which adds its parser(s) and sets
# ``func(args) -> int`` as the handler.
COMMAND_MODULES = (
    "specgui.cli.cmd_demo",
    "specgui.cli.cmd_split",
    "specgui.cli.cmd_gui",
    "specgui.cli.cmd_sanity",
    "specgui.cli.cmd_audit",
    "specgui.cli.cmd_review",
    "specgui.cli.cmd_boxes",
)


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with a one-line message (and JSON under ``--json``)."""

    def __init__(self, *args, as_json: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_json = as_json

    def add_subparsers(self, **kwargs):
        kwargs.setdefault("parser_class", functools.partial(_Parser, as_json=self.as_json))
        return super().add_subparsers(**kwargs)

    def error(self, message):  # noqa: D401 - argparse hook
        fail(f"{self.prog}: {message}", self.as_json)
        raise SystemExit(EXIT_USAGE)


def build_parser(as_json: bool = False) -> argparse.ArgumentParser:
    """The whole CLI; ``as_json`` makes usage errors come out as one JSON object."""
    from specgui import __version__

    parser = _Parser(prog="specgui", description="Labelled RF spectrograms: browse, split, sanity-check.",
                     as_json=as_json)
    parser.add_argument("--version", action="version", version=f"specgui {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(as_json="--json" in argv)
    commands = set(parser._subparsers._group_actions[0].choices)
    # ``specgui`` and ``specgui ROOT`` open the window, like ``specgui gui [ROOT]``.
    if not argv or (argv[0] not in commands and not argv[0].startswith("-")):
        argv = ["gui", *argv]
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # `specgui ... | head`: the reader left; stop quietly like other tools
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
