"""``specgui split health ROOT SIGNAL``: what train and val look like, and how far apart.

Registered under ``split`` by ``cmd_split`` through :func:`register_under_split`. Reads
sample JSONs only. Besides the distributions it states whether val is frozen (identical
to v1's) and, for a version with a parent, the checked diff from it. Exit 0 healthy,
1 warnings (val changed, files missing, samples unreadable), 2 bad usage or input.
"""

from __future__ import annotations

from specgui.core.splits.health import SideHealth, SplitHealth, split_health

from .cmd_audit import version_number
from .cmd_split import capture_line
from .errors import collect_notes, reports_core_errors
from .output import EXIT_OK, EXIT_PROBLEMS, emit_json, say, to_jsonable

TOP_CLASSES = 8  # classes named per side in plain text; --json lists all


def register_under_split(split_subparsers) -> None:
    """Add ``health ROOT SIGNAL [--version N] [--json]`` to ``specgui split``'s actions."""
    text = "per-split distributions (boxes, sizes, centres, classes), train-vs-val drift, val integrity"
    parser = split_subparsers.add_parser("health", help=text, description=text)
    parser.add_argument("root", metavar="ROOT", help="the signals folder or its parent")
    parser.add_argument("signal", metavar="SIGNAL", help="signal folder name")
    parser.add_argument("--version", type=version_number, metavar="N", help="vN instead of the active version")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.set_defaults(func=reports_core_errors(_health))


def _health(args) -> int:
    with collect_notes() as notes:
        health = split_health(args.root, args.signal, args.version)
    warnings, diff = health.warnings, health.diff_from_parent
    payload = {
        "ok": not warnings, "signal": health.signal, "version": health.version,
        "val_frozen": health.val_frozen, "parent_version": health.parent_version, "warnings": warnings,
        "drift": health.drift, "drift_max": health.drift_max,
        "group_by": health.group_by, "capture_aware": health.group_by is not None, "capture_leaks": health.capture_leaks,
        "train": to_jsonable(health.train), "val": to_jsonable(health.val),
        "diff_from_parent": None if diff is None else {
            **to_jsonable(diff.diff), "val_unchanged": diff.diff.val_unchanged, "val_frozen": diff.val_frozen,
            "val_missing": diff.val_missing,
        },
        "notes": list(notes),
    }
    if args.json:
        emit_json(payload)
    else:
        for line in _lines(health, warnings, diff):
            say(line)
    return EXIT_PROBLEMS if warnings else EXIT_OK


def _fmt(value, spec: str = ".3g") -> str:
    return "-" if value is None else format(value, spec)


def _side_lines(side: SideHealth) -> list[str]:
    per, w, h = side.boxes_per_sample.stats, side.box_width.stats, side.box_height.stats
    lines = [
        f"  {side.split}: {side.readable} of {side.listed} sample(s) read, {side.boxes} box(es), "
        f"boxes/sample mean {_fmt(per['mean'])} median {_fmt(per['median'])} max {_fmt(per['max'])}",
        f"    box width (time): median {_fmt(side.width_px['median'])} px = {_fmt(w['median'])} of the image, "
        f"p10..p90 {_fmt(w['p10'])}..{_fmt(w['p90'])}",
        f"    box height (band): median {_fmt(side.height_px['median'])} px = {_fmt(h['median'])} of the image, "
        f"p10..p90 {_fmt(h['p10'])}..{_fmt(h['p90'])}",
    ]
    if side.class_counts:
        top = sorted(side.class_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = ", ".join(f"{name} {count}" for name, count in top[:TOP_CLASSES])
        more = f", ... {len(top) - TOP_CLASSES} more" if len(top) > TOP_CLASSES else ""
        lines.append(f"    classes: {shown}{more}" + (f"; {side.unlabelled_boxes} unlabelled" if side.unlabelled_boxes else ""))
    if side.image_sizes:
        lines.append("    image sizes: " + ", ".join(f"{k} ({v})" for k, v in sorted(side.image_sizes.items())))
    return lines


def _lines(health: SplitHealth, warnings: list[str], diff) -> list[str]:
    frozen = {True: "val frozen (identical to v1's)", False: "VAL DIFFERS FROM v1", None: "v1 unreadable"}
    lines = [f"{health.signal} v{health.version}: {frozen[health.val_frozen]}",
             "  " + capture_line(health.group_by, health.capture_leaks, health.version)]
    lines += _side_lines(health.train) + _side_lines(health.val)
    drift = ", ".join(f"{k} {_fmt(v, '.2f')}" for k, v in health.drift.items())
    lines.append(f"  train-vs-val drift (Jensen-Shannon distance, 0 same .. 1 disjoint): {drift}")
    if diff is not None:
        d = diff.diff
        lines.append(f"  from v{d.a}: train +{len(d.train_added)} -{len(d.train_removed)}, "
                     f"val +{len(d.val_added)} -{len(d.val_removed)}")
    lines += [f"  warning: {w}" for w in warnings]
    return lines
