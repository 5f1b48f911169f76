"""``specgui review set|list ROOT SIGNAL``: review states of a signal's samples.

``set ID... --state reviewed|relabel|exclude|clear [--note TEXT]``: an unknown ID is refused
(exit 2, naming it; nothing written). ``list [--state S]`` prints every entry. ``exclude``
samples are held back by ``split extend`` and warned about by ``split verify``.
"""

from __future__ import annotations

import functools
import os

from specgui.core.review.states import STATES, read_review_states, review_path, review_progress, set_review_states
from specgui.core.samples.index import scan_signal
from specgui.core.splits.manager import open_signal

from .actions import add_actions, add_signal_action
from .output import EXIT_OK, emit_json, say, to_jsonable


def register(subparsers) -> None:
    actions = add_actions(subparsers, "review", help="mark samples reviewed / relabel / exclude, and list them",
                          description="Review states, one file per signal: {signal}/review.json.")
    add = functools.partial(add_signal_action, actions)

    p = add("set", "give samples a review state (clear removes it)", _set)
    p.add_argument("ids", nargs="+", metavar="ID", help="sample IDs")
    p.add_argument("--state", required=True, choices=(*STATES, "clear"))
    p.add_argument("--note", metavar="TEXT", help="why (for exclude: the reason the extension reports)")
    p = add("list", "samples with a review state, and the progress", _list)
    p.add_argument("--state", choices=(*STATES, "none"), help="only this state ('none': not reviewed yet)")


def _row(sample_id: str, entry) -> dict:
    if entry is None:
        return {"sample_id": sample_id, "state": None, "note": None, "updated_at": None, "updated_by": None}
    return {"sample_id": sample_id, **to_jsonable(entry)}


def _set(args) -> int:
    _, signal_dir = open_signal(os.path.abspath(args.root), args.signal)
    state = None if args.state == "clear" else args.state
    entries = set_review_states(signal_dir, args.ids, state, args.note)
    rows = [_row(s, entries.get(s)) for s in dict.fromkeys(args.ids)]
    if args.json:
        emit_json({"ok": True, "signal": args.signal, "path": str(review_path(signal_dir)), "samples": rows})
    else:
        say(f"{args.signal}: {len(rows)} sample(s) {'cleared' if state is None else 'marked ' + state}")
    return EXIT_OK


def _list(args) -> int:
    _, signal_dir = open_signal(os.path.abspath(args.root), args.signal)
    entries = read_review_states(signal_dir)
    on_disk = scan_signal(signal_dir).complete
    if args.state == "none":
        rows = [_row(s, None) for s in on_disk if s not in entries]
    else:
        rows = [_row(s, e) for s, e in sorted(entries.items()) if args.state in (None, e.state)]
    done, total = review_progress(entries, on_disk)
    counts = {s: sum(1 for e in entries.values() if e.state == s) for s in STATES}
    if args.json:
        emit_json({"ok": True, "signal": args.signal, "samples": rows, "counts": counts,
                   "reviewed": done, "total": total})
    else:
        lines = [f"{args.signal}: {done:,} / {total:,} reviewed"]
        lines += [f"  {r['sample_id']}  {r['state'] or '-'}" + (f"  {r['note']}" if r["note"] else "") for r in rows]
        say("\n".join(lines))
    return EXIT_OK
