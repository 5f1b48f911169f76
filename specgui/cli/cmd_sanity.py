"""``specgui sanity ROOT SIGNAL``: every sample of a split version through the real loader.

Exit 0 when every sample decodes, is well-formed and reaches the device; 1 when any sample
has a problem (each listed); 2 on bad usage (bad ROOT, unknown signal, no split, CUDA asked
for but absent). Under ``torchrun`` (``WORLD_SIZE`` > 1) each rank checks its shard and
rank 0 prints the merged report; every rank exits with the same status.
"""

from __future__ import annotations

import argparse

from .output import EXIT_OK, EXIT_PROBLEMS, emit_json, fail, say, warn
from .progress import ProgressBar

EXIT_INTERRUPTED = 130


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "sanity", help="check every sample of a split through the DataLoader to the device",
        description="Run every train and val sample of a split version through a torch DataLoader to the "
                    "device: decode, check, measure. Exit 0 clean, 1 problems found, 2 bad usage.")
    parser.add_argument("root", help="the signals folder, or the folder holding signals/")
    parser.add_argument("signal", help="signal name (a folder under the signals root)")
    parser.add_argument("--version", dest="split_version", type=int, default=None, metavar="N",
                        help="split version to check (default: the active one)")
    parser.add_argument("--device", default="auto", help="auto (default), cpu, cuda or cuda:N")
    parser.add_argument("--workers", type=int, default=None, help="DataLoader workers (default: from the cores)")
    parser.add_argument("--batch-size", type=int, default=None, help="samples per batch (default 8)")
    parser.add_argument("--prefetch-factor", type=int, default=None, help="batches queued per worker (default 4)")
    parser.add_argument("--mp-context", choices=("fork", "spawn", "forkserver"), default=None,
                        help="how workers start (default: the platform's)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # imported here, not at the top: torch loads only when this command runs
    from specgui.core.errors import DataRootError, SplitFileError
    from specgui.core.sanity.run import iter_sanity_pass, plan_sanity_pass
    from specgui.core.steps import run_steps
    from specgui.core.sanity.distributed import (SanityConfigError, env_world, init_from_env, leave_process_group,
                                                 resolve_device, wants_cuda)

    world = env_world()
    joined = False
    try:
        resolve_device(args.device)  # CUDA asked for but absent: refuse before joining a job
        if world is not None:
            joined = init_from_env(wants_cuda(args.device)) is not None
        plan = plan_sanity_pass(args.root, args.signal, version=args.split_version, device=args.device,
                                workers=args.workers, batch_size=args.batch_size,
                                prefetch_factor=args.prefetch_factor, multiprocessing_context=args.mp_context)
    except (DataRootError, SplitFileError, SanityConfigError) as exc:
        leave_process_group(joined)
        return fail(str(exc), args.json)
    lead = world is None or world.rank == 0
    bar = ProgressBar(f"sanity {args.signal} v{plan.membership.version}", enabled=None if lead else False)
    events = iter_sanity_pass(plan)
    try:
        report = run_steps(events, lambda event: bar.update(event.done, event.total))
    except KeyboardInterrupt:
        events.close()
        bar.close()
        warn("sanity pass cancelled")
        return EXIT_INTERRUPTED
    finally:
        leave_process_group(joined)
    bar.close()
    if lead:
        if args.json:
            emit_json(report.to_dict())
        else:
            _print_report(report)
    return EXIT_OK if report.clean else EXIT_PROBLEMS


def _print_report(report) -> None:
    t = report.timing
    ranks = f", {report.world_size} ranks" if report.world_size > 1 else ""
    say(f"{report.signal}: split v{report.split_version} on {report.device} ({report.device_name}), "
        f"{report.workers} workers, batch {report.batch_size}{ranks}")
    for name, split in report.splits.items():
        hist = " ".join(f"{k}:{v}" for k, v in split.boxes_per_sample.items()) or "-"
        line = (f"  {name}: {split.samples_listed} listed, {split.samples_checked} checked, {split.samples_ok} ok, "
                f"{split.empty_samples} without boxes; boxes per sample {hist}")
        if split.box_width and split.box_height:
            line += (f"; box width {split.box_width.min:g}..{split.box_width.max:g} (median {split.box_width.median:g}),"
                     f" height {split.box_height.min:g}..{split.box_height.max:g} (median {split.box_height.median:g})")
        if split.pixel_mean is not None:
            line += f"; pixels mean {split.pixel_mean:.4f} std {split.pixel_std:.4f}"
        say(line)
    peak = "n/a" if t.peak_device_memory_bytes is None else f"{t.peak_device_memory_bytes / 2**20:.1f} MiB"
    say(f"  speed: {t.samples_per_second:.1f} samples/s, {t.mb_per_second:.1f} MB/s of pixels, "
        f"{t.file_mb_per_second:.1f} MB/s of files; {t.wall_seconds:.2f} s in all (first batch after "
        f"{t.startup_seconds:.2f} s), decode {t.decode_seconds:.2f} s, waiting {t.wait_seconds:.2f} s, "
        f"device {t.device_seconds:.2f} s; peak device memory {peak}")
    for note in report.notes:
        say(f"  note: {note}")
    problems = report.problems
    if not problems:
        say(f"clean: all {report.samples_checked} samples decode, are well-formed and reach the device")
        return
    say(f"{len(problems)} problem(s):")
    for p in problems:
        where = f"{p.file}: " if p.file else ""
        say(f"  {p.split:5s} {p.sample_id}  {where}{p.reason}")
