"""Commands made of actions (``split create``, ``review set``): one way to build their parsers.

A bare command prints its help (exit 2); each action takes ``ROOT SIGNAL`` and ``--json``,
and reports core errors the same way (:func:`~.errors.reports_core_errors`).
"""

from __future__ import annotations

from .errors import reports_core_errors
from .output import EXIT_USAGE


def add_actions(subparsers, name: str, help: str, description: str):
    """The ``name`` command and the subparsers of its actions."""
    command = subparsers.add_parser(name, help=help, description=description)
    command.set_defaults(func=lambda args: (command.print_help(), EXIT_USAGE)[1])
    return command.add_subparsers(dest=f"{name}_command", metavar="ACTION")


def add_signal_action(actions, name: str, text: str, func):
    """An action over one signal: ``ROOT SIGNAL [--json]``, then what the caller adds."""
    parser = actions.add_parser(name, help=text, description=text)
    parser.add_argument("root", metavar="ROOT", help="the signals folder or its parent")
    parser.add_argument("signal", metavar="SIGNAL", help="signal folder name")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.set_defaults(func=reports_core_errors(func))
    return parser
