"""``specgui audit ROOT SIGNAL``: train/val leakage of a split version (exit 1 when any).

Finds exact duplicate pixels, near copies (perceptual hash) and overlapping or touching
windows of one capture across train and val. Samples that cannot be read are listed as
problems and do not stop the audit. Exit 0 no leak, 1 leaks found, 2 bad usage or input.
"""

from __future__ import annotations

import argparse
import os

from specgui.core.audit.audit import AuditReport, audit_split
from specgui.core.audit.groups import DEFAULT_PAIRS_PER_GROUP
from specgui.core.audit.hashes import DEFAULT_NEAR_THRESHOLD, PHASH_BITS
from specgui.core.audit.work import POOLS

from .errors import collect_notes, reports_core_errors
from .output import EXIT_OK, EXIT_PROBLEMS, emit_json, say, to_jsonable
from .progress import ProgressBar

SHOWN_LEAKS = 10  # per kind in plain text; --json lists all


def version_number(text: str) -> int:
    """``N`` or ``vN``, at least 1 (argparse type)."""
    try:
        value = int(text.lstrip("vV"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a version number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"versions start at 1, got {text}")
    return value


def _threshold(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= value <= PHASH_BITS:
        raise argparse.ArgumentTypeError(f"must be 0..{PHASH_BITS} (bits of the perceptual hash), got {text}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def register(subparsers) -> None:
    text = "find train/val leakage: duplicate pixels, near copies, overlapping capture windows"
    parser = subparsers.add_parser("audit", help=text, description=text + ". Exit 1 when any leak is found.")
    parser.add_argument("root", metavar="ROOT", help="the signals folder or its parent")
    parser.add_argument("signal", metavar="SIGNAL", help="signal folder name")
    parser.add_argument("--version", type=version_number, metavar="N", help="audit vN (default: the active version)")
    parser.add_argument("--near-threshold", type=_threshold, default=DEFAULT_NEAR_THRESHOLD, metavar="T",
                        help=f"near copy when perceptual hashes differ in at most T of {PHASH_BITS} bits "
                             f"(default {DEFAULT_NEAR_THRESHOLD}; 0 = only pixel-identical images)")
    parser.add_argument("--workers", type=_positive, default=None, metavar="N", help="decode workers (default: CPU count)")
    parser.add_argument("--pool", choices=POOLS, default="auto",
                        help="where decodes run (default auto: threads for field-size files, processes "
                             "for thousands of small ones)")
    parser.add_argument("--no-cache", action="store_true", help="ignore and do not write the fingerprint cache")
    parser.add_argument("--all-pairs", action="store_true",
                        help=f"list every leaking train/val pair in 'leaks' (default: at most "
                             f"{DEFAULT_PAIRS_PER_GROUP} per leak group; 'leak_groups' always lists every sample)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.set_defaults(func=reports_core_errors(_audit))


def _audit(args) -> int:
    if _under_torchrun():
        return _audit_distributed(args)
    with collect_notes() as notes:
        bar = ProgressBar(f"audit {args.signal}")
        try:
            report = audit_split(args.root, args.signal, args.version, near_threshold=args.near_threshold,
                                 workers=args.workers, use_cache=not args.no_cache, pool=args.pool,
                                 progress=bar.update,
                                 pairs_per_group=None if args.all_pairs else DEFAULT_PAIRS_PER_GROUP)
        finally:
            bar.close()
        notes.add(report.cache_note)
    return _print(args, report, notes)


def _under_torchrun() -> bool:
    try:
        return int(os.environ.get("WORLD_SIZE", "1")) > 1
    except ValueError:
        return False


def _audit_distributed(args) -> int:
    """Under ``torchrun``: each rank fingerprints its shard; rank 0 prints the one report; every
    rank exits with its status. torch loads only here (in the core modules imported here)."""
    from specgui.core.audit.distributed import audit_distributed
    from specgui.core.sanity.distributed import init_from_env, leave_process_group

    world = init_from_env(use_cuda=False)  # gloo: the audit moves Python objects, not tensors
    try:
        with collect_notes() as notes:
            bar = ProgressBar(f"audit {args.signal}", enabled=None if world.rank == 0 else False)
            try:
                report, leaks = audit_distributed(
                    args.root, args.signal, args.version, near_threshold=args.near_threshold, workers=args.workers,
                    use_cache=not args.no_cache, pool=args.pool, progress=bar.update,
                    pairs_per_group=None if args.all_pairs else DEFAULT_PAIRS_PER_GROUP)
            finally:
                bar.close()
            if report is not None:
                notes.add(report.cache_note)
                notes.add(f"fingerprinted on {world.world_size} ranks, searched on rank 0")
        if report is not None:
            _print(args, report, notes)
        return EXIT_PROBLEMS if leaks else EXIT_OK
    finally:
        leave_process_group(world is not None)


def _print(args, report: AuditReport, notes) -> int:
    if args.json:
        emit_json(payload(report, notes))
    else:
        for line in text_lines(report):
            say(line)
    return EXIT_PROBLEMS if report.has_leaks else EXIT_OK


def payload(report: AuditReport, notes=()) -> dict:
    """The ``--json`` object: ``ok`` is false exactly when leaks were found (exit 1).

    ``leak_groups`` lists every leaking sample by group; ``leaks`` lists train/val pairs,
    at most a few per group unless ``--all-pairs`` (``leaks_truncated`` pairs left out);
    ``leak_count`` / ``leak_counts`` count all leaking pairs, listed or not."""
    return {
        "ok": not report.has_leaks, "signal": report.signal, "version": report.version,
        "train_count": report.train_count, "val_count": report.val_count,
        "near_threshold": report.near_threshold, "hash_bits": PHASH_BITS,
        "leak_group_count": len(report.groups), "leak_group_counts": report.group_counts(),
        "leak_groups": [group.to_dict() for group in report.groups],
        "leak_count": report.pair_count, "leak_counts": report.leak_counts(),
        "leaks": [to_jsonable(leak) for leak in report.leaks], "leaks_truncated": report.leaks_truncated,
        "problem_count": len(report.problems), "problems": [to_jsonable(p) for p in report.problems],
        "samples_without_window": report.without_window,
        "cache": {"path": report.cache_path, "hits": report.cache_hits, "decoded": report.decoded,
                  "linked": report.linked},
        "notes": list(notes),
    }


def _describe(leak) -> str:
    e = leak.evidence
    if leak.kind == "exact":
        return f"identical pixels {e['shape'][0]}x{e['shape'][1]}, hash {e['hash'][:12]}"
    if leak.kind == "near":
        return f"perceptual hashes {e['distance']}/{e['bits']} bits apart (threshold {e['threshold']})"
    (t0, t1), (v0, v1) = e["train_window"], e["val_window"]
    how = "touch" if e["touching"] else f"overlap {e['overlap_sec']:g} s"
    return f"{e['capture']}: train {t0:g}..{t1:g} s, val {v0:g}..{v1:g} s ({how})"


def _describe_group(group) -> str:
    e = group.evidence
    if group.kind == "exact":
        return f"identical pixels {e['shape'][0]}x{e['shape'][1]}, hash {e['hash'][:12]}"
    if group.kind == "near":
        return (f"perceptual hashes linked {e['min_distance']}..{e['max_distance']}/{e['bits']} bits apart "
                f"(threshold {e['threshold']})")
    (t0, t1), (v0, v1) = e["train_span"], e["val_span"]
    return f"{e['capture']}: train windows {t0:g}..{t1:g} s, val windows {v0:g}..{v1:g} s"


def _ids(ids, shown: int = 3) -> str:
    return ", ".join(ids[:shown]) + (f" +{len(ids) - shown} more" if len(ids) > shown else "")


def text_lines(report: AuditReport) -> list[str]:
    counts, groups = report.leak_counts(), report.group_counts()
    head = (f"{report.signal} v{report.version}: {report.train_count} train / {report.val_count} val; "
            f"{len(report.groups)} leak group(s): {groups['exact']} exact, {groups['near']} near, "
            f"{groups['capture']} capture ({report.pair_count} train/val pairs)")
    lines = [head]
    for kind in ("exact", "near", "capture"):
        shown = [g for g in report.groups if g.kind == kind]
        for group in shown[:SHOWN_LEAKS]:
            lines.append(f"  [{kind}] {group.train_count} train ({_ids(group.train_ids)}) ~ {group.val_count} val "
                         f"({_ids(group.val_ids)}): {_describe_group(group)}")
        if len(shown) > SHOWN_LEAKS:
            lines.append(f"  [{kind}] ... and {len(shown) - SHOWN_LEAKS} more group(s) (--json lists all)")
        pairs = [leak for leak in report.leaks if leak.kind == kind]
        for leak in pairs[:SHOWN_LEAKS if counts[kind] else 0]:
            lines.append(f"    pair [{kind}] train {leak.train} ~ val {leak.val}: {_describe(leak)}")
    if report.problems:
        lines.append(f"{len(report.problems)} sample(s) not checked:")
        lines += [f"  [{p.split}] {p.sample_id}: {p.problem}" for p in report.problems[:SHOWN_LEAKS]]
        if len(report.problems) > SHOWN_LEAKS:
            lines.append(f"  ... and {len(report.problems) - SHOWN_LEAKS} more (--json lists all)")
    if report.without_window:
        lines.append(f"{report.without_window} sample(s) name a source_capture but no usable window; "
                     "their capture overlap was not checked")
    linked = f", {report.linked} shared with a hard link of the same file" if report.linked else ""
    lines.append(f"fingerprints: {report.cache_hits} from cache, {report.decoded} decoded{linked}")
    if not report.has_leaks:
        lines.append("No leakage found.")
    return lines
