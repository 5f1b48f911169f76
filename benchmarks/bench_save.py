"""Box save cost: ``save_boxes`` (lock, hash check, key-preserving encode, temp+fsync+rename)
against a bare ``json.dump`` + ``os.replace`` of the same file, in the same run.

    python benchmarks/bench_save.py [--repeats 200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from specgui.core.review.box_save import file_sha256, save_boxes  # noqa: E402

TORCHSIG = REPO.parent / "shared" / "data" / "torchsig-sample" / "wideband" / "samples" / "0001.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        samples = Path(tmp) / "sig" / "samples"
        samples.mkdir(parents=True)
        path = samples / "0001.json"
        source = TORCHSIG.read_bytes() if TORCHSIG.is_file() else json.dumps(
            {"boxes": [{"x_min": 1, "y_min": 1, "x_max": 5, "y_max": 5}] * 5, "pad": "x" * 4000}).encode()
        path.write_bytes(source)
        data = json.loads(source)
        boxes = data["boxes"]
        bare, ours = [], []
        for i in range(args.repeats):
            t0 = time.perf_counter()
            tmp_path = samples / f".bare.tmp-{i}"
            with open(tmp_path, "w") as fh:
                json.dump(data, fh, indent=1)
            os.replace(tmp_path, samples / "bare.json")
            bare.append(time.perf_counter() - t0)
            sha = file_sha256(path)
            t0 = time.perf_counter()
            save_boxes(path, boxes, sha, (1024, 1024))
            ours.append(time.perf_counter() - t0)
        b, o = statistics.median(bare), statistics.median(ours)
        print(f"file {len(source):,} bytes, {args.repeats} saves each (median)")
        print(f"bare json.dump + os.replace: {b * 1e3:.3f} ms")
        print(f"save_boxes (fsync file + folder, lock, hash check): {o * 1e3:.3f} ms  ratio {o / b:.2f}x")


if __name__ == "__main__":
    main()
