"""``specgui boxes ROOT SIGNAL ID``: print a sample's boxes, or replace them (``--set``).

``--set FILE`` (``-``: stdin) takes a JSON list of boxes and rewrites ``{ID}.json``
atomically, keeping every other key; ``--expect-sha256 HEX`` refuses when the file changed
since you read it. Invalid boxes or a changed file: exit 2, nothing written.
"""

from __future__ import annotations

import json
import os
import sys

from specgui.core.errors import SampleError
from specgui.core.review.box_save import boxes_payload, load_for_edit, save_boxes
from specgui.core.samples.ids import check_sample_id
from specgui.core.samples.labels import MAX_JSON_BYTES
from specgui.core.splits.manager import open_signal

from .errors import reports_core_errors
from .output import EXIT_OK, emit_json, say


def register(subparsers) -> None:
    p = subparsers.add_parser("boxes", help="print or replace one sample's boxes",
                              description=__doc__.split("\n\n", 1)[1])
    p.add_argument("root", metavar="ROOT", help="the signals folder or its parent")
    p.add_argument("signal", metavar="SIGNAL", help="signal folder name")
    p.add_argument("sample_id", metavar="ID", help="sample ID")
    p.add_argument("--set", dest="set_from", metavar="FILE", help="replace the boxes with this JSON list ('-': stdin)")
    p.add_argument("--expect-sha256", metavar="HEX", help="refuse unless the JSON file still has this SHA-256")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(func=reports_core_errors(_boxes))


def _read_boxes(source: str):
    where = "stdin" if source == "-" else source
    try:
        if source == "-":
            blob = sys.stdin.buffer.read(MAX_JSON_BYTES + 1)
        else:
            with open(source, "rb") as fh:
                blob = fh.read(MAX_JSON_BYTES + 1)
    except OSError as exc:
        raise SampleError(where, f"cannot read: {exc.strerror or exc}") from None
    if len(blob) > MAX_JSON_BYTES:
        raise SampleError(where, "too large for a list of boxes")
    try:
        return json.loads(blob.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SampleError(where, f"not a JSON list of boxes: {exc}") from None


def _boxes(args) -> int:
    _, signal_dir = open_signal(os.path.abspath(args.root), args.signal)
    check_sample_id(args.sample_id, signal_dir / "samples")
    expected = args.expect_sha256.lower() if args.expect_sha256 else None
    if expected is not None and (len(expected) != 64 or any(c not in "0123456789abcdef" for c in expected)):
        raise SampleError(None, f"--expect-sha256 {args.expect_sha256!r} is not a 64-digit hex SHA-256")
    editable = load_for_edit(signal_dir / "samples", args.sample_id)
    digest, boxes, changed = editable.sha256, boxes_payload(editable.metadata), False
    if args.set_from is not None:
        new_boxes = _read_boxes(args.set_from)
        digest = save_boxes(editable.json_path, new_boxes, expected or editable.sha256, editable.image_shape)
        boxes, changed = json.loads(editable.json_path.read_bytes())["boxes"], True
    elif expected is not None and expected != digest:
        raise SampleError(editable.json_path, f"SHA-256 is {digest}, not the expected {expected}")
    if args.json:
        emit_json({"ok": True, "sample_id": args.sample_id, "path": str(editable.json_path),
                   "boxes": boxes, "sha256": digest, "changed": changed})
    else:
        verb = "saved" if changed else "has"
        lines = [f"{args.sample_id} {verb} {len(boxes)} box(es)  sha256 {digest}"]
        for i, b in enumerate(boxes):
            if isinstance(b, dict):
                lines.append(f"  {i}: x {b.get('x_min')}..{b.get('x_max')}  y {b.get('y_min')}..{b.get('y_max')}"
                             + (f"  {b['label']}" if b.get("label") is not None else ""))
        say("\n".join(lines))
    return EXIT_OK
