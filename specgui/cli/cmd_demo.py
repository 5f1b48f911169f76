"""``specgui demo ROOT``: write a realistic demo tree (ROOT/signals/...) to try the app on."""

from __future__ import annotations

import argparse

from specgui.core.demo.writer import MIN_SIZE, write_demo

from .errors import reports_core_errors
from .output import EXIT_OK, emit_json, say, to_jsonable
from .progress import ProgressBar


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _side(text: str) -> int:
    value = int(text)
    if not MIN_SIZE <= value <= 8192:
        raise argparse.ArgumentTypeError(f"must be between {MIN_SIZE} and 8192, got {value}")
    return value


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="write a demo data tree (ROOT/signals/...) with samples, boxes and splits",
        description="Write ROOT/signals/<signal>/samples and splits: bursts, CW tones, chirps, "
                    "frequency hopping and OFDM-like blocks on a noise floor, with field-style "
                    "metadata. Every signal but the last gets a v1 split; the first also gets a few "
                    "pending samples (on disk, in no split). Refuses a non-empty ROOT/signals unless "
                    "--force; never overwrites.")
    parser.add_argument("root", metavar="ROOT", help="folder to create ROOT/signals in")
    parser.add_argument("--signals", type=_count, default=3, metavar="N", help="number of signals (default 3)")
    parser.add_argument("--samples", type=_count, default=40, metavar="M",
                        help="samples per signal (default 40); the first signal gets M/8 more (1 to 5), "
                             "written after its v1 split as pending samples to try extend on")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument("--size", type=_side, nargs=2, default=(1024, 1024), metavar=("H", "W"),
                        help="spectrogram rows and columns (default 1024 1024)")
    parser.add_argument("--plain", action="store_true", help="np.savez instead of np.savez_compressed")
    parser.add_argument("--force", action="store_true",
                        help="write into a non-empty signals folder (existing signals are left untouched)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run)


@reports_core_errors
def run(args) -> int:
    bar = ProgressBar("writing samples")
    try:
        report = write_demo(args.root, signals=args.signals, samples=args.samples, seed=args.seed,
                            size=tuple(args.size), compressed=not args.plain, force=args.force,
                            progress=bar.update)
    finally:
        bar.close()
    if args.json:
        emit_json({"ok": True, **to_jsonable(report)})
        return EXIT_OK
    rows, cols = report.size
    say(f"Wrote {report.total_samples} samples ({rows}x{cols}, "
        f"{'compressed' if report.compressed else 'plain'} .npz) to {report.signals_root} "
        f"in {report.seconds:.1f} s")
    for s in report.signals:
        if s.skipped:
            say(f"  {s.name:<10} skipped: {s.skipped}")
            continue
        split = f"v{s.split_version}: {s.train_count} train / {s.val_count} val" if s.split_version else "no split"
        say(f"  {s.name:<10} {s.samples:>5} samples ({s.kind}, {s.id_style} IDs), {split}, {s.pending} pending")
    say(f"Open it with: specgui {report.root}")
    return EXIT_OK

