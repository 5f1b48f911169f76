"""``specgui split ACTION ROOT SIGNAL``: create, extend, show, list, diff, verify, activate.

Every action takes ``--json`` and then writes exactly one JSON object on stdout. Exit 0 ok,
1 problems found (verify), 2 bad usage or bad input (the message names the file). Notes
about a recovered ``active.json`` go to stderr and into the JSON ``notes`` list.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
from pathlib import Path

from specgui.core.errors import SplitStateError, StaleSplitError
from specgui.core.splits.store import read_active_pointer
from specgui.core.splits.grouping import GROUP_BY_CHOICES
from specgui.core.splits.guard import check_create, check_extend, val_leaks
from specgui.core.splits.verify import verify_splits
from specgui.core.splits.version import SplitVersion
from specgui.core.splits.manager import SplitManager, VersionSummary, open_signal

from .actions import add_actions, add_signal_action
from .errors import collect_notes
from .output import EXIT_OK, EXIT_PROBLEMS, emit_json, say, to_jsonable
from .progress import ProgressBar

SHOWN_IDS = 10  # IDs listed per group in plain-text output; --json always has all


def _version_number(text: str) -> int:
    value = int(text.lstrip("vV"))
    if value < 1:
        raise argparse.ArgumentTypeError(f"versions start at 1, got {text}")
    return value


def _ratio(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (exclusive), got {text}")
    return value


def register(subparsers) -> None:
    actions = add_actions(subparsers, "split", help="create, extend, inspect and roll back split versions",
                          description="Versioned train/val splits of one signal. ROOT is the "
                                      "signals folder or its parent.")
    add = functools.partial(add_signal_action, actions)

    p = add("create", "write v1: seeded shuffle of the sorted IDs, the seed's algorithm (or of groups, "
                      "with --group-by)", _create)
    p.add_argument("--val-ratio", type=_ratio, default=0.2, metavar="R", help="validation share (default 0.2)")
    p.add_argument("--seed", type=int, default=42, metavar="S", help="shuffle seed (default 42, as the seed)")
    p.add_argument("--group-by", choices=GROUP_BY_CHOICES, default=None,
                   help="keep groups on one side: 'capture' = overlapping or touching windows of one "
                        "source_capture; 'capture+pixels' also joins identical pixels (default: no grouping, "
                        "the seed's algorithm)")
    p.add_argument("--notes", metavar="T", help="text stored in the version's 'notes'")
    p.add_argument("--no-check", action="store_true", help="skip the load check: every complete sample goes in "
                                                          "(the original behaviour)")
    p = add("extend", "add pending samples to train as a new version (val never changes)", _extend)
    p.add_argument("--dry-run", action="store_true", help="show what would be written; write nothing")
    p.add_argument("--expect-version", type=_version_number, metavar="N",
                   help="refuse unless the active version is still N (what you previewed)")
    p.add_argument("--ids", nargs="+", metavar="ID", help="add only these sample IDs")
    p.add_argument("--notes", metavar="T", help="text stored in the version's 'notes'")
    p.add_argument("--no-check", action="store_true", help="skip the load and leak checks: every pending sample "
                                                          "goes in (the original behaviour; review excludes still stay out)")
    p = add("show", "one version's metadata and counts (default: the active one)", _show)
    p.add_argument("--version", type=_version_number, metavar="N", help="show vN instead of the active version")
    p.add_argument("--ids", action="store_true", help="list the sample IDs too")
    add("list", "every version, the active one marked", _list)
    p = add("diff", "membership changes from version A to version B", _diff)
    p.add_argument("a", type=_version_number, metavar="A")
    p.add_argument("b", type=_version_number, metavar="B")
    p = add("verify", "check the split files against each other and the samples (exit 1 on problems)", _verify)
    p.add_argument("--deep", action="store_true", help="also load every sample of the active version (parallel, "
                                                       "cached) and name each one training could not use")
    p = add("activate", "make version N the active one (rollback); refused if its val differs from v1's", _activate)
    p.add_argument("version", type=_version_number, metavar="N")
    _register_health(actions)


def _register_health(actions) -> None:
    """``split health`` comes from ``cmd_health`` when that module exists."""
    try:
        cmd_health = importlib.import_module("specgui.cli.cmd_health")
    except ModuleNotFoundError as exc:
        if exc.name != "specgui.cli.cmd_health":
            raise
        return
    if hasattr(cmd_health, "register_under_split"):
        cmd_health.register_under_split(actions)


def _open(args) -> tuple[SplitManager, Path]:
    """The manager and signal folder; exit-2 errors name the folder that is wrong."""
    return open_signal(os.path.abspath(args.root), args.signal)  # messages and JSON name absolute paths


def version_info(split: SplitVersion) -> dict:
    """A version's metadata and counts, as shown by every action."""
    raw = split.raw
    return {
        "version": split.version, "path": str(split.path), "created_at": split.created_at,
        "train_count": len(split.train), "val_count": len(split.val),
        "total_samples": raw.get("total_samples", len(split.train) + len(split.val)),
        "val_ratio": raw.get("val_ratio"), "random_seed": split.random_seed,
        "parent_version": split.parent_version, "samples_added": split.samples_added, "notes": split.notes,
        "group_by": raw.get("group_by"), "group_count": raw.get("group_count"),
    }


def _row(summary: VersionSummary, active: int | None) -> dict:
    row = {k: v for k, v in to_jsonable(summary).items() if k != "is_active"}  # "active" may be recovered
    return {"version": summary.version, "active": summary.version == active, **row}


def _emit(args, payload: dict, lines: list[str], code: int = EXIT_OK) -> int:
    if args.json:
        emit_json(payload)
    else:
        say("\n".join(lines))
    return code


def _ids_line(label: str, ids) -> str:
    shown = ", ".join(ids[:SHOWN_IDS])
    more = f" ... and {len(ids) - SHOWN_IDS} more (--json lists all)" if len(ids) > SHOWN_IDS else ""
    return f"  {label} ({len(ids)}): {shown}{more}" if ids else f"  {label}: none"


def _create(args) -> int:
    with collect_notes() as notes:
        manager, _ = _open(args)
        bar = ProgressBar(f"checking {args.signal}'s samples", enabled=None if args.group_by or not args.no_check else False)
        held: list = []
        try:
            number = manager.create_initial_split(args.signal, args.val_ratio, args.seed, group_by=args.group_by,
                                                  notes=args.notes, progress=bar.update,
                                                  check_samples=not args.no_check, held_back=held)
        finally:
            bar.close()
        info = version_info(manager.read_version(args.signal, number))
        leaks = [] if args.no_check else v1_leaks(manager, args.signal)
    lines = [f"Created v{number} of {args.signal}: {info['train_count']} train / {info['val_count']} val "
             f"(seed {args.seed}) in {info['path']}"]
    if args.group_by:
        lines.append(f"  grouped by {args.group_by}: {info['group_count']} group(s) kept whole; val ratio "
                     f"{info['val_ratio']:.3f} (asked {args.val_ratio:g})")
    lines += _held_lines(held)
    lines += [f"  warning: {w['kind']} leak: train {w['train_id']} / val {w['val_id']}: {w['reason']}" for w in leaks[:SHOWN_IDS]]
    payload = {"ok": True, "signal": args.signal, "version": info, "held_back": [to_jsonable(h) for h in held],
               "warnings": leaks, "notes": notes}
    return _emit(args, payload, lines, EXIT_PROBLEMS if held else EXIT_OK)


def _held_lines(held) -> list[str]:
    if not held:
        return []
    return [f"Held back {len(held)} sample(s) (they stay pending; fix a file and it is checked again):"] + [
        f"  {h.sample_id} [{h.kind}] {h.reason}" for h in held[:SHOWN_IDS]] + (
        [f"  ... and {len(held) - SHOWN_IDS} more (--json lists all)"] if len(held) > SHOWN_IDS else [])


def _extend(args) -> int:
    with collect_notes() as notes:
        manager, _ = _open(args)
        # The checked preview validates everything without taking the lock, so a refusal writes nothing.
        bar = ProgressBar(f"checking {args.signal}'s new samples", enabled=None if not args.no_check else False)
        try:
            preview = check_extend(manager, args.signal, args.ids, check_samples=not args.no_check, progress=bar.update)
        finally:
            bar.close()
        held = list(preview.held_back)
        notes.add(preview.note)
        notes.add(preview.leak_note)
        if preview.parent_version == 0:
            raise SplitStateError(manager.splits_dir(args.signal),
                                  f"no split yet; create v1 first: specgui split create {args.root} {args.signal}")
        if args.expect_version is not None and args.expect_version != preview.parent_version:
            raise StaleSplitError(manager.splits_dir(args.signal), args.expect_version, preview.parent_version)
        parent, number, added, path = preview.parent_version, preview.new_version, list(preview.added), None
        counts = (preview.train_count, preview.val_count)
        if not args.dry_run and preview.added:  # the checked list, as checked: nothing when nothing is left
            number = manager.extend_split(args.signal, list(preview.added), expected_parent=args.expect_version,
                                          notes=args.notes, check_samples=False)
            if number != parent:  # report what was written (another writer may have moved the parent)
                split = manager.read_version(args.signal, number)
                parent, path = split.parent_version, str(split.path)
                added = list(split.train[len(split.train) - split.samples_added:])  # extend appends to train
                counts = (len(split.train), len(split.val))
    payload = {"ok": True, "signal": args.signal, "dry_run": args.dry_run, "changed": number != parent,
               "parent_version": parent, "new_version": number, "added_count": len(added), "added_ids": added,
               "train_count": counts[0], "val_count": counts[1], "path": path,
               "held_back": [to_jsonable(h) for h in held], "notes": notes}
    if number == parent:
        lines = [f"Nothing to add: v{parent} of {args.signal} already holds every usable complete sample."]
    else:
        verb = "Would write" if args.dry_run else "Wrote"
        lines = [f"{verb} v{number} of {args.signal} (from v{parent}): +{len(added)} train, "
                 f"{counts[0]} train / {counts[1]} val; val unchanged", _ids_line("added", added)]
    lines += _held_lines(held)
    return _emit(args, payload, lines, EXIT_PROBLEMS if held else EXIT_OK)


def _active_number(manager: SplitManager, signal: str, rows: list[VersionSummary], notes) -> int | None:
    """The active version for display: the pointer, else the recovered one (with a note)."""
    marked = next((r.version for r in rows if r.is_active), None)
    if marked is not None or not rows:
        return marked
    resolution = manager.resolve_active(signal)
    notes.add(resolution.note)
    return resolution.version.version if resolution.version else None


def _show(args) -> int:
    with collect_notes() as notes:
        manager, _ = _open(args)
        payload: dict = {"ok": True, "signal": args.signal}
        if args.version is not None:
            split = manager.read_version(args.signal, args.version)
            active = read_active_pointer(manager.splits_dir(args.signal))
            payload["active_version"] = active.version if active.problem is None else None
        else:
            resolution = manager.resolve_active(args.signal)
            notes.add(resolution.note)
            split = resolution.version
            rows = manager.list_versions(args.signal)
            pending = manager.get_pending_samples(args.signal)
            payload["active_version"] = split.version if split else None
            payload["versions"] = [_row(r, payload["active_version"]) for r in rows]
            payload["pending_count"] = len(pending)
        payload["version"] = version_info(split) if split else None
        if args.ids:
            payload["train_ids"] = list(split.train) if split else []
            payload["val_ids"] = list(split.val) if split else []
            if args.version is None:
                payload["pending_ids"] = pending
    payload["notes"] = notes
    return _emit(args, payload, _show_lines(args, payload))


def _show_lines(args, payload: dict) -> list[str]:
    info = payload["version"]
    if info is None:
        return [f"{args.signal} has no split yet; {payload['pending_count']} sample(s) pending.",
                f"Create one with: specgui split create {args.root} {args.signal}"]
    active = " (active)" if info["version"] == payload["active_version"] else ""
    lines = [f"{args.signal} v{info['version']}{active}: {info['train_count']} train / {info['val_count']} val",
             f"  created {info['created_at']}; notes: {info['notes']}", f"  file: {info['path']}"]
    if info["parent_version"] is not None:
        lines.append(f"  from v{info['parent_version']}, +{info['samples_added']} samples")
    if "pending_count" in payload:
        lines.append(f"  pending (on disk, in no split): {payload['pending_count']}")
        lines.append("  versions: " + ", ".join(f"v{r['version']}{'*' if r['active'] else ''}"
                                               for r in payload["versions"]) + "   (* = active)")
    if args.ids:
        lines += [_ids_line("train", payload["train_ids"]), _ids_line("val", payload["val_ids"])]
        if "pending_ids" in payload:
            lines.append(_ids_line("pending", payload["pending_ids"]))
    return lines


def _list(args) -> int:
    with collect_notes() as notes:
        manager, _ = _open(args)
        rows = manager.list_versions(args.signal)
        active = _active_number(manager, args.signal, rows, notes)
    versions = [_row(r, active) for r in rows]
    lines = [f"{args.signal}: no split versions yet"] if not rows else [
        f"{'':1} {'ver':>4}  {'created_at':<27} {'train':>7} {'val':>6} {'added':>6}  notes"]
    for r in versions:
        if r["problem"]:
            lines.append(f"{'*' if r['active'] else ' '} v{r['version']:<3}  unreadable: {r['problem']}")
            continue
        added = "" if r["samples_added"] is None else f"+{r['samples_added']}"
        lines.append(f"{'*' if r['active'] else ' '} v{r['version']:<3}  {r['created_at'] or '?':<27} "
                     f"{r['train_count']:>7} {r['val_count']:>6} {added:>6}  {r['notes'] or ''}")
    payload = {"ok": True, "signal": args.signal, "active_version": active, "versions": versions, "notes": notes}
    return _emit(args, payload, lines)


def _diff(args) -> int:
    with collect_notes() as notes:
        manager, _ = _open(args)
        diff = manager.diff_versions(args.signal, args.a, args.b)
    payload = {"ok": True, "signal": args.signal, **to_jsonable(diff), "val_unchanged": diff.val_unchanged,
               "notes": notes}
    lines = [f"{args.signal} v{args.a} -> v{args.b}: train +{len(diff.train_added)} -{len(diff.train_removed)}, "
             f"val +{len(diff.val_added)} -{len(diff.val_removed)}"
             f" ({'val unchanged' if diff.val_unchanged else 'VAL CHANGED'})"]
    for label, ids in (("train added", diff.train_added), ("train removed", diff.train_removed),
                       ("val added", diff.val_added), ("val removed", diff.val_removed)):
        if ids:
            lines.append(_ids_line(label, list(ids)))
    return _emit(args, payload, lines)


def _verify(args) -> int:
    with collect_notes() as notes:
        manager, signal_dir = _open(args)
        report = verify_splits(signal_dir)
        unusable = deep_check(manager, args.signal, report.active_version) if args.deep else None
    problems = [to_jsonable(p) for p in report.problems]
    warnings = [to_jsonable(w) for w in report.warnings]
    payload = {"ok": report.ok, "signal": args.signal, "versions": list(report.versions),
               "active_version": report.active_version, "problem_count": len(problems),
               "problems": problems, "warnings": warnings, "group_by": report.group_by, "capture_aware": report.group_by is not None,
               "capture_leaks": report.capture_leaks, "notes": notes}
    ok = report.ok and not unusable
    if unusable is not None:
        payload.update(ok=ok, unusable=unusable, unusable_count=len(unusable))
    if ok:
        span = f"v1..v{report.versions[-1]}, active v{report.active_version}" if report.versions else "no versions"
        lines = [f"{args.signal}: splits OK ({span})"]
    else:
        lines = [f"{args.signal}: {len(problems)} problem(s)" if problems else f"{args.signal}: split files OK"]
        lines += [f"  [{p['kind']}] {p['path']}: {p['message']}" for p in problems]
    lines += [f"  warning [{w['kind']}] {w['path']}: {w['message']}" for w in warnings]
    if unusable:
        lines.append(f"  {len(unusable)} sample(s) of v{report.active_version} training could not use:")
        lines += [f"  [{u['kind']}] {u['sample_id']}: {u['reason']}" for u in unusable]
    elif unusable is not None:
        lines.append(f"  every sample of v{report.active_version} loads (--deep)")
    if report.versions:
        lines.append("  " + capture_line(report.group_by, report.capture_leaks, report.active_version))
    return _emit(args, payload, lines, EXIT_OK if ok else EXIT_PROBLEMS)


def deep_check(manager: SplitManager, signal: str, version: int | None) -> list[dict]:
    """Each sample of ``version`` training could not use (``--deep``), loaded in parallel, cached."""
    if version is None:
        return []
    split = manager.read_version(signal, version)
    bar = ProgressBar(f"loading every sample of v{version}")
    try:
        _, held, _ = check_create(manager, signal, list(split.train) + list(split.val), progress=bar.update)
    finally:
        bar.close()
    return [to_jsonable(h) for h in held]


def v1_leaks(manager: SplitManager, signal: str) -> list[dict]:
    """Train/val pairs of v1 that share data (from the cached verdicts): warnings after ``create``."""
    split = manager.read_version(signal, 1)
    _, _, verdicts = check_create(manager, signal, list(split.train) + list(split.val))
    usable = {s: v for s, v in verdicts.items() if v.ok}
    val = {s: usable[s] for s in split.val if s in usable}
    found = val_leaks({s: usable[s] for s in split.train if s in usable}, val)
    return [{"kind": h.kind, "train_id": h.sample_id, "val_id": partner, "reason": h.reason}
            for h, partner in found.values()]


def capture_line(group_by: str | None, capture_leaks: int | None, version: int | None) -> str:
    """Whether v1 was made capture-aware, and the capture leak pairs of ``version``."""
    aware = f"capture-aware (v1 grouped by {group_by})" if group_by else "not capture-aware (v1 shuffled by ID)"
    if capture_leaks is None:
        return f"{aware}; capture leaks not counted (no readable active version)"
    return f"{aware}; {capture_leaks} capture leak pair(s) in v{version} (see specgui audit)"


def _activate(args) -> int:
    with collect_notes() as notes:
        manager, _ = _open(args)
        before = read_active_pointer(manager.splits_dir(args.signal))
        manager.set_active_version(args.signal, args.version)
    previous = before.version if before.problem is None else None
    payload = {"ok": True, "signal": args.signal, "active_version": args.version, "previous_version": previous,
               "changed": previous != args.version, "notes": notes}
    if previous == args.version:
        lines = [f"v{args.version} of {args.signal} was already active."]
    else:
        lines = [f"{args.signal}: active version is now v{args.version} (was {f'v{previous}' if previous else 'unset'})."]
    return _emit(args, payload, lines)
